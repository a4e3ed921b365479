"""The engine's hot loops compiled with numba.

- :func:`indicators_from_scores`: conditions, indicators, dimensions and (without
  normalisation) totals of a whole cycle in one pass over the answers, on every core. It
  gives what ``engine.indicators_from_scores`` gives (the numpy way, kept as the reference
  and as the fallback when numba cannot be imported) from the same question-major arrays.
  The pass goes over the agencies in blocks of :data:`BLOCK`; within a block every step
  is a loop over contiguous agencies that the compiler vectorises, and every intermediate
  (the "shown" flags of the conditions, an indicator's weighted sum and included weight,
  the dimension sums) stays in the processor's cache. Each answer is read once. The
  indicator scores are written out only when asked for (a cycle's totals only sum them);
  the indicators none of whose questions can drop out are then summed straight into
  their dimension, their columns weighted by their share of the dimension, four columns
  to a loop across indicator boundaries. Within an indicator the columns without a
  condition are taken first, four to a loop, and conditions that ask the same of the
  same gate are evaluated once (see :class:`KernelPlan`).
- :func:`finish`: publication rounding, bands, competition ranks (by counting the
  published values as integers) and gains, as ``CycleResult`` derives them with numpy.
- :func:`score_published`: a cycle without normalisation in one call: the pass, then each
  agency's published figures while its totals are in the cache, then the ranks.
- :func:`top_candidates`: the agencies that can take an award's places, for every figure
  and peer group of a rule in one pass.

Threads: the agencies are split into one range per core, run by numba's ``prange`` on
its threading layer (OpenMP from ``libgomp1`` where installed, else numba's own work
queue). OpenMP's threads keep spinning for a moment after a call, so a run of calls does
not pay for waking a sleeping thread each time (a thread pool's round trip costs tens of
microseconds on a virtual machine). A process forked after using them must not use them
again: it scores on one thread (:func:`_may_run_parallel`). One thread of a process at a
time runs the parallel kernel; another that scores meanwhile does it on its own thread
(numba's work queue aborts the process when two threads enter it at once).

The arithmetic is the numpy way's; sums are taken in another order, so scores agree to a
few units in the last place, which publication rounding (with its guard against noise
below a half) does not see; rounding itself is the same operations, so published figures,
ranks and awards are identical. ``tests/scoring/test_engine_kernel.py`` holds the two
ways together.

Compiled code is cached beside this file (numba's ``cache=True``), so the compilation
(a few seconds) is paid once per installation, not once per process.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from scoring.engine import CompiledFramework

BLOCK = 1024  # agencies per block: a block's scratch stays in the second-level cache
MIN_PER_THREAD = 2048  # fewer agencies than this per thread: one thread does it all
# agencies per block of the award candidate search (_top): one bit each in an int64 mask,
# so at most 64
TOP_BLOCK = 64

_KIND = {"equals": 0, "in": 1, "mask": 2, "at_least": 3}
# a "shown" row read from the gate's scores (see _score_rows)
_KIND_SCORE_EQUALS = 4
_compile_lock = threading.Lock()


@dataclass(frozen=True, eq=False)
class KernelPlan:
    """A compiled framework's arrays as the kernel takes them.

    The pass goes over each indicator's columns in its own order ("positions"
    ``ind_start:ind_stop``): the columns without a condition first (those that cannot be
    answered not applicable, then those that can), then those with a condition (kept when
    hidden, then excluded when hidden), so that the plain ones are summed four at a time.
    Conditions that ask the same of the same gate share one "shown" row."""

    pos_col: np.ndarray  # (q,) int64: the column at each position
    pos_kind: np.ndarray  # (q,) int64: 0 plain, 1 may be not applicable, 2 a condition
    #                        that keeps the question's weight when hidden, 3 one that excludes it
    pos_row: np.ndarray  # (q,) int64: the column's "shown" row, -1 without a condition
    pos_na: np.ndarray  # (q,) uint8: the column allows not applicable
    pos_weight: np.ndarray  # (q,) float64: the question's weight in its indicator
    ind_start: np.ndarray  # (i,) int64
    ind_stop: np.ndarray
    ind_weight_sum: np.ndarray  # (i,) float64
    has_questions: np.ndarray  # (i,) uint8
    can_drop: np.ndarray  # (i,) uint8: a question of the indicator can drop out
    row_gate: np.ndarray  # (r,) int64: the gate column of each "shown" row
    row_kind: np.ndarray  # (r,) int64, see _KIND and _KIND_SCORE_EQUALS
    row_value: np.ndarray  # (r,) float64
    row_values_start: np.ndarray  # (r,) int64 into row_values ("in")
    row_values_stop: np.ndarray
    row_values: np.ndarray  # float64
    row_parent: np.ndarray  # (r,) int64: the row of the gate's own condition, -1 when none
    ind_dimension: np.ndarray  # (i,) int64
    ind_weight: np.ndarray  # (i,) float64, 0 without questions
    dim_weight: np.ndarray  # (d,) float64
    # The indicators none of whose questions can drop out, summed straight into their
    # dimension when their own scores are not wanted: per dimension
    # (``fold_dim_start[d]:fold_dim_start[d + 1]``) their columns, those without a
    # condition first, each weighted by its share of the dimension (indicator weight x
    # question weight / the indicator's question weight), with its "shown" row or -1.
    fold_col: np.ndarray  # (f,) int64
    fold_weight: np.ndarray  # (f,) float64
    fold_row: np.ndarray  # (f,) int64
    fold_dim_start: np.ndarray  # (d + 1,) int64
    fixed_weight: np.ndarray  # (d,) float64: indicator weight of those indicators
    n_dimensions: int
    epsilon: float
    tiny: float


_plans: dict[int, tuple[CompiledFramework, KernelPlan]] = {}


def plan_for(cf: CompiledFramework, epsilon: float, tiny: float) -> KernelPlan:
    """The kernel's arrays for ``cf``, made once (cached by identity, as
    ``compile_framework`` caches ``cf``)."""
    with _compile_lock:
        hit = _plans.get(id(cf))
        if hit is not None and hit[0] is cf:
            return hit[1]
    plan = _plan(cf, epsilon, tiny)
    with _compile_lock:
        if len(_plans) >= 32:
            _plans.pop(next(iter(_plans)))
        _plans[id(cf)] = (cf, plan)
    return plan


def _can_drop(cf: CompiledFramework, allow: np.ndarray) -> np.ndarray:
    """Indicators with a question that can drop out for some agency: one that allows
    not-applicable, or one that is excluded when hidden."""
    excluded_when_hidden = np.zeros(cf.n_columns, dtype=np.bool_)
    for c in cf.conditions:
        if c.exclude:
            excluded_when_hidden[c.column] = True
    drops = (allow != 0) | excluded_when_hidden
    out = np.zeros(cf.ind_start.shape[0], dtype=np.uint8)
    for i, (a, b) in enumerate(zip(cf.ind_start.tolist(), cf.ind_stop.tolist(), strict=True)):
        out[i] = 1 if drops[a:b].any() else 0
    return out


def _readonly(array: np.ndarray, dtype: type) -> np.ndarray:
    """``array`` as a C-contiguous, read-only array of ``dtype`` (a view when it already
    is one): the kernels then see one type of argument, whoever made the array, and are
    compiled once, not once per combination of writable and read-only inputs."""
    out: np.ndarray = np.ascontiguousarray(array, dtype=dtype)
    if out.flags.writeable:
        out = out.view()
        out.flags.writeable = False
    return out


def _folded(
    cf: CompiledFramework, can_drop: np.ndarray, n_dimensions: int, column_row: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(fold_col, fold_weight, fold_row, fold_dim_start, fixed_weight) of
    :class:`KernelPlan`."""
    columns: list[list[int]] = [[] for _ in range(n_dimensions)]
    weight = np.zeros(cf.n_columns, dtype=np.float64)
    fixed = np.zeros(max(n_dimensions, 1), dtype=np.float64)
    for i in range(cf.ind_start.shape[0]):
        full = float(cf.ind_weight_sum[i])
        if can_drop[i] or not cf.has_questions[i] or not full > 0.0:
            continue
        a, b = int(cf.ind_start[i]), int(cf.ind_stop[i])
        iw = float(cf.ind_weight_effective[i])
        weight[a:b] = iw * np.asarray(cf.weight[a:b], dtype=np.float64) / full
        d = int(cf.ind_dimension[i])
        fixed[d] += iw
        columns[d].extend(range(a, b))
    cols: list[int] = []
    starts = [0]
    for d in range(n_dimensions):
        # those without a condition first (False sorts before True; stable)
        cols.extend(sorted(columns[d], key=lambda j: bool(column_row[j] >= 0)))
        starts.append(len(cols))
    col = np.array(cols, dtype=np.int64)
    return (
        col,
        weight[col],
        column_row[col],
        np.array(starts, dtype=np.int64),
        fixed[:n_dimensions],
    )


