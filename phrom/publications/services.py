"""Publishing a cycle's results: every figure stored once, in one transaction."""

from __future__ import annotations

import csv
import importlib.metadata
import io
from typing import Any

from django.db import transaction
from django.db.models import Max

from phrom.core.tables import safe_cell
from phrom.frameworks.models import Cycle
from phrom.publications.models import Publication, PublicationStatus, PublishedAgency
from phrom.publications.stored import explanations, page_data
from scoring.answers import NOT_APPLICABLE
from scoring.model import QuestionType


def results_csv_text(result: Any) -> str:
    """RESULTS.csv text, as ``phrom score`` writes it."""
    from phrom.results.output import _fmt, result_columns

    precision = result.framework.precision
    columns = result_columns(result)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(c) for c in columns])
    for row in result.to_rows():
        writer.writerow([_fmt(safe_cell(row.get(c)), precision) for c in columns])
    return out.getvalue()


def _cell(question: Any, value: Any) -> object:
    """An answer as an ANSWERS.csv cell that ``phrom score-file`` reads back as VALUE."""
    if value is None:
        return ""
    if value is NOT_APPLICABLE:
        return "n/a"
    t = question.type
    if t is QuestionType.YES_NO:
        return "yes" if value else "no"
    if t is QuestionType.MULTIPLE_CHOICE:
        return ";".join(value) if value else "-"  # "-": answered, none chosen
    if isinstance(value, float):
        return repr(value)
    return safe_cell(value)  # option codes, text, links: never a formula


def _answers_csv(scored: Any) -> str:
    """The answers the figures were computed from (verified values where reviewers set
    one) in the ANSWERS.csv format of ``phrom score-file``: agency, name, group, then
    one column per question in framework order, except free-text questions: they score
    nothing and condition nothing that ``score-file`` reads, and what an agency typed
    there (names, explanations) is not published as open data."""
    questions = [q for q in scored.spec.questions if q.type is not QuestionType.TEXT]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["agency", "name", "group", *(q.code for q in questions)])
    for code in sorted(scored.answers):
        found = scored.answers[code]
        values = found.answers
        writer.writerow([
            code, safe_cell(found.name or ""), found.group or "",
            *(_cell(q, values.get(q.code)) for q in questions),
        ])
    return out.getvalue()


def _rows(scored: Any, claimed: Any) -> list[dict[str, object]]:
    """The RESULTS rows, each with its indicator scores and, when CLAIMED (the cycle
    scored from the agencies' own answers) is given, its claimed total."""
    result = scored.result
    indicators = result.published_indicators
    claimed_totals: dict[str, object] = {}
    if claimed is not None:
        claimed_totals = {str(r["agency"]): r["total"] for r in claimed.result.to_rows()}
    rows = result.to_rows()
    for i, row in enumerate(rows):
        row["indicators"] = {
            code: (None if v != v else float(v))  # NaN: not scored
            for code, v in zip(result.indicator_codes, indicators[i].tolist(), strict=True)
        }
        row["dimensions"] = {code: row.get(code) for code in result.published.dimension_codes}
        if claimed is not None:
            row["claimed_total"] = claimed_totals.get(str(row["agency"]))
    return rows


def _store_explanations(publication: Publication, scored: Any) -> None:
    """One row per agency with the explanation its scorecard shows, written in batches."""
    batch: list[PublishedAgency] = []
    for agency, explanation in explanations(scored):
        batch.append(PublishedAgency(publication=publication, agency=agency,
                                     explanation=explanation))
        # small batches: each garbage collection while one is held goes through all of it
        if len(batch) >= 50:
            PublishedAgency.objects.bulk_create(batch)
            batch = []
    PublishedAgency.objects.bulk_create(batch)


def _has_review(cycle: Cycle) -> bool:
    from phrom.reviews.models import Verdict

    return Verdict.objects.filter(response__cycle=cycle).exists()


class CorrectionRefused(ValueError):
    """A new version of published results cannot be stored; the message says why."""


class NothingChanged(CorrectionRefused):
    """The figures computed now are those of the latest version: no new version."""


def _latest_complete(cycle: Cycle) -> Publication | None:
    return (Publication.objects.filter(cycle=cycle, status=PublicationStatus.COMPLETE)
            .order_by("-version").first())


