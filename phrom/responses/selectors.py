"""Reads of responses: the questionnaire page and its completeness.

The history of a response is read in ``history``, the staff list of a cycle in
``staff_list``.

Every selector plans its queries: the questionnaire reads the response's answers, its
evidence, and last cycle's answers and evidence in four queries, however many questions
the framework has (a test pins the count).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from phrom.accounts.gates import edits_for, may_answer
from phrom.accounts.models import Profile
from phrom.core.thai import format_date
from phrom.frameworks.deadlines import change_block
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.responses.models import (
    Answer,
    AnswerChange,
    ChangeKind,
    Evidence,
    Response,
    ResponseStatus,
)
from phrom.results.adapter import agency_answers
from scoring.model import Condition, Dimension, Framework, Indicator, Question, QuestionType
from scoring.plan import shown_for

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

# --- pure helpers: conditions, answered, display -------------------------------------------


def visibility(spec: Framework, answers: Mapping[str, tuple[Any, bool]]) -> dict[str, bool]:
    """Which questions are shown, given ANSWERS (code -> (value, not applicable)), by the
    scoring engine's rule (``scoring.plan.shown_for``) over the answers as the results
    read them (``phrom.results.adapter.agency_answers``)."""
    rows = ((code, value, na) for code, (value, na) in answers.items())
    return shown_for(spec, agency_answers(spec, rows))


def is_answered(question: Question, value: Any, not_applicable: bool, evidence: int) -> bool:
    if not_applicable:
        return True
    if question.type is QuestionType.FILE:
        return evidence > 0
    return value is not None


def needs_evidence(
    question: Question, *, shown: bool, answered: bool, not_applicable: bool, evidence: int
) -> bool:
    """Is required evidence missing? Hidden and not-applicable questions need none."""
    if question.evidence != "required" or not shown or not_applicable or evidence > 0:
        return False
    return question.required or answered


def _decimal(value: int | float) -> Decimal:
    """VALUE exactly as it was typed: a float's shortest form that reads back as the same
    float (``repr``), without exponent and trailing zeros (``5.0`` -> 5, ``1e-05`` ->
    0.00001, ``1.5e+20`` -> 150000000000000000000)."""
    if isinstance(value, int):
        return Decimal(value)
    number = Decimal(repr(value)).normalize()
    return Decimal(0) if number.is_zero() else number


def grouped_number(value: Any) -> str:
    """A number as people read it: grouped thousands, as stored, never rounded and never
    in scientific notation (``1,234,567.5``, ``0.000012345``); other values as text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return f"{_decimal(value):,f}"


