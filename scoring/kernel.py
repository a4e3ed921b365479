"""The engine's hot loop compiled with numba: conditions, indicators and dimensions of a
whole cycle in one pass over the answers, on every core.

:func:`indicators_from_scores` gives what ``engine.indicators_from_scores`` gives (the
numpy way, kept as the reference and as the fallback when numba cannot be imported) from
the same question-major arrays. The pass goes over the agencies in blocks of
:data:`BLOCK`; within a block every step is a loop over contiguous agencies that the
compiler vectorises, and every intermediate (the "shown" flags of the conditions, an
indicator's weighted sum and included weight, the dimension sums) stays in the
processor's cache. Each answer is read once. The agencies are split between threads
(the kernel releases the GIL), one range per core, so the pass runs on every core as the
BLAS product of the benchmark's floor does.

The arithmetic is the numpy way's, in another order of summation: results agree to a few
units in the last place, which publication rounding (with its guard against noise below a
half) does not see. ``tests/scoring/test_engine_kernel.py`` holds the two ways together.

Compiled code is cached beside this file (numba's ``cache=True``), so the compilation
(a second or two) is paid once per installation, not once per process.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from scoring.engine import CompiledFramework

BLOCK = 512  # agencies per block: a block's scratch stays in the first-level cache
MIN_PER_THREAD = 2048  # fewer agencies than this per thread: one thread does it all

_KIND = {"equals": 0, "in": 1, "mask": 2, "at_least": 3}
_compile_lock = threading.Lock()


@dataclass(frozen=True, eq=False)
class KernelPlan:
    """A compiled framework's arrays as the kernel takes them."""

    weight: np.ndarray  # (q,) float64
    ind_start: np.ndarray  # (i,) int64
    ind_stop: np.ndarray
    ind_weight_sum: np.ndarray  # (i,) float64
    has_questions: np.ndarray  # (i,) uint8
    column_condition: np.ndarray  # (q,) int64: the column's condition, -1 when none
    column_allow_na: np.ndarray  # (q,) uint8
    plain: np.ndarray  # (q,) uint8: neither a condition nor not-applicable
    cond_gate: np.ndarray  # (k,) int64
    cond_kind: np.ndarray  # (k,) int64, see _KIND
    cond_value: np.ndarray  # (k,) float64
    cond_values_start: np.ndarray  # (k,) int64 into cond_values ("in")
    cond_values_stop: np.ndarray
    cond_values: np.ndarray  # float64
    cond_parent: np.ndarray  # (k,) int64: the condition of the gate, -1 when none
    cond_exclude: np.ndarray  # (k,) uint8
    ind_dimension: np.ndarray  # (i,) int64
    ind_weight: np.ndarray  # (i,) float64, 0 without questions
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


def _plan(cf: CompiledFramework, epsilon: float, tiny: float) -> KernelPlan:
    q = cf.n_columns
    conditions = cf.conditions
    column_condition = np.full(q, -1, dtype=np.int64)
    for k, c in enumerate(conditions):
        column_condition[c.column] = k
    allow = np.zeros(q, dtype=np.uint8)
    allow[cf.allow_na] = 1
    starts: list[int] = []
    stops: list[int] = []
    flat: list[float] = []
    for c in conditions:
        starts.append(len(flat))
        flat.extend(c.values)
        stops.append(len(flat))
    return KernelPlan(
        weight=np.ascontiguousarray(cf.weight, dtype=np.float64),
        ind_start=np.ascontiguousarray(cf.ind_start, dtype=np.int64),
        ind_stop=np.ascontiguousarray(cf.ind_stop, dtype=np.int64),
        ind_weight_sum=np.ascontiguousarray(cf.ind_weight_sum, dtype=np.float64),
        has_questions=np.ascontiguousarray(cf.has_questions, dtype=np.uint8),
        column_condition=column_condition,
        column_allow_na=allow,
        plain=((column_condition < 0) & (allow == 0)).astype(np.uint8),
        cond_gate=np.array([c.gate for c in conditions], dtype=np.int64),
        cond_kind=np.array([_KIND[c.kind] for c in conditions], dtype=np.int64),
        cond_value=np.array([c.value for c in conditions], dtype=np.float64),
        cond_values_start=np.array(starts, dtype=np.int64),
        cond_values_stop=np.array(stops, dtype=np.int64),
        cond_values=np.array(flat, dtype=np.float64),
        cond_parent=np.array(
            [int(column_condition[c.gate]) if c.gate_conditional else -1 for c in conditions],
            dtype=np.int64,
        ),
        cond_exclude=np.array([1 if c.exclude else 0 for c in conditions], dtype=np.uint8),
        ind_dimension=np.ascontiguousarray(cf.ind_dimension, dtype=np.int64),
        ind_weight=np.ascontiguousarray(cf.ind_weight_effective, dtype=np.float64),
        n_dimensions=len(cf.dim_ranges),
        epsilon=epsilon,
        tiny=tiny,
    )


