"""The one place where ORM rows become scoring-engine inputs.

Everything the engine needs for a cycle is read here in a fixed, small number of
queries; nothing else in the project builds ``AgencyAnswers`` or ``PreviousCycle``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import IntegerField, Q, TextField
from django.db.models.functions import Cast

from phrom.agencies.models import Agency
from phrom.frameworks.models import Cycle
from phrom.responses.models import Answer, ResponseStatus
from scoring.answers import NOT_APPLICABLE, AgencyAnswers, AnswerValue, InvalidAnswer, check_answer
from scoring.model import Framework as FrameworkSpec
from scoring.model import Question
from scoring.result import CycleResult, PreviousCycle, score_cycle


@dataclass(frozen=True)
class ScoredCycle:
    cycle: Cycle
    spec: FrameworkSpec
    result: CycleResult
    answers: dict[str, AgencyAnswers]
    agencies: dict[str, Agency]
    # answers stored in the database that the framework refuses (question, agency, why)
    skipped: list[tuple[str, str, str]]


def engine_value(
    question: Question | None, value: object, not_applicable: bool
) -> tuple[AnswerValue | None, str]:
    """A stored answer (JSON ``value``, ``not_applicable``) as the engine reads it, and
    why it is refused ("" when it is not): None for unanswered or refused."""
    if question is None:
        return None, "no such question in the framework"
    if not_applicable:
        if question.allow_na:
            return NOT_APPLICABLE, ""
        return None, "not applicable is not allowed"
    if value is None:
        return None, ""
    try:
        return check_answer(question, value), ""
    except InvalidAnswer as exc:
        return None, exc.message


def agency_answers(
    spec: FrameworkSpec, rows: Iterable[tuple[str, object, bool]], agency: str = ""
) -> AgencyAnswers:
    """One response's stored answers (question, value, not applicable) as the engine's
    ``AgencyAnswers``; answers the framework refuses are left out, as in ``cycle_answers``."""
    questions = {q.code: q for q in spec.questions}
    values: dict[str, AnswerValue] = {}
    for code, value, not_applicable in rows:
        checked, _problem = engine_value(questions.get(code), value, not_applicable)
        if checked is not None:
            values[code] = checked
    return AgencyAnswers(agency=agency, answers=values)


def cycle_answers(
    *, cycle: Cycle, spec: FrameworkSpec, submitted_only: bool = True,
    response_id: int | None = None,
) -> tuple[dict[str, AgencyAnswers], dict[str, Agency], list[tuple[str, str, str]]]:
    """Answers of every (submitted) response of the cycle, keyed by agency code (of
    response RESPONSE_ID only, when given)."""
    responses = cycle.responses.select_related("agency")
    if response_id is not None:
        responses = responses.filter(pk=response_id)
    if submitted_only:
        responses = responses.filter(status=ResponseStatus.SUBMITTED)
    agencies: dict[int, Agency] = {r.id: r.agency for r in responses}
    questions = {q.code: q for q in spec.questions}
    values: dict[int, dict[str, AnswerValue]] = defaultdict(dict)
    skipped: list[tuple[str, str, str]] = []
    # the value as its JSON text: agencies give the same few answers to a question, so
    # each distinct (question, text, not applicable) is decoded and checked once; the
    # flag as a number, which needs no conversion per row
    rows = (
        Answer.objects.filter(response_id__in=list(agencies))
        .annotate(value_text=Cast("value", TextField()), na=Cast("not_applicable", IntegerField()))
        .values_list("response_id", "question", "value_text", "na")
        .iterator(chunk_size=20000)
    )
    seen: dict[tuple[str, str | None, int], tuple[AnswerValue | None, str]] = {}
    for response_id, code, text, not_applicable in rows:
        key = (code, text, not_applicable)
        found = seen.get(key)
        if found is None:
            value = None if text is None else json.loads(text)
            found = seen[key] = engine_value(questions.get(code), value, bool(not_applicable))
        checked, problem = found
        if problem:
            skipped.append((code, agencies[response_id].code, problem))
        elif checked is not None:
            values[response_id][code] = checked
    by_code: dict[str, AgencyAnswers] = {}
    by_agency: dict[str, Agency] = {}
    for response_id, agency in sorted(agencies.items(), key=lambda item: item[1].code):
        by_code[agency.code] = AgencyAnswers(
            agency=agency.code,
            answers=values.get(response_id, {}),
            group=agency.group or None,
            name=agency.name_th,
        )
        by_agency[agency.code] = agency
    return by_code, by_agency, skipped


def verified_cycle_answers(
    *, cycle: Cycle, spec: FrameworkSpec, submitted_only: bool = True,
    response_id: int | None = None, claimed: ScoredCycle | None = None,
) -> tuple[dict[str, AgencyAnswers], dict[str, Agency], list[tuple[str, str, str]]]:
    """``cycle_answers`` with each reviewer's verified value in place of the claim where
    one was set (``phrom.reviews`` Verdict). A "not supported" verdict without a verified
    value counts the answer as unanswered: the evidence does not support the claim, and
    the claim earns nothing. Every other answer stands as claimed.

    CLAIMED, the same cycle scored as claimed (same SUBMITTED_ONLY), gives the claims
    without reading them again; it is left as it is.
    """
    from phrom.reviews.models import Verdict, VerdictKind

    if claimed is not None:
        answers, agencies, skipped = dict(claimed.answers), claimed.agencies, list(claimed.skipped)
    else:
        answers, agencies, skipped = cycle_answers(
            cycle=cycle, spec=spec, submitted_only=submitted_only, response_id=response_id
        )
    questions = {q.code: q for q in spec.questions}
    overlay: dict[str, dict[str, AnswerValue | None]] = defaultdict(dict)
    verdicts = Verdict.objects.filter(
        Q(has_verified_value=True) | Q(verdict=VerdictKind.NOT_SUPPORTED), response__cycle=cycle
    )
    if response_id is not None:
        verdicts = verdicts.filter(response_id=response_id)
    rows = verdicts.values_list(
        "response__agency__code", "question", "verified_value", "verified_not_applicable",
        "has_verified_value",
    )
    for agency_code, code, value, not_applicable, has_value in rows:
        question = questions.get(code)
        if agency_code not in answers or question is None:
            continue
        if not has_value:  # not supported, no value set: unanswered
            overlay[agency_code][code] = None
            continue
        if not_applicable:
            overlay[agency_code][code] = NOT_APPLICABLE if question.allow_na else None
            continue
        try:
            overlay[agency_code][code] = check_answer(question, value)
        except InvalidAnswer as exc:
            skipped.append((code, agency_code, exc.message))
    for agency_code, changes in overlay.items():
        claimed = answers[agency_code]
        merged = dict(claimed.answers)
        for code, value in changes.items():
            if value is None:
                merged.pop(code, None)
            else:
                merged[code] = value
        answers[agency_code] = AgencyAnswers(
            agency=claimed.agency, answers=merged, group=claimed.group, name=claimed.name
        )
    return answers, agencies, skipped


def published_previous(*, cycle: Cycle) -> PreviousCycle | None:
    """CYCLE's published figures as its latest publication stored them, for the gains of
    the cycle after it (None when it has no publication): a published cycle is never
    scored again, not even for its successor's gains."""
    from phrom.publications.models import Publication
    from phrom.publications.selectors import current_publication

    publication = current_publication(cycle=cycle)
    if publication is None:
        return None
    rows, pages = Publication.objects.values_list("rows", "pages").get(pk=publication.pk)

    def present(figures: dict[str, object]) -> dict[str, float]:
        return {c: float(v) for c, v in figures.items() if isinstance(v, int | float)}

    return PreviousCycle(
        totals={str(r["agency"]): float(r["total"]) for r in rows if r.get("total") is not None},
        dimensions={str(r["agency"]): present(r.get("dimensions") or {}) for r in rows},
        framework_code=cycle.framework.code,
        precision=(pages or {}).get("precision", cycle.framework.spec().precision),
        label=cycle.code,
    )