def plain_number(value: int | float) -> str:
    """A number as an ``<input type=number>`` takes it (and as the server reads it back):
    plain digits, no grouping, no exponent (``0.00001``, ``1234567.5``)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return f"{_decimal(value):f}"


def display_value(question: Question | None, value: Any, not_applicable: bool, language: str) -> str:
    """An answer as a person reads it: option labels, "Yes", "3: description", "12 people"."""
    if not_applicable:
        return _("Not applicable")
    if value is None:
        return _("Not answered")
    if question is None:
        return json.dumps(value, ensure_ascii=False)
    t = question.type
    if t is QuestionType.YES_NO:
        return _("Yes") if value is True else _("No")
    if t is QuestionType.SINGLE_CHOICE:
        option = question.option(str(value))
        return option.label.get(language) if option else str(value)
    if t is QuestionType.MULTIPLE_CHOICE:
        if not value:
            return _("None of these")
        labels = []
        for code in value:
            option = question.option(code)
            labels.append(option.label.get(language) if option else str(code))
        return "; ".join(labels)
    if t is QuestionType.MATURITY:
        if isinstance(value, int) and 0 <= value < len(question.levels):
            return _("Level %(level)d: %(description)s") % {
                "level": value,
                "description": question.levels[value].get(language),
            }
        return str(value)
    if t is QuestionType.PERCENTAGE:
        return f"{grouped_number(value)}%"
    if t is QuestionType.NUMBER:
        unit = question.unit.get(language) if question.unit else ""
        return f"{grouped_number(value)} {unit}".strip()
    return str(value)


def snapshot_display(question: Question | None, snap: Any, language: str) -> str:
    """A history snapshot ({"value", "not_applicable", "explanation"}) or a plain value."""
    if isinstance(snap, dict) and "value" in snap:
        return display_value(question, snap.get("value"), bool(snap.get("not_applicable")), language)
    if isinstance(snap, dict) and ("verdict" in snap or "status" in snap or "reviewer" in snap):
        return _review_snapshot_display(question, snap, language)
    if isinstance(snap, dict) and ("name" in snap or "url" in snap):  # evidence
        return str(snap.get("name") or snap.get("url") or "")
    if snap is None:
        return ""
    if isinstance(snap, str):
        if ISO_DAY.fullmatch(snap):  # a deadline's day (history of kind deadline_changed)
            try:
                return format_date(dt.date.fromisoformat(snap), language=language)
            except ValueError:
                return snap
        labels = dict(ResponseStatus.choices)
        return str(labels.get(snap, snap))
    return json.dumps(snap, ensure_ascii=False)


def _review_snapshot_display(question: Question | None, snap: dict[str, Any], language: str) -> str:
    """A reviewer's action (phrom.reviews): a verdict with its verified value, a review
    status, or the reviewer assigned."""
    from phrom.reviews.models import ReviewStatus, VerdictKind

    if "verdict" in snap:
        text = str(dict(VerdictKind.choices).get(snap["verdict"], snap["verdict"]))
        if snap.get("has_verified_value"):
            value = display_value(
                question, snap.get("verified_value"), bool(snap.get("verified_not_applicable")),
                language,
            )
            text = f"{text}: {value}"
        if snap.get("comment"):
            text = f"{text} ({snap['comment']})"
        return text
    if "status" in snap:
        return str(dict(ReviewStatus.choices).get(snap["status"], snap["status"]))
    return str(snap.get("reviewer", ""))


def _option_label(question: Question | None, code: str, language: str) -> str:
    """The label of option CODE of QUESTION in LANGUAGE (the code itself when unknown)."""
    option = question.option(code) if question is not None else None
    return option.label.get(language) if option else str(code)


def condition_text(spec: Framework, condition: Condition, language: str) -> str:
    gate = spec.question(condition.question)
    if condition.at_least is not None:
        wanted = _("at least %(value)s") % {"value": grouped_number(condition.at_least)}
    elif condition.any_of:
        # Option codes of a single- or multiple-choice gate: each by its label.
        wanted = " / ".join(_option_label(gate, code, language) for code in condition.any_of)
    elif isinstance(condition.equals, str):
        wanted = _option_label(gate, condition.equals, language)
    else:
        wanted = display_value(gate, condition.equals, False, language)
    return _("Asked only when the answer to %(code)s is “%(wanted)s”.") % {
        "code": condition.question,
        "wanted": wanted,
    }


# --- the questionnaire ------------------------------------------------------------------


@dataclass
class Choice:
    value: str
    label: str
    checked: bool
    description: str = ""


@dataclass
class PreviousAnswer:
    year_be: int
    text: str
    not_applicable: bool
    explanation: str
    evidence: list[PreviousEvidence]
    has_value: bool


@dataclass
class QuestionView:
    question: Question
    code: str
    type: str
    text: str
    help: str
    dimension: str
    indicator: str
    required: bool
    allow_na: bool
    evidence_rule: str
    shown: bool
    condition: str
    condition_data: str
    editable: bool
    version: int
    value: Any
    not_applicable: bool
    explanation: str
    answered: bool
    evidence: list[Evidence]
    evidence_missing: bool
    choices: list[Choice] = field(default_factory=list)
    input_value: str = ""
    unit: str = ""
    minimum: str = ""
    maximum: str = ""
    range_text: str = ""
    whole: bool = False  # a count: the input steps by one and takes no decimals
    none_chosen: bool = False
    updated_by: str = ""
    updated_at: Any = None
    previous: PreviousAnswer | None = None
    reused_from_year_be: int | None = None  # the answer is last cycle's, carried over
    error: str = ""  # why a plain form post of this answer was refused (views._refused_page)

    @property
    def anchor(self) -> str:
        return f"q-{self.code}"

    @property
    def value_disabled(self) -> bool:
        return not self.editable or self.not_applicable

    @property
    def has_evidence_widget(self) -> bool:
        return self.evidence_rule != "none" or self.type == QuestionType.FILE.value


@dataclass
class IndicatorView:
    code: str
    name: str
    description: str
    questions: list[QuestionView]


@dataclass
class DimensionView:
    code: str
    name: str
    editable: bool
    required: int = 0
    answered_required: int = 0
    answered: int = 0
    shown: int = 0
    evidence_missing: int = 0
    indicators: list[IndicatorView] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.answered_required >= self.required and not self.evidence_missing

    @property
    def percent(self) -> int:
        return round(100 * self.answered_required / self.required) if self.required else 100


@dataclass
class Questionnaire:
    response: Response
    spec: Framework
    dimensions: list[DimensionView]
    current: DimensionView | None  # None: every dimension on one page
    editable: bool
    locked_reason: str
    previous_year_be: int | None

    @property
    def shown_dimensions(self) -> list[DimensionView]:
        return [self.current] if self.current is not None else self.dimensions

    @property
    def question_count(self) -> int:
        return sum(len(i.questions) for d in self.shown_dimensions for i in d.indicators)


def user_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _condition_data(condition: Condition | None) -> str:
    if condition is None:
        return ""
    data: dict[str, Any] = {"q": condition.question}
    if condition.at_least is not None:
        data["at_least"] = condition.at_least
    elif condition.any_of:
        data["any_of"] = list(condition.any_of)
    else:
        data["equals"] = condition.equals
    return json.dumps(data, ensure_ascii=False)


def _choices(question: Question, value: Any, language: str) -> list[Choice]:
    t = question.type
    if t is QuestionType.YES_NO:
        return [
            Choice("yes", _("Yes"), value is True),
            Choice("no", _("No"), value is False),
        ]
    if t is QuestionType.SINGLE_CHOICE:
        return [Choice(o.code, o.label.get(language), value == o.code) for o in question.options]
    if t is QuestionType.MULTIPLE_CHOICE:
        chosen = set(value) if isinstance(value, list) else set()
        return [Choice(o.code, o.label.get(language), o.code in chosen) for o in question.options]
    if t is QuestionType.MATURITY:
        return [
            Choice(str(level), str(level), value == level, text.get(language))
            for level, text in enumerate(question.levels)
        ]
    return []


def _range_text(question: Question) -> tuple[str, str, str]:
    """The input's ``min`` and ``max`` attributes (plain numbers) and the range in words
    (grouped thousands)."""
    low: float | None = question.minimum
    high: float | None = question.maximum
    if question.type is QuestionType.PERCENTAGE:
        low = low if low is not None else 0
        high = high if high is not None else 100
        return (plain_number(low), plain_number(high), _("From %(low)s to %(high)s percent.") % {
            "low": grouped_number(low), "high": grouped_number(high)})
    if low is not None and high is not None:
        text = _("From %(low)s to %(high)s.") % {"low": grouped_number(low), "high": grouped_number(high)}
    elif low is not None:
        text = _("At least %(low)s.") % {"low": grouped_number(low)}
    elif high is not None:
        text = _("At most %(high)s.") % {"high": grouped_number(high)}
    else:
        text = ""
    if question.whole:
        text = " ".join(t for t in (_("A whole number."), text) if t)
    return (
        plain_number(low) if low is not None else "",
        plain_number(high) if high is not None else "",
        text,
    )


def _input_value(question: Question, value: Any) -> str:
    """The stored value as the page's input holds it: numbers as plain decimals (never
    ``1e-05``, which the form would not read back the same)."""
    if value is None or question.type not in (
        QuestionType.NUMBER, QuestionType.PERCENTAGE, QuestionType.TEXT, QuestionType.URL
    ):
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return plain_number(value)
    return str(value)


@dataclass(frozen=True)
class PreviousRow:
    """Last cycle's answer to one question (read as values, not model instances)."""

    value: Any
    not_applicable: bool
    explanation: str


