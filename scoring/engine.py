"""The scoring engine: a whole cycle scored at once with numpy.

``score_cycle(framework, answers, previous)`` returns a :class:`CycleResult` holding the
question scores, indicator, dimension and total scores, published (rounded) totals,
bands, ranks, gains over the previous cycle and awards of every agency.

How a total is made (``docs/framework-format.md``):

- question score = points / max_points on 0..1; unanswered scores 0 and keeps its weight;
  a hidden question (its ``when`` condition not met) scores 0 and keeps its weight
  (``when_hidden: zero``) or is excluded (``exclude``); a not-applicable answer is
  excluded. A hidden question's own answer, even "not applicable", is ignored.
- indicator = weighted mean of its included questions; no included question (or no
  question with positive weight) -> the indicator is excluded.
- dimension = weighted mean of its included indicators x scale; none -> excluded.
- normalisation of each dimension across the agencies scored together (``minmax``,
  ``zscore_minmax``); when every agency has the same score in a dimension (max = min),
  every agency gets half the scale there: the spread carries no information, and the
  midpoint favours nobody.
- total = weighted mean of the included dimensions (dimension weights are relative).
- published total = total rounded half up at ``framework.precision``; bands, ranks and
  gains use published values, so equal published totals share a rank (1, 2, 2, 4).

Implementation: ``compile_framework`` turns a framework once into index arrays, weight
vectors and lookup tables (cached by framework identity). ``encode_answers`` keeps, beside
the answers (``AnswerMatrix.values``), their ``scores`` encoding: each cell's question
score on 0..1 as answered (:func:`answer_scores`; 0 where unanswered or not applicable,
conditions not applied). Scoring a cycle (:func:`indicators_from_scores`) then takes one
matrix-vector product per indicator over its contiguous score columns (one pass over the
answers), evaluates the conditions as one table of distinct gate tests, re-sums the rare
indicator where a hidden question was answered anyway, and re-weights only the indicators
whose questions can drop out (not applicable, hidden with ``exclude``). A matrix without
``scores`` for this framework object (built by hand, or for another framework) is scored
from ``values`` the same way, the encoding made on the spot.

Large cycles (:data:`KERNEL_MIN_AGENCIES` agencies or more) are scored by the compiled
kernels of :mod:`scoring.kernel` when numba is installed (it is a dependency): the same
arithmetic in one pass over the answers, on every core, and the published figures and
award candidates compiled too. The numpy functions here are their reference and their
fallback, and score the smaller cycles, so that a process that scores only those never
loads the compiler.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from threading import Lock
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import numpy as np

from scoring.answers import (
    MAX_MULTIPLE_OPTIONS,
    AgencyAnswers,
    AnswerMatrix,
    encode_answers,
    matrix_questions,
)
from scoring.model import Framework, Question, QuestionType
from scoring.ranking import (
    band_indexes,
    competition_ranks,
    round_half_up,
)

if TYPE_CHECKING:
    from scoring import kernel as kernel_module
    from scoring.awards import AwardResult
    from scoring.explain import Explanation

# An indicator whose included weight is below this share of its full weight is excluded
# (the subtraction of excluded weights leaves float residue instead of an exact 0).
_WEIGHT_EPSILON = 1e-9
_TINY = 1e-300


# --------------------------------------------------------------------------- compile


@dataclass(frozen=True, eq=False)
class _Condition:
    column: int
    gate: int
    kind: Literal["equals", "in", "mask", "at_least"]
    value: float
    values: tuple[float, ...]
    exclude: bool
    gate_conditional: bool


@dataclass(frozen=True, eq=False)
class _Plan:
    """How to score the matrix columns ``start:stop`` of one indicator, column group by
    column group (absolute column numbers)."""

    indicator: int
    start: int
    stop: int
    direct: tuple[tuple[int, int], ...]  # runs of direct columns
    code: tuple[tuple[int, float], ...]  # column, offset into code_table
    wide: tuple[tuple[int, int], ...]  # column, its position among the wide columns
    threshold: tuple[tuple[int, tuple[float, ...], int], ...]  # column, levels, offset
    linear: tuple[tuple[int, float, float], ...]  # column, minimum, 1 / (max - min)
    conditional: tuple[int, ...]
    allow_na: tuple[int, ...]
    weights: np.ndarray  # question weight x factor of each column
    excl_start: int  # the indicator's excludable columns, into CompiledFramework.excludable
    excl_stop: int
    excl_weights: np.ndarray


@dataclass(frozen=True, eq=False)
class _Layout:
    """How ``indicators_from_scores`` sums a cycle's ``scores`` (built by ``_compile``).

    ``gemv``: (indicator, start, stop, weights) per indicator with questions; the weights
    are the question weights divided by the indicator's total weight where no question of
    the indicator can drop out (the product is then the indicator score), the plain
    question weights otherwise. ``dropping``: indicators with a question that can drop out
    (not applicable, hidden-excluded), ascending; ``dropping_weights``: (their count x
    excludable columns) weight of each excludable column in its indicator's row.
    ``dims``: per dimension (first, stop) indicator range, the summed weight of its
    indicators that cannot drop out, and its ``dropping`` rows as a range.
    """

    gemv: tuple[tuple[int, int, int, np.ndarray], ...]
    dropping: np.ndarray
    dropping_total: np.ndarray  # (k,) total question weight of each dropping indicator
    dropping_weights: np.ndarray
    dims: tuple[tuple[int, int, float, int, int], ...]
    dropping_ind_weight: np.ndarray  # (k,) indicator weight of each dropping indicator
    # per dropping indicator: its excludable columns as a range of ``excludable`` and
    # their weights
    dropping_columns: tuple[tuple[int, int, np.ndarray], ...] = ()


def _layout(
    plans: Sequence[_Plan],
    n_ind: int,
    weight: np.ndarray,
    ind_weight_sum: np.ndarray,
    has_questions: np.ndarray,
    ind_weight_effective: np.ndarray,
    dim_ranges: Sequence[tuple[int, int]],
    excludable: np.ndarray,
    indicator_of: np.ndarray,
    excl_start: np.ndarray,
    excl_stop: np.ndarray,
) -> _Layout:
    can_drop = np.zeros(n_ind, dtype=np.bool_)
    if excludable.size:
        can_drop[indicator_of[excludable]] = True
    can_drop &= has_questions
    dropping = np.flatnonzero(can_drop)
    row_of = {int(i): r for r, i in enumerate(dropping.tolist())}
    gemv = []
    for plan in plans:
        i = plan.indicator
        if not has_questions[i]:
            continue
        w = weight[plan.start : plan.stop].copy()
        if not can_drop[i]:
            w /= ind_weight_sum[i]
        gemv.append((i, plan.start, plan.stop, w))
    dropping_weights = np.zeros((dropping.size, excludable.size), dtype=np.float64)
    for e, j in enumerate(excludable.tolist()):
        r = row_of.get(int(indicator_of[j]))
        if r is not None:
            dropping_weights[r, e] = weight[j]
    dims = []
    for a, b in dim_ranges:
        fixed = float(sum(ind_weight_effective[i] for i in range(a, b) if not can_drop[i]))
        ka = int(np.searchsorted(dropping, a))
        kb = int(np.searchsorted(dropping, b))
        dims.append((a, b, fixed, ka, kb))
    return _Layout(
        gemv=tuple(gemv),
        dropping=dropping,
        dropping_total=ind_weight_sum[dropping],
        dropping_weights=dropping_weights,
        dims=tuple(dims),
        dropping_ind_weight=ind_weight_effective[dropping],
        dropping_columns=tuple(
            (
                int(excl_start[i]),
                int(excl_stop[i]),
                weight[excludable[excl_start[i] : excl_stop[i]]],
            )
            for i in dropping.tolist()
        ),
    )


@dataclass(frozen=True, eq=False)
class CompiledFramework:
    """A framework turned into arrays once; ``compile_framework`` caches it."""

    framework: Framework
    questions: tuple[Question, ...]  # the matrix columns, framework order
    codes: tuple[str, ...]
    column: Mapping[str, int]
    weight: np.ndarray  # (q,) question weight, 0 for weight <= 0
    factor: np.ndarray  # (q,) stored column value x factor = score on 0..1
    indicator_of: np.ndarray  # (q,) indicator index of each column
    ind_start: np.ndarray  # (i,) first column of each indicator
    ind_stop: np.ndarray  # (i,) one past its last column
    ind_weight_sum: np.ndarray  # (i,) sum of the weights of its columns
    ind_weight: np.ndarray  # (i,)
    ind_dimension: np.ndarray  # (i,) dimension index
    dim_weight: np.ndarray  # (d,)
    num_weight: np.ndarray  # (q,) weight x factor, multiplies stored scores
    # column groups: indexes into the columns, with their lookup tables
    # yes/no, maturity, linear percentage, single choice with points 0, s, 2s, ...:
    # score = stored value x factor
    direct: np.ndarray
    # single choice (other points) and multiple choice up to 8 options: the value is a
    # small integer code; score = code_table[code + offset] (NaN -> code -1 -> 0), the
    # offsets are in the plans
    code_table: np.ndarray
    # multiple choice with more than 8 options: points looked up byte by byte
    wide: np.ndarray
    wide_bytes: int
    wide_table: np.ndarray  # (bytes, m * 256)
    wide_cap: np.ndarray  # (m,) cap on the sum of points (inf when none)
    wide_inverse_max: np.ndarray  # (m,) 1 / max points (0 when max is 0)
    threshold_table: np.ndarray  # score after reaching 0, 1, ... thresholds
    conditions: tuple[_Condition, ...]
    plans: tuple[_Plan, ...]  # one per indicator with matrix columns, framework order
    allow_na: np.ndarray  # columns that accept not-applicable
    # columns whose question can drop out of its indicator (allow_na or hidden-exclude),
    # in column order, and which of them fall in each indicator
    excludable: np.ndarray
    excl_start: np.ndarray  # (i,) into excludable
    excl_stop: np.ndarray
    na_position: np.ndarray  # position in excludable of each allow_na column
    condition_position: tuple[int, ...]  # position in excludable of each condition, or -1
    has_questions: np.ndarray  # (i,) bool: weight sum > 0
    dim_ranges: tuple[tuple[int, int], ...]  # each dimension's indicators, as a range
    ind_weight_effective: np.ndarray  # (i,) indicator weight, 0 without questions
    indicator_codes: tuple[str, ...] = field(default=())
    dimension_codes: tuple[str, ...] = field(default=())
    # conditions, vectorised (see ``_shown_rows``): rows of a table of "shown" flags;
    # the first rows are the distinct (gate, value) pairs of the ``equals`` conditions
    # on a gate that is itself unconditional, then one row per other condition
    eq_gates: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    eq_values: np.ndarray = field(default_factory=lambda: np.empty(0))
    other_rows: tuple[tuple[int, int, int], ...] = ()  # condition, row, row of its gate or -1
    condition_row: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    condition_columns: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    # excludable positions hidden -> excluded (exclude) and not applicable only when
    # shown (zero), with the condition that decides
    exclude_positions: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    exclude_conditions: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    shown_positions: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    shown_conditions: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    layout: _Layout | None = None

    @property
    def n_columns(self) -> int:
        return len(self.codes)


def _gate_condition(
    question: Question, gate: Question, column: int, gate_column: int, conditional: bool
) -> _Condition:
    cond = question.condition
    assert cond is not None
    exclude = question.when_hidden == "exclude"
    t = gate.type

    def index_of(code: str) -> float:
        for k, option in enumerate(gate.options):
            if option.code == code:
                return float(k)
        raise ValueError(f"{question.code}: condition names unknown option {code!r} of {gate.code}")

    if cond.at_least is not None:
        if t not in (QuestionType.MATURITY, QuestionType.NUMBER, QuestionType.PERCENTAGE):
            raise ValueError(
                f"{question.code}: at_least needs a numeric gate, {gate.code} is {t.value}"
            )
        return _Condition(
            column, gate_column, "at_least", float(cond.at_least), (), exclude, conditional
        )
    if t is QuestionType.YES_NO:
        if not isinstance(cond.equals, bool):
            raise ValueError(
                f"{question.code}: condition on yes/no {gate.code} needs equals: true|false"
            )
        return _Condition(
            column, gate_column, "equals", 1.0 if cond.equals else 0.0, (), exclude, conditional
        )
    if t is QuestionType.SINGLE_CHOICE:
        codes = cond.any_of or ((cond.equals,) if isinstance(cond.equals, str) else ())
        if not codes:
            raise ValueError(f"{question.code}: condition on {gate.code} needs equals or any_of")
        return _Condition(
            column, gate_column, "in", 0.0, tuple(index_of(c) for c in codes), exclude, conditional
        )
    if t is QuestionType.MULTIPLE_CHOICE:
        codes = cond.any_of or ((cond.equals,) if isinstance(cond.equals, str) else ())
        if not codes:
            raise ValueError(f"{question.code}: condition on {gate.code} needs any_of")
        mask = 0
        for c in codes:
            mask |= 1 << int(index_of(c))
        return _Condition(column, gate_column, "mask", float(mask), (), exclude, conditional)
    raise ValueError(f"{question.code}: condition on {gate.code} ({t.value}) cannot be evaluated")


def _arithmetic_step(points: Sequence[float]) -> float | None:
    """``s`` when the points are 0, s, 2s, ... (s >= 0) in option order, else None."""
    if len(points) < 2 or points[0] != 0:
        return None
    step = points[1]
    if step < 0:
        return None
    for k, p in enumerate(points):
        if abs(p - k * step) > 1e-12 * max(1.0, abs(step)):
            return None
    return step


def _runs(columns: Sequence[int]) -> tuple[tuple[int, int], ...]:
    """Sorted column indexes as (start, stop) ranges of consecutive columns."""
    runs: list[tuple[int, int]] = []
    for j in columns:
        if runs and runs[-1][1] == j:
            runs[-1] = (runs[-1][0], j + 1)
        else:
            runs.append((j, j + 1))
    return tuple(runs)


def _plans(
    ind_start: np.ndarray,
    ind_stop: np.ndarray,
    num_weight: np.ndarray,
    weight: np.ndarray,
    direct: Sequence[int],
    code: Sequence[int],
    code_offset: Sequence[float],
    wide: Sequence[int],
    threshold: Sequence[tuple[int, Sequence[float], int]],
    linear: Sequence[tuple[int, float, float]],
    conditional: Sequence[int],
    allow_na: Sequence[int],
    excludable: np.ndarray,
    excl_start: np.ndarray,
    excl_stop: np.ndarray,
) -> tuple[_Plan, ...]:
    plans = []
    for i, (a, b) in enumerate(zip(ind_start.tolist(), ind_stop.tolist(), strict=True)):
        if b <= a:
            continue

        def inside(j: int, a: int = a, b: int = b) -> bool:
            return a <= j < b

        xa, xb = int(excl_start[i]), int(excl_stop[i])
        plans.append(
            _Plan(
                indicator=i,
                start=a,
                stop=b,
                direct=_runs([j for j in direct if inside(j)]),
                code=tuple((j, o) for j, o in zip(code, code_offset, strict=True) if inside(j)),
                wide=tuple((j, m) for m, j in enumerate(wide) if inside(j)),
                threshold=tuple((j, tuple(lv), o) for j, lv, o in threshold if inside(j)),
                linear=tuple(row for row in linear if inside(row[0])),
                conditional=tuple(j for j in conditional if inside(j)),
                allow_na=tuple(j for j in allow_na if inside(j)),
                weights=num_weight[a:b].copy(),
                excl_start=xa,
                excl_stop=xb,
                excl_weights=weight[excludable[xa:xb]],
            )
        )
    return tuple(plans)


def _bitmask_scores(points: Sequence[float], cap: float, top: float) -> list[float]:
    """Score of every bitmask 0..2**len(points)-1 of a multiple choice question."""
    scores = []
    for mask in range(1 << len(points)):
        total = sum(p for k, p in enumerate(points) if mask >> k & 1)
        total = max(min(total, cap), 0.0)
        scores.append(total / top if top > 0 else 0.0)
    return scores


def _compile(framework: Framework) -> CompiledFramework:
    questions = matrix_questions(framework)
    q = len(questions)
    column = {question.code: j for j, question in enumerate(questions)}
    indicators = framework.indicators
    n_ind = len(indicators)
    n_dim = len(framework.dimensions)

    weight = np.array([max(question.weight, 0.0) for question in questions], dtype=np.float64)
    factor = np.ones(q, dtype=np.float64)
    indicator_of = np.zeros(q, dtype=np.int64)
    ind_start = np.zeros(n_ind, dtype=np.int64)
    ind_stop = np.zeros(n_ind, dtype=np.int64)
    ind_weight = np.zeros(n_ind, dtype=np.float64)
    ind_dimension = np.zeros(n_ind, dtype=np.int64)
    j = 0
    k = 0
    for d, dimension in enumerate(framework.dimensions):
        for indicator in dimension.indicators:
            ind_start[k] = j
            for question in indicator.questions:
                if question.code in column:
                    if column[question.code] != j:
                        raise ValueError(f"question code {question.code} is not unique")
                    indicator_of[j] = k
                    j += 1
            ind_stop[k] = j
            ind_weight[k] = max(indicator.weight, 0.0)
            ind_dimension[k] = d
            k += 1
    ind_weight_sum = np.array(
        [weight[ind_start[i] : ind_stop[i]].sum() for i in range(n_ind)], dtype=np.float64
    )
    has_questions = ind_weight_sum > 0
    dim_weight = np.array([max(d.weight, 0.0) for d in framework.dimensions], dtype=np.float64)

    direct: list[int] = []
    code: list[int] = []  # small integer codes looked up in a table
    code_tables: list[list[float]] = []
    wide: list[int] = []  # multiple choice with more than 8 options
    wide_points: list[list[float]] = []
    wide_cap: list[float] = []
    wide_max: list[float] = []
    threshold: list[int] = []
    threshold_at: list[list[float]] = []
    threshold_tables: list[list[float]] = []
    linear: list[int] = []
    linear_min: list[float] = []
    linear_scale: list[float] = []

    for j, question in enumerate(questions):
        t = question.type
        top = question.max_points
        if t is QuestionType.YES_NO:
            direct.append(j)
        elif t is QuestionType.MATURITY:
            direct.append(j)
            factor[j] = 1.0 / 5.0
        elif t is QuestionType.SINGLE_CHOICE:
            points = [o.points for o in question.options]
            step = _arithmetic_step(points)
            if step is not None and top > 0:
                # points 0, s, 2s, ... in option order: the score is index x s / max
                direct.append(j)
                factor[j] = step / top
            else:
                code.append(j)
                code_tables.append([max(p, 0.0) / top if top > 0 else 0.0 for p in points])
        elif t is QuestionType.MULTIPLE_CHOICE:
            if len(question.options) > MAX_MULTIPLE_OPTIONS:
                raise ValueError(f"{question.code}: too many options for a bitmask")
            points = [o.points for o in question.options]
            cap = question.cap if question.cap is not None else math.inf
            if len(points) <= 8:
                code.append(j)
                code_tables.append(_bitmask_scores(points, cap, top))
            else:
                wide.append(j)
                wide_points.append(points)
                wide_cap.append(cap)
                wide_max.append(top)
        elif question.thresholds:
            if len(question.thresholds) > 255:
                raise ValueError(f"{question.code}: more than 255 thresholds")
            threshold.append(j)
            ordered = sorted(question.thresholds, key=lambda th: th.at_least)
            threshold_at.append([th.at_least for th in ordered])
            threshold_tables.append(
                [0.0] + [max(th.points, 0.0) / top if top > 0 else 0.0 for th in ordered]
            )
        elif t is QuestionType.PERCENTAGE:
            direct.append(j)
            factor[j] = 1.0 / 100.0
        else:  # number, linear
            if question.minimum is None or question.maximum is None:
                raise ValueError(
                    f"{question.code}: a number without thresholds needs minimum and maximum"
                )
            span = question.maximum - question.minimum
            if span <= 0:
                raise ValueError(f"{question.code}: maximum must exceed minimum")
            linear.append(j)
            linear_min.append(question.minimum)
            linear_scale.append(1.0 / span)

    # code columns: one flat table; slot 0 of each column's part is "unanswered" (NaN,
    # turned into -1 before the offset of 1 is added)
    code_offset = np.zeros(len(code), dtype=np.float64)
    flat: list[float] = []
    for m, table in enumerate(code_tables):
        code_offset[m] = len(flat) + 1
        flat.extend([0.0, *table])
    code_table = np.array(flat or [0.0], dtype=np.float64)

    # wide multiple choice: points of every byte of the bitmask, per column
    n_bytes = max(((len(p) + 7) // 8 for p in wide_points), default=1)
    wide_table = np.zeros((n_bytes, len(wide) * 256), dtype=np.float64)
    byte_values = np.arange(256)
    for m, points in enumerate(wide_points):
        for b in range(n_bytes):
            sums = np.zeros(256)
            for bit, p in enumerate(points[8 * b : 8 * b + 8]):
                sums += ((byte_values >> bit) & 1) * p
            wide_table[b, m * 256 : (m + 1) * 256] = sums

    # thresholds: slot 0 of each column's part for "none reached", then one per threshold
    threshold_offset: list[int] = []
    flat = []
    for table in threshold_tables:
        threshold_offset.append(len(flat))
        flat.extend(table)
    threshold_table = np.array(flat or [0.0], dtype=np.float64)

    conditions: list[_Condition] = []
    conditional: set[int] = set()
    for j, question in enumerate(questions):
        cond = question.condition
        if cond is None:
            continue
        gate_column = column.get(cond.question)
        if gate_column is None:
            raise ValueError(
                f"{question.code}: condition on {cond.question}, which is not a scored question"
            )
        if gate_column >= j:
            raise ValueError(f"{question.code}: condition on a later question {cond.question}")
        conditions.append(
            _gate_condition(
                question, questions[gate_column], j, gate_column, gate_column in conditional
            )
        )
        conditional.add(j)

    allow_na = np.array([j for j, qq in enumerate(questions) if qq.allow_na], dtype=np.int64)
    exclude_hidden = {c.column for c in conditions if c.exclude}
    excludable = np.array(sorted(set(allow_na.tolist()) | exclude_hidden), dtype=np.int64)
    excl_start = np.searchsorted(excludable, ind_start, side="left")
    excl_stop = np.searchsorted(excludable, ind_stop, side="left")

    num_weight = weight * factor
    condition_of = {c.column: k for k, c in enumerate(conditions)}
    eq_keys: dict[tuple[int, float], int] = {}
    condition_row = [-1] * len(conditions)
    for k, c in enumerate(conditions):
        if c.kind == "equals" and not c.gate_conditional:
            condition_row[k] = eq_keys.setdefault((c.gate, c.value), len(eq_keys))
    other_rows: list[tuple[int, int, int]] = []
    for k, c in enumerate(conditions):
        if condition_row[k] < 0:
            condition_row[k] = len(eq_keys) + len(other_rows)
            gate_row = condition_row[condition_of[c.gate]] if c.gate_conditional else -1
            other_rows.append((k, condition_row[k], gate_row))
    excludable_set = set(excludable.tolist())
    position = {j: int(p) for p, j in enumerate(excludable.tolist())}
    exclude_k = [k for k, c in enumerate(conditions) if c.column in excludable_set and c.exclude]
    shown_k = [k for k, c in enumerate(conditions) if c.column in excludable_set and not c.exclude]
    dim_ranges = []
    for d in range(n_dim):
        inds = np.flatnonzero(ind_dimension == d)
        dim_ranges.append((int(inds[0]), int(inds[-1]) + 1) if inds.size else (0, 0))

    plans = _plans(
        ind_start,
        ind_stop,
        num_weight,
        weight,
        direct,
        code,
        code_offset.tolist(),
        wide,
        list(zip(threshold, threshold_at, threshold_offset, strict=True)),
        list(zip(linear, linear_min, linear_scale, strict=True)),
        [c.column for c in conditions],
        allow_na.tolist(),
        excludable,
        excl_start,
        excl_stop,
    )
    ind_weight_effective = np.where(has_questions, ind_weight, 0.0)
    return CompiledFramework(
        framework=framework,
        questions=questions,
        codes=tuple(qq.code for qq in questions),
        column=column,
        weight=weight,
        factor=factor,
        indicator_of=indicator_of,
        ind_start=ind_start,
        ind_stop=ind_stop,
        ind_weight_sum=ind_weight_sum,
        ind_weight=ind_weight,
        ind_dimension=ind_dimension,
        dim_weight=dim_weight,
        num_weight=num_weight,
        direct=np.array(direct, dtype=np.int64),
        code_table=code_table,
        wide=np.array(wide, dtype=np.int64),
        wide_bytes=n_bytes,
        wide_table=wide_table,
        wide_cap=np.array(wide_cap, dtype=np.float64),
        wide_inverse_max=np.array([1.0 / m if m > 0 else 0.0 for m in wide_max]),
        threshold_table=threshold_table,
        conditions=tuple(conditions),
        plans=plans,
        allow_na=allow_na,
        excludable=excludable,
        excl_start=excl_start,
        excl_stop=excl_stop,
        na_position=np.searchsorted(excludable, allow_na),
        condition_position=tuple(
            int(np.searchsorted(excludable, c.column))
            if c.column in set(excludable.tolist())
            else -1
            for c in conditions
        ),
        has_questions=has_questions,
        dim_ranges=tuple(dim_ranges),
        ind_weight_effective=ind_weight_effective,
        indicator_codes=tuple(i.code for i in indicators),
        dimension_codes=tuple(d.code for d in framework.dimensions),
        eq_gates=np.array([g for g, _ in eq_keys], dtype=np.int64),
        eq_values=np.array([v for _, v in eq_keys], dtype=np.float64),
        other_rows=tuple(other_rows),
        condition_row=np.array(condition_row, dtype=np.int64),
        condition_columns=np.array([c.column for c in conditions], dtype=np.int64),
        exclude_positions=np.array(
            [position[conditions[k].column] for k in exclude_k], dtype=np.int64
        ),
        exclude_conditions=np.array(exclude_k, dtype=np.int64),
        shown_positions=np.array([position[conditions[k].column] for k in shown_k], dtype=np.int64),
        shown_conditions=np.array(shown_k, dtype=np.int64),
        layout=_layout(
            plans,
            n_ind,
            weight,
            ind_weight_sum,
            has_questions,
            ind_weight_effective,
            dim_ranges,
            excludable,
            indicator_of,
            excl_start,
            excl_stop,
        ),
    )


_compiled: dict[int, CompiledFramework] = {}
_compiled_lock = Lock()


def compile_framework(framework: Framework) -> CompiledFramework:
    """The compiled form of ``framework``, built once and cached by identity.

    Frameworks are immutable, so the cache never goes stale; it keeps the 32 most recent.
    Raises ``ValueError`` on what the loader would have refused (a condition on an
    unknown or later question, a linear number without bounds).
    """
    with _compiled_lock:
        hit = _compiled.get(id(framework))
        if hit is not None and hit.framework is framework:
            return hit
    compiled = _compile(framework)
    with _compiled_lock:
        if len(_compiled) >= 32:
            _compiled.pop(next(iter(_compiled)))
        _compiled[id(framework)] = compiled
    return compiled


# --------------------------------------------------------------------------- questions


def _shown(
    cf: CompiledFramework, values_t: np.ndarray, not_applicable_t: np.ndarray
) -> dict[int, np.ndarray]:
    """For each conditional column, whether the question is shown to each agency
    (question-major inputs: one row per column)."""
    shown: dict[int, np.ndarray] = {}
    for c in cf.conditions:
        gate = values_t[c.gate]
        with np.errstate(invalid="ignore"):
            if c.kind == "equals":
                ok = gate == c.value
            elif c.kind == "in":
                ok = gate == c.values[0]
                for other in c.values[1:]:
                    ok |= gate == other
            elif c.kind == "mask":
                bits = np.fmax(gate, 0.0).astype(np.int64)
                ok = (bits & int(c.value)) != 0
            else:
                ok = gate >= c.value
        ok &= ~not_applicable_t[c.gate]
        if c.gate_conditional:
            ok &= shown[c.gate]
        shown[c.column] = ok
    return shown


@dataclass(eq=False)
class _Prepared:
    """A cycle's answers ready to be scored one indicator at a time."""

    vt: np.ndarray  # values, question-major (one row per matrix column)
    nat: np.ndarray  # not-applicable flags, question-major
    shown: dict[int, np.ndarray]  # conditional column -> shown to each agency
    excluded: np.ndarray  # excludable column -> drops out for each agency (E)
    real: np.ndarray  # scratch rows
    index: np.ndarray
    hit: np.ndarray
    count: np.ndarray


