"""The history of a response: every change to its answers, who made it and when, shown in
the reader's language (the history page and its CSV export)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from phrom.responses.models import REVIEW_KINDS, AnswerChange, ChangeKind, Response
from phrom.responses.selectors import snapshot_display, user_name
from scoring.model import Framework, Question

HISTORY_PAGE_SIZE = 50


@dataclass
class HistoryRow:
    change: AnswerChange
    who: str
    question: str
    question_text: str
    kind: str
    old: str
    new: str
    old_explanation: str
    new_explanation: str
    reused_from_year_be: int | None = None  # carried over from that cycle (B.E.)
    reason: str = ""  # the change's reason, in the reader's language when Phrom wrote it


# Reasons that Phrom itself stores in English (responses.services); shown translated.
_STORED_REASONS = {gettext_noop("carried over from last cycle")}


def _reason_text(reason: str) -> str:
    return _(reason) if reason in _STORED_REASONS else reason


def _reused_from(change: AnswerChange, previous_year_be: int | None) -> int | None:
    new = change.new_value
    if isinstance(new, dict) and isinstance(new.get("from_year_be"), int):
        return int(new["from_year_be"])
    if change.kind == ChangeKind.CARRIED_OVER:
        return previous_year_be
    return None


def _previous_year_be(response: Response) -> int | None:
    previous = response.cycle.previous
    return previous.year_be if previous is not None else None


def _before(question: Question | None, old: Any, new: Any, language: str) -> str:
    """The "before" of a change; a first answer's (no earlier answer) says so."""
    if old is None and isinstance(new, dict) and "value" in new:
        return _("Not answered yet")
    return snapshot_display(question, old, language)


def _history_rows(
    changes: Iterable[AnswerChange], spec: Framework, language: str,
    previous_year_be: int | None = None,
) -> list[HistoryRow]:
    with translation.override(language):  # a streamed CSV is written after the view returns
        return _rows_in_language(changes, spec, language, previous_year_be)


def _rows_in_language(
    changes: Iterable[AnswerChange], spec: Framework, language: str,
    previous_year_be: int | None,
) -> list[HistoryRow]:
    questions = {q.code: q for q in spec.questions}
    rows = []
    for change in changes:
        question = questions.get(change.question)
        old, new = change.old_value, change.new_value
        rows.append(
            HistoryRow(
                change=change,
                who=user_name(change.by),
                question=change.question,
                question_text=question.text.get(language) if question else "",
                kind=change.get_kind_display(),
                old=_before(question, old, new, language),
                new=snapshot_display(question, new, language),
                old_explanation=old.get("explanation", "") if isinstance(old, dict) else "",
                new_explanation=new.get("explanation", "") if isinstance(new, dict) else "",
                reused_from_year_be=_reused_from(change, previous_year_be),
                reason=_reason_text(change.reason),
            )
        )
    return rows


def history_changes(*, response: Response, with_review: bool = True) -> QuerySet[AnswerChange]:
    """The history, newest first; without reviewers' actions unless WITH_REVIEW."""
    changes = AnswerChange.objects.filter(response=response)
    if not with_review:
        changes = changes.exclude(kind__in=REVIEW_KINDS)
    return changes.select_related("by").order_by("-at", "-id")


def history_page(
    *, response: Response, page: Any, language: str, with_review: bool = True
) -> tuple[Page, list[HistoryRow]]:
    """One page of the history, newest first."""
    paginator = Paginator(
        history_changes(response=response, with_review=with_review), HISTORY_PAGE_SIZE
    )
    current = paginator.get_page(page)
    spec = response.cycle.framework.spec()
    return current, _history_rows(
        current.object_list, spec, language, _previous_year_be(response)
    )


def history_all(
    *, response: Response, language: str, with_review: bool = True
) -> Iterable[HistoryRow]:
    """Every change, oldest first, read in chunks (for the CSV export)."""
    spec = response.cycle.framework.spec()
    previous_year_be = _previous_year_be(response)
    changes = history_changes(response=response, with_review=with_review).order_by("at", "id")
    batch: list[AnswerChange] = []
    for change in changes.iterator(chunk_size=2000):
        batch.append(change)
        if len(batch) >= 2000:
            yield from _history_rows(batch, spec, language, previous_year_be)
            batch = []
    yield from _history_rows(batch, spec, language, previous_year_be)