@dataclass(frozen=True)
class PreviousEvidence:
    original_name: str
    url: str


def _previous_data(
    response: Response,
) -> tuple[dict[str, PreviousRow], dict[str, list[PreviousEvidence]], int | None]:
    previous_cycle_id = response.cycle.previous_id
    if previous_cycle_id is None:
        return {}, {}, None
    year = None
    answers: dict[str, PreviousRow] = {}
    for code, value, na, explanation, year_be in Answer.objects.filter(
        response__cycle_id=previous_cycle_id, response__agency_id=response.agency_id
    ).values_list("question", "value", "not_applicable", "explanation", "response__cycle__year_be"):
        answers[code] = PreviousRow(value, na, explanation)
        year = year_be
    evidence: dict[str, list[PreviousEvidence]] = defaultdict(list)
    for code, name, url, year_be in Evidence.objects.filter(
        response__cycle_id=previous_cycle_id,
        response__agency_id=response.agency_id,
        removed_at__isnull=True,
    ).order_by("uploaded_at", "id").values_list(
        "question", "original_name", "url", "response__cycle__year_be"
    ):
        evidence[code].append(PreviousEvidence(name, url))
        year = year_be
    return answers, evidence, year


def questionnaire(
    *,
    response: Response,
    profile: Profile | None,
    language: str,
    dimension: str | None = None,
) -> Questionnaire:
    """Everything the questionnaire page shows, in a fixed number of queries.

    ``dimension`` limits the questions to one dimension (the navigation always covers all);
    ``LookupError`` when the framework has no such dimension.
    """
    spec = response.cycle.framework.spec()
    if dimension is not None and not any(d.code == dimension for d in spec.dimensions):
        raise LookupError(dimension)
    answer_rows = Answer.objects.filter(response=response).select_related("updated_by")
    if response.cycle.previous_id is not None:
        # Is the current version last cycle's answer, carried over? (for its badge)
        answer_rows = answer_rows.annotate(
            carried_over=Exists(
                AnswerChange.objects.filter(
                    response_id=OuterRef("response_id"), question=OuterRef("question"),
                    version=OuterRef("version"), kind=ChangeKind.CARRIED_OVER,
                )
            )
        )
    answers = {a.question: a for a in answer_rows}
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for item in Evidence.objects.filter(
        response=response, removed_at__isnull=True
    ).select_related("carried_from__response__cycle"):
        evidence[item.question].append(item)
    previous_answers, previous_evidence, previous_year = _previous_data(response)

    shown = visibility(spec, {c: (a.value, a.not_applicable) for c, a in answers.items()})
    locked_reason = ""
    if response.status == ResponseStatus.SUBMITTED:
        locked_reason = _("This response has been submitted; its answers can no longer change.")
    elif response.cycle.status != CycleStatus.OPEN:
        locked_reason = _("The assessment cycle is not open; answers cannot be changed now.")
    else:
        blocked = change_block(response)  # the agency's deadline, extensions included
        if blocked is not None:
            locked_reason = blocked.message()
    member = edits_for(profile, response.agency_id)
    editable_response = member and not locked_reason

    dimensions: list[DimensionView] = []
    current: DimensionView | None = None
    for dim in spec.dimensions:
        may = editable_response and profile is not None and may_answer(profile, dim.code)
        view = DimensionView(code=dim.code, name=dim.name.get(language), editable=may)
        detailed = dimension is None or dimension == dim.code
        for indicator in dim.indicators:
            questions = []
            for question in indicator.questions:
                item = _question_view(
                    question, dim, indicator, spec, answers.get(question.code),
                    evidence.get(question.code, []), shown[question.code], may, language,
                    previous_answers.get(question.code), previous_evidence.get(question.code, []),
                    previous_year, detailed,
                )
                _count(view, item)
                if detailed:
                    questions.append(item)
            if detailed:
                view.indicators.append(
                    IndicatorView(
                        code=indicator.code,
                        name=indicator.name.get(language),
                        description=indicator.description.get(language)
                        if indicator.description
                        else "",
                        questions=questions,
                    )
                )
        dimensions.append(view)
        if dimension == dim.code:
            current = view
    return Questionnaire(
        response=response,
        spec=spec,
        dimensions=dimensions,
        current=current,
        editable=editable_response,
        locked_reason=locked_reason,
        previous_year_be=previous_year,
    )