def _prepare(cf: CompiledFramework, values: np.ndarray, not_applicable: np.ndarray) -> _Prepared:
    vt = values.T  # C-contiguous when values is column-major, as encode_answers makes it
    nat = not_applicable.T
    n = vt.shape[1]
    shown = _shown(cf, vt, nat) if cf.conditions else {}
    et = np.zeros((cf.excludable.size, n), dtype=np.bool_)
    if cf.excludable.size:
        if cf.allow_na.size:
            et[cf.na_position] = nat[cf.allow_na]
        for c, pos in zip(cf.conditions, cf.condition_position, strict=True):
            if pos < 0:
                continue
            if c.exclude:
                et[pos] |= ~shown[c.column]
            else:  # not applicable only counts when the question is shown
                et[pos] &= shown[c.column]
    return _Prepared(
        vt,
        nat,
        shown,
        et,
        np.empty(n, dtype=np.float64),
        np.empty(n, dtype=np.intp),
        np.empty(n, dtype=np.bool_),
        np.empty(n, dtype=np.uint8),
    )


def _fill(
    cf: CompiledFramework,
    plan: _Plan,
    pre: _Prepared,
    out: np.ndarray,
    conditions: bool = True,
) -> None:
    """Write the stored scores of the plan's columns into ``out`` (row r = column
    ``plan.start + r``): ``out[r] * cf.factor[plan.start + r]`` is the score on 0..1, 0
    where unanswered, hidden or not applicable. Column by column: no copies in or out."""
    vt, a = pre.vt, plan.start
    real, index, hit, count = pre.real, pre.index, pre.hit, pre.count
    for s, e in plan.direct:
        np.fmax(vt[s:e], 0.0, out=out[s - a : e - a])  # NaN -> 0; values are >= 0
    for j, offset in plan.code:
        np.fmax(vt[j], -1.0, out=real)  # unanswered -> -1 -> the column's slot 0
        np.add(real, offset, out=index, casting="unsafe")
        np.take(cf.code_table, index, out=out[j - a], mode="clip")
    for j, m in plan.wide:
        bits = np.fmax(vt[j], 0.0).astype(np.int64)
        row = out[j - a]
        np.take(cf.wide_table[0], (bits & 255) + m * 256, out=row)
        for b in range(1, cf.wide_bytes):
            row += np.take(cf.wide_table[b], ((bits >> (8 * b)) & 255) + m * 256)
        np.minimum(row, cf.wide_cap[m], out=row)
        np.maximum(row, 0.0, out=row)
        row *= cf.wide_inverse_max[m]
    with np.errstate(invalid="ignore"):
        for j, levels, offset in plan.threshold:
            # count the thresholds reached (NaN reaches none), then look the score up
            v = vt[j]
            np.greater_equal(v, levels[0], out=hit)
            count[...] = hit  # counted in bytes: less memory to move than in intp
            for level in levels[1:]:
                np.greater_equal(v, level, out=hit)
                np.add(count, hit, out=count)
            np.add(count, offset, out=index, casting="unsafe")
            np.take(cf.threshold_table, index, out=out[j - a])
    for j, low, inverse_span in plan.linear:
        row = out[j - a]
        np.subtract(vt[j], low, out=row)
        row *= inverse_span
        np.minimum(row, 1.0, out=row)
        np.fmax(row, 0.0, out=row)  # NaN -> 0
    if conditions:
        for j in plan.conditional:
            out[j - a] *= pre.shown[j]  # hidden -> 0
    for j in plan.allow_na:
        out[j - a] *= ~pre.nat[j]  # not applicable -> 0