def _pass(  # noqa: PLR0913 - the kernel takes plain arrays
    st: np.ndarray,
    vt: np.ndarray,
    nat: np.ndarray,
    lo: int,
    hi: int,
    weight: np.ndarray,
    ind_start: np.ndarray,
    ind_stop: np.ndarray,
    ind_weight_sum: np.ndarray,
    has_questions: np.ndarray,
    column_condition: np.ndarray,
    column_allow_na: np.ndarray,
    plain: np.ndarray,
    cond_gate: np.ndarray,
    cond_kind: np.ndarray,
    cond_value: np.ndarray,
    cond_values_start: np.ndarray,
    cond_values_stop: np.ndarray,
    cond_values: np.ndarray,
    cond_parent: np.ndarray,
    cond_exclude: np.ndarray,
    ind_dimension: np.ndarray,
    ind_weight: np.ndarray,
    epsilon: float,
    tiny: float,
    num: np.ndarray,
    present: np.ndarray,
    raw: np.ndarray,
) -> None:
    """Agencies ``lo:hi`` of one cycle: indicator scores (``num``, 0..1, 0 where
    excluded), whether each indicator is included (``present``) and raw dimension scores
    (``raw``, NaN where excluded); all question-major / indicator-major."""
    # Every loop over the agencies of a block is free of branches (flags are 0/1 and
    # multiply), so that the compiler turns it into vector instructions; rows are taken
    # as one-dimensional slices, which compile to plainer loops than 2-d indexing.
    n_cond = cond_gate.shape[0]
    n_ind = ind_start.shape[0]
    n_dim = raw.shape[0]
    block = 512
    shown = np.empty((max(n_cond, 1), block), dtype=np.float64)
    acc = np.empty(block, dtype=np.float64)
    den = np.empty(block, dtype=np.float64)
    dim_num = np.empty((max(n_dim, 1), block), dtype=np.float64)
    dim_den = np.empty((max(n_dim, 1), block), dtype=np.float64)
    for a in range(lo, hi, block):
        b = min(a + block, hi)
        m = b - a
        # conditions, in framework order (a gate's own condition comes first); NaN (not
        # answered) meets none
        for k in range(n_cond):
            g = cond_gate[k]
            kind = cond_kind[k]
            value = cond_value[k]
            row = shown[k]
            gate = vt[g][a:b]
            gate_na = nat[g][a:b]
            if kind == 0:
                for c in range(m):
                    row[c] = 1.0 if gate[c] == value else 0.0
            elif kind == 1:
                for c in range(m):
                    row[c] = 0.0
                for t in range(cond_values_start[k], cond_values_stop[k]):
                    option = cond_values[t]
                    for c in range(m):
                        if gate[c] == option:
                            row[c] = 1.0
            elif kind == 2:
                mask = np.int64(value)
                for c in range(m):
                    v = gate[c]
                    bits = np.int64(v) if v > 0.0 else np.int64(0)
                    row[c] = 1.0 if (bits & mask) != 0 else 0.0
            else:
                for c in range(m):
                    row[c] = 1.0 if gate[c] >= value else 0.0
            for c in range(m):
                row[c] *= 1 - gate_na[c]
            parent = cond_parent[k]
            if parent >= 0:
                above = shown[parent]
                for c in range(m):
                    row[c] *= above[c]
        for d in range(n_dim):
            dn = dim_num[d]
            dd = dim_den[d]
            for c in range(m):
                dn[c] = 0.0
                dd[c] = 0.0
        for i in range(n_ind):
            out = num[i][a:b]
            flag = present[i][a:b]
            if has_questions[i] == 0:
                for c in range(m):
                    out[c] = 0.0
                    flag[c] = False
                continue
            total = ind_weight_sum[i]
            for c in range(m):
                acc[c] = 0.0
                den[c] = total
            j = ind_start[i]
            stop = ind_stop[i]
            while j < stop:
                if j + 3 < stop and plain[j] and plain[j + 1] and plain[j + 2] and plain[j + 3]:
                    # four plain columns (no condition, no not-applicable) in one pass
                    w0, w1, w2, w3 = weight[j], weight[j + 1], weight[j + 2], weight[j + 3]
                    r0, r1 = st[j][a:b], st[j + 1][a:b]
                    r2, r3 = st[j + 2][a:b], st[j + 3][a:b]
                    for c in range(m):
                        acc[c] += (w0 * r0[c] + w1 * r1[c]) + (w2 * r2[c] + w3 * r3[c])
                    j += 4
                    continue
                if j + 1 < stop and plain[j] and plain[j + 1]:
                    w0, w1 = weight[j], weight[j + 1]
                    r0, r1 = st[j][a:b], st[j + 1][a:b]
                    for c in range(m):
                        acc[c] += w0 * r0[c] + w1 * r1[c]
                    j += 2
                    continue
                w = weight[j]
                k = column_condition[j]
                score = st[j][a:b]
                na = nat[j][a:b]
                allow_na = column_allow_na[j]
                j += 1
                if k < 0:
                    for c in range(m):
                        acc[c] += w * score[c]
                    if allow_na:
                        for c in range(m):
                            den[c] -= w * na[c]
                elif cond_exclude[k]:
                    # hidden: scores nothing and drops out; not applicable drops out
                    sh = shown[k]
                    for c in range(m):
                        acc[c] += w * score[c] * sh[c]
                        den[c] -= w * (1.0 - sh[c] * (1 - na[c]))
                else:
                    # hidden: scores 0 and keeps its weight; not applicable drops out
                    # only when shown
                    sh = shown[k]
                    for c in range(m):
                        acc[c] += w * score[c] * sh[c]
                        den[c] -= w * sh[c] * na[c]
            limit = epsilon * total
            d = ind_dimension[i]
            iw = ind_weight[i]
            dn = dim_num[d]
            dd = dim_den[d]
            for c in range(m):
                included = den[c] > limit
                value = acc[c] / max(den[c], tiny)
                out[c] = value
                flag[c] = included
                dn[c] += iw * value
                dd[c] += iw * included
        for d in range(n_dim):
            dn = dim_num[d]
            dd = dim_den[d]
            result = raw[d][a:b]
            for c in range(m):
                result[c] = dn[c] / dd[c] if dd[c] > 0.0 else np.nan