def score_cycle_from_db(
    *,
    cycle: Cycle,
    submitted_only: bool = True,
    with_previous: bool = True,
    verified: bool = False,
    claimed: ScoredCycle | None = None,
) -> ScoredCycle:
    """Score a stored cycle, with the gains over its previous cycle when it has one.

    VERIFIED scores this cycle and the previous one from their verified values
    (``verified_cycle_answers``); CLAIMED, this cycle already scored as claimed, spares
    reading its answers a second time.
    """
    spec = cycle.framework.spec()
    previous: PreviousCycle | None = None
    if with_previous and cycle.previous is not None:
        previous_cycle = Cycle.objects.select_related("framework").get(pk=cycle.previous_id)
        # its published figures when it has them (not read again), else scored here
        previous = published_previous(cycle=previous_cycle)
        if previous is None:
            previous = score_cycle_from_db(
                cycle=previous_cycle, submitted_only=submitted_only, with_previous=False,
                verified=verified,
            ).result.as_previous(label=previous_cycle.code)
    if verified:
        answers, agencies, skipped = verified_cycle_answers(
            cycle=cycle, spec=spec, submitted_only=submitted_only, claimed=claimed
        )
    else:
        answers, agencies, skipped = cycle_answers(
            cycle=cycle, spec=spec, submitted_only=submitted_only
        )
    result = score_cycle(spec, list(answers.values()), previous)
    return ScoredCycle(
        cycle=cycle,
        spec=spec,
        result=result,
        answers=answers,
        agencies=agencies,
        skipped=skipped,
    )
