"""Exports written by the task worker (``phrom worker``), never in the request."""

from __future__ import annotations

import logging

from django.db import connection
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def run_export(*, export_id: int) -> str:
    """Write the waiting export EXPORT_ID; says what came of it."""
    from phrom.exports.services import export_run

    export = export_run(export_id=export_id)
    if export is None:
        return "nothing to do"
    return f"{export.cycle.code} {export.kind}: {export.status}"


def remove_old_exports_now() -> int:
    """Delete the files of exports finished more than PHROM_EXPORT_KEEP_DAYS days ago, log
    it, and return how many were removed (0 on error). ``phrom worker`` runs it when it
    starts and then hourly, beside the expiry of clarification requests."""
    from phrom.exports.services import exports_remove_old

    try:
        count = exports_remove_old()
    except Exception:  # a database that is down now may be back at the next round
        logger.exception("old export files could not be removed this round")
        return 0
    finally:
        connection.close()
    if count:
        logger.info("the files of %d old export(s) removed", count)
    return count