def _rows(cf: CompiledFramework) -> tuple[np.ndarray, ...]:
    """The "shown" rows of :class:`KernelPlan` (``row_gate`` to ``row_parent``), one per
    distinct condition (``cf.condition_row``), and each column's row (-1 without a
    condition)."""
    conditions = cf.conditions
    n_rows = int(cf.condition_row.max()) + 1 if conditions else 0
    gate = np.zeros(n_rows, dtype=np.int64)
    kind = np.zeros(n_rows, dtype=np.int64)
    value = np.zeros(n_rows, dtype=np.float64)
    start = np.zeros(n_rows, dtype=np.int64)
    stop = np.zeros(n_rows, dtype=np.int64)
    parent = np.full(n_rows, -1, dtype=np.int64)
    flat: list[float] = []
    condition_of = {c.column: k for k, c in enumerate(conditions)}
    column_row = np.full(cf.n_columns, -1, dtype=np.int64)
    for k, c in enumerate(conditions):
        r = int(cf.condition_row[k])
        column_row[c.column] = r
        gate[r], kind[r], value[r] = c.gate, _KIND[c.kind], c.value
        start[r] = len(flat)
        flat.extend(c.values)
        stop[r] = len(flat)
        if c.gate_conditional:
            parent[r] = int(cf.condition_row[condition_of[c.gate]])
    _score_rows(cf, gate, kind, value)
    return gate, kind, value, start, stop, np.array(flat, dtype=np.float64), parent, column_row


def _score_rows(
    cf: CompiledFramework, gate: np.ndarray, kind: np.ndarray, value: np.ndarray
) -> None:
    """Turn each ``equals`` row on a yes/no gate into a row read from the gate's scores
    (:data:`_KIND_SCORE_EQUALS`, ``value`` the score that meets it) where that score
    tells the answer apart: the one that meets the condition scores differently from the
    other answer, from no answer and from not applicable. The pass reads every score
    anyway, so such a condition costs no read of the answers' values or of the
    not-applicable flags."""
    from scoring.engine import answer_scores
    from scoring.model import QuestionType

    rows = [
        r
        for r in range(gate.shape[0])
        if kind[r] == _KIND["equals"]
        and cf.questions[int(gate[r])].type is QuestionType.YES_NO
        and value[r] in (0.0, 1.0)
    ]
    if not rows:
        return
    # the four states of every yes/no gate: no, yes, unanswered, not applicable
    values = np.full((4, cf.n_columns), np.nan)
    not_applicable = np.zeros((4, cf.n_columns), dtype=np.bool_)
    for r in rows:
        g = int(gate[r])
        values[:2, g] = (0.0, 1.0)
        if cf.questions[g].allow_na:
            values[3, g] = 0.0
            not_applicable[3, g] = True
    scores = answer_scores(cf, values, not_applicable)
    for r in rows:
        g = int(gate[r])
        states = scores[:, g] if cf.questions[g].allow_na else scores[:3, g]
        meets = float(scores[int(value[r]), g])
        if int(np.count_nonzero(states == meets)) == 1:
            kind[r] = _KIND_SCORE_EQUALS
            value[r] = meets


def _plan(cf: CompiledFramework, epsilon: float, tiny: float) -> KernelPlan:
    q = cf.n_columns
    allow = np.zeros(q, dtype=np.uint8)
    allow[cf.allow_na] = 1
    gate, kind, value, start, stop, flat, parent, column_row = _rows(cf)
    exclude = np.zeros(q, dtype=np.bool_)
    for c in cf.conditions:
        exclude[c.column] = c.exclude
    column_kind = np.where(
        column_row < 0, np.where(allow != 0, 1, 0), np.where(exclude, 3, 2)
    ).astype(np.int64)
    pos_col = np.arange(q, dtype=np.int64)
    for i in range(cf.ind_start.shape[0]):
        a, b = int(cf.ind_start[i]), int(cf.ind_stop[i])
        pos_col[a:b] = a + np.argsort(column_kind[a:b], kind="stable")
    can_drop = _can_drop(cf, allow)
    n_dimensions = len(cf.dim_ranges)
    fold_col, fold_weight, fold_row, fold_dim_start, fixed_weight = _folded(
        cf, can_drop, n_dimensions, column_row
    )
    return KernelPlan(
        pos_col=pos_col,
        pos_kind=column_kind[pos_col],
        pos_row=column_row[pos_col],
        pos_na=allow[pos_col],
        pos_weight=np.asarray(cf.weight, dtype=np.float64)[pos_col],
        ind_start=np.ascontiguousarray(cf.ind_start, dtype=np.int64),
        ind_stop=np.ascontiguousarray(cf.ind_stop, dtype=np.int64),
        ind_weight_sum=np.ascontiguousarray(cf.ind_weight_sum, dtype=np.float64),
        has_questions=np.ascontiguousarray(cf.has_questions, dtype=np.uint8),
        can_drop=can_drop,
        row_gate=gate,
        row_kind=kind,
        row_value=value,
        row_values_start=start,
        row_values_stop=stop,
        row_values=flat,
        row_parent=parent,
        ind_dimension=np.ascontiguousarray(cf.ind_dimension, dtype=np.int64),
        ind_weight=np.ascontiguousarray(cf.ind_weight_effective, dtype=np.float64),
        dim_weight=np.ascontiguousarray(cf.dim_weight, dtype=np.float64),
        fold_col=fold_col,
        fold_weight=fold_weight,
        fold_row=fold_row,
        fold_dim_start=fold_dim_start,
        fixed_weight=fixed_weight,
        n_dimensions=n_dimensions,
        epsilon=epsilon,
        tiny=tiny,
    )


