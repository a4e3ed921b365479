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
from dataclasses import dataclass, fields
from typing import Literal

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
        texts = [(number_text(w), number_text(s)) for w, s in parts]
        num = " + ".join(f"{w}×{s}" for w, s in texts)
        den = " + ".join(w for w, _ in texts)
        mean = f"({num}) / ({den})"
    return Formula("mean", {"mean": mean, "times": times, "result": number_text(result)})


def _number(x: float) -> float | None:
    return None if math.isnan(x) else x


def _share(weight: float, score: float | None, total: float) -> float:
    """A part's effective weight: its weight over ``total``, the summed weight of the
    included parts; 0 for an excluded part (no score)."""
    return 0.0 if score is None or total <= 0 else max(weight, 0.0) / total


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
    indicator_scores = iter(result.indicators[row].tolist())
    raw_scores = [_number(x) for x in result.raw_dimensions[row].tolist()]
    dimension_scores = result.dimensions[row].tolist()
    norm = result.normalisation
    scale_text = number_text(scale)
    # the (weight, score) of the dimensions included, for their shares of the total
    dim_parts = [(max(d.weight, 0.0), dimension_scores[k])
                 for k, d in enumerate(fw.dimensions) if raw_scores[k] is not None]
    dim_total = sum(w for w, _ in dim_parts)

    dimensions: list[DimensionExplanation] = []
    for k, dimension in enumerate(fw.dimensions):
        scores = [_number(next(indicator_scores)) for _ in dimension.indicators]
        ind_parts = [(max(i.weight, 0.0), s)
                     for i, s in zip(dimension.indicators, scores, strict=True) if s is not None]
        ind_total = sum(w for w, _ in ind_parts)
        indicators: list[IndicatorExplanation] = []
        for indicator, score in zip(dimension.indicators, scores, strict=True):
            questions, parts = _questions(
                indicator.questions, column, visible, question_scores, not_applicable,
                scored_answers, shown_answers, fw,
            )
            status: Status = "excluded"
            how = Formula("indicator_excluded")
            if score is not None:
                status, how = "scored", _mean_formula(parts, score, scale_text)
            indicators.append(
                IndicatorExplanation(
                    indicator.code, indicator.name, score, indicator.weight,
                    _share(indicator.weight, score, ind_total), status, how, questions,
                )
            )
        raw = raw_scores[k]
        score = published_score = normalising = None
        status, how = "excluded", Formula("dimension_excluded")
        if raw is not None:
            score = dimension_scores[k]
            published_score = float(result.published.dimensions[row, k])
            status, how = "scored", _mean_formula(ind_parts, raw)
            normalising = _normalisation(norm, k, raw / scale, score, scale)
        dimensions.append(
            DimensionExplanation(
                dimension.code, dimension.name, raw, score, published_score, dimension.weight,
                _share(dimension.weight, score, dim_total), status, how, normalising,
                tuple(indicators),
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
    framework: Framework,
) -> tuple[tuple[QuestionExplanation, ...], list[tuple[float, float]]]:
    """The questions of one indicator explained, and the (weight, score) of those
    included."""
    # each question's figures first: its effective weight needs those of the others
    found: list[tuple[Question, float | None, float | None, QuestionStatus, Formula]] = []
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
        found.append((q, points, score, status, how))
    parts = [(q.weight, score) for q, _, score, _, _ in found if score is not None and q.weight > 0]
    total = sum(w for w, _ in parts)
    explained: list[QuestionExplanation] = []
    for q, points, score, status, how in found:
        shown = answer_shown(q, shown_answers.get(q.code))  # its text is the answer
        explained.append(QuestionExplanation(
            q.code, q.type.value, q.text, None if shown is None else shown.text, points,
            q.max_points, score, q.weight, _share(q.weight, score, total), status, how, shown))
    return tuple(explained), parts


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