def _top(
    figure: np.ndarray,
    eligible: np.ndarray,
    split: np.ndarray,
    n_splits: int,
    count: int,
    best: np.ndarray,
    chosen: np.ndarray,
    eligible_count: np.ndarray,
) -> int:
    """The candidates for the first ``count`` places of each split (``split[i]`` >= 0,
    with ``eligible[i]``): every agency whose figure is at least the ``count``-th largest
    of its split (all of them when the split has fewer), ascending, into ``chosen``;
    returns how many. ``best`` (splits x count) is scratch; ``eligible_count`` gets the
    number of eligible agencies per split. One pass keeps the ``count`` largest figures of
    each split (with repeats) in order; a second collects."""
    n = figure.shape[0]
    for s in range(n_splits):
        eligible_count[s] = 0
        for t in range(count):
            best[s, t] = -np.inf
    for i in range(n):
        s = split[i]
        if s < 0 or eligible[i] == 0:
            continue
        eligible_count[s] += 1
        v = figure[i]
        if v > best[s, count - 1]:
            p = count - 1
            while p > 0 and best[s, p - 1] < v:
                best[s, p] = best[s, p - 1]
                p -= 1
            best[s, p] = v
    found = 0
    for i in range(n):
        s = split[i]
        if s >= 0 and eligible[i] != 0 and figure[i] >= best[s, count - 1]:
            chosen[found] = i
            found += 1
    return found


_top_compiled: Callable[..., int] | None = None