def _pass(
    st: np.ndarray,
    vt: np.ndarray,
    nat: np.ndarray,
    lo: int,
    hi: int,
    pos_col: np.ndarray,
    pos_kind: np.ndarray,
    pos_row: np.ndarray,
    pos_na: np.ndarray,
    pos_weight: np.ndarray,
    ind_start: np.ndarray,
    ind_stop: np.ndarray,
    ind_weight_sum: np.ndarray,
    has_questions: np.ndarray,
    can_drop: np.ndarray,
    row_gate: np.ndarray,
    row_kind: np.ndarray,
    row_value: np.ndarray,
    row_values_start: np.ndarray,
    row_values_stop: np.ndarray,
    row_values: np.ndarray,
    row_parent: np.ndarray,
    ind_dimension: np.ndarray,
    ind_weight: np.ndarray,
    dim_weight: np.ndarray,
    fold_col: np.ndarray,
    fold_weight: np.ndarray,
    fold_row: np.ndarray,
    fold_dim_start: np.ndarray,
    fixed_weight: np.ndarray,
    epsilon: float,
    tiny: float,
    scale: float,
    want_total: bool,
    want_indicators: bool,
    num: np.ndarray,
    present: np.ndarray,
    raw: np.ndarray,
    scaled: np.ndarray,
    total: np.ndarray,
) -> None:
    """Agencies ``lo:hi`` of one cycle: indicator scores (``num``, 0..1, 0 where
    excluded), whether each indicator is included (``present``), raw dimension scores
    (``raw`` on 0..1 and ``scaled`` on the scale, NaN where excluded), all indicator- or
    dimension-major (``raw`` may be a (dimensions x 0) placeholder: then only ``scaled``
    is written); with ``want_total`` the totals on the scale (``total``). Without
    ``want_indicators`` the indicator scores are not written out (``num`` and ``present``
    are then (indicators x 0) placeholders), and the indicators none of whose questions
    can drop out are summed straight into their dimension (see :class:`KernelPlan`)."""
    # Every loop over the agencies of a block is free of branches (flags are 0/1 and
    # multiply), so that the compiler turns it into vector instructions; rows are taken
    # as one-dimensional slices, which compile to plainer loops than 2-d indexing.
    n_rows = row_gate.shape[0]
    n_ind = ind_start.shape[0]
    n_dim = raw.shape[0]
    keep_raw = raw.shape[1] > 0  # (dimensions x 0): the scores on the scale only
    block = BLOCK
    shown = np.empty((max(n_rows, 1), block), dtype=np.float64)
    acc = np.empty(block, dtype=np.float64)
    den = np.empty(block, dtype=np.float64)
    dim_num = np.empty((max(n_dim, 1), block), dtype=np.float64)
    dim_den = np.empty((max(n_dim, 1), block), dtype=np.float64)
    total_num = np.empty(block, dtype=np.float64)
    total_den = np.empty(block, dtype=np.float64)
    for a in range(lo, hi, block):
        b = min(a + block, hi)
        m = b - a
        # the "shown" rows, in framework order (a gate's own condition comes first); NaN
        # (not answered) meets none
        for k in range(n_rows):
            g = row_gate[k]
            kind = row_kind[k]
            value = row_value[k]
            row = shown[k]
            gate = vt[g][a:b]
            gate_na = nat[g][a:b]
            if kind == 4:
                # read from the gate's scores: no answer and not applicable never meet
                gate_score = st[g][a:b]
                for c in range(m):
                    row[c] = 1.0 if gate_score[c] == value else 0.0
            elif kind == 0:
                for c in range(m):
                    row[c] = (1.0 if gate[c] == value else 0.0) * (1 - gate_na[c])
            elif kind == 3:
                for c in range(m):
                    row[c] = (1.0 if gate[c] >= value else 0.0) * (1 - gate_na[c])
            elif kind == 1:
                for c in range(m):
                    row[c] = 0.0
                for t in range(row_values_start[k], row_values_stop[k]):
                    option = row_values[t]
                    for c in range(m):
                        if gate[c] == option:
                            row[c] = 1.0
            elif kind == 2:
                mask = np.int64(value)
                for c in range(m):
                    v = gate[c]
                    bits = np.int64(v) if v > 0.0 else np.int64(0)
                    row[c] = 1.0 if (bits & mask) != 0 else 0.0
            if kind == 1 or kind == 2:
                for c in range(m):
                    row[c] *= 1 - gate_na[c]
            parent = row_parent[k]
            if parent >= 0:
                above = shown[parent]
                for c in range(m):
                    row[c] *= above[c]
        for d in range(n_dim):
            dn = dim_num[d]
            dd = dim_den[d]
            # without indicator scores, the indicators that cannot drop out are summed
            # straight into their dimension, their weight counted here once
            fixed = 0.0 if want_indicators else fixed_weight[d]
            for c in range(m):
                dn[c] = 0.0
                dd[c] = fixed
            if want_indicators:
                continue
            # their columns without a condition four at a time, then those with one
            # times its "shown" flag (an excluding condition would make them droppable,
            # so hidden only scores 0 here)
            p = fold_dim_start[d]
            stop = fold_dim_start[d + 1]
            while p + 3 < stop and fold_row[p + 3] < 0:
                w0, w1 = fold_weight[p], fold_weight[p + 1]
                w2, w3 = fold_weight[p + 2], fold_weight[p + 3]
                r0, r1 = st[fold_col[p]][a:b], st[fold_col[p + 1]][a:b]
                r2, r3 = st[fold_col[p + 2]][a:b], st[fold_col[p + 3]][a:b]
                for c in range(m):
                    dn[c] += (w0 * r0[c] + w1 * r1[c]) + (w2 * r2[c] + w3 * r3[c])
                p += 4
            while p < stop and fold_row[p] < 0:
                w0 = fold_weight[p]
                r0 = st[fold_col[p]][a:b]
                for c in range(m):
                    dn[c] += w0 * r0[c]
                p += 1
            while p + 1 < stop:
                w0, w1 = fold_weight[p], fold_weight[p + 1]
                r0, r1 = st[fold_col[p]][a:b], st[fold_col[p + 1]][a:b]
                s0, s1 = shown[fold_row[p]], shown[fold_row[p + 1]]
                for c in range(m):
                    dn[c] += w0 * r0[c] * s0[c] + w1 * r1[c] * s1[c]
                p += 2
            if p < stop:
                w0 = fold_weight[p]
                r0 = st[fold_col[p]][a:b]
                s0 = shown[fold_row[p]]
                for c in range(m):
                    dn[c] += w0 * r0[c] * s0[c]
        for i in range(n_ind):
            if can_drop[i] == 0 and not want_indicators:
                continue  # summed into its dimension above
            out = num[i][a:b] if want_indicators else num[i]
            flag = present[i][a:b] if want_indicators else present[i]
            if has_questions[i] == 0:
                if want_indicators:
                    for c in range(m):
                        out[c] = 0.0
                        flag[c] = False
                continue
            first = ind_start[i]
            stop = ind_stop[i]
            full = ind_weight_sum[i]
            for c in range(m):
                acc[c] = 0.0
                den[c] = full
            # the positions without a condition come first (kinds 0 and 1; not
            # applicable scores 0 there): four at a time
            j = first
            while j + 3 < stop and pos_kind[j + 3] <= 1:
                w0, w1 = pos_weight[j], pos_weight[j + 1]
                w2, w3 = pos_weight[j + 2], pos_weight[j + 3]
                r0, r1 = st[pos_col[j]][a:b], st[pos_col[j + 1]][a:b]
                r2, r3 = st[pos_col[j + 2]][a:b], st[pos_col[j + 3]][a:b]
                for c in range(m):
                    acc[c] += (w0 * r0[c] + w1 * r1[c]) + (w2 * r2[c] + w3 * r3[c])
                j += 4
            while j + 1 < stop and pos_kind[j + 1] <= 1:
                w0, w1 = pos_weight[j], pos_weight[j + 1]
                r0, r1 = st[pos_col[j]][a:b], st[pos_col[j + 1]][a:b]
                for c in range(m):
                    acc[c] += w0 * r0[c] + w1 * r1[c]
                j += 2
            if j < stop and pos_kind[j] <= 1:
                w0 = pos_weight[j]
                r0 = st[pos_col[j]][a:b]
                for c in range(m):
                    acc[c] += w0 * r0[c]
                j += 1
            # the weight that drops out of those: not applicable (kind 1, just before j)
            t = first
            while t < j and pos_kind[t] == 0:
                t += 1
            while t + 1 < j:
                w0, w1 = pos_weight[t], pos_weight[t + 1]
                n0, n1 = nat[pos_col[t]][a:b], nat[pos_col[t + 1]][a:b]
                for c in range(m):
                    den[c] -= w0 * n0[c] + w1 * n1[c]
                t += 2
            if t < j:
                w0 = pos_weight[t]
                n0 = nat[pos_col[t]][a:b]
                for c in range(m):
                    den[c] -= w0 * n0[c]
            # the positions with a condition: the score times the "shown" flag
            while j < stop:
                w = pos_weight[j]
                col = pos_col[j]
                score = st[col][a:b]
                sh = shown[pos_row[j]]
                if pos_kind[j] == 3:
                    # hidden: scores nothing and drops out; not applicable drops out
                    na = nat[col][a:b]
                    for c in range(m):
                        acc[c] += w * score[c] * sh[c]
                        den[c] -= w * (1.0 - sh[c] * (1 - na[c]))
                elif pos_na[j]:
                    # hidden: scores 0 and keeps its weight; not applicable drops out
                    # only when shown
                    na = nat[col][a:b]
                    for c in range(m):
                        acc[c] += w * score[c] * sh[c]
                        den[c] -= w * sh[c] * na[c]
                else:
                    for c in range(m):
                        acc[c] += w * score[c] * sh[c]
                j += 1
            limit = epsilon * full
            d = ind_dimension[i]
            iw = ind_weight[i]
            dn = dim_num[d]
            dd = dim_den[d]
            if can_drop[i] == 0:
                # (indicator scores wanted) no question of the indicator can drop out:
                # its weight is whole for every agency, and one multiplication stands
                # for the division
                inverse = 1.0 / full
                whole = full > limit
                for c in range(m):
                    value = acc[c] * inverse
                    out[c] = value
                    flag[c] = whole
                    dn[c] += iw * value
                if whole:
                    for c in range(m):
                        dd[c] += iw
                continue
            if want_indicators:
                for c in range(m):
                    weight_left = den[c]
                    included = weight_left > limit
                    value = acc[c] / (weight_left if weight_left > tiny else tiny)
                    out[c] = value
                    flag[c] = included
                    dn[c] += iw * value
                    dd[c] += iw * included
            else:
                for c in range(m):
                    # a select, not max(): numba's max() of two floats is a call that
                    # keeps the loop from being vectorised
                    weight_left = den[c]
                    dn[c] += iw * (acc[c] / (weight_left if weight_left > tiny else tiny))
                    dd[c] += iw if weight_left > limit else 0.0
        # dimensions (0..1 and on the scale) and, without normalisation, the total: the
        # weighted mean of the dimensions that have a score
        for c in range(m):
            total_num[c] = 0.0
            total_den[c] = 0.0
        for d in range(n_dim):
            dn = dim_num[d]
            dd = dim_den[d]
            on_scale = scaled[d][a:b]
            dw = dim_weight[d]
            if keep_raw:
                result = raw[d][a:b]
                for c in range(m):
                    has = dd[c] > 0.0
                    value = dn[c] / dd[c] if has else np.nan
                    result[c] = value
                    on_scale[c] = value * scale
                    total_num[c] += dw * value if has else 0.0
                    total_den[c] += dw * has
            else:
                for c in range(m):
                    has = dd[c] > 0.0
                    value = dn[c] / dd[c] if has else np.nan
                    on_scale[c] = value * scale
                    total_num[c] += dw * value if has else 0.0
                    total_den[c] += dw * has
        if want_total:
            out_total = total[a:b]
            for c in range(m):
                out_total[c] = (total_num[c] / total_den[c]) * scale  # none: 0 / 0 = NaN