def _count(view: DimensionView, item: QuestionView) -> None:
    if not item.shown:
        return
    view.shown += 1
    if item.answered:
        view.answered += 1
    if item.required:
        view.required += 1
        if item.answered:
            view.answered_required += 1
    if item.evidence_missing:
        view.evidence_missing += 1


def _question_view(
    question: Question,
    dim: Dimension,
    indicator: Indicator,
    spec: Framework,
    answer: Answer | None,
    evidence: list[Evidence],
    shown: bool,
    editable: bool,
    language: str,
    previous: PreviousRow | None,
    previous_evidence: list[PreviousEvidence],
    previous_year: int | None,
    detailed: bool,
) -> QuestionView:
    value = answer.value if answer else None
    not_applicable = bool(answer and answer.not_applicable)
    answered = is_answered(question, value, not_applicable, len(evidence))
    item = QuestionView(
        question=question,
        code=question.code,
        type=question.type.value,
        text="",
        help="",
        dimension=dim.code,
        indicator=indicator.code,
        required=question.required,
        allow_na=question.allow_na,
        evidence_rule=question.evidence,
        shown=shown,
        condition="",
        condition_data="",
        editable=editable,
        version=answer.version if answer else 0,
        value=value,
        not_applicable=not_applicable,
        explanation=answer.explanation if answer else "",
        answered=answered,
        evidence=evidence,
        evidence_missing=needs_evidence(
            question, shown=shown, answered=answered, not_applicable=not_applicable,
            evidence=len(evidence),
        ),
    )
    if not detailed:
        return item
    item.text = question.text.get(language)
    item.help = question.help.get(language) if question.help else ""
    if question.condition is not None:
        item.condition = condition_text(spec, question.condition, language)
        item.condition_data = _condition_data(question.condition)
    item.choices = _choices(question, value, language)
    item.input_value = _input_value(question, value)
    item.none_chosen = question.type is QuestionType.MULTIPLE_CHOICE and value == []
    if question.type in (QuestionType.NUMBER, QuestionType.PERCENTAGE):
        item.minimum, item.maximum, item.range_text = _range_text(question)
        item.whole = question.whole
        if question.unit:
            item.unit = question.unit.get(language)
        elif question.type is QuestionType.PERCENTAGE:
            item.unit = "%"
    if answer is not None and answer.version:
        item.updated_by = user_name(answer.updated_by)
        item.updated_at = answer.updated_at
        if getattr(answer, "carried_over", False):
            item.reused_from_year_be = previous_year
    if previous is not None or previous_evidence:
        has_value = previous is not None and (previous.value is not None or previous.not_applicable)
        item.previous = PreviousAnswer(
            year_be=previous_year or 0,
            text=display_value(
                question,
                previous.value if previous else None,
                bool(previous and previous.not_applicable),
                language,
            ),
            not_applicable=bool(previous and previous.not_applicable),
            explanation=previous.explanation if previous else "",
            evidence=previous_evidence,
            has_value=has_value,
        )
    return item