def top_candidates(
    figure: np.ndarray, eligible: np.ndarray, split: np.ndarray, n_splits: int, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """(candidate indexes ascending, eligible agencies per split): see :func:`_top`.
    ``figure`` holds no NaN where eligible."""
    global _top_compiled
    if _top_compiled is None:
        _kernel()
        with _compile_lock:
            import numba

            _top_compiled = _jit(numba, _top)
    assert _top_compiled is not None
    n = figure.shape[0]
    chosen = np.empty(n, dtype=np.int64)
    best = np.empty((max(n_splits, 1), max(count, 1)), dtype=np.float64)
    counts = np.empty(max(n_splits, 1), dtype=np.int64)
    found = _top_compiled(
        np.ascontiguousarray(figure, dtype=np.float64),
        np.ascontiguousarray(eligible, dtype=np.bool_).view(np.uint8),
        np.ascontiguousarray(split, dtype=np.int64),
        n_splits,
        max(count, 1),
        best,
        chosen,
        counts,
    )
    return chosen[:found], counts[:n_splits]


_compiled: Callable[..., None] | None = None
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0


def _kernel() -> Callable[..., None]:
    global _compiled
    with _compile_lock:
        if _compiled is None:
            import numba  # imported when first needed: it takes a moment

            _compiled = _jit(numba, _pass)
        assert _compiled is not None
        return _compiled


def _jit(numba: Any, function: Callable[..., Any]) -> Any:
    """``function`` compiled (lazily, on its first call), its machine code cached on disk
    when numba finds a writable place for it (beside this file, else the user's cache
    folder), else compiled once per process."""
    try:
        return numba.njit(nogil=True, cache=True, error_model="numpy")(function)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(nogil=True, error_model="numpy")(function)


def _threads() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _executor() -> ThreadPoolExecutor:
    """The process's worker threads (made again after a fork: threads do not survive it)."""
    global _pool, _pool_pid
    with _compile_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(max_workers=_threads(), thread_name_prefix="phrom-score")
            _pool_pid = os.getpid()
        return _pool


def available() -> bool:
    """Whether numba can be imported here (else the engine scores with numpy alone)."""
    try:
        _kernel()
    except ImportError:
        return False
    return True


def indicators_from_scores(
    plan: KernelPlan, st: np.ndarray, vt: np.ndarray, nat: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """As ``engine.indicators_from_scores``: (indicator scores, indicator included, raw
    dimension scores), indicator- and dimension-major."""
    kernel = _kernel()
    n = st.shape[1]
    st = np.ascontiguousarray(st, dtype=np.float64)
    vt = np.ascontiguousarray(vt, dtype=np.float64)
    nat = np.ascontiguousarray(nat, dtype=np.bool_).view(np.uint8)
    n_ind = plan.ind_start.shape[0]
    num = np.empty((n_ind, n), dtype=np.float64)
    present = np.empty((n_ind, n), dtype=np.bool_)
    raw = np.empty((plan.n_dimensions, n), dtype=np.float64)
    arrays = (
        plan.weight,
        plan.ind_start,
        plan.ind_stop,
        plan.ind_weight_sum,
        plan.has_questions,
        plan.column_condition,
        plan.column_allow_na,
        plan.plain,
        plan.cond_gate,
        plan.cond_kind,
        plan.cond_value,
        plan.cond_values_start,
        plan.cond_values_stop,
        plan.cond_values,
        plan.cond_parent,
        plan.cond_exclude,
        plan.ind_dimension,
        plan.ind_weight,
        plan.epsilon,
        plan.tiny,
        num,
        present,
        raw,
    )
    parts = min(_threads(), n // MIN_PER_THREAD)
    if parts <= 1:
        kernel(st, vt, nat, 0, n, *arrays)
        return num, present, raw
    # ranges of whole blocks, one per thread; the caller's thread takes the first
    per = -(-n // parts)
    per = -(-per // BLOCK) * BLOCK
    bounds = [(lo, min(lo + per, n)) for lo in range(0, n, per)]
    pool = _executor()
    futures = [pool.submit(kernel, st, vt, nat, lo, hi, *arrays) for lo, hi in bounds[1:]]
    kernel(st, vt, nat, bounds[0][0], bounds[0][1], *arrays)
    for future in futures:
        future.result()
    return num, present, raw