def _lowest_bit(mask: Any) -> Any:
    """The index of the lowest set bit of a non-zero int64: the number of bits below it
    (``(mask & -mask) - 1`` sets exactly those), counted in parallel within the word."""
    x = (mask & -mask) - 1
    x = x - ((x >> 1) & 0x5555555555555555)
    x = (x & 0x3333333333333333) + ((x >> 2) & 0x3333333333333333)
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0F
    return (x * 0x0101010101010101) >> 56


def _top(
    figures: np.ndarray,
    eligible: np.ndarray,
    split: np.ndarray,
    n_splits: int,
    count: int,
    best: np.ndarray,
    chosen: np.ndarray,
    which: np.ndarray,
    eligible_count: np.ndarray,
) -> int:
    """The candidates for the first ``count`` places of each figure (a row of
    ``figures``) and split (``split[i]`` >= 0, with ``eligible[i]`` and the figure, not
    NaN): every agency whose figure is at least the ``count``-th largest of its split (all
    of them when the split has fewer), ascending by figure then agency, into ``chosen``
    (and the figure into ``which``); returns how many. ``best`` (figures x splits x count)
    is scratch; ``eligible_count`` (figures x splits) gets the eligible agencies. One pass
    by blocks of agencies keeps the ``count`` largest figures of each split (with repeats)
    in order, and notes which agencies reached the bar; the candidates are then picked
    from those.

    Why it is fast: once the first places are filled, almost no agency can enter them.
    Over each block of :data:`TOP_BLOCK` agencies one loop without branches (vectorised:
    it indexes the block's slices from 0, so numba adds no negative-index handling, and
    every term is an int64) counts the eligible figures and makes a 64-bit mask of the
    agencies at their split's bar; only the set bits are then visited, and the blocks'
    masks are kept for the collect step (bars only rise, so every candidate is in one).
    Up to 8 splits, their eligible counts are packed 8 bits a split into one int64;
    more splits take the plain loops. Not ``fastmath``: it would assume no NaN."""
    n = figures.shape[1]
    n_figures = figures.shape[0]
    last = count - 1
    found = 0
    if n_splits < 1 or n_splits > 8:
        # Outside the fast path's packed counters: the original loops.
        for f in range(n_figures):
            row = figures[f]
            top = best[f]
            counted = eligible_count[f]
            for s in range(n_splits):
                counted[s] = 0
                for t in range(count):
                    top[s, t] = -np.inf
            for i in range(n):
                s = split[i]
                v = row[i]
                if s < 0 or eligible[i] == 0 or np.isnan(v):
                    continue
                counted[s] += 1
                if v > top[s, last]:
                    p = last
                    while p > 0 and top[s, p - 1] < v:
                        top[s, p] = top[s, p - 1]
                        p -= 1
                    top[s, p] = v
        for f in range(n_figures):
            row = figures[f]
            top = best[f]
            for i in range(n):
                s = split[i]
                if s >= 0 and eligible[i] != 0 and row[i] >= top[s, last]:
                    chosen[found] = i
                    which[found] = f
                    found += 1
        return found

    n_blocks = (n + TOP_BLOCK - 1) // TOP_BLOCK
    kept = np.empty(n_blocks, dtype=np.int64)  # blocks with a non-empty mask, ascending
    masks = np.empty(n_blocks, dtype=np.int64)  # and their masks
    # bars[s]: the count-th largest figure of split s so far (= top[s, last]); 8 entries
    # so that ``bars[s & 7]`` needs no bounds or sign handling (s = -1 is masked out by
    # ``ok``); the unused ones stay +inf.
    bars = np.full(8, np.inf)
    for f in range(n_figures):
        row = figures[f]
        top = best[f]
        counted = eligible_count[f]
        for s in range(n_splits):
            counted[s] = 0
            bars[s] = -np.inf
            for t in range(count):
                top[s, t] = -np.inf
        n_kept = 0
        for k in range(n_blocks):
            a = k * TOP_BLOCK
            b = min(a + TOP_BLOCK, n)
            rb = row[a:b]
            sb = split[a:b]
            eb = eligible[a:b]
            # Step 1, vectorised: eligible figures counted, mask of those at the bar
            # (>= so that a figure tying the final bar is kept for the collect step;
            # NaN compares false).
            mask = np.int64(0)
            tally = np.int64(0)
            if n_splits == 1:
                bar = bars[0]
                for j in range(b - a):
                    v = rb[j]
                    ok = (sb[j] >= 0) & (eb[j] != 0)
                    tally += np.int64(ok & (v == v))
                    mask |= np.int64(ok & (v >= bar)) << j
                counted[0] += tally
            else:
                for j in range(b - a):
                    v = rb[j]
                    s = sb[j]
                    ok = (s >= 0) & (eb[j] != 0)
                    tally += np.int64(ok & (v == v)) << ((s & 7) << 3)  # 8 bits a split
                    mask |= np.int64(ok & (v >= bars[s & 7])) << j
                for s in range(n_splits):
                    counted[s] += (tally >> (s << 3)) & 255
            if mask == 0:
                continue
            kept[n_kept] = k
            masks[n_kept] = mask
            n_kept += 1
            # Step 2: the set bits, lowest first (bars only rise: the mask may hold
            # agencies that no longer beat the bar, or tie it; they are not inserted).
            while mask != 0:
                at = a + _lowest_bit(mask)
                mask &= mask - 1
                v = row[at]
                s = split[at]
                if v > top[s, last]:
                    for p in range(last, 0, -1):
                        top[s, p] = max(top[s, p], min(top[s, p - 1], v))
                    top[s, 0] = max(top[s, 0], v)
                    bars[s] = top[s, last]
        # Step 3: the candidates, from the kept masks only.
        for q in range(n_kept):
            a = kept[q] * TOP_BLOCK
            mask = masks[q]
            while mask != 0:
                at = a + _lowest_bit(mask)
                mask &= mask - 1
                if row[at] >= top[split[at], last]:
                    chosen[found] = at
                    which[found] = f
                    found += 1
    return found