def question_view(
    *, response: Response, profile: Profile | None, code: str, language: str
) -> QuestionView:
    """One question as the page shows it (after a carry-over or a conflict)."""
    spec = response.cycle.framework.spec()
    for dim in spec.dimensions:
        for indicator in dim.indicators:
            for question in indicator.questions:
                if question.code == code:
                    page = questionnaire(
                        response=response, profile=profile, language=language,
                        dimension=dim.code,
                    )
                    assert page.current is not None
                    for ind in page.current.indicators:
                        for item in ind.questions:
                            if item.code == code:
                                return item
    raise LookupError(code)


def question_and_dimension(spec: Framework, code: str) -> tuple[Question, Dimension] | None:
    for dim in spec.dimensions:
        for indicator in dim.indicators:
            for question in indicator.questions:
                if question.code == code:
                    return question, dim
    return None


# --- completeness ------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingItem:
    kind: str  # "answer" or "evidence"
    question: Question
    dimension: Dimension

    @property
    def code(self) -> str:
        return self.question.code


def missing_items(*, response: Response) -> list[MissingItem]:
    """Required answers and required evidence still missing, in framework order."""
    spec = response.cycle.framework.spec()
    answers = {
        code: (value, na)
        for code, value, na in Answer.objects.filter(response=response).values_list(
            "question", "value", "not_applicable"
        )
    }
    evidence = dict(
        Evidence.objects.filter(response=response, removed_at__isnull=True)
        .values_list("question")
        .annotate(n=Count("id"))
        .values_list("question", "n")
    )
    shown = visibility(spec, answers)
    missing: list[MissingItem] = []
    for dim in spec.dimensions:
        for indicator in dim.indicators:
            for question in indicator.questions:
                if not shown[question.code]:
                    continue
                value, na = answers.get(question.code, (None, False))
                count = evidence.get(question.code, 0)
                answered = is_answered(question, value, na, count)
                if question.required and not answered:
                    missing.append(MissingItem("answer", question, dim))
                if question.type is not QuestionType.FILE and needs_evidence(
                    question, shown=True, answered=answered, not_applicable=na, evidence=count
                ):
                    missing.append(MissingItem("evidence", question, dim))
    return missing


# --- lists --------------------------------------------------------------------------------


def current_open_cycle() -> Cycle | None:
    return (
        Cycle.objects.select_related("framework")
        .filter(status=CycleStatus.OPEN)
        .order_by("-year_be", "code")
        .first()
    )


def responses_of_agency(*, agency_id: int) -> QuerySet[Response]:
    return Response.objects.filter(agency_id=agency_id).select_related("cycle").order_by(
        "-cycle__year_be"
    )