def answer_scores(
    cf: CompiledFramework, values: np.ndarray, not_applicable: np.ndarray
) -> np.ndarray:
    """Every cell's question score on 0..1 as answered (agencies x matrix questions,
    column-major): points / max points, 0 where unanswered or not applicable. Conditions
    are not applied (they are the engine's: see :func:`indicators_from_scores`).

    This is the ``scores`` encoding that ``encode_answers`` keeps in an
    :class:`AnswerMatrix`. Raises ``ValueError`` when a question that does not allow it
    is flagged not applicable."""
    _check_not_applicable(cf, not_applicable)
    vt = values.T
    n = vt.shape[1]
    pre = _Prepared(
        vt,
        not_applicable.T,
        {},
        np.zeros((0, n), dtype=np.bool_),
        np.empty(n, dtype=np.float64),
        np.empty(n, dtype=np.intp),
        np.empty(n, dtype=np.bool_),
        np.empty(n, dtype=np.uint8),
    )
    st = np.zeros(vt.shape, dtype=np.float64)
    for plan in cf.plans:
        _fill(cf, plan, pre, st[plan.start : plan.stop], conditions=False)
    st *= cf.factor[:, None]
    return st.T


def _shown_rows(cf: CompiledFramework, vt: np.ndarray, nat: np.ndarray) -> np.ndarray:
    """Whether each question with a condition is shown to each agency, as a table:
    condition ``k`` is row ``cf.condition_row[k]`` (question-major inputs). The
    ``equals`` conditions on unconditional gates are one operation over their distinct
    (gate, value) pairs; the others go one by one, in framework order, so that a gate's
    own condition is known before it is used."""
    n = vt.shape[1]
    u = cf.eq_gates.size
    table = np.empty((u + len(cf.other_rows), n), dtype=np.bool_)
    if u:
        np.equal(vt[cf.eq_gates], cf.eq_values[:, None], out=table[:u])  # NaN: no match
        table[:u] &= ~nat[cf.eq_gates]
    for k, r, gate_row in cf.other_rows:
        c = cf.conditions[k]
        gate = vt[c.gate]
        row = table[r]
        with np.errstate(invalid="ignore"):
            if c.kind == "equals":
                np.equal(gate, c.value, out=row)
            elif c.kind == "in":
                np.equal(gate, c.values[0], out=row)
                for other in c.values[1:]:
                    row |= gate == other
            elif c.kind == "mask":
                bits = np.fmax(gate, 0.0).astype(np.int64)
                np.not_equal(bits & int(c.value), 0, out=row)
            else:
                np.greater_equal(gate, c.value, out=row)
        row &= ~nat[c.gate]
        if gate_row >= 0:
            row &= table[gate_row]
    return table