_top_compiled: Callable[..., int] | None = None


def top_candidates(
    figures: np.ndarray, eligible: np.ndarray, split: np.ndarray, n_splits: int, count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(candidate indexes, the figure of each, eligible agencies per figure and split),
    the candidates by figure then ascending: see :func:`_top`."""
    global _top_compiled
    if _top_compiled is None:
        _kernel()
        with _compile_lock:
            import numba

            bit = numba.njit(inline="always", error_model="numpy")(_lowest_bit)
            _top_compiled = _jit_with(numba, _top, {"_lowest_bit": bit})
    assert _top_compiled is not None
    n_figures, n = figures.shape
    count = max(count, 1)
    chosen = np.empty(n * n_figures, dtype=np.int64)
    which = np.empty(n * n_figures, dtype=np.int64)
    best = np.empty((n_figures, max(n_splits, 1), count), dtype=np.float64)
    counts = np.empty((n_figures, max(n_splits, 1)), dtype=np.int64)
    found = _top_compiled(
        _readonly(figures, np.float64),
        _readonly(eligible, np.bool_).view(np.uint8),
        _readonly(split, np.int64),
        n_splits,
        count,
        best,
        chosen,
        which,
        counts,
    )
    return chosen[:found], which[:found], counts[:, :n_splits]


def _round(x: float, factor: float) -> float:
    """``ranking.round_half_up`` of one value, operation for operation (the same
    doubles come out; NaN stays NaN through every step). Free of branches, so that a
    loop of them is vectorised."""
    scaled = abs(x) * factor
    r = scaled * 1e-12
    r = r if r > 1e-9 else 1e-9
    r += 0.5
    r += scaled
    r = float(np.floor(r)) / factor
    return (-r + 0.0) if x < 0.0 else r


def _publish(
    lo: int,
    hi: int,
    total: np.ndarray,
    dims: np.ndarray,
    factor: float,
    minima: np.ndarray,
    resolved: np.ndarray,
    previous: np.ndarray,
    previous_factor: float,
    gain_factor: float,
    published_total: np.ndarray,
    published_dims: np.ndarray,
    band: np.ndarray,
    previous_total: np.ndarray,
    gain: np.ndarray,
) -> None:
    """Agencies ``lo:hi``: published totals and dimension scores (rounded half up),
    bands, and (when ``previous`` holds one total per agency) previous totals at their
    precision and gains."""
    # Every loop runs over slices from 0: indexing from ``lo`` would make numba handle
    # negative indexes, and the loops would not be vectorised.
    m = hi - lo
    published = published_total[lo:hi]
    given = total[lo:hi]
    for i in range(m):
        published[i] = _round(given[i], factor)
    for d in range(dims.shape[0]):
        row = dims[d][lo:hi]
        out = published_dims[d][lo:hi]
        for i in range(m):
            out[i] = _round(row[i], factor)
    n_bands = minima.shape[0]
    bands = band[lo:hi]
    # how many band minima each total reaches (NaN: none), then that band
    for i in range(m):
        bands[i] = 0
    for k in range(n_bands):
        minimum = minima[k]
        for i in range(m):
            bands[i] += 1 if published[i] >= minimum else 0
    for i in range(m):
        reached = bands[i]
        bands[i] = resolved[reached - 1] if reached > 0 else -1
    if previous.shape[0] == total.shape[0]:
        before = previous[lo:hi]
        previous_out = previous_total[lo:hi]
        gain_out = gain[lo:hi]
        for i in range(m):
            p = _round(before[i], previous_factor)
            previous_out[i] = p
            gain_out[i] = _round(published[i] - p, gain_factor)


def _count_ranks(
    published_total: np.ndarray,
    factor: float,
    group_ids: np.ndarray,
    n_groups: int,
    rank: np.ndarray,
    group_rank: np.ndarray,
) -> bool:
    """Competition ranks overall and within groups: how many published totals are
    strictly greater, counted by integer key (the published value times ``factor``).
    Returns False when the values span too many integers to count (the ranks are then
    left to ``ranking.competition_ranks``)."""
    n = published_total.shape[0]
    # each total's integer key, NaN marked by ``none``; the smallest and largest key in
    # integers, whose reductions the compiler vectorises (a float's would need fastmath)
    none = np.int64(1) << 62
    keys = np.empty(n, dtype=np.int64)
    lo = none
    hi = -none
    for i in range(n):
        t = published_total[i]
        valid = t == t
        key = np.int64(np.rint(t * factor)) if valid else none
        keys[i] = key
        lo = min(lo, key)
        hi = max(hi, key if valid else -none)
    m = 0
    for i in range(n):
        m += keys[i] != none
    for i in range(n):
        rank[i] = 0
        group_rank[i] = 0
    if m == 0:
        return True
    span = int(hi - lo) + 1
    if span > max(4 * m, 1 << 16) or span * max(n_groups, 1) > max(8 * m, 1 << 20):
        return False
    # counts[g, k]: totals of group g with key k; the last row counts every agency
    counts = np.zeros((n_groups + 1, span), dtype=np.int32)
    everyone = n_groups
    for i in range(n):
        key = keys[i]
        if key != none:
            k = key - lo
            counts[everyone, k] += 1
            g = group_ids[i]
            if g >= 0:
                counts[g, k] += 1
    # then counts[g, k]: how many of the row have a key strictly greater than k
    for g in range(n_groups + 1):
        row = counts[g]
        carry = 0
        for k in range(span - 1, -1, -1):
            here = row[k]
            row[k] = carry
            carry += here
    for i in range(n):
        key = keys[i]
        if key != none:
            k = key - lo
            rank[i] = counts[everyone, k] + 1
            g = group_ids[i]
            if g >= 0:
                group_rank[i] = counts[g, k] + 1
    return True


_helpers: dict[str, Any] = {}


def _compiled_helpers() -> dict[str, Any]:
    """The compiled publication functions, made once: ``_publish``, ``_count_ranks``."""
    _kernel()
    with _compile_lock:
        if not _helpers:
            import numba

            round_jit = numba.njit(inline="always", error_model="numpy")(_round)
            publish = _jit_with(numba, _publish, {"_round": round_jit})
            ranks = _jit(numba, _count_ranks)
            _helpers.update(_publish=publish, _count_ranks=ranks)
        return _helpers


Finished = tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None, np.ndarray,
    np.ndarray,
]


class _Publication:
    """The arrays one cycle's publication is written into, and the arguments of
    :func:`_publish` and :func:`_count_ranks` over them."""

    def __init__(
        self,
        total: np.ndarray,
        dims: np.ndarray,
        precision: int,
        minima: np.ndarray,
        resolved: np.ndarray,
        group_ids: np.ndarray,
        previous: np.ndarray | None,
        previous_precision: int,
        gain_precision: int,
    ) -> None:
        n = total.shape[0]
        d = dims.shape[0]
        # int32 as the answer matrix keeps them: a view, not a copy
        group_ids = _readonly(group_ids, np.int32)
        n_groups = int(group_ids.max()) + 1 if n else 0
        factor = 10.0**precision
        self.published_total = np.empty(n)
        self.published_dims = np.empty((d, n))
        self.band = np.empty(n, dtype=np.int64)
        self.rank = np.empty(n, dtype=np.int64)
        self.group_rank = np.empty(n, dtype=np.int64)
        # written by the publication when there is a previous cycle, else NaN
        if previous is None:
            self.previous_total, self.gain = np.full(n, np.nan), np.full(n, np.nan)
        else:
            self.previous_total, self.gain = np.empty(n), np.empty(n)
        self.publish_args = (
            total,
            dims,
            factor,
            _readonly(minima, np.float64),
            _readonly(resolved, np.int64),
            _readonly(np.empty(0) if previous is None else previous, np.float64),
            10.0**previous_precision,
            10.0**gain_precision,
            self.published_total,
            self.published_dims,
            self.band,
            self.previous_total,
            self.gain,
        )
        self.rank_args = (
            self.published_total, factor, group_ids, max(n_groups, 0), self.rank, self.group_rank
        )

    def finish(self) -> bool:
        """:func:`_publish` for every agency, then :func:`_count_ranks`, on this thread;
        whether the ranks were counted."""
        helpers = _compiled_helpers()
        helpers["_publish"](0, self.published_total.shape[0], *self.publish_args)
        counted: bool = helpers["_count_ranks"](*self.rank_args)
        return counted

    def result(self, counted: bool) -> Finished:
        """(published totals, published dimensions (dimensions x agencies), band indexes,
        ranks, group ranks, previous totals, gains); ranks None when not ``counted``."""
        rank = self.rank if counted else None
        group_rank = self.group_rank if counted else None
        return (
            self.published_total, self.published_dims, self.band, rank, group_rank,
            self.previous_total, self.gain,
        )


def finish(
    total: np.ndarray,
    dims: np.ndarray,
    precision: int,
    minima: np.ndarray,
    resolved: np.ndarray,
    group_ids: np.ndarray,
    previous: np.ndarray | None,
    previous_precision: int,
    gain_precision: int,
) -> Finished:
    """(published totals, published dimensions (dimensions x agencies), band indexes,
    ranks, group ranks, previous totals, gains): see :meth:`_Publication.finish`. Ranks
    are None when the values were too spread to count."""
    out = _Publication(
        _readonly(total, np.float64), _readonly(dims, np.float64), precision, minima,
        resolved, group_ids, previous, previous_precision, gain_precision,
    )
    return out.result(out.finish())


# numba.prange where compiled (the compiled copies name it); a plain range otherwise
prange = range
# the compiled copies of the drivers of a generated pass name :func:`_call_pass_compiled`
_call_pass: Any = None

_compiled: Callable[..., None] | None = None
_drivers: dict[str, Any] = {}
_parallel_pid = 0
# One thread at a time runs a parallel driver; another that scores meanwhile does it on
# its own thread. numba's fallback threading layer (its work queue, where libgomp1 is
# missing) aborts the whole process when two threads enter it at once.
_parallel_lock = threading.Lock()


def _pass_chunks(starts: np.ndarray, stops: np.ndarray, st: np.ndarray, vt: np.ndarray,
                 nat: np.ndarray, *rest: Any) -> None:
    """:func:`_pass` over the chunks ``starts[t]:stops[t]``, one per thread (numba's
    ``prange``: its worker threads wait spinning for a moment after a call, so that the
    next call does not pay for waking them as a thread pool's would)."""
    for t in prange(starts.shape[0]):
        _pass(st, vt, nat, starts[t], stops[t], *rest)


def _score_chunks(starts: np.ndarray, stops: np.ndarray, st: np.ndarray, vt: np.ndarray,
                  nat: np.ndarray, pass_args: Any, publish_args: Any, rank_args: Any) -> bool:
    """A whole cycle without normalisation: :func:`_pass` then :func:`_publish` over each
    chunk (on every core, the chunk's totals still in the cache), then
    :func:`_count_ranks` over the cycle."""
    for t in prange(starts.shape[0]):
        _pass(st, vt, nat, starts[t], stops[t], *pass_args)
        _publish(starts[t], stops[t], *publish_args)
    return _count_ranks(*rank_args)


def _generated_chunks(fn: int, starts: np.ndarray, stops: np.ndarray, st: np.ndarray,
                      vt: np.ndarray, nat: np.ndarray, scale: float, raw: np.ndarray,
                      scaled: np.ndarray, total: np.ndarray, want_total: bool, publish: bool,
                      publish_args: Any, rank_args: Any) -> bool:
    """A framework's generated pass (``scoring.kernel_gen``, called at its address
    ``fn``) over the chunks ``starts[t]:stops[t]``, one per thread; with ``publish``,
    then :func:`_publish` of each chunk and :func:`_count_ranks` of the cycle, as
    :func:`_score_chunks` does. (Counting the ranks on every core measured slower: two
    more parallel loops cost more than they share.)"""
    for t in prange(starts.shape[0]):
        _call_pass(fn, starts[t], stops[t], st, vt, nat, scale, raw, scaled, total, want_total)
        if publish:
            _publish(starts[t], stops[t], *publish_args)
    if not publish:
        return True
    return _count_ranks(*rank_args)


def _generated_serial(fn: int, n: int, st: np.ndarray, vt: np.ndarray, nat: np.ndarray,
                      scale: float, raw: np.ndarray, scaled: np.ndarray, total: np.ndarray,
                      want_total: bool, publish: bool, publish_args: Any,
                      rank_args: Any) -> bool:
    """As :func:`_generated_chunks` on the calling thread."""
    _call_pass(fn, 0, n, st, vt, nat, scale, raw, scaled, total, want_total)
    if publish:
        _publish(0, n, *publish_args)
        return _count_ranks(*rank_args)
    return True


def _kernel() -> Callable[..., None]:
    global _compiled
    with _compile_lock:
        if _compiled is None:
            import numba  # imported when first needed: it takes a moment

            _compiled = _jit(numba, _pass)
        assert _compiled is not None
        return _compiled


def _driver(function: Callable[..., Any], parallel: bool = True) -> Any:
    """``function``, a driver whose ``prange`` loop calls the compiled kernels, compiled
    once per process with numba's parallel loops (``parallel``; else a driver on the
    calling thread)."""
    compiled = _drivers.get(function.__name__)
    if compiled is not None:
        return compiled
    kernel = _kernel()
    helpers = _compiled_helpers()
    with _compile_lock:
        compiled = _drivers.get(function.__name__)
        if compiled is None:
            import numba

            names = {"_pass": kernel, "prange": numba.prange, "_call_pass": _call_pass_compiled()}
            names.update(helpers)
            compiled = _jit_with(numba, function, names, parallel=parallel)
            _drivers[function.__name__] = compiled
        return compiled


_call_pass_made: list[Any] = []


def _call_pass_compiled() -> Any:
    """A compiled helper calling a generated pass (``scoring.kernel_gen``) at the
    address it is given, with the arguments of ``kernel_gen.signature()``.

    A first-class function argument would do the same, but numba unpickles its
    signature on every call (13 us a call here); an address is an integer. The types of
    the arguments are checked when the caller is compiled: they must be those the
    generated pass was compiled for."""
    if not _call_pass_made:
        from numba import types
        from numba.core import errors
        from numba.extending import intrinsic

        from scoring.kernel_gen import signature

        expected = signature()

        @intrinsic
        def call_pass(
            typingctx: Any, address: Any, lo: Any, hi: Any, st: Any, vt: Any, nat: Any,
            scale: Any, raw: Any, scaled: Any, total: Any, want_total: Any,
        ) -> Any:
            args = (lo, hi, st, vt, nat, scale, raw, scaled, total, want_total)
            if args != tuple(expected.args):
                raise errors.TypingError(
                    f"a generated pass takes {expected.args}, not {tuple(args)}"
                )

            def codegen(context: Any, builder: Any, sig: Any, values: Any) -> Any:
                prototype = types.FunctionPrototype(expected.return_type, expected.args)
                pointer = builder.inttoptr(values[0], context.get_value_type(prototype))
                builder.call(pointer, values[1:])
                return context.get_dummy_value()

            return types.void(types.int64, *expected.args), codegen

        _call_pass_made.append(call_pass)
    return _call_pass_made[0]


def _jit(numba: Any, function: Callable[..., Any], parallel: bool = False) -> Any:
    """``function`` compiled (lazily, on its first call), its machine code cached on disk
    when numba finds a writable place for it (beside this file, else the user's cache
    folder), else compiled once per process."""
    options = {"nogil": True, "error_model": "numpy", "parallel": parallel}
    try:
        return numba.njit(cache=True, **options)(function)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(**options)(function)


def _with_globals(function: Callable[..., Any], names: dict[str, Any]) -> Callable[..., Any]:
    """A copy of ``function`` (its defaults and closure kept) whose globals name
    ``names`` too: compiled, it calls the compiled helpers ``names`` gives."""
    import types

    glob = dict(function.__globals__)
    glob.update(names)
    copy = types.FunctionType(
        function.__code__, glob, function.__name__, function.__defaults__, function.__closure__
    )
    copy.__module__ = function.__module__
    copy.__qualname__ = function.__qualname__
    return copy


def _jit_with(
    numba: Any, function: Callable[..., Any], helpers: dict[str, Any], parallel: bool = False
) -> Any:
    """As :func:`_jit`, for a function that calls other compiled helpers: it is compiled
    from a copy of itself whose globals name the compiled helpers."""
    return _jit(numba, _with_globals(function, helpers), parallel)


@functools.cache
def _threads() -> int:
    """Threads for the parallel kernels: the machine's cores, at most 8. Found once:
    ``os.cpu_count()`` reads the system's files each time (10-40 us on a virtual
    machine, a few per cent of scoring a 10,000-agency cycle)."""
    return max(1, min(os.cpu_count() or 1, 8))


def available() -> bool:
    """Whether numba can be imported here (else the engine scores with numpy alone)."""
    try:
        _kernel()
    except ImportError:
        return False
    return True


def _pass_args(
    plan: KernelPlan,
    scale: float,
    totals: bool,
    indicators: bool,
    n: int,
    keep_raw: bool = True,
) -> tuple[tuple[Any, ...], tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """The arguments of :func:`_pass` after its first five, and its output arrays
    (indicator scores, included, raw dimensions, scaled dimensions, totals)."""
    n_ind = plan.ind_start.shape[0]
    width = n if indicators else 0
    num = np.empty((n_ind, width), dtype=np.float64)
    present = np.empty((n_ind, width), dtype=np.bool_)
    raw = np.empty((plan.n_dimensions, n if keep_raw else 0), dtype=np.float64)
    scaled = np.empty((plan.n_dimensions, n), dtype=np.float64)
    total = np.empty(n if totals else 0, dtype=np.float64)
    arrays = (
        plan.pos_col,
        plan.pos_kind,
        plan.pos_row,
        plan.pos_na,
        plan.pos_weight,
        plan.ind_start,
        plan.ind_stop,
        plan.ind_weight_sum,
        plan.has_questions,
        plan.can_drop,
        plan.row_gate,
        plan.row_kind,
        plan.row_value,
        plan.row_values_start,
        plan.row_values_stop,
        plan.row_values,
        plan.row_parent,
        plan.ind_dimension,
        plan.ind_weight,
        plan.dim_weight,
        plan.fold_col,
        plan.fold_weight,
        plan.fold_row,
        plan.fold_dim_start,
        plan.fixed_weight,
        plan.epsilon,
        plan.tiny,
        float(scale),
        totals,
        indicators,
        num,
        present,
        raw,
        scaled,
        total,
    )
    return arrays, (num, present, raw, scaled, total)


_chunk_cache: dict[tuple[int, int, bool], tuple[np.ndarray, np.ndarray]] = {}


def _chunks(n: int, whole_blocks: bool = True) -> tuple[np.ndarray, np.ndarray] | None:
    """Ranges of agencies, one per thread, or None where one thread does it all: whole
    blocks for the generic pass, else even ranges in multiples of 8 agencies (the
    generated pass has no use for whole blocks; threads then share no cache line of the
    arrays they write). Made once per size (read-only)."""
    parts = min(_threads(), n // MIN_PER_THREAD)
    if parts <= 1 or not _may_run_parallel():
        return None
    key = (n, parts, whole_blocks)
    hit = _chunk_cache.get(key)
    if hit is not None:
        return hit
    per = -(-n // parts)
    unit = BLOCK if whole_blocks else 8
    per = -(-per // unit) * unit
    starts = np.arange(0, n, per, dtype=np.int64)
    made = (_readonly(starts, np.int64), _readonly(np.minimum(starts + per, n), np.int64))
    if len(_chunk_cache) >= 64:
        _chunk_cache.clear()
    _chunk_cache[key] = made
    return made


def _inputs(st: np.ndarray, vt: np.ndarray, nat: np.ndarray) -> tuple[np.ndarray, ...]:
    return (
        _readonly(st, np.float64),
        _readonly(vt, np.float64),
        _readonly(nat, np.bool_).view(np.uint8),
    )


def indicators_from_scores(
    plan: KernelPlan,
    st: np.ndarray,
    vt: np.ndarray,
    nat: np.ndarray,
    scale: float = 1.0,
    totals: bool = False,
    indicators: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """As ``engine.indicators_from_scores``: (indicator scores, indicator included, raw
    dimension scores), indicator- and dimension-major; then the raw dimension scores times
    ``scale`` and, with ``totals`` (no normalisation), the totals on the scale. Without
    ``indicators`` the first two are empty (indicators x 0): a cycle's totals do not need
    its indicator scores written out, only summed."""
    kernel = _kernel()
    n = st.shape[1]
    st, vt, nat = _inputs(st, vt, nat)
    arrays, (num, present, raw, scaled, total) = _pass_args(plan, scale, totals, indicators, n)
    out = (num, present, raw, scaled, total if totals else None)
    # without indicator scores: the pass generated for the framework
    made = None if indicators else _generated(plan)
    chunks = _chunks(n, whole_blocks=made is None)
    if chunks is None or not _parallel_lock.acquire(blocking=False):
        if made is not None:
            _driver(_generated_serial, parallel=False)(
                made.address, n, st, vt, nat, float(scale), raw, scaled, total, totals, False,
                *_not_published(),
            )
        else:
            kernel(st, vt, nat, 0, n, *arrays)
        return out
    try:
        if made is not None:
            _driver(_generated_chunks)(
                made.address, chunks[0], chunks[1], st, vt, nat, float(scale), raw, scaled, total,
                totals, False, *_not_published(),
            )
        else:
            _driver(_pass_chunks)(chunks[0], chunks[1], st, vt, nat, *arrays)
    finally:
        _parallel_lock.release()
    return out


def score_published(
    plan: KernelPlan,
    st: np.ndarray,
    vt: np.ndarray,
    nat: np.ndarray,
    scale: float,
    precision: int,
    minima: np.ndarray,
    resolved: np.ndarray,
    group_ids: np.ndarray,
    previous: np.ndarray | None,
    previous_precision: int,
    gain_precision: int,
) -> tuple[np.ndarray, np.ndarray, Finished]:
    """A cycle without normalisation, in one call: (dimension scores on the scale, totals
    on the scale, then what :func:`finish` gives from them), the dimensions
    dimension-major. The pass over the answers and the publication of each
    agency run on every core; the ranks are counted after."""
    n = st.shape[1]
    st, vt, nat = _inputs(st, vt, nat)
    # without normalisation the scores on 0..1 are not needed: not written (less memory
    # traffic beside the answers)
    arrays, (_num, _present, raw, scaled, total) = _pass_args(
        plan, scale, True, False, n, keep_raw=False
    )
    out = _Publication(
        total, scaled, precision, minima, resolved, group_ids, previous, previous_precision,
        gain_precision,
    )
    made = _generated(plan)
    chunks = _chunks(n, whole_blocks=made is None)
    if chunks is None or not _parallel_lock.acquire(blocking=False):
        if made is not None:
            counted = _driver(_generated_serial, parallel=False)(
                made.address, n, st, vt, nat, float(scale), raw, scaled, total, True, True,
                out.publish_args, out.rank_args,
            )
            return scaled, total, out.result(bool(counted))
        _kernel()(st, vt, nat, 0, n, *arrays)
        return scaled, total, out.result(out.finish())
    try:
        if made is not None:
            counted = _driver(_generated_chunks)(
                made.address, chunks[0], chunks[1], st, vt, nat, float(scale), raw, scaled, total,
                True, True, out.publish_args, out.rank_args,
            )
        else:
            counted = _driver(_score_chunks)(
                chunks[0], chunks[1], st, vt, nat, arrays, out.publish_args, out.rank_args
            )
    finally:
        _parallel_lock.release()
    return scaled, total, out.result(bool(counted))


# Whether the engine uses the pass generated for each framework (scoring.kernel_gen) where
# it needs no indicator scores; False keeps to the generic pass (the tests compare the two).
GENERATED = True
# Frameworks of more questions than this keep to the generic pass: the generated one's
# compilation grows with its source (about 5 s at 200 questions).
GENERATED_MAX_QUESTIONS = 800


@functools.cache
def _not_published() -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Arguments of :func:`_publish` and :func:`_count_ranks` for the generated pass
    when it does not publish (of the types it is compiled for; never read), made once."""
    out = _Publication(
        np.empty(0), np.empty((0, 0)), 0, np.empty(0), np.empty(0, dtype=np.int64),
        np.empty(0, dtype=np.int32), np.empty(0), 0, 0,
    )
    return out.publish_args, out.rank_args


def _generated(plan: KernelPlan) -> Any:
    """The pass generated for ``plan``'s framework (``scoring.kernel_gen``), or None
    where :data:`GENERATED` is off or the framework is too large for it."""
    if not GENERATED or plan.pos_col.shape[0] > GENERATED_MAX_QUESTIONS:
        return None
    from scoring import kernel_gen

    return kernel_gen.generated(plan)


def _may_run_parallel() -> bool:
    """False in a process forked after this one ran the parallel kernel: the OpenMP
    runtime numba's threads come from does not survive a fork (a child would hang), so
    such a child scores on one thread."""
    global _parallel_pid
    pid = os.getpid()
    with _compile_lock:
        if _parallel_pid == 0:
            _parallel_pid = pid
        return _parallel_pid == pid
