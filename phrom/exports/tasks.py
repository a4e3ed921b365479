"""Exports written by the task worker (``phrom worker``), never in the request."""

from __future__ import annotations

from django_tasks import task


@task()
def run_export(*, export_id: int) -> str:
    """Write the waiting export EXPORT_ID; says what came of it."""
    from phrom.exports.services import export_run

    export = export_run(export_id=export_id)
    if export is None:
        return "nothing to do"
    return f"{export.cycle.code} {export.kind}: {export.status}"
