"""Asking for an export and writing it (in the task worker, ``phrom worker``)."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from phrom.exports.models import Export, ExportKind, ExportStatus
from phrom.exports.selectors import ExportProblem
from phrom.frameworks.models import Cycle

logger = logging.getLogger(__name__)

PROGRESS_SECONDS = 1.0
"""The least time between two progress updates of a running export."""


def export_request(*, cycle: Cycle, kind: str, by: Any, language: str = "th") -> Export:
    """A new export of KIND for CYCLE, asked for by BY, written by the worker once the
    current transaction commits. Asking again makes another one."""
    if kind not in ExportKind.values:
        raise ValueError(f"no export of kind {kind!r}")
    with transaction.atomic():
        export = Export.objects.create(cycle=cycle, kind=kind, requested_by=by,
                                       language="en" if language.startswith("en") else "th")

        def enqueue() -> None:
            from phrom.exports.tasks import run_export

            run_export.enqueue(export_id=export.pk)

        transaction.on_commit(enqueue)
    return export


class _Progress:
    """Writes an export's progress to its row at most once a second (the page reads it)."""

    def __init__(self, export_id: int) -> None:
        self.export_id = export_id
        self.last = 0.0

    def total(self, total: int) -> None:
        Export.objects.filter(pk=self.export_id).update(total=total, updated_at=timezone.now())

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_SECONDS:
            return
        self.last = now
        Export.objects.filter(pk=self.export_id).update(done=done, updated_at=timezone.now())


def export_run(*, export_id: int) -> Export | None:
    """Write the pending export EXPORT_ID into a file in storage; on failure keep it as
    failed with the reason in plain words. None when it is not waiting (already run)."""
    claimed = Export.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), updated_at=timezone.now())
    if not claimed:
        return None
    export = Export.objects.select_related("cycle__framework", "requested_by").get(pk=export_id)
    progress = _Progress(export.pk)
    with translation.override(export.language), tempfile.TemporaryDirectory() as folder:
        try:
            path, filename, problems = _write(export, Path(folder), progress)
            with path.open("rb") as fh:
                export.file.save(filename, File(fh), save=False)
            export.filename = filename
            export.size = path.stat().st_size
            export.problems = problems
            export.status = ExportStatus.COMPLETE
        except Exception as exc:
            logger.exception("export %s of %s failed", export.pk, export.cycle.code)
            export.status = ExportStatus.FAILED
            export.error = plain_error(exc)
        export.finished_at = export.updated_at = timezone.now()
        if export.status == ExportStatus.COMPLETE:
            export.done = export.total or export.done
        export.save(update_fields=["file", "filename", "size", "problems", "status", "error",
                                   "finished_at", "updated_at", "done", "publication_version"])
        export.refresh_from_db()
    return export


FINISHED = (ExportStatus.COMPLETE, ExportStatus.FAILED)


def exports_remove_old(*, now: dt.datetime | None = None) -> int:
    """Delete from storage the file of every finished (complete or failed) export that
    finished more than PHROM_EXPORT_KEEP_DAYS days before NOW, through Django's storage
    (local folder or S3 bucket alike). Each row stays as history (who asked for what, and
    when) with ``file`` cleared and ``removed_at`` set. Waiting and running exports are never
    touched. A file already gone from storage is logged and its row marked all the same; a
    file that cannot be deleted now is logged and left for the next round, and neither stops
    the others. Returns how many exports were marked removed."""
    now = now or timezone.now()
    before = now - dt.timedelta(days=settings.PHROM_EXPORT_KEEP_DAYS)
    due = list(
        Export.objects.filter(status__in=FINISHED, finished_at__lt=before, removed_at=None)
        .exclude(file="").order_by("finished_at", "pk").values_list("pk", flat=True))
    removed = 0
    for export_id in due:
        try:
            removed += _export_remove_file(export_id=export_id, now=now)
        except Exception:  # storage or database trouble with one file: the others go on
            logger.exception("the file of export %s could not be removed; trying again at "
                             "the next round", export_id)
    return removed


def _export_remove_file(*, export_id: int, now: dt.datetime) -> bool:
    """Delete the file of finished export EXPORT_ID and mark its row; False when another
    worker did it first (the row is locked while its file is deleted)."""
    with transaction.atomic():
        export = (Export.objects.select_for_update()
                  .filter(pk=export_id, status__in=FINISHED, removed_at=None)
                  .exclude(file="").first())
        if export is None:
            return False
        name, storage = export.file.name, export.file.storage
        if storage.exists(name):
            storage.delete(name)
        else:
            logger.warning("the file %s of export %s was already gone from storage; marked "
                           "removed", name, export.pk)
        export.file.name = ""
        export.removed_at = now
        export.save(update_fields=["file", "removed_at"])
    return True


def plain_error(exc: BaseException) -> str:
    """Why an export stopped, for the administrator who asked for it."""
    if isinstance(exc, ExportProblem):
        return str(exc)
    if isinstance(exc, OSError):
        return _("The file could not be written or stored (%(error)s). Check the disk space "
                 "and the storage settings, then ask again.") % {"error": exc}
    return _("The export stopped on an unexpected error (%(kind)s: %(error)s). Ask again; "
             "if it happens again, tell the system's administrator.") % {
        "kind": type(exc).__name__, "error": str(exc)[:500]}


