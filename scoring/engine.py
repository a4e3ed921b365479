"""The scoring engine: a whole cycle's scores at once, with numpy, as pure functions.

How a total is made (``docs/framework-format.md``):

- question score = points / max_points on 0..1 (:func:`scoring.plan.answer_scores`);
  unanswered scores 0 and keeps its weight; a hidden question (its condition not met)
  scores 0 and keeps its weight (``when_hidden: zero``) or is excluded (``exclude``); a
  not-applicable answer is excluded. A hidden question's own answer, even "not
  applicable", is ignored.
- indicator = weighted mean of its included questions; no included question (or no
  question with positive weight) -> the indicator is excluded.
- dimension = weighted mean of its included indicators x scale; none -> excluded.
- normalisation of each dimension across the agencies scored together (``minmax``,
  ``zscore_minmax``); when every agency has the same score in a dimension (max = min),
  every agency gets half the scale there: the spread carries no information, and the
  midpoint favours nobody.
- total = weighted mean of the included dimensions (dimension weights are relative).

Publication (rounding, bands, ranks) is :mod:`scoring.ranking`'s; the result of a cycle,
with its gains, is assembled by :func:`scoring.result.score_cycle`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.plan import Plan, shown

# An indicator whose included weight is below this share of its full weight is excluded
# (the subtraction of excluded weights leaves float residue instead of an exact 0).
WEIGHT_EPSILON = 1e-9


@dataclass(frozen=True)
class Normalisation:
    """What was done to each dimension across the cycle (arrays of one value per
    dimension, on the raw 0..1 scale). ``mean``/``std`` (population) are set for
    ``zscore_minmax``; ``low``/``high`` are the min and max that were rescaled to 0..1
    (of the z-scores for ``zscore_minmax``); NaN where not used."""

    mode: str
    mean: np.ndarray
    std: np.ndarray
    low: np.ndarray
    high: np.ndarray


@dataclass(frozen=True)
class Scores:
    """A cycle's unrounded scores (rows are agencies), on the framework's scale; NaN marks
    an excluded indicator or dimension, or no total at all."""

    shown: np.ndarray  # (n, c) whether each question with a condition is shown
    indicators: np.ndarray  # (n, i)
    raw_dimensions: np.ndarray  # (n, d) before normalisation
    dimensions: np.ndarray  # (n, d)
    total: np.ndarray  # (n,)
    normalisation: Normalisation


def score(plan: Plan, values: np.ndarray, not_applicable: np.ndarray, scores: np.ndarray) -> Scores:
    """Score every agency of a cycle: ``values``/``not_applicable`` as
    :class:`scoring.matrix.AnswerMatrix` holds them, ``scores`` their
    :func:`scoring.plan.answer_scores`."""
    visible = shown(plan, values, not_applicable)
    # hidden questions answered anyway (forms do not ask them; imported answers may):
    # their scores are taken back out of their indicators
    answered = ~np.isnan(values[:, plan.condition_columns])
    answered &= ~visible
    taken_out = np.flatnonzero(answered.any(axis=0)).tolist()
    st = scores.T  # question-major: each indicator's columns are contiguous rows
    indicators, present = _indicators(
        plan, st, visible, taken_out, excluded(plan, not_applicable, visible).T
    )
    raw = _dimensions(plan, indicators, present)
    dims01, normalisation = normalise(raw, plan.framework.normalisation)
    has = ~np.isnan(dims01)
    with np.errstate(invalid="ignore", divide="ignore"):
        total01 = np.dot(plan.dim_weight, np.where(has, dims01, 0.0)) / np.dot(plan.dim_weight, has)
    scale = plan.framework.scale
    indicators *= scale
    indicators[~present] = np.nan
    return Scores(
        shown=visible,
        indicators=indicators.T,
        raw_dimensions=(raw * scale).T,
        dimensions=(dims01 * scale).T,
        total=total01 * scale,  # nothing present: 0 / 0 = NaN
        normalisation=normalisation,
    )


def question_scores(
    plan: Plan, scores: np.ndarray, not_applicable: np.ndarray, visible: np.ndarray
) -> np.ndarray:
    """Question scores on 0..1 as they count (agencies x columns): hidden questions 0,
    excluded ones (not applicable, hidden with ``exclude``) NaN. ``visible`` as
    :func:`scoring.plan.shown` gives it; any rows of the three may be passed."""
    out = np.array(scores, dtype=np.float64)
    if plan.conditions:
        out[:, plan.condition_columns] *= visible
    if plan.excludable.size:
        dropped = excluded(plan, not_applicable, visible)
        out[:, plan.excludable] = np.where(dropped, np.nan, out[:, plan.excludable])
    return out


def excluded(plan: Plan, not_applicable: np.ndarray, visible: np.ndarray) -> np.ndarray:
    """Whether each ``plan.excludable`` column drops out of its indicator for each agency:
    not applicable and shown, or hidden with ``when_hidden: exclude``."""
    out = not_applicable[:, plan.excludable]
    for k, p in plan.condition_excludable:
        if plan.conditions[k].exclude:
            out[:, p] |= ~visible[:, k]
        else:  # not applicable only counts when the question is shown
            out[:, p] &= visible[:, k]
    return out


def _indicators(
    plan: Plan, st: np.ndarray, visible: np.ndarray, taken_out: list[int], dropped: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Indicator scores on 0..1 (indicators x agencies, 0 where excluded) and whether each
    is included: the weighted mean of its included questions.

    ``st``: the answers' scores question-major; ``taken_out``: the conditions whose
    question some agency answered though it was hidden; ``dropped``: :func:`excluded`,
    question-major. One matrix-vector product per indicator (its weights already divided
    by its summed weight where no question can drop out); the scores of hidden questions
    are then taken back out, and the indicators whose questions can drop out divided by
    the weight left."""
    n, n_ind = st.shape[1], plan.ind_start.size
    w = plan.sum_weight
    num = np.zeros((n_ind, n))
    for i, (a, b) in enumerate(zip(plan.ind_start.tolist(), plan.ind_stop.tolist(), strict=True)):
        if b > a:
            np.dot(w[a:b], st[a:b], out=num[i])
    for k in taken_out:
        j = int(plan.condition_columns[k])
        num[plan.indicator_of[j]] -= w[j] * st[j] * ~visible[:, k]
    present = np.repeat((plan.ind_weight_sum > 0)[:, None], n, axis=1)
    if plan.drop_ranges:
        dropped_f = dropped.astype(np.float64)
        columns, total = plan.excludable, plan.ind_weight_sum
        for i, a, b in plan.drop_ranges:
            # the weight left: the summed weight less that of the questions dropped
            left = total[i] - np.dot(w[columns[a:b]], dropped_f[a:b])
            np.greater(left, WEIGHT_EPSILON * total[i], out=present[i])
            # where nothing is included every score was zeroed: num is 0 and stays 0
            num[i] /= np.maximum(left, 1e-300, out=left)
    return num, present