def _excluded_rows(cf: CompiledFramework, nat: np.ndarray, shown: np.ndarray) -> np.ndarray:
    """Row ``p``: whether column ``cf.excludable[p]`` drops out of its indicator for each
    agency (not applicable and shown, or hidden with ``when_hidden: exclude``); ``shown``
    as :func:`_shown_rows` makes it."""
    excluded = np.zeros((cf.excludable.size, nat.shape[1]), dtype=np.bool_)
    if cf.allow_na.size:
        excluded[cf.na_position] = nat[cf.allow_na]
    if cf.conditions:
        if cf.exclude_positions.size:
            excluded[cf.exclude_positions] |= ~shown[cf.condition_row[cf.exclude_conditions]]
        if cf.shown_positions.size:
            # not applicable only counts when the question is shown
            excluded[cf.shown_positions] &= shown[cf.condition_row[cf.shown_conditions]]
    return excluded


def indicators_from_scores(
    cf: CompiledFramework, st: np.ndarray, vt: np.ndarray, nat: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indicator scores on 0..1 and whether each indicator is included (as
    :func:`indicator_scores` returns them) and the raw dimension scores on 0..1
    (dimensions x agencies, NaN where excluded), from the ``scores`` encoding: ``st`` is
    ``AnswerMatrix.scores`` question-major (its ``.T``), ``vt``/``nat`` the values and
    not-applicable flags question-major (for the conditions).

    - One matrix-vector product per indicator over its contiguous score rows. Where no
      question of the indicator can drop out, the weights are already divided by the
      indicator's total weight, so the product is the indicator score.
    - A hidden question that was nevertheless answered: its indicator is summed again
      without it (rare: forms do not ask hidden questions; detected with one dot product
      per conditional question).
    - Indicators whose questions can drop out (not applicable, hidden with ``exclude``):
      the weight that drops out for each agency is a matrix-vector product of the
      exclusion flags of their droppable questions, and only these rows are divided by
      the weight that is left.
    - Dimensions: indicator weights times indicator scores, over the indicator weight that
      is present (the indicators that cannot drop out count as a constant).
    """
    layout = cf.layout
    assert layout is not None
    n = st.shape[1]
    n_ind = cf.ind_start.size
    num = np.empty((n_ind, n), dtype=np.float64)
    num[~cf.has_questions] = 0.0
    for i, a, b, w in layout.gemv:
        np.dot(w, st[a:b], out=num[i])
    shown = np.empty((0, n), dtype=np.bool_)
    if cf.conditions:
        shown = _shown_rows(cf, vt, nat)
        rows = cf.condition_row.tolist()
        # a hidden question must score 0: the scores it would take away, summed (scores
        # are never negative, so the sum is 0 exactly when there is nothing to take away)
        hidden = (~shown).astype(np.float64)
        columns = cf.condition_columns.tolist()
        redo = {
            int(cf.indicator_of[j])
            for j, r in zip(columns, rows, strict=True)
            if cf.weight[j] > 0 and np.dot(st[j], hidden[r]) > 0.0
        }
        for i in sorted(redo):
            a, b = int(cf.ind_start[i]), int(cf.ind_stop[i])
            block = st[a:b].copy()
            for j, r in zip(columns, rows, strict=True):
                if a <= j < b:
                    block[j - a] *= shown[r]
            w = next(w for ii, _a, _b, w in layout.gemv if ii == i)
            np.dot(w, block, out=num[i])
    present = np.empty((n_ind, n), dtype=np.bool_)
    present[:] = cf.has_questions[:, None]
    k = layout.dropping.size
    present_kf = np.empty((k, n), dtype=np.float64)
    if k:
        excluded_f = _excluded_rows(cf, nat, shown).astype(np.float64)
        den = np.empty((k, n), dtype=np.float64)
        for r, (xa, xb, xw) in enumerate(layout.dropping_columns):
            np.dot(xw, excluded_f[xa:xb], out=den[r])
        np.subtract(layout.dropping_total[:, None], den, out=den)
        present_k = den > (_WEIGHT_EPSILON * layout.dropping_total)[:, None]
        present[layout.dropping] = present_k
        np.copyto(present_kf, present_k)
        # where nothing is included every score was zeroed: num is 0 and stays 0
        np.maximum(den, _TINY, out=den)
        for r, i in enumerate(layout.dropping.tolist()):
            np.divide(num[i], den[r], out=num[i])
    # dimensions, one at a time: a matrix product over a few rows is faster than one
    # over all of them (BLAS would start threads for it)
    raw = np.empty((len(layout.dims), n), dtype=np.float64)
    weights = cf.ind_weight_effective
    with np.errstate(invalid="ignore", divide="ignore"):
        for d, (a, b, fixed, ka, kb) in enumerate(layout.dims):
            if b <= a:
                raw[d] = np.nan
                continue
            np.dot(weights[a:b], num[a:b], out=raw[d])
            if kb > ka:
                den_d = np.dot(layout.dropping_ind_weight[ka:kb], present_kf[ka:kb])
                if fixed:
                    den_d += fixed
                raw[d] /= den_d  # nothing present: 0 / 0 = NaN
            elif fixed:
                raw[d] /= fixed
            else:
                raw[d] = np.nan
    return num, present, raw


def question_matrix(
    cf: CompiledFramework, values: np.ndarray, not_applicable: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Stored scores ``S`` and exclusion flags ``E``, question-major (one row per matrix
    column). ``S[j] * cf.factor[j]`` is question ``j``'s score on 0..1 for every agency;
    ``E`` (one row per ``cf.excludable`` column) is True where the question drops out of
    its indicator (not applicable, or hidden with ``when_hidden: exclude``)."""
    pre = _prepare(cf, values, not_applicable)
    st = np.zeros(pre.vt.shape, dtype=np.float64)
    for plan in cf.plans:
        _fill(cf, plan, pre, st[plan.start : plan.stop])
    return st, pre.excluded


def indicator_scores(
    cf: CompiledFramework, values: np.ndarray, not_applicable: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Indicator scores on 0..1 and whether each indicator is included, both
    indicator-major (indicators x agencies); the score is 0 where the indicator is
    excluded.

    One indicator at a time: its questions' scores go to a small scratch block that stays
    in the processor's cache, and one matrix-vector product with the question weights
    makes the indicator's weighted sum. Excluded questions take their weight out of the
    indicator's total weight.
    """
    pre = _prepare(cf, values, not_applicable)
    n = pre.vt.shape[1]
    n_ind = cf.ind_start.size
    num = np.zeros((n_ind, n), dtype=np.float64)
    den = np.empty((n_ind, n), dtype=np.float64)
    den[:] = cf.ind_weight_sum[:, None]
    excluded = pre.excluded.astype(np.float64)
    block = np.empty((max((p.stop - p.start for p in cf.plans), default=0), n))
    for plan in cf.plans:
        i = plan.indicator
        if not cf.has_questions[i]:
            continue
        rows = block[: plan.stop - plan.start]
        _fill(cf, plan, pre, rows)
        np.dot(plan.weights, rows, out=num[i])
        if plan.excl_stop > plan.excl_start:
            den[i] -= np.dot(plan.excl_weights, excluded[plan.excl_start : plan.excl_stop])
    present = den > (_WEIGHT_EPSILON * cf.ind_weight_sum)[:, None]
    # where nothing is included every score was zeroed: num is 0 and stays 0
    np.maximum(den, _TINY, out=den)
    num /= den
    return num, present


def _check_not_applicable(cf: CompiledFramework, na: np.ndarray) -> None:
    total = np.count_nonzero(na)
    if total and total != np.count_nonzero(na[:, cf.allow_na]):
        allowed = np.zeros(cf.n_columns, dtype=np.bool_)
        allowed[cf.allow_na] = True
        bad = np.flatnonzero(na.any(axis=0) & ~allowed)
        raise ValueError(
            "not applicable given for questions that do not allow it: "
            + ", ".join(cf.codes[j] for j in bad[:10])
        )


def _weighted_ranges(
    filled: np.ndarray,
    present: np.ndarray,
    ranges: Sequence[tuple[int, int]],
    weights: np.ndarray,
) -> np.ndarray:
    """Weighted means over consecutive row ranges of ``filled`` (parts x agencies, 0 where
    not present): one row per range, NaN where no part of the range is present."""
    present_f = present.astype(np.float64)
    out = np.full((len(ranges), filled.shape[1]), np.nan)
    for k, (a, b) in enumerate(ranges):
        if b <= a:
            continue
        num = np.dot(weights[a:b], filled[a:b])
        den = np.dot(weights[a:b], present_f[a:b])
        with np.errstate(invalid="ignore"):
            np.divide(num, den, out=out[k])  # nothing present: 0 / 0 = NaN
    return out


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class PreviousCycle:
    """Published results of the cycle that gains compare with.

    ``totals``: agency -> published total; ``indicators``/``dimensions``: agency -> code
    -> score on the scale. ``precision``: decimals they were published with (default:
    the current framework's); previous values are taken at that precision. ``label``
    names the cycle in award reasons ("2563"); default the framework code.
    """

    totals: Mapping[str, float]
    indicators: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    dimensions: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    framework_code: str | None = None
    precision: int | None = None
    label: str | None = None
    # the totals in the order of the last agencies they were aligned with (see
    # ``aligned_totals``)
    _aligned: list[tuple[tuple[str, ...], np.ndarray]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # a copy of its own, read-only: the aligned totals kept below cannot go stale
        object.__setattr__(self, "totals", MappingProxyType(dict(self.totals)))

    def aligned_totals(self, agencies: tuple[str, ...]) -> np.ndarray:
        """The previous total of each of ``agencies`` (NaN where it had none), read-only.

        Looking 10,000 codes up costs more than scoring, ranking and awarding a cycle;
        the result for the last agencies tuple is kept, so a cycle scored again (a
        results page, the benchmark) looks them up once."""
        last = self._aligned[-1] if self._aligned else None  # one read: threads may share it
        if last is not None and last[0] is agencies:
            return last[1]
        values = _aligned(self.totals, agencies)
        values.flags.writeable = False
        self._aligned[:] = [(agencies, values)]
        return values


def _aligned(mapping: Mapping[str, float], agencies: Sequence[str]) -> np.ndarray:
    values = np.fromiter(
        map(mapping.get, agencies, repeat(math.nan)), dtype=np.float64, count=len(agencies)
    )
    return values


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


def _normalise(raw: np.ndarray, mode: str) -> tuple[np.ndarray, Normalisation]:
    """Normalised dimension scores on 0..1 (dimensions x agencies); a dimension in which
    every agency has the same score gets 0.5 for all."""
    d = raw.shape[0]
    nothing = np.full(d, np.nan)
    if mode == "none":
        return raw, Normalisation(mode, nothing, nothing, nothing, nothing)
    if mode not in ("minmax", "zscore_minmax"):
        raise ValueError(f"unknown normalisation {mode!r}")
    present = ~np.isnan(raw)
    count = present.sum(axis=1)
    none = count == 0
    x = raw
    mean = std = nothing
    if mode == "zscore_minmax":
        filled = np.where(present, raw, 0.0)
        mean = filled.sum(axis=1) / np.maximum(count, 1)
        deviation = np.where(present, raw - mean[:, None], 0.0)
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


_bands_cache: dict[int, tuple[CompiledFramework, np.ndarray, np.ndarray]] = {}


def _band_arrays(cf: CompiledFramework) -> tuple[np.ndarray, np.ndarray]:
    """The band minimums in ascending order and the band each stands for, as
    ``band_indexes`` orders them (among equal minimums the first listed wins)."""
    hit = _bands_cache.get(id(cf))
    if hit is not None and hit[0] is cf:
        return hit[1], hit[2]
    bands = cf.framework.bands
    order = sorted(range(len(bands)), key=lambda k: (bands[k].minimum, -k))
    minima = np.array([bands[k].minimum for k in order], dtype=np.float64)
    resolved = np.array(order, dtype=np.int64)
    if len(_bands_cache) >= 32:
        _bands_cache.pop(next(iter(_bands_cache)))
    _bands_cache[id(cf)] = (cf, minima, resolved)
    return minima, resolved


def _precisions(precision: int, previous: PreviousCycle | None) -> tuple[int, int]:
    """(the previous cycle's publication precision, the gains' precision)."""
    if previous is None:
        return precision, precision
    previous_precision = previous.precision if previous.precision is not None else precision
    return previous_precision, max(precision, previous_precision)


class CycleResult:
    """Every number of a scored cycle, as arrays aligned with ``agencies``.

    Scores are on the framework's scale unless said otherwise; NaN marks an excluded
    indicator or dimension (or no total at all). ``rank``/``group_rank`` are 0 where an
    agency has no total (or, for ``group_rank``, no peer group).
    """

    def __init__(
        self,
        compiled: CompiledFramework,
        matrix: AnswerMatrix,
        previous: PreviousCycle | None,
        indicator_filled: np.ndarray | None,
        indicator_present: np.ndarray | None,
        raw_dimensions: np.ndarray,
        dimensions: np.ndarray,
        normalisation: Normalisation,
        total: np.ndarray,
        awards: bool = True,
        use_kernel: bool = False,
        scores: np.ndarray | None = None,
        published: kernel_module.Finished | None = None,
    ) -> None:
        fw = compiled.framework
        self.framework = fw
        self.compiled = compiled
        self.matrix = matrix
        self.previous = previous
        self.agencies = matrix.agencies
        self.groups = matrix.groups
        self.group_ids = matrix.group_ids
        self.indicator_codes = compiled.indicator_codes
        self.dimension_codes = compiled.dimension_codes
        # indicator scores (indicators x agencies): given, or made when first asked for
        # (from ``scores``, the answers' scores encoding the totals were made from)
        self._given_indicators = (
            None
            if indicator_filled is None or indicator_present is None
            else (indicator_filled, indicator_present)
        )
        self._scores = scores
        self.raw_dimensions = raw_dimensions
        self.dimensions = dimensions
        self.normalisation = normalisation
        self.total = total
        p = fw.precision
        self.precision = p
        self.previous_precision, self.gain_precision = _precisions(p, previous)
        if previous is not None:
            self.previous_label = (
                previous.label or previous.framework_code or fw.previous or "the previous cycle"
            )
        else:
            self.previous_label = fw.previous or "the previous cycle"
        # (use_kernel: score_cycle has found the compiled kernels there and worth using)
        self.compiled_kernels = use_kernel and _kernel_ready()
        if published is not None:  # made by the kernel with the totals
            self._published(published)
        else:
            self._finish(compiled, matrix, previous, dimensions, total)
        from scoring.awards import evaluate_awards

        # awards=False leaves them out (the benchmark times the two parts apart)
        self.awards: tuple[AwardResult, ...] = evaluate_awards(self) if awards else ()

    def _published(self, published: kernel_module.Finished) -> None:
        (
            self.published_total,
            published_dims,
            self.band_index,
            rank,
            group_rank,
            self.previous_total,
            self.gain,
        ) = published
        self.published_dimensions = published_dims.T
        if rank is None or group_rank is None:  # too spread to count: sorted
            rank, group_rank = competition_ranks(
                self.published_total, self.matrix.group_ids, self.precision
            )
        self.rank, self.group_rank = rank, group_rank

    def _finish(
        self,
        compiled: CompiledFramework,
        matrix: AnswerMatrix,
        previous: PreviousCycle | None,
        dimensions: np.ndarray,
        total: np.ndarray,
    ) -> None:
        """Published figures, bands, ranks and gains: in one compiled call
        (``scoring.kernel.finish``) or with numpy (the reference)."""
        p = self.precision
        aligned = None if previous is None else previous.aligned_totals(self.agencies)
        if self.compiled_kernels:
            from scoring import kernel

            minima, resolved = _band_arrays(compiled)
            self._published(
                kernel.finish(
                    total, dimensions.T, p, minima, resolved, matrix.group_ids, aligned,
                    self.previous_precision, self.gain_precision,
                )
            )
            return
        self.published_total = round_half_up(total, p)
        # rounded in the layout the engine made them in (dimensions x agencies)
        self.published_dimensions = round_half_up(dimensions.T, p).T
        self.band_index = band_indexes(self.published_total, compiled.framework.bands)
        self.rank, self.group_rank = competition_ranks(self.published_total, matrix.group_ids, p)
        if aligned is not None:
            self.previous_total = round_half_up(aligned, self.previous_precision)
            self.gain = round_half_up(
                self.published_total - self.previous_total, self.gain_precision
            )
        else:
            n = len(self.agencies)
            self.previous_total = np.full(n, np.nan)
            self.gain = np.full(n, np.nan)

    # ---------------------------------------------------------------- derived arrays

    @property
    def has_previous(self) -> bool:
        return self.previous is not None

    @cached_property
    def bands(self) -> tuple[str | None, ...]:
        codes = np.array([b.code for b in self.framework.bands] + [None], dtype=object)
        result: tuple[str | None, ...] = tuple(codes[self.band_index].tolist())
        return result

    @cached_property
    def _indicator_pair(self) -> tuple[np.ndarray, np.ndarray]:
        if self._given_indicators is not None:
            return self._given_indicators
        cf, matrix = self.compiled, self.matrix
        scores = self._scores
        if scores is None:
            scores = matrix.scores
            if scores is None or matrix.scores_framework is not self.framework:
                scores = answer_scores(cf, matrix.values, matrix.not_applicable)
        vt, nat = matrix.values.T, matrix.not_applicable.T
        if self.compiled_kernels:
            from scoring import kernel

            plan = kernel.plan_for(cf, _WEIGHT_EPSILON, _TINY)
            num, present, *_ = kernel.indicators_from_scores(plan, scores.T, vt, nat)
        else:
            num, present, _ = indicators_from_scores(cf, scores.T, vt, nat)
        return num, present

    @property
    def _indicator_filled(self) -> np.ndarray:
        """Indicator scores on 0..1 (indicators x agencies), 0 where excluded."""
        return self._indicator_pair[0]

    @property
    def _indicator_present(self) -> np.ndarray:
        """Whether each indicator is included (indicators x agencies)."""
        return self._indicator_pair[1]

    @cached_property
    def indicators(self) -> np.ndarray:
        """Indicator scores on the scale (agencies x indicators), NaN where excluded."""
        scaled = self._indicator_filled * self.framework.scale
        scaled[~self._indicator_present] = np.nan
        return scaled.T

    @cached_property
    def question_scores(self) -> np.ndarray:
        """Question scores on 0..1 (agencies x matrix questions), NaN where excluded."""
        # made again on demand rather than kept (a cycle's question matrix is large), from
        # the scores encoding: hidden questions zeroed, excluded ones NaN
        cf, matrix = self.compiled, self.matrix
        scores = matrix.scores
        if scores is None or matrix.scores_framework is not self.framework:
            scores = answer_scores(cf, matrix.values, matrix.not_applicable)
        q = np.array(scores.T, order="C")
        vt, nat = matrix.values.T, matrix.not_applicable.T
        shown = _shown_rows(cf, vt, nat) if cf.conditions else np.empty((0, q.shape[1]), bool)
        for j, r in zip(cf.condition_columns.tolist(), cf.condition_row.tolist(), strict=True):
            q[j] *= shown[r]
        excluded = _excluded_rows(cf, nat, shown)
        for pos, j in enumerate(cf.excludable.tolist()):
            q[j][excluded[pos]] = np.nan
        return q.T

    @property
    def question_codes(self) -> tuple[str, ...]:
        return self.compiled.codes

    @cached_property
    def published_indicators(self) -> np.ndarray:
        return round_half_up(self.indicators, self.precision)

    @cached_property
    def indicator_gains(self) -> np.ndarray:
        """Gain of each indicator over the previous cycle (published values), NaN where
        either is missing. An indicator's previous score is the score under its own code,
        else the mean of the scores under the codes it ``replaces``."""
        n, n_ind = self.indicators.shape
        previous = np.full((n, n_ind), np.nan)
        if self.previous is None or not self.previous.indicators:
            return previous
        prev = self.previous.indicators
        sources = [(ind.code, ind.replaces) for ind in self.framework.indicators]
        for row, agency in enumerate(self.agencies):
            scores = prev.get(agency)
            if not scores:
                continue
            for i, (code, replaces) in enumerate(sources):
                if code in scores:
                    previous[row, i] = scores[code]
                else:
                    old = [scores[c] for c in replaces if c in scores]
                    if old:
                        previous[row, i] = sum(old) / len(old)
        previous = round_half_up(previous, self.previous_precision)
        return round_half_up(self.published_indicators - previous, self.gain_precision)

    @cached_property
    def dimension_gains(self) -> np.ndarray:
        n, d = self.dimensions.shape
        previous = np.full((n, d), np.nan)
        if self.previous is not None and self.previous.dimensions:
            for row, agency in enumerate(self.agencies):
                scores = self.previous.dimensions.get(agency)
                if scores:
                    for k, code in enumerate(self.dimension_codes):
                        if code in scores:
                            previous[row, k] = scores[code]
        previous = round_half_up(previous, self.previous_precision)
        return round_half_up(self.published_dimensions - previous, self.gain_precision)

    # ---------------------------------------------------------------- per agency

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {a: i for i, a in enumerate(self.agencies)}

    def index(self, agency: str) -> int:
        try:
            return self._positions[agency]
        except KeyError:
            raise KeyError(f"agency {agency!r} is not in this cycle") from None

    def band(self, agency: str) -> str | None:
        return self.bands[self.index(agency)]

    def explain(self, agency: str, answers: AgencyAnswers | None = None) -> Explanation:
        """Every number behind one agency's total, down to answers and weights."""
        from scoring.explain import explain_agency

        return explain_agency(self, agency, answers)

    def as_previous(self, label: str | None = None) -> PreviousCycle:
        """This cycle's published results, for the next cycle's gains ("2563" as label
        by default: the Buddhist Era year)."""
        totals: dict[str, float] = {}
        indicators: dict[str, dict[str, float]] = {}
        dimensions: dict[str, dict[str, float]] = {}
        published_ind = self.published_indicators
        for i, agency in enumerate(self.agencies):
            total = float(self.published_total[i])
            if not math.isnan(total):
                totals[agency] = total
            indicators[agency] = {
                code: float(v)
                for code, v in zip(self.indicator_codes, published_ind[i], strict=True)
                if not math.isnan(v)
            }
            dimensions[agency] = {
                code: float(v)
                for code, v in zip(self.dimension_codes, self.published_dimensions[i], strict=True)
                if not math.isnan(v)
            }
        return PreviousCycle(
            totals=totals,
            indicators=indicators,
            dimensions=dimensions,
            framework_code=self.framework.code,
            precision=self.precision,
            label=label or str(self.framework.year_be),
        )

    def to_rows(self) -> list[dict[str, object]]:
        """One dict per agency with the published figures (rounded at the framework's
        precision); ``None`` for missing values."""
        p = self.precision

        def num(x: float, decimals: int = p) -> float | None:
            return None if math.isnan(x) else round(x, decimals)

        rows: list[dict[str, object]] = []
        dims = self.published_dimensions
        has_previous = self.previous is not None
        for i, agency in enumerate(self.agencies):
            row: dict[str, object] = {
                "agency": agency,
                "group": self.groups[i],
                "total": num(float(self.published_total[i])),
            }
            for k, code in enumerate(self.dimension_codes):
                row[code] = num(float(dims[i, k]))
            row["band"] = self.bands[i]
            row["rank"] = int(self.rank[i]) or None
            row["group_rank"] = int(self.group_rank[i]) or None
            if has_previous:
                row["previous_total"] = num(float(self.previous_total[i]), self.previous_precision)
                row["gain"] = num(float(self.gain[i]), self.gain_precision)
            rows.append(row)
        return rows


_kernel_state: list[bool] = []


def _kernel_ready() -> bool:
    """Whether the compiled kernel can be used here (numba imports), found out once."""
    if not _kernel_state:
        from scoring import kernel

        _kernel_state.append(kernel.available())
    return _kernel_state[0]


# Cycles of at least this many agencies are scored by the compiled kernels. Below it numpy
# is fast enough (a 2,000-agency cycle in about a millisecond), and a process that never
# scores a large cycle never loads numba and its compiler (about 110 MB per process: every
# web worker would carry it).
KERNEL_MIN_AGENCIES = 5000


def score_cycle(
    framework: Framework,
    answers: AnswerMatrix | Sequence[AgencyAnswers],
    previous: PreviousCycle | None = None,
    *,
    use_kernel: bool | None = None,
) -> CycleResult:
    """Score every agency of a cycle at once; see the module docstring for the rules.

    Cycles of :data:`KERNEL_MIN_AGENCIES` agencies or more are scored by the compiled
    kernels (``scoring.kernel``) when numba is there, smaller ones with numpy;
    ``use_kernel`` True or False chooses (the tests compare the two ways)."""
    cf = compile_framework(framework)
    matrix = answers if isinstance(answers, AnswerMatrix) else encode_answers(framework, answers)
    if use_kernel is None:
        use_kernel = len(matrix.agencies) >= KERNEL_MIN_AGENCIES
    use_kernel = use_kernel and _kernel_ready()
    if matrix.questions != cf.codes:
        raise ValueError(
            f"the answer matrix columns do not match framework {framework.code}; "
            "encode the answers with this framework"
        )
    scores = matrix.scores
    if scores is None or matrix.scores_framework is not framework:
        # (a matrix that carries scores for this framework was checked when encoded)
        scores = answer_scores(cf, matrix.values, matrix.not_applicable)
    scale = framework.scale
    total: np.ndarray | None = None
    published: kernel_module.Finished | None = None
    if use_kernel:
        from scoring import kernel

        plan = kernel.plan_for(cf, _WEIGHT_EPSILON, _TINY)
        # the indicator scores are summed into the dimensions, not written out: the
        # result makes them when they are first asked for
        if framework.normalisation == "none":
            # one call: totals, then each agency's published figures, on every core
            minima, resolved = _band_arrays(cf)
            p = framework.precision
            previous_precision, gain_precision = _precisions(p, previous)
            raw_scaled, total, published = kernel.score_published(
                plan,
                scores.T,
                matrix.values.T,
                matrix.not_applicable.T,
                scale,
                p,
                minima,
                resolved,
                matrix.group_ids,
                None if previous is None else previous.aligned_totals(matrix.agencies),
                previous_precision,
                gain_precision,
            )
        else:
            _, _, raw_dims, raw_scaled, _ = kernel.indicators_from_scores(
                plan,
                scores.T,
                matrix.values.T,
                matrix.not_applicable.T,
                scale,
                totals=False,
                indicators=False,
            )
        ind = present = None
    else:
        ind, present, raw_dims = indicators_from_scores(
            cf, scores.T, matrix.values.T, matrix.not_applicable.T
        )
        raw_scaled = raw_dims * scale
    if total is not None:  # no normalisation: the kernel made the totals
        _, normalisation = _normalise(raw_scaled, "none")
        dims_scaled = raw_scaled
    else:
        dims01, normalisation = _normalise(raw_dims, framework.normalisation)
        dim_present = ~np.isnan(dims01)
        filled = np.where(dim_present, dims01, 0.0)
        total01 = _weighted_ranges(
            filled, dim_present, ((0, len(cf.dim_weight)),), cf.dim_weight
        )[0]
        total = total01 * scale
        dims_scaled = raw_scaled if dims01 is raw_dims else dims01 * scale
    return CycleResult(
        compiled=cf,
        matrix=matrix,
        previous=previous,
        indicator_filled=ind,
        indicator_present=present,
        raw_dimensions=raw_scaled.T,
        dimensions=dims_scaled.T,
        normalisation=normalisation,
        total=total,
        use_kernel=use_kernel,
        scores=scores,
        published=published,
    )