def publication_start(*, cycle: Cycle, by: Any = None, note: str = "") -> Publication:
    """A pending publication: the next version of CYCLE's results, to be computed by
    :func:`publish_results` (the first version when none is stored yet).

    A later version is a correction: it needs NOTE (what changed, why, who approved it),
    which every page of the corrected figures shows (``CorrectionRefused`` without one).
    """
    note = (note or "").strip()
    with transaction.atomic():
        Cycle.objects.select_for_update().get(pk=cycle.pk)
        latest = (Publication.objects.filter(cycle=cycle, status=PublicationStatus.COMPLETE)
                  .values_list("version", flat=True).order_by("-version").first())
        if latest is not None and not note:
            raise CorrectionRefused(
                f"{cycle.code} is already published (version {latest}): a new version is a "
                "correction, announced on its pages; say what changed, why and who approved "
                "it with --note \"...\""
            )
        last = Publication.objects.filter(cycle=cycle).aggregate(v=Max("version"))["v"] or 0
        return Publication.objects.create(cycle=cycle, version=last + 1, by=by, note=note)


def _same_figures(publication: Publication, latest: Publication) -> bool:
    """Whether PUBLICATION, just computed, holds exactly LATEST's published figures."""
    return (
        publication.framework_sha256 == latest.framework_sha256
        and publication.results_csv == latest.results_csv
        and publication.answers_csv == latest.answers_csv
        and publication.awards == latest.awards
        and publication.rows == latest.rows
    )


def publish_results(*, cycle: Cycle, by: Any = None, note: str | None = None,
                    publication: Publication | None = None) -> Publication:
    """Score CYCLE from its verified values and store every published figure as one new
    version (or fill the pending PUBLICATION), in one transaction: the open-data files,
    and what the results pages show as plain JSON (``phrom.publications.stored``).

    A correction is a later call with NOTE saying what changed, why and who approved it
    (``CorrectionRefused`` without one). When the figures computed are exactly those of
    the latest version, no version is stored and ``NothingChanged`` is raised: a new
    version would announce a correction of nothing (and ask for its awards to be
    confirmed again). On another failure the publication is kept as ``failed`` with the
    error and the error raised.
    """
    from phrom.results.adapter import score_cycle_from_db

    if publication is None:
        publication = publication_start(cycle=cycle, by=by, note=note or "")
    try:
        with transaction.atomic():
            cycle = Cycle.objects.select_related("framework").get(pk=cycle.pk)
            scored = score_cycle_from_db(cycle=cycle, verified=True)
            claimed = (score_cycle_from_db(cycle=cycle, verified=False)
                       if _has_review(cycle) else None)
            result = scored.result
            publication.framework_sha256 = cycle.framework.sha256
            publication.framework_text = cycle.framework.source
            publication.phrom_version = importlib.metadata.version("phrom")
            publication.rows = _rows(scored, claimed)
            publication.awards = {
                "framework": result.framework.code,
                "awards": [award.to_dict() for award in result.awards],
            }
            publication.results_csv = results_csv_text(result)
            publication.answers_csv = _answers_csv(scored)
            publication.pages = page_data(scored)
            latest = _latest_complete(cycle)
            if latest is not None and _same_figures(publication, latest):
                raise NothingChanged(
                    f"the figures of {cycle.code} computed now are those of version "
                    f"{latest.version}, published {latest.created_at:%Y-%m-%d}: no new "
                    "version stored (a correction changes answers or verified values first)"
                )
            PublishedAgency.objects.filter(publication=publication).delete()
            _store_explanations(publication, scored)
            publication.status = PublicationStatus.COMPLETE
            publication.error = ""
            publication.save()
    except NothingChanged:
        Publication.objects.filter(pk=publication.pk).delete()  # the version stays free
        raise
    except Exception as exc:
        Publication.objects.filter(pk=publication.pk).update(
            status=PublicationStatus.FAILED, error=str(exc)[:2000]
        )
        raise
    return publication


def enqueue_publication(*, cycle: Cycle, by: Any = None, note: str = "") -> None:
    """Once the current transaction commits, a pending publication of CYCLE and a task
    for the worker (``phrom worker``) that computes it."""

    def start() -> None:
        from phrom.publications.tasks import publish_cycle

        publication = publication_start(cycle=cycle, by=by, note=note)
        publish_cycle.enqueue(publication_id=publication.pk)

    transaction.on_commit(start)