def _dimensions(plan: Plan, indicators: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Raw dimension scores on 0..1 (dimensions x agencies): the weighted mean of the
    included indicators, NaN where none is."""
    out = np.full((plan.dim_start.size, indicators.shape[1]), np.nan)
    w = plan.ind_weight
    with np.errstate(invalid="ignore", divide="ignore"):
        for d, (a, b) in enumerate(zip(plan.dim_start.tolist(), plan.dim_stop.tolist(), strict=True)):
            if b <= a:
                continue
            np.dot(w[a:b], indicators[a:b], out=out[d])
            if plan.can_drop[a:b].any():
                # nothing present: 0 / 0 = NaN
                out[d] /= np.dot(w[a:b], present[a:b].astype(np.float64))
            elif w[a:b].sum() > 0:
                out[d] /= w[a:b].sum()
            else:
                out[d] = np.nan
    return out


def normalise(raw: np.ndarray, mode: str) -> tuple[np.ndarray, Normalisation]:
    """Normalised dimension scores on 0..1 (dimensions x agencies); a dimension in which
    every agency has the same score gets 0.5 for all."""
    d = raw.shape[0]
    nothing = np.full(d, np.nan)
    if mode == "none":
        return raw, Normalisation(mode, nothing, nothing, nothing, nothing)
    if mode not in ("minmax", "zscore_minmax"):
        raise ValueError(f"unknown normalisation {mode!r}")
    x = raw
    present = ~np.isnan(x)
    count = present.sum(axis=1)
    none = count == 0
    mean = std = nothing
    if mode == "zscore_minmax":
        filled = np.where(present, x, 0.0)
        mean = filled.sum(axis=1) / np.maximum(count, 1)
        deviation = np.where(present, x - mean[:, None], 0.0)
        std = np.sqrt((deviation**2).sum(axis=1) / np.maximum(count, 1))  # population
        x = np.where(present, deviation / np.where(std > 0, std, 1.0)[:, None], np.nan)
        mean = np.where(none, np.nan, mean)
        std = np.where(none, np.nan, std)
    lo = np.min(np.where(present, x, np.inf), axis=1)
    hi = np.max(np.where(present, x, -np.inf), axis=1)
    span = hi - lo
    varies = span > 0
    out = np.where(varies[:, None], (x - lo[:, None]) / np.where(varies, span, 1.0)[:, None], 0.5)
    out = np.where(present, out, np.nan)
    return out, Normalisation(
        mode, mean, std, np.where(none, np.nan, lo), np.where(none, np.nan, hi)
    )
