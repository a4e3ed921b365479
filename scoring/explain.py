"""Explanations: every number behind one agency's total, down to answers and weights.

The tree is total -> dimensions -> indicators -> questions. Each level carries its
weight, its effective weight (its share once not-applicable and excluded parts have
left), its score and a formula with the numbers filled in, so that a person can
recompute each published figure by hand. Every score, weight share and status is the
engine's (a :class:`scoring.result.CycleResult`); :func:`question_points` only describes
each answer (its option, level or threshold, and the points they stand for) for the
formulas.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from scoring.answers import NOT_APPLICABLE, AgencyAnswers, AnswerValue, check_answer
from scoring.engine import Normalisation
from scoring.engine import question_scores as engine_question_scores
from scoring.matrix import matrix_questions
from scoring.model import Bilingual, Condition, Question, QuestionType
from scoring.plan import matrix_scores, plan_for
from scoring.result import CycleResult

QuestionStatus = Literal["scored", "not_applicable", "hidden", "unanswered"]


def _n(x: float | None) -> str:
    """A number as a person would write it: up to 6 decimals, no trailing zeros."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _bilingual(b: Bilingual) -> dict[str, str]:
    return {"th": b.th, "en": b.en}


# --------------------------------------------------------------------------- points


def question_points(question: Question, value: AnswerValue | None) -> tuple[float, float, str]:
    """(points, max_points, how) of one answer; unanswered earns 0 points.

    The score is ``max(points, 0) / max_points`` clipped to 0..1 (0 when max_points is 0).
    """
    t = question.type
    top = question.max_points
    if value is None or value is NOT_APPLICABLE:
        return 0.0, top, "unanswered: 0 points"
    if t is QuestionType.YES_NO:
        points = 1.0 if value is True else 0.0
        return points, top, f"{'yes' if value is True else 'no'} -> {_n(points)} of 1"
    if t is QuestionType.SINGLE_CHOICE:
        option = question.option(str(value))
        points = option.points if option is not None else 0.0
        return points, top, f"option {value} -> {_n(points)} of {_n(top)} points"
    if t is QuestionType.MULTIPLE_CHOICE:
        assert isinstance(value, tuple)
        chosen = [o for o in question.options if o.code in value]
        raw = sum(o.points for o in chosen)
        points = raw
        how = " + ".join(f"{o.code} {_n(o.points)}" for o in chosen) or "nothing chosen"
        how = f"{how} = {_n(raw)}"
        if question.cap is not None and raw > question.cap:
            points = question.cap
            how += f", capped at {_n(question.cap)}"
        if points < 0:
            points = 0.0
            how += ", counted as 0"
        return points, top, f"{how} of {_n(top)} points"
    assert isinstance(value, float)
    if t is QuestionType.MATURITY:
        return value, top, f"level {_n(value)} of 5"
    if question.thresholds:
        reached = [th for th in sorted(question.thresholds, key=lambda th: th.at_least)]
        best = None
        for th in reached:
            if value >= th.at_least:
                best = th
        if best is None:
            return 0.0, top, f"{_n(value)} below every threshold -> 0 of {_n(top)} points"
        return (
            best.points,
            top,
            f"{_n(value)} >= {_n(best.at_least)} -> {_n(best.points)} of {_n(top)} points",
        )
    if t is QuestionType.PERCENTAGE:
        return value / 100.0, 1.0, f"{_n(value)} / 100"
    assert question.minimum is not None and question.maximum is not None
    lo, hi = question.minimum, question.maximum
    points = min(max((value - lo) / (hi - lo), 0.0), 1.0)
    return points, 1.0, f"({_n(value)} - {_n(lo)}) / ({_n(hi)} - {_n(lo)})"


def _describe_condition(condition: Condition) -> str:
    if condition.at_least is not None:
        return f"{condition.question} >= {_n(condition.at_least)}"
    if isinstance(condition.equals, bool):
        return f"{condition.question} = {'yes' if condition.equals else 'no'}"
    if condition.any_of:
        return f"{condition.question} is any of {', '.join(condition.any_of)}"
    return f"{condition.question} = {condition.equals}"


