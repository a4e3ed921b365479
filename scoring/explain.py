"""Explanations: every number behind one agency's total, down to answers and weights.

The tree is total -> dimensions -> indicators -> questions. Each level carries its
weight, its effective weight (its share once not-applicable and excluded parts have
left), its score and a formula with the numbers filled in, so that a person can
recompute each published figure by hand. Every score, weight share and status is the
engine's (a :class:`scoring.result.CycleResult`); :func:`answer_points` only describes
each answer (its option, level or threshold, and the points they stand for) for the
formulas.

Each formula is data, a :class:`scoring.formulas.Formula`; a node's ``formula`` is its
English, for the command line and JSON.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Literal, TypeVar

from scoring.answers import AgencyAnswers, AnswerValue, check_answer
from scoring.engine import Normalisation
from scoring.engine import question_scores as engine_question_scores
from scoring.formulas import (
    Formula,
    answer_points,
    answer_shown,
    as_data,
    condition_formula,
    display,
    number_text,
)
from scoring.model import Bilingual, Framework, Question
from scoring.plan import matrix_scores, plan_for
from scoring.result import CycleResult

QuestionStatus = Literal["scored", "not_applicable", "hidden", "unanswered"]
Status = Literal["scored", "excluded"]


def _as_dict(node: object, **texts: str | None) -> dict[str, object]:
    """A node of the tree as plain data: its fields in order, with its English ``texts``
    just before ``how``; the answer as shown (``shown``) stays out."""
    out: dict[str, object] = {}
    for f in fields(node):  # type: ignore[arg-type]
        if f.name == "how":
            out.update(texts)
        if f.name != "shown":
            out[f.name] = as_data(getattr(node, f.name))
    return out


class _Node:
    """What every node of the tree has: ``how`` its figure is made, also in English."""

    how: Formula

    @property
    def formula(self) -> str:
        return self.how.text

    def to_dict(self) -> dict[str, object]:
        return _as_dict(self, formula=self.formula)


@dataclass(frozen=True)
class QuestionExplanation(_Node):
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
    how: Formula
    shown: Formula | None = None  # the answer with the names of its options


@dataclass(frozen=True)
class IndicatorExplanation(_Node):
    code: str
    name: Bilingual
    score: float | None  # on the scale; None when excluded
    weight: float
    effective_weight: float  # share of the dimension; 0 when excluded
    status: Status
    how: Formula
    questions: tuple[QuestionExplanation, ...]


@dataclass(frozen=True)
class DimensionExplanation(_Node):
    code: str
    name: Bilingual
    raw_score: float | None  # weighted mean of indicators, on the scale
    score: float | None  # after normalisation (the same when there is none)
    published_score: float | None
    weight: float
    effective_weight: float  # share of the total; 0 when excluded
    status: Status
    how: Formula
    normalising: Formula | None
    indicators: tuple[IndicatorExplanation, ...]

    @property
    def normalisation(self) -> str | None:
        return None if self.normalising is None else self.normalising.text

    def to_dict(self) -> dict[str, object]:
        return _as_dict(self, formula=self.formula, normalisation=self.normalisation)


@dataclass(frozen=True)
class Explanation(_Node):
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
    how: Formula
    rounded: Formula
    dimensions: tuple[DimensionExplanation, ...]

    @property
    def rounding(self) -> str:
        return self.rounded.text

    def to_dict(self) -> dict[str, object]:
        return _as_dict(self, formula=self.formula, rounding=self.rounding)


def _mean_formula(parts: list[tuple[float, float]], result: float, times: str = "") -> Formula:
    """A weighted mean: its terms written out (empty when nothing is included), the
    scale it is multiplied by, its result."""
    mean = ""
    if parts:
        num = " + ".join(f"{number_text(w)}×{number_text(s)}" for w, s in parts)
        den = " + ".join(number_text(w) for w, _ in parts)
        mean = f"({num}) / ({den})"
    return Formula("mean", {"mean": mean, "times": times, "result": number_text(result)})


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
        for q in plan.questions:
            given = check_answer(q, answers.answers.get(q.code))
            if given != scored_answers.get(q.code):
                raise ValueError(
                    f"{agency}: answer to {q.code} ({display(given)}) is not the one scored "
                    f"({display(scored_answers.get(q.code))})"
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
                scored_answers, shown_answers, fw,
            )
            score = _number(indicator_scores[i])
            status: Status = "excluded"
            how = Formula("indicator_excluded")
            if score is not None:
                status, how = "scored", _mean_formula(parts, score, number_text(scale))
                ind_parts.append((max(indicator.weight, 0.0), score))
            indicators.append(
                IndicatorExplanation(
                    indicator.code, indicator.name, score, indicator.weight, 0.0, status, how,
                    questions,
                )
            )
        raw = _number(float(result.raw_dimensions[row, k]))
        score = published_score = normalising = None
        status, how = "excluded", Formula("dimension_excluded")
        if raw is not None:
            score = float(result.dimensions[row, k])
            published_score = float(result.published.dimensions[row, k])
            status, how = "scored", _mean_formula(ind_parts, raw)
            normalising = _normalisation(norm, k, raw / scale, score, scale)
            dim_parts.append((max(dimension.weight, 0.0), score))
        dimensions.append(
            DimensionExplanation(
                dimension.code, dimension.name, raw, score, published_score, dimension.weight, 0.0,
                status, how, normalising, _with_shares(indicators, ind_parts),
            )
        )
    total = _number(float(result.total[row]))
    p = fw.precision
    published: float | None = None
    if total is None:
        formula = Formula("no_total")
        rounding = Formula("no_rounding")
    else:
        formula = _mean_formula(dim_parts, total)
        published = float(result.published.total[row])
        rounding = Formula(
            "rounding",
            {"total": number_text(total), "precision": str(p), "published": f"{published:.{p}f}"},
        )
    return Explanation(
        agency=agency,
        group=result.groups[row],
        framework=fw.code,
        scale=scale,
        precision=p,
        total=total,
        published_total=published,
        band=result.bands[row],
        rank=int(result.rank[row]) or None,
        group_rank=int(result.group_rank[row]) or None,
        previous_total=_number(float(result.published.previous_total[row])),
        gain=_number(float(result.published.gain[row])),
        how=formula,
        rounded=rounding,
        dimensions=_with_shares(dimensions, dim_parts),
    )


_Part = TypeVar("_Part", QuestionExplanation, IndicatorExplanation, DimensionExplanation)


def _with_shares(parts: list[_Part], included: list[tuple[float, float]]) -> tuple[_Part, ...]:
    """``parts`` with their effective weight: their weight over the summed weight of the
    ``included`` ones (weight, score); the excluded ones (no score) keep 0."""
    total = sum(w for w, _ in included)
    return tuple(
        p
        if p.score is None or total <= 0
        else replace(p, effective_weight=max(p.weight, 0.0) / total)
        for p in parts
    )


def _questions(
    questions: tuple[Question, ...],
    column: dict[str, int],
    visible: dict[int, bool],
    scores: list[float],
    not_applicable: list[bool],
    scored_answers: Mapping[str, AnswerValue],
    shown_answers: Mapping[str, AnswerValue],
    framework: Framework,
) -> tuple[tuple[QuestionExplanation, ...], list[tuple[float, float]]]:
    """The questions of one indicator explained, and the (weight, score) of those
    included."""
    explained: list[QuestionExplanation] = []
    for q in questions:
        j = column.get(q.code)
        if j is None:
            continue  # text, url, file: not scored
        value = scored_answers.get(q.code)
        score = _number(scores[j])
        points: float | None = None  # of scored and unanswered questions only
        status: QuestionStatus = "scored"
        if not visible.get(j, True):
            assert q.condition is not None
            condition = condition_formula(q.condition, framework.question(q.condition.question))
            status = "hidden"
            how = Formula("hidden", {"condition": condition, "excluded": score is None})
        elif not_applicable[j]:
            status, score, how = "not_applicable", None, Formula("not_applicable")
        elif value is None:
            status, points, how = "unanswered", 0.0, Formula("unanswered")
        else:
            points, _, answered = answer_points(q, value)
            how = Formula("question_scored", {"how": answered, "score": number_text(score)})
        shown = shown_answers.get(q.code)
        explained.append(
            QuestionExplanation(
                q.code, q.type.value, q.text, display(shown), points, q.max_points, score,
                q.weight, 0.0, status, how, answer_shown(q, shown),
            )
        )
    parts = [(q.weight, q.score) for q in explained if q.score is not None and q.weight > 0]
    return _with_shares(explained, parts), parts


def _normalisation(
    norm: Normalisation, k: int, x: float, score: float, scale: float
) -> Formula | None:
    """The normalisation step of dimension ``k`` (``x``: its raw score on 0..1)."""
    if norm.mode == "none":
        return None
    lo, hi = float(norm.low[k]), float(norm.high[k])
    if not hi > lo:
        return Formula("same_score", {"score": number_text(score)})
    figures: dict[str, object] = {"z": None}
    if norm.mode == "zscore_minmax":
        mean_k, std_k = float(norm.mean[k]), float(norm.std[k])
        z = (x - mean_k) / std_k
        figures.update(raw=number_text(x), mean=number_text(mean_k), std=number_text(std_k), z=number_text(z))
        x = z
    figures.update(x=number_text(x), low=number_text(lo), high=number_text(hi), scale=number_text(scale), score=number_text(score))
    return Formula("minmax", figures)


__all__ = [
    "DimensionExplanation",
    "Explanation",
    "Formula",
    "IndicatorExplanation",
    "QuestionExplanation",
    "explain_agency",
]
