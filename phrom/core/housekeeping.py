"""The task worker's periodic work (``phrom worker``): each job runs once when the worker
starts (``--batch``: once, then the worker stops) and then every hour in a daemon thread.

Every job is idempotent and locks each row it changes, so several workers side by side do
each piece of work once; where no worker runs, cron does the same through a management
command (``phrom manage expire_clarifications``, ``phrom manage remove_old_exports``). A job
that fails (a database down for a moment) is logged and tried again at the next round.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.db import connection

logger = logging.getLogger(__name__)

EVERY = 3600.0


def run_logged(job: Callable[[], int], *, done: str, failed: str) -> int:
    """JOB's count of what it did, logged with DONE (``%d`` for the count) when it did
    anything; on an error, FAILED is logged with the traceback and the count is 0. The
    database connection is closed afterwards: the thread must not keep one open for an hour."""
    try:
        count = job()
    except Exception:  # a database that is down now may be back at the next round
        logger.exception(failed)
        return 0
    finally:
        connection.close()
    if count:
        logger.info(done, count)
    return count


def jobs() -> list[Callable[[], int]]:
    """The worker's periodic jobs, in the order they run each round."""
    from phrom.exports.tasks import remove_old_exports_now
    from phrom.reviews.tasks import expire_clarifications_now

    return [expire_clarifications_now, remove_old_exports_now]


def run_once() -> None:
    for job in jobs():
        job()


def run_in_background(every: float = EVERY) -> threading.Thread:
    """A daemon thread that runs every job now and then every EVERY seconds until the
    process ends."""

    def loop() -> None:
        while True:
            run_once()
            time.sleep(every)

    thread = threading.Thread(target=loop, name="phrom-housekeeping", daemon=True)
    thread.start()
    return thread
