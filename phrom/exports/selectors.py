"""Reads for exports: the jobs of a cycle, and each workbook's sheets as rows streamed
from the database (``.iterator(chunk_size=...)``), so that no sheet holds a whole cycle's
answers, evidence or verdicts in memory.

A sheet's cells are plain values (text, numbers, ``None``); :mod:`phrom.exports.workbooks`
makes them safe for a spreadsheet. Headers and names are in the active language.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, FilteredRelation, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from phrom.core.thai import format_date, format_datetime
from phrom.exports.models import Export
from phrom.frameworks.models import Cycle, CycleStatus

CHUNK = 2000
"""Rows fetched from the database at a time."""


class ExportProblem(Exception):
    """Why an export cannot be made, in plain words for the administrator."""


@dataclass
class Sheet:
    """One worksheet: its title, column headers, column widths (characters) and rows."""

    title: str
    headers: list[str]
    rows: Iterable[Sequence[object]]
    count: int
    widths: list[int] = field(default_factory=list)


@dataclass
class Figures:
    """What a results export reads: the scored cycle (the stored one of a published
    cycle), its publication (None before publishing) and each agency's claimed total
    where review exists."""

    scored: Any
    publication: Any
    claimed: dict[str, float | None]


# --- jobs ---------------------------------------------------------------------------------


def cycle_exports(*, cycle: Cycle, limit: int = 100) -> list[Export]:
    """CYCLE's latest exports, newest first, with who asked for them."""
    return list(Export.objects.filter(cycle=cycle).select_related("requested_by")
                .order_by("-requested_at", "-id")[:limit])


def export_of(*, cycle: Cycle, export_id: int) -> Export | None:
    return Export.objects.filter(cycle=cycle, pk=export_id).first()


def exportable_cycles() -> list[Cycle]:
    """Every cycle, newest first, each with ``export_count``."""
    from django.db.models import Count

    return list(Cycle.objects.select_related("framework").defer("framework__source")
                .annotate(export_count=Count("exports")).order_by("-year_be", "code"))


# --- cells --------------------------------------------------------------------------------


def value_cell(value: Any) -> object:
    """A stored answer value as a cell, as the ANSWERS.csv format writes it: yes/no,
    option codes joined by ``;`` (``-``: answered, none chosen), numbers as numbers."""
    if value is None:
        return None
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else value
    if isinstance(value, list):
        return ";".join(str(v) for v in value) if value else "-"
    if isinstance(value, dict):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _person(first: str | None, last: str | None, username: str | None) -> str:
    """A person's name as the pages show it (``user_name``), from joined columns."""
    full = f"{first or ''} {last or ''}".strip()
    return full or (username or "")


def _yes(flag: bool) -> str:
    return _("yes") if flag else ""


def _when(value: Any) -> str:
    return format_datetime(value)


# --- about --------------------------------------------------------------------------------


def about_sheet(*, cycle: Cycle, what: str, figures: str, by: str, at: Any) -> Sheet:
    """The first sheet of every workbook: what it holds and where its figures come from."""
    rows: list[list[object]] = [
        [_("Cycle"), cycle.code],
        [_("Year (B.E.)"), cycle.year_be],
        [_("Framework"), cycle.framework.code],
        [_("Framework SHA-256"), cycle.framework.sha256],
        [_("Cycle status"), cycle.get_status_display()],
        [_("Contents"), what],
        [_("Figures"), figures],
        [_("Exported by"), by],
        [_("Exported at"), _when(at)],
    ]
    return Sheet(_("About"), [_("Item"), _("Value")], rows, len(rows), [24, 80])


# --- results ------------------------------------------------------------------------------


def results_figures(*, cycle: Cycle) -> Figures:
    """The figures a results export holds: for a published cycle the stored ones of its
    latest publication (never scored again), before that the current scores."""
    from phrom.publications.selectors import current_publication, published_scored

    if cycle.status == CycleStatus.PUBLISHED:
        publication = current_publication(cycle=cycle)
        if publication is None:
            raise ExportProblem(_(
                "This cycle is published but its figures are not stored yet: wait until "
                "the publication is complete, then ask again."))
        try:
            scored = published_scored(cycle=cycle)
        except Exception as exc:  # stored in a layout this version cannot read
            raise ExportProblem(_(
                "The stored figures of this cycle's publication cannot be read: %(error)s")
                % {"error": exc}) from exc
        if scored is None:
            raise ExportProblem(_(
                "The stored figures of this cycle's publication cannot be read by this "
                "version of Phrom; publish a correction to store them again."))
        return Figures(scored, publication, _stored_claimed(scored))
    from phrom.results.selectors import scored_cycle

    scored = scored_cycle(cycle=cycle)
    return Figures(scored, None, _current_claimed(cycle))