def _display(value: AnswerValue | None) -> str | None:
    if value is None:
        return None
    if value is NOT_APPLICABLE:
        return "not applicable"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return "; ".join(value) if value else "(none chosen)"
    if isinstance(value, float):
        return _n(value)
    return str(value)


# --------------------------------------------------------------------------- the tree


@dataclass(frozen=True)
class QuestionExplanation:
    code: str
    type: str
    text: Bilingual
    answer: str | None
    points: float | None
    max_points: float
    score: float | None  # 0..1; None when not applicable or excluded
    weight: float
    effective_weight: float  # share of the indicator; 0 when excluded
    status: QuestionStatus
    formula: str

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "type": self.type,
            "text": _bilingual(self.text),
            "answer": self.answer,
            "points": self.points,
            "max_points": self.max_points,
            "score": self.score,
            "weight": self.weight,
            "effective_weight": self.effective_weight,
            "status": self.status,
            "formula": self.formula,
        }


@dataclass(frozen=True)
class IndicatorExplanation:
    code: str
    name: Bilingual
    score: float | None  # on the scale; None when excluded
    weight: float
    effective_weight: float  # share of the dimension; 0 when excluded
    status: Literal["scored", "excluded"]
    formula: str
    questions: tuple[QuestionExplanation, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": _bilingual(self.name),
            "score": self.score,
            "weight": self.weight,
            "effective_weight": self.effective_weight,
            "status": self.status,
            "formula": self.formula,
            "questions": [q.to_dict() for q in self.questions],
        }


@dataclass(frozen=True)
class DimensionExplanation:
    code: str
    name: Bilingual
    raw_score: float | None  # weighted mean of indicators, on the scale
    score: float | None  # after normalisation (the same when there is none)
    published_score: float | None
    weight: float
    effective_weight: float  # share of the total; 0 when excluded
    status: Literal["scored", "excluded"]
    formula: str
    normalisation: str | None
    indicators: tuple[IndicatorExplanation, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": _bilingual(self.name),
            "raw_score": self.raw_score,
            "score": self.score,
            "published_score": self.published_score,
            "weight": self.weight,
            "effective_weight": self.effective_weight,
            "status": self.status,
            "formula": self.formula,
            "normalisation": self.normalisation,
            "indicators": [i.to_dict() for i in self.indicators],
        }


@dataclass(frozen=True)
class Explanation:
    agency: str
    group: str | None
    framework: str
    scale: float
    precision: int
    total: float | None
    published_total: float | None
    band: str | None
    rank: int | None
    group_rank: int | None
    previous_total: float | None
    gain: float | None
    formula: str
    rounding: str
    dimensions: tuple[DimensionExplanation, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "agency": self.agency,
            "group": self.group,
            "framework": self.framework,
            "scale": self.scale,
            "precision": self.precision,
            "total": self.total,
            "published_total": self.published_total,
            "band": self.band,
            "rank": self.rank,
            "group_rank": self.group_rank,
            "previous_total": self.previous_total,
            "gain": self.gain,
            "formula": self.formula,
            "rounding": self.rounding,
            "dimensions": [d.to_dict() for d in self.dimensions],
        }

    def question(self, code: str) -> QuestionExplanation:
        for d in self.dimensions:
            for i in d.indicators:
                for q in i.questions:
                    if q.code == code:
                        return q
        raise KeyError(code)


def _mean_formula(parts: list[tuple[float, float]], times: str = "") -> str:
    if not parts:
        return "nothing included"
    num = " + ".join(f"{_n(w)}×{_n(s)}" for w, s in parts)
    den = " + ".join(_n(w) for w, _ in parts)
    return f"({num}) / ({den}){times}"


def _number(x: float) -> float | None:
    return None if math.isnan(x) else x


