"""Exports written by the task worker (``phrom worker``), never in the request."""

from __future__ import annotations

from django_tasks import task

from phrom.core.housekeeping import run_logged


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
    it, and return how many were removed (0 on error); run by the worker
    (``phrom.core.housekeeping``)."""
    from phrom.exports.services import exports_remove_old

    return run_logged(exports_remove_old, done="the files of %d old export(s) removed",
                      failed="old export files could not be removed this round")
