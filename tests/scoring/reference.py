"""Brute-force definitions the engine is held to: one agency at a time in plain Python,
straight from ``docs/framework-format.md``, and awards placed by sorting every eligible
agency. Slow and obvious on purpose; only the tests use them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scoring.answers import NOT_APPLICABLE, AnswerValue
from scoring.matrix import matrix_questions
from scoring.model import AwardRule, Band, Framework, Question, QuestionType
from scoring.result import CycleResult


def question_score(q: Question, value: AnswerValue | None) -> float:
    """Points / max points on 0..1 of one answer (0 when unanswered)."""
    top = q.max_points
    if value is None or value is NOT_APPLICABLE or top <= 0:
        return 0.0
    t = q.type
    if t is QuestionType.YES_NO:
        points = 1.0 if value is True else 0.0
    elif t is QuestionType.SINGLE_CHOICE:
        option = q.option(str(value))
        points = option.points if option is not None else 0.0
    elif t is QuestionType.MULTIPLE_CHOICE:
        assert isinstance(value, tuple)
        points = sum(o.points for o in q.options if o.code in value)
        if q.cap is not None:
            points = min(points, q.cap)
    else:
        assert isinstance(value, float)
        if t is QuestionType.MATURITY:
            points = value
        elif q.thresholds:
            reached = [th for th in q.thresholds if value >= th.at_least]
            points = max(reached, key=lambda th: th.at_least).points if reached else 0.0
        elif t is QuestionType.PERCENTAGE:
            points = value
            top = 100.0
        else:
            assert q.minimum is not None and q.maximum is not None
            points, top = value - q.minimum, q.maximum - q.minimum
    return min(max(points, 0.0) / top, 1.0)


def band_for(fw: Framework, total: float) -> Band | None:
    """The band of a total: the highest minimum it reaches (a stable sort, so the first
    listed of equal minimums)."""
    by_minimum = sorted(fw.bands, key=lambda b: b.minimum, reverse=True)
    return next((band for band in by_minimum if total >= band.minimum), None)


def is_shown(q: Question, answers: Mapping[str, AnswerValue], by_code: Mapping[str, Question]) -> bool:
    cond = q.condition
    if cond is None:
        return True
    gate = by_code[cond.question]
    value = answers.get(gate.code)
    if value is None or value is NOT_APPLICABLE or not is_shown(gate, answers, by_code):
        return False
    if cond.at_least is not None:
        return isinstance(value, float) and value >= cond.at_least
    if gate.type is QuestionType.YES_NO:
        return value is cond.equals
    codes = cond.any_of or ((cond.equals,) if isinstance(cond.equals, str) else ())
    if gate.type is QuestionType.MULTIPLE_CHOICE:
        return isinstance(value, tuple) and any(c in value for c in codes)
    return value in codes


def _mean(parts: Sequence[tuple[float, float]]) -> float | None:
    weight = sum(w for w, _ in parts)
    if weight <= 0:
        return None
    return sum(w * s for w, s in parts) / weight


@dataclass
class AgencyScores:
    questions: dict[str, float | None]  # None: excluded
    indicators: list[float | None]  # on 0..1
    dimensions: list[float | None]  # raw, on 0..1
    total: float | None  # without normalisation, on 0..1


def score_agency(fw: Framework, answers: Mapping[str, AnswerValue]) -> AgencyScores:
    by_code = {q.code: q for q in matrix_questions(fw)}
    questions: dict[str, float | None] = {}
    indicators: list[float | None] = []
    dimensions: list[float | None] = []
    dim_parts = []
    for d in fw.dimensions:
        ind_parts = []
        for ind in d.indicators:
            parts = []
            for q in ind.questions:
                if q.code not in by_code:
                    continue
                value = answers.get(q.code)
                score: float | None
                if not is_shown(q, answers, by_code):
                    score = None if q.when_hidden == "exclude" else 0.0
                elif value is NOT_APPLICABLE:
                    score = None
                else:
                    score = question_score(q, value)
                questions[q.code] = score
                if score is not None and q.weight > 0:
                    parts.append((q.weight, score))
            mean = _mean(parts)
            indicators.append(mean)
            if mean is not None:
                ind_parts.append((max(ind.weight, 0.0), mean))
        raw = _mean(ind_parts)
        dimensions.append(raw)
        if raw is not None:
            dim_parts.append((max(d.weight, 0.0), raw))
    return AgencyScores(questions, indicators, dimensions, _mean(dim_parts))


def assert_scores_match(result: CycleResult, agencies: Sequence[str] | None = None) -> None:
    """Every question, indicator, dimension and total of ``result`` equal to the brute-force
    scores (within 1e-9 on the scale)."""
    fw = result.framework
    scale = fw.scale
    question_scores = result.question_scores  # (a property that scores every agency)
    for agency in agencies if agencies is not None else result.agencies:
        row = result.index(agency)
        want = score_agency(fw, result.matrix.answers_of(fw, agency).answers)
        for j, code in enumerate(result.matrix.questions):
            _close(question_scores[row, j], want.questions[code], 1.0, (agency, code))
        for i, code in enumerate(result.indicator_codes):
            _close(result.indicators[row, i], want.indicators[i], scale, (agency, code))
        for k, code in enumerate(result.published.dimension_codes):
            _close(result.raw_dimensions[row, k], want.dimensions[k], scale, (agency, code))
        if fw.normalisation == "none":
            _close(result.total[row], want.total, scale, (agency, "total"))


def _close(got: float, want: float | None, scale: float, where: object) -> None:
    if want is None:
        assert math.isnan(got), where
    else:
        assert abs(got - want * scale) <= 1e-9 * max(scale, 1.0), (where, got, want * scale)


# --------------------------------------------------------------------------- awards


def placed(
    result: CycleResult, rule: AwardRule, group: str | None, dimension: str | None
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(agency, place) of the winners and near misses of one award result, by sorting
    every eligible agency."""
    p = result.published

    def figure(name: str, i: int) -> float:
        if name == "total":
            return float(p.total[i])
        if name == "gain":
            return float(p.gain[i])
        if name == "previous_total":
            return float(p.previous_total[i])
        return float(p.dimensions[i, p.dimension_codes.index(name.split(":", 1)[1])])

    main = {"top_total": "total", "top_gain": "gain"}.get(rule.kind, f"dimension:{dimension}")
    names = [main, *rule.tie_break]
    rows = []
    missed = []
    for i, agency in enumerate(p.agencies):
        if math.isnan(p.total[i]) or math.isnan(figure(main, i)):
            continue
        if rule.groups and p.groups[i] not in rule.groups:
            continue
        if group is not None and p.groups[i] != group:
            continue
        key = tuple(-figure(n, i) if not math.isnan(figure(n, i)) else math.inf for n in names)
        if rule.kind == "top_gain" and rule.floor is not None and p.total[i] < rule.floor:
            missed.append((key, agency))
        else:
            rows.append((key, agency))
    rows.sort()
    places: list[tuple[str, int]] = []
    for position, (key, agency) in enumerate(rows):
        if rule.ties == "share" and position and rows[position - 1][0] == key:
            places.append((agency, places[-1][1]))
        else:
            places.append((agency, position + 1))
    winners = [(a, k) for a, k in places if k <= rule.top]
    # near misses are looked for among the first top + near_misses agencies by the
    # figure, and those equal to the last of them
    looked = rule.top + rule.near_misses
    figures = [-key[0] for key, _ in rows]
    bar_looked = figures[looked - 1] if 0 < looked < len(figures) else -math.inf
    runners = [
        (a, k) for (a, k), f in zip(places, figures, strict=True) if k > rule.top and f >= bar_looked
    ][: rule.near_misses]
    below: list[tuple[str, int]] = []
    if missed and rule.near_misses > 0:
        gains = [-key[0] for key, _ in rows]
        bar = gains[rule.top - 1] if gains and len(gains) >= rule.top else -math.inf
        missed = sorted((key[0], agency) for key, agency in missed if -key[0] >= bar)
        below = [
            (agency, 1 + sum(1 for g in gains if g > -k))
            for k, agency in missed[: rule.near_misses]
        ]
    return winners, (below + runners)[: rule.near_misses]


def assert_awards_match(result: CycleResult) -> None:
    """Every award result of ``result`` placed as by :func:`placed`."""
    rules = {r.code: r for r in result.framework.awards}
    for award in result.awards:
        winners, near = placed(result, rules[award.code], award.group, award.dimension)
        assert [(e.agency, e.place) for e in award.winners] == winners, award.code
        assert [(e.agency, e.place) for e in award.near_misses] == near, award.code