def _stored_claimed(scored: Any) -> dict[str, float | None]:
    """Each agency's claimed total as the publication stored it (empty without review)."""
    stored = getattr(scored.result, "claimed_totals", None) or {}
    return {agency: total for agency, total in stored.items() if total is not None}


def _current_claimed(cycle: Cycle) -> dict[str, float | None]:
    """Each agency's total scored from its own answers, when reviewers have given any
    verdict in CYCLE (empty otherwise)."""
    from phrom.results.adapter import score_cycle_from_db
    from phrom.reviews.models import Verdict

    if not Verdict.objects.filter(response__cycle=cycle).exists():
        return {}
    claimed = score_cycle_from_db(cycle=cycle, verified=False)
    return {str(r["agency"]): r["total"] for r in claimed.result.to_rows()}  # type: ignore[misc]


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    number = float(value)
    return None if math.isnan(number) else number


def results_sheets(*, figures: Figures, language: str) -> list[Sheet]:
    """The results (one row per agency, best rank first) and each agency's indicator
    scores."""
    from phrom.results.selectors import result_rows

    scored = figures.scored
    result, spec = scored.result, scored.spec
    rows = result_rows(scored=scored, language=language)
    dims = [d.name.get(language) for d in spec.dimensions]
    has_previous, claimed = result.has_previous, figures.claimed
    headers = [_("Rank"), _("Agency code"), _("Agency"), _("Peer group"), _("Rank in group"),
               _("Total"), _("Band"), *dims]
    if has_previous:
        headers += [_("Previous total"), _("Gain")]
    if claimed:
        headers += [_("Claimed total"), _("Verified minus claimed")]

    def result_lines() -> Iterator[list[object]]:
        for row in rows:
            total = _number(row["total"])
            line: list[object] = [
                row["rank"], row["agency"], row["name"], row["group_name"], row["group_rank"],
                total, row["band_name"], *(_number(v) for v in row["dims"]),  # type: ignore[attr-defined]
            ]
            if has_previous:
                line += [_number(row.get("previous_total")), _number(row.get("gain"))]
            if claimed:
                own = _number(claimed.get(str(row["agency"])))
                gap = (round(total - own, result.published.precision)
                       if total is not None and own is not None else None)
                line += [own, gap]
            yield line

    indicators = [ind for dim in spec.dimensions for ind in dim.indicators]
    matrix = result.published_indicators

    def indicator_lines() -> Iterator[list[object]]:
        for row in rows:
            scores = matrix[result.index(str(row["agency"]))].tolist()
            yield [row["agency"], row["name"], *(_number(v) for v in scores)]

    return [
        Sheet(_("Results"), headers, result_lines(), len(rows),
              [8, 18, 40, 20, 10, 10, 16, *([12] * (len(headers) - 7))]),
        Sheet(_("Indicators"),
              [_("Agency code"), _("Agency"),
               *(f"{i.code} {i.name.get(language)}" for i in indicators)],
              indicator_lines(), len(rows), [18, 40, *([14] * len(indicators))]),
    ]


# --- answers ------------------------------------------------------------------------------


def _answers(cycle: Cycle) -> QuerySet[Any]:
    from phrom.responses.models import Answer

    return Answer.objects.filter(response__cycle=cycle)