def explain_agency(
    result: CycleResult, agency: str, answers: AgencyAnswers | None = None
) -> Explanation:
    """The explanation of one agency of ``result``.

    ``answers`` (optional) are shown instead of the values decoded from the matrix; they
    must be the answers that were scored (``ValueError`` otherwise).
    """
    fw = result.framework
    plan = plan_for(fw)
    row = result.index(agency)
    scored_answers = result.matrix.answers_of(fw, agency).answers
    shown_answers: dict[str, AnswerValue] = dict(scored_answers)
    if answers is not None:
        for q in matrix_questions(fw):
            given = check_answer(q, answers.answers.get(q.code))
            if given != scored_answers.get(q.code):
                raise ValueError(
                    f"{agency}: answer to {q.code} ({_display(given)}) is not the one scored "
                    f"({_display(scored_answers.get(q.code))})"
                )
        shown_answers.update(answers.answers)
    scale = fw.scale
    column = {code: j for j, code in enumerate(plan.codes)}
    visible = {c.column: bool(result.shown[row, k]) for k, c in enumerate(plan.conditions)}
    question_scores = engine_question_scores(
        plan,
        matrix_scores(plan, result.matrix)[row : row + 1],
        result.matrix.not_applicable[row : row + 1],
        result.shown[row : row + 1],
    )[0].tolist()
    not_applicable = result.matrix.not_applicable[row].tolist()
    indicator_scores = result.indicators[row].tolist()
    norm = result.normalisation

    dimensions: list[DimensionExplanation] = []
    dim_parts: list[tuple[float, float]] = []
    i = -1
    for k, dimension in enumerate(fw.dimensions):
        indicators: list[IndicatorExplanation] = []
        ind_parts: list[tuple[float, float]] = []
        for indicator in dimension.indicators:
            i += 1
            questions, parts = _questions(
                indicator.questions, column, visible, question_scores, not_applicable,
                scored_answers, shown_answers,
            )
            score = _number(indicator_scores[i])
            if score is None:
                indicators.append(
                    IndicatorExplanation(
                        indicator.code, indicator.name, None, indicator.weight, 0.0, "excluded",
                        "no question included: the indicator leaves its dimension", questions,
                    )
                )
                continue
            formula = f"{_mean_formula(parts, f' × {_n(scale)}')} = {_n(score)}"
            indicators.append(
                IndicatorExplanation(
                    indicator.code, indicator.name, score, indicator.weight, 0.0, "scored",
                    formula, questions,
                )
            )
            ind_parts.append((max(indicator.weight, 0.0), score))
        ind_weight = sum(w for w, _ in ind_parts)
        indicators = [
            ind
            if ind.status == "excluded" or ind_weight <= 0
            else replace(ind, effective_weight=ind.weight / ind_weight)
            for ind in indicators
        ]
        raw = _number(float(result.raw_dimensions[row, k]))
        if raw is None:
            dimensions.append(
                DimensionExplanation(
                    dimension.code, dimension.name, None, None, None, dimension.weight, 0.0,
                    "excluded", "no indicator included: the dimension leaves the total", None,
                    tuple(indicators),
                )
            )
            continue
        score = float(result.dimensions[row, k])
        dimensions.append(
            DimensionExplanation(
                dimension.code, dimension.name, raw, score,
                float(result.published_dimensions[row, k]), dimension.weight, 0.0, "scored",
                f"{_mean_formula(ind_parts)} = {_n(raw)}",
                _normalisation(norm, k, raw / scale, score, scale), tuple(indicators),
            )
        )
        dim_parts.append((max(dimension.weight, 0.0), score))
    dim_weight = sum(w for w, _ in dim_parts)
    dimensions = [
        d
        if d.status == "excluded" or dim_weight <= 0
        else replace(d, effective_weight=d.weight / dim_weight)
        for d in dimensions
    ]
    total = _number(float(result.total[row]))
    p = fw.precision
    published: float | None = None
    if total is None:
        formula = "no dimension included: no total"
        rounding = "-"
    else:
        formula = f"{_mean_formula(dim_parts)} = {_n(total)}"
        published = float(result.published_total[row])
        rounding = f"{_n(total)} rounded half up to {p} decimals = {published:.{p}f}"
    rank = int(result.rank[row])
    group_rank = int(result.group_rank[row])
    return Explanation(
        agency=agency,
        group=result.groups[row],
        framework=fw.code,
        scale=scale,
        precision=p,
        total=total,
        published_total=published,
        band=result.bands[row],
        rank=rank or None,
        group_rank=group_rank or None,
        previous_total=_number(float(result.previous_total[row])),
        gain=_number(float(result.gain[row])),
        formula=formula,
        rounding=rounding,
        dimensions=tuple(dimensions),
    )