def _user_name(user: Any) -> str:
    from phrom.responses.selectors import user_name

    return user_name(user)


def _write(export: Export, folder: Path, progress: _Progress) -> tuple[Path, str, str]:
    """Write EXPORT's file into FOLDER: (its path, its download name, what it lacks)."""
    from phrom.exports import selectors

    cycle, language = export.cycle, export.language
    stamp = timezone.localtime(export.requested_at).strftime("%Y%m%d-%H%M")
    kind = ExportKind(export.kind)
    if kind == ExportKind.SCORECARDS:
        return _write_scorecards(export, folder, progress, stamp)
    figures_text = _("Answers, evidence and reviews as stored at the time of the export.")
    if kind == ExportKind.RESULTS:
        figures = selectors.results_figures(cycle=cycle)
        sheets = selectors.results_sheets(figures=figures, language=language)
        figures_text = _figures_text(export, figures.publication)
    elif kind == ExportKind.ANSWERS:
        sheets = [selectors.answers_sheet(cycle=cycle, language=language)]
    elif kind == ExportKind.EVIDENCE:
        sheets = [selectors.evidence_sheet(cycle=cycle, language=language)]
    else:
        sheets = selectors.review_sheets(cycle=cycle, language=language)
    about = selectors.about_sheet(
        cycle=cycle, what=str(kind.label), figures=figures_text,
        by=_user_name(export.requested_by), at=export.requested_at)
    export.total = sum(s.count for s in sheets) + about.count
    progress.total(export.total)
    path = folder / "export.xlsx"
    from phrom.exports.workbooks import write_workbook

    written = write_workbook(path, [about, *sheets], progress)
    export.done = written
    return path, f"{cycle.code}-{kind.value}-{stamp}.xlsx", ""


def _figures_text(export: Export, publication: Any) -> str:
    from phrom.core.thai import format_datetime

    if publication is None:
        return _("Current scores, not published: provisional and may still change.")
    export.publication_version = publication.version
    return _("Published figures as stored by version %(version)s of %(when)s "
             "(never scored again).") % {
        "version": publication.version, "when": format_datetime(publication.created_at)}


# The scored cycle that the processes of a scorecard batch render from (set before they
# are forked, so each reads it without a copy being sent).
_BATCH: dict[str, Any] = {}
# Database connections a forked process inherited: kept, never used or closed (closing
# one would end the parent's session), so that the process opens its own.
_INHERITED: list[Any] = []


def _forked() -> None:
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        _INHERITED.append(connection.connection)
        connection.connection = None


def _render(code: str) -> tuple[str, bytes | None, str]:
    """AGENCY's scorecard PDF (in Thai), or the error that stopped it."""
    from phrom.reports.pdf import scorecard_pdf
    from phrom.reports.scorecard import scorecard_context

    try:
        context = scorecard_context(scored=_BATCH["scored"], agency=code, language="th")
        return code, scorecard_pdf(context), ""
    except Exception as exc:  # one scorecard's problem does not stop the others
        logger.warning("the scorecard of %s could not be made", code, exc_info=True)
        return code, None, f"{type(exc).__name__}: {exc}"


def batch_processes() -> int:
    """How many processes render a scorecard batch: one per core, at most two (a batch
    must leave the server's requests room); one inside a transaction (a test's), whose
    rows other processes cannot see."""
    import os

    from django.db import connection

    if connection.in_atomic_block:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def _write_scorecards(export: Export, folder: Path, progress: _Progress,
                      stamp: str) -> tuple[Path, str, str]:
    """Every scored agency's scorecard PDF (in Thai) into one ZIP archive, each written
    as it comes, rendered by :func:`batch_processes` processes."""
    from phrom.exports.selectors import results_figures
    from phrom.exports.workbooks import write_scorecards

    cycle = export.cycle
    figures = results_figures(cycle=cycle)
    scored = figures.scored
    _figures_text(export, figures.publication)
    agencies = sorted(scored.agencies)
    if not agencies:
        raise ExportProblem(_("This cycle has no scored response: there is no scorecard "
                              "to make."))
    export.total = len(agencies)
    progress.total(len(agencies))
    path = folder / "scorecards.zip"

    def named(pages: Any) -> Any:
        for code, pdf, error in pages:
            yield f"scorecard-{cycle.year_be}-{code}.pdf", pdf, error

    _BATCH["scored"] = scored
    try:
        processes = batch_processes()
        if processes == 1:
            failed = write_scorecards(path, named(map(_render, agencies)), progress)
        else:
            import multiprocessing

            with multiprocessing.get_context("fork").Pool(processes, _forked) as pool:
                failed = write_scorecards(
                    path, named(pool.imap(_render, agencies, chunksize=2)), progress)
    finally:
        _BATCH.clear()
    if len(failed) == len(agencies):
        raise ExportProblem(_("No scorecard could be made; the first error: %(error)s") % {
            "error": failed[0][1]})
    problems = ""
    if failed:
        problems = _("%(count)s of %(total)s scorecards could not be made (listed in "
                     "ERRORS.txt in the archive); the first: %(name)s: %(error)s") % {
            "count": len(failed), "total": len(agencies), "name": failed[0][0],
            "error": failed[0][1]}
    export.done = len(agencies)
    return path, f"{cycle.code}-scorecards-{stamp}.zip", problems