def answers_sheet(*, cycle: Cycle, language: str) -> Sheet:
    """Every answer of CYCLE (one row per agency and question, by agency code and
    question code): the value claimed, and the reviewer's verdict and verified value
    beside it; ``Value scored`` is the verified value where a reviewer set one, else the
    claim."""
    from phrom.responses.models import ResponseStatus

    spec = cycle.framework.spec()
    dimension_of = {q.code: d.code for d in spec.dimensions for i in d.indicators
                    for q in i.questions}
    statuses = dict(ResponseStatus.choices)
    from phrom.reviews.models import VerdictKind

    verdicts = dict(VerdictKind.choices)
    found = (
        _answers(cycle)
        .annotate(v=FilteredRelation(
            "response__verdicts", condition=Q(response__verdicts__question=F("question"))))
        .order_by("response__agency__code", "question", "id")
        .values_list(
            "response__agency__code", "response__agency__name_th", "response__agency__name_en",
            "response__agency__group", "response__status", "question", "value",
            "not_applicable", "explanation", "version", "updated_at",
            "updated_by__first_name", "updated_by__last_name", "updated_by__username",
            "v__verdict", "v__has_verified_value", "v__verified_value",
            "v__verified_not_applicable", "v__reason",
        )
    )
    english = language.startswith("en")

    def lines() -> Iterator[list[object]]:
        for (code, name_th, name_en, group, status, question, value, na, explanation,
             version, at, first, last, username, verdict, has_verified, verified,
             verified_na, reason) in found.iterator(chunk_size=CHUNK):
            claimed = _("n/a") if na else value_cell(value)
            shown_verified: object = None
            if has_verified:
                shown_verified = _("n/a") if verified_na else value_cell(verified)
            yield [
                code, (name_en if english and name_en else name_th), group,
                str(statuses.get(status, status)), dimension_of.get(question, ""), question,
                claimed, explanation, version, _when(at), _person(first, last, username),
                str(verdicts.get(verdict, verdict or "")), shown_verified, reason or "",
                shown_verified if has_verified else claimed,
            ]

    headers = [
        _("Agency code"), _("Agency"), _("Peer group"), _("Response status"), _("Dimension"),
        _("Question"), _("Claimed value"), _("Explanation"), _("Answer version"),
        _("Changed at"), _("Changed by"), _("Verdict"), _("Verified value"),
        _("Reason for the verified value"), _("Value scored"),
    ]
    return Sheet(pgettext("export sheet", "Answers"), headers, lines(), _answers(cycle).count(),
                 [18, 40, 12, 14, 10, 16, 16, 40, 8, 20, 24, 18, 16, 40, 16])


# --- evidence -----------------------------------------------------------------------------


def evidence_sheet(*, cycle: Cycle, language: str) -> Sheet:
    """Every evidence item of CYCLE, removed ones too (marked): file name, size, SHA-256,
    link, who added it and when, and the year it was carried over from."""
    from phrom.responses.models import Evidence

    items = Evidence.objects.filter(response__cycle=cycle)
    found = items.order_by("response__agency__code", "question", "uploaded_at", "id").values_list(
        "response__agency__code", "response__agency__name_th", "response__agency__name_en",
        "question", "original_name", "url", "size", "sha256", "content_type",
        "uploaded_by__first_name", "uploaded_by__last_name", "uploaded_by__username",
        "uploaded_at", "removed_at", "removed_by__first_name", "removed_by__last_name",
        "removed_by__username", "carried_from__response__cycle__year_be",
    )
    english = language.startswith("en")

    def lines() -> Iterator[list[object]]:
        for (code, name_th, name_en, question, filename, url, size, sha256, content_type,
             first, last, username, at, removed_at, r_first, r_last, r_username,
             carried) in found.iterator(chunk_size=CHUNK):
            yield [
                code, (name_en if english and name_en else name_th), question,
                filename, url, size if filename else None, sha256, content_type,
                _person(first, last, username), _when(at), _when(removed_at),
                _person(r_first, r_last, r_username) if removed_at else "", carried,
            ]

    headers = [
        _("Agency code"), _("Agency"), _("Question"), _("File name"), _("URL"),
        _("Size (bytes)"), _("SHA-256"), _("File type"), _("Added by"), _("Added at"),
        _("Removed at"), _("Removed by"), _("Carried over from (B.E.)"),
    ]
    return Sheet(_("Evidence"), headers, lines(), items.count(),
                 [18, 40, 16, 32, 40, 12, 66, 20, 24, 20, 20, 24, 12])


# --- reviews ------------------------------------------------------------------------------