def _questions(
    questions: tuple[Question, ...],
    column: dict[str, int],
    visible: dict[int, bool],
    scores: list[float],
    not_applicable: list[bool],
    scored_answers: Mapping[str, AnswerValue],
    shown_answers: Mapping[str, AnswerValue],
) -> tuple[tuple[QuestionExplanation, ...], list[tuple[float, float]]]:
    """The questions of one indicator explained, and the (weight, score) of those
    included."""
    rows: list[tuple[Question, AnswerValue | None, QuestionStatus, float | None, str]] = []
    for q in questions:
        j = column.get(q.code)
        if j is None:
            continue  # text, url, file: not scored
        value = scored_answers.get(q.code)
        score = _number(scores[j])
        if not visible.get(j, True):
            assert q.condition is not None
            why = f"hidden ({_describe_condition(q.condition)} not met)"
            if score is None:
                rows.append((q, value, "hidden", None, f"{why}: excluded"))
            else:
                rows.append((q, value, "hidden", score, f"{why}: scores 0, keeps its weight"))
        elif not_applicable[j]:
            rows.append((q, value, "not_applicable", None, "not applicable: excluded"))
        elif value is None:
            rows.append((q, value, "unanswered", score, "unanswered: scores 0, keeps its weight"))
        else:
            how = question_points(q, value)[2]
            rows.append((q, value, "scored", score, f"{how} = {_n(score)}"))
    parts = [(q.weight, s) for q, _v, _st, s, _f in rows if s is not None and q.weight > 0]
    included = sum(w for w, _ in parts)
    explained = tuple(
        QuestionExplanation(
            code=q.code,
            type=q.type.value,
            text=q.text,
            answer=_display(shown_answers.get(q.code)),
            points=question_points(q, v)[0] if st in ("scored", "unanswered") else None,
            max_points=q.max_points,
            score=s,
            weight=q.weight,
            effective_weight=(q.weight / included)
            if s is not None and included > 0 and q.weight > 0
            else 0.0,
            status=st,
            formula=f,
        )
        for q, v, st, s, f in rows
    )
    return explained, parts


def _normalisation(norm: Normalisation, k: int, x: float, score: float, scale: float) -> str | None:
    """The normalisation step of dimension ``k`` (``x``: its raw score on 0..1)."""
    if norm.mode == "none":
        return None
    lo, hi = float(norm.low[k]), float(norm.high[k])
    if not hi > lo:
        return f"every agency has the same score: half the scale, {_n(score)}"
    step = ""
    if norm.mode == "zscore_minmax":
        mean_k, std_k = float(norm.mean[k]), float(norm.std[k])
        z = (x - mean_k) / std_k
        step = f"z = ({_n(x)} - {_n(mean_k)}) / {_n(std_k)} = {_n(z)}; "
        x = z
    return f"{step}({_n(x)} - {_n(lo)}) / ({_n(hi)} - {_n(lo)}) × {_n(scale)} = {_n(score)}"


__all__ = [
    "DimensionExplanation",
    "Explanation",
    "IndicatorExplanation",
    "QuestionExplanation",
    "explain_agency",
    "question_points",
]
