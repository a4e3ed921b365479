"""Work of the task worker (``phrom worker``) for reviews.

Clarification requests left unanswered past their deadline expire while a worker runs:
once when it starts and then every ``every`` seconds (an hour by default). Expiry is
idempotent and locks each request, so several workers side by side expire each one once;
``phrom manage expire_clarifications`` does the same from cron where no worker runs. The
same thread runs the worker's other hourly work after it (the removal of old export files).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from django.db import connection

logger = logging.getLogger(__name__)

EXPIRY_EVERY = 3600.0


def expire_clarifications_now() -> int:
    """Expire what is due, log it, and return how many requests expired (0 on error)."""
    from phrom.reviews.clarifications import clarifications_expire

    try:
        count = clarifications_expire()
    except Exception:  # a database that is down now may be back at the next round
        logger.exception("clarification requests could not be expired this round")
        return 0
    finally:
        connection.close()
    if count:
        logger.info("%d clarification request(s) expired", count)
    return count


def expire_clarifications_in_background(
    every: float = EXPIRY_EVERY, *, also: Sequence[Callable[[], object]] = ()
) -> threading.Thread:
    """A daemon thread that expires due clarification requests now and every EVERY seconds
    until the process ends; each round then runs ALSO's other periodic work of the worker
    in turn (each catches and logs its own errors, like the expiry)."""
    stop = threading.Event()

    def loop() -> None:
        while True:
            expire_clarifications_now()
            for work in also:
                work()
            if stop.wait(every):
                return

    thread = threading.Thread(target=loop, name="phrom-expire-clarifications", daemon=True)
    thread.start()
    return thread