def review_sheets(*, cycle: Cycle, language: str) -> list[Sheet]:
    """Each response's review (status, reviewers, sign-off), every verdict (comment,
    verified value, reason) and every clarification request with the agency's answers."""
    from phrom.responses.models import Response, ResponseStatus
    from phrom.reviews.models import (
        ClarificationRequest,
        ClarificationStatus,
        ReviewAssignment,
        ReviewStatus,
        Verdict,
        VerdictKind,
    )

    english = language.startswith("en")

    def name(name_th: str, name_en: str) -> str:
        return name_en if english and name_en else name_th

    statuses = dict(ResponseStatus.choices)
    review_statuses = dict(ReviewStatus.choices)
    # reviewers by response: a few per response, read once
    reviewers: dict[int, list[str]] = {}
    for response_id, first, last, username in (
        ReviewAssignment.objects.filter(response__cycle=cycle).order_by("response_id", "at", "id")
        .values_list("response_id", "reviewer__first_name", "reviewer__last_name",
                     "reviewer__username").iterator(chunk_size=CHUNK)
    ):
        reviewers.setdefault(response_id, []).append(_person(first, last, username))
    responses = Response.objects.filter(cycle=cycle)
    response_rows = responses.order_by("agency__code").values_list(
        "id", "agency__code", "agency__name_th", "agency__name_en", "status", "submitted_at",
        "review__status", "review__changed_at", "review__signed_off_at",
        "review__signed_off_by__first_name", "review__signed_off_by__last_name",
        "review__signed_off_by__username",
    )

    def review_lines() -> Iterator[list[object]]:
        for (pk, code, name_th, name_en, status, submitted_at, review_status, changed_at,
             signed_at, s_first, s_last, s_username) in response_rows.iterator(chunk_size=CHUNK):
            yield [
                code, name(name_th, name_en), str(statuses.get(status, status)),
                _when(submitted_at),
                str(review_statuses.get(review_status or ReviewStatus.NOT_STARTED)),
                "; ".join(reviewers.get(pk, [])), _when(changed_at), _when(signed_at),
                _person(s_first, s_last, s_username) if signed_at else "",
            ]

    verdict_kinds = dict(VerdictKind.choices)
    verdicts = Verdict.objects.filter(response__cycle=cycle)
    verdict_rows = verdicts.order_by("response__agency__code", "question", "id").values_list(
        "response__agency__code", "response__agency__name_th", "response__agency__name_en",
        "question", "verdict", "comment", "has_verified_value", "verified_value",
        "verified_not_applicable", "reason", "version", "by__first_name", "by__last_name",
        "by__username", "at",
    )

    def verdict_lines() -> Iterator[list[object]]:
        for (code, name_th, name_en, question, verdict, comment, has_value, value, value_na,
             reason, version, first, last, username, at) in verdict_rows.iterator(
                 chunk_size=CHUNK):
            shown: object = None
            if has_value:
                shown = _("n/a") if value_na else value_cell(value)
            yield [
                code, name(name_th, name_en), question,
                str(verdict_kinds.get(verdict, verdict)), comment, shown, reason, version,
                _person(first, last, username), _when(at),
            ]

    clarification_statuses = dict(ClarificationStatus.choices)
    requests = ClarificationRequest.objects.filter(response__cycle=cycle)
    request_rows = requests.order_by("response__agency__code", "asked_at", "id").values_list(
        "response__agency__code", "response__agency__name_th", "response__agency__name_en",
        "questions", "message", "deadline", "unanswered_not_supported", "status",
        "explanations", "asked_by__first_name", "asked_by__last_name", "asked_by__username",
        "asked_at", "answered_by__first_name", "answered_by__last_name",
        "answered_by__username", "answered_at", "closed_at",
    )

    def request_lines() -> Iterator[list[object]]:
        for (code, name_th, name_en, questions, message, deadline, unanswered, status,
             explanations, a_first, a_last, a_username, asked_at, b_first, b_last, b_username,
             answered_at, closed_at) in request_rows.iterator(chunk_size=CHUNK):
            answers = "\n".join(f"{q}: {text}" for q, text in (explanations or {}).items())
            yield [
                code, name(name_th, name_en), ", ".join(questions or []), message,
                format_date(deadline), _yes(unanswered),
                str(clarification_statuses.get(status, status)), answers,
                _person(a_first, a_last, a_username), _when(asked_at),
                _person(b_first, b_last, b_username) if answered_at else "",
                _when(answered_at), _when(closed_at),
            ]

    return [
        Sheet(_("Reviews"), [
            _("Agency code"), _("Agency"), _("Response status"), _("Submitted at"),
            _("Review status"), _("Reviewers"), _("Review status changed at"),
            _("Signed off at"), _("Signed off by"),
        ], review_lines(), responses.count(), [18, 40, 14, 20, 18, 40, 20, 20, 24]),
        Sheet(_("Verdicts"), [
            _("Agency code"), _("Agency"), _("Question"), _("Verdict"), _("Comment"),
            _("Verified value"), _("Reason for the verified value"), _("Verdict version"),
            _("Reviewer"), _("At"),
        ], verdict_lines(), verdicts.count(), [18, 40, 16, 18, 48, 16, 40, 8, 24, 20]),
        Sheet(_("Clarifications"), [
            _("Agency code"), _("Agency"), _("Questions"), _("Message"), _("Deadline"),
            _("Unanswered means not supported"), _("Status"), _("Agency's explanations"),
            _("Asked by"), _("Asked at"), _("Answered by"), _("Answered at"), _("Closed at"),
        ], request_lines(), requests.count(), [18, 40, 24, 48, 16, 10, 18, 48, 24, 20, 24, 20, 20]),
    ]
