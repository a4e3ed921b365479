"""Awards placed by compiled code: every rule of a cycle in one call.

:func:`place` does for a cycle scored by the compiled kernels what ``scoring.awards``
does with Python and numpy (the reference, which places the other cycles' awards): for
each rule, figure and split of the agencies (one peer group, or everyone), the candidates
for the places (``kernel._top``: one pass over the agencies), put in order by the figure
and then by each tie-break figure, largest first, NaN last; their competition places
(agencies equal on every figure share one place with ``ties: share``, and take
consecutive places with ``ties: code``); and, for a gain award with a floor, the agencies
whose gain would place but whose total is under the floor.

Agency codes are strings, which compiled code does not compare: agencies equal on every
figure come out in the order of the cycle, as one run (the same run number), and
``scoring.awards`` puts each run in code order when the entries are read. The places do
not depend on that order. Of the floor misses, every agency whose gain equals the last
one kept is kept too, and the code decides there as well.

The rules come as one table of integers (:func:`rule_table`), made once per framework and
set of peer groups; a figure is a number: :data:`TOTAL`, :data:`GAIN`,
:data:`PREVIOUS_TOTAL`, or :data:`DIMENSION` plus the dimension's index.

The compiled code is cached on disk as the kernel's is. ``kernel._top`` is compiled into
it, and numba checks a cached function against its own source file only: the entry point
closes over a hash of ``kernel.py`` (numba keys a cached function on the values it closes
over too), so that a change there compiles the awards again rather than keeping an older
``_top``.
"""

from __future__ import annotations

import hashlib
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from scoring import kernel
from scoring.kernel import _lowest_bit, _top

# The figures, by number.
TOTAL = 0
GAIN = 1
PREVIOUS_TOTAL = 2
DIMENSION = 3  # plus the dimension's index

# The table: _HEAD numbers (rules, peer groups, result rows), then _FIELDS numbers per
# rule, then each rule's lists: its figures, its tie-break figures, and a flag per group
# id + 1 (the first for agencies without a group) saying whether the group may win.
_HEAD = 3
_FIELDS = 11
_TOP = 0  # places
_NEAR = 1  # near misses
_BY_CODE = 2  # ties: code
_PER_GROUP = 3  # one split per peer group (else one split of everyone)
_GAIN = 4  # a gain award: eligible with a gain and a total at least the floor
_FLOOR_MISSES = 5  # report the agencies under the floor whose gain would place
_RESTRICTED = 6  # only agencies of the allowed groups
_N_FIGURES = 7
_N_TIES = 8
_ROW = 9  # the rule's first result row
_LISTS = 10  # where the rule's lists start in the table

# The columns of a result row of :func:`place`. A rule has one row per split and figure
# (``first row + split x figures + figure``).
PRESENT = 0  # 1 when the split has an agency with a total (of an allowed group)
ELIGIBLE = 1  # the eligible agencies with the figure
PLACED = 2  # the item rows of the candidates, in order: PLACED:PLACED_END
PLACED_END = 3
MISSED = 4  # the item rows of the floor misses, by agency: MISSED:MISSED_END
MISSED_END = 5
_COLUMNS = 6


class RuleSpec(NamedTuple):
    """One award rule as :func:`rule_table` takes it."""

    top: int
    near_misses: int
    by_code: bool
    per_group: bool
    gain: bool  # a gain award (eligible with a gain and a total at least ``floor``)
    floor: float  # -inf without a floor
    floor_misses: bool  # report the floor misses
    allowed: Sequence[int] | None  # the group ids of the rule's groups; None: any agency
    figures: Sequence[int]
    tie_breaks: Sequence[int]


def rule_table(
    rules: Sequence[RuleSpec], n_groups: int
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """(the table, the floors, each rule's first result row) for :func:`place`, the
    arrays read-only (see ``kernel._readonly``)."""
    head: list[int] = []
    lists: list[int] = []
    first_rows: list[int] = []
    row = 0
    lists_at = _HEAD + _FIELDS * len(rules)
    for rule in rules:
        allow = [0] * (n_groups + 1)
        for g in range(n_groups) if rule.allowed is None else rule.allowed:
            allow[g + 1] = 1
        head += [
            rule.top,
            rule.near_misses,
            int(rule.by_code),
            int(rule.per_group),
            int(rule.gain),
            int(rule.floor_misses),
            int(rule.allowed is not None),
            len(rule.figures),
            len(rule.tie_breaks),
            row,
            lists_at + len(lists),
        ]
        lists += [*rule.figures, *rule.tie_breaks, *allow]
        first_rows.append(row)
        row += (n_groups if rule.per_group else 1) * len(rule.figures)
    table = np.array([len(rules), n_groups, row, *head, *lists], dtype=np.int64)
    floors = np.array([rule.floor for rule in rules], dtype=np.float64)
    return kernel._readonly(table, np.int64), kernel._readonly(floors, np.float64), first_rows


def _value(
    figure: int,
    i: int,
    total: np.ndarray,
    gain: np.ndarray,
    previous: np.ndarray,
    dims: np.ndarray,
) -> float:
    """Agency ``i``'s figure number ``figure``."""
    if figure == TOTAL:
        return float(total[i])
    if figure == GAIN:
        return float(gain[i])
    if figure == PREVIOUS_TOTAL:
        return float(previous[i])
    return float(dims[figure - DIMENSION, i])


def _before(keys: np.ndarray, a: int, b: int) -> bool:
    """Whether row ``a`` of ``keys`` comes strictly before row ``b`` (column by column)."""
    for c in range(keys.shape[1]):
        x = keys[a, c]
        y = keys[b, c]
        if x < y:
            return True
        if x > y:
            return False
    return False


def _order(keys: np.ndarray) -> np.ndarray:
    """The rows of ``keys`` in order, a stable sort: equal rows keep their order. An
    award has a few candidates (insertion); many only when many agencies tie (merges)."""
    m = keys.shape[0]
    order = np.arange(m)
    if m <= 16:
        for p in range(1, m):
            x = order[p]
            q = p
            while q > 0 and _before(keys, x, order[q - 1]):
                order[q] = order[q - 1]
                q -= 1
            order[q] = x
        return order
    spare = np.empty(m, dtype=np.int64)
    width = 1
    while width < m:
        for lo in range(0, m, 2 * width):
            mid = min(lo + width, m)
            hi = min(lo + 2 * width, m)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if _before(keys, order[j], order[i]):
                    spare[k] = order[j]
                    j += 1
                else:
                    spare[k] = order[i]
                    i += 1
                k += 1
            while i < mid:
                spare[k] = order[i]
                i += 1
                k += 1
            while j < hi:
                spare[k] = order[j]
                j += 1
                k += 1
        order, spare = spare, order
        width *= 2
    return order


def _room(rows: np.ndarray, used: int, more: int) -> np.ndarray:
    """``rows`` with room for ``more`` rows after the first ``used``."""
    if used + more <= rows.shape[0]:
        return rows
    grown = np.empty((max(2 * rows.shape[0], used + more), rows.shape[1]), dtype=np.int64)
    # (a loop: numba compiles a slice assignment with the formatting of its error
    # messages, seconds of compilation)
    for i in range(used):
        for j in range(rows.shape[1]):
            grown[i, j] = rows[i, j]
    return grown


def _eligible(
    has: np.ndarray,
    by_group: np.ndarray,
    total: np.ndarray,
    gain: np.ndarray,
    allow: np.ndarray,
    floor: float,
    gain_rule: bool,
    restricted: bool,
    eligible: np.ndarray,
) -> np.ndarray:
    """Who is eligible for a rule: an agency with a total (of an allowed group); for a
    gain, with a gain and a total at least the floor (a NaN total is not). ``has`` itself
    when that is all, else written into ``eligible``. Whether the figure itself is there
    (not NaN) is left to ``_top``."""
    n = has.shape[0]
    if not gain_rule and not restricted:
        return has
    if gain_rule:
        for i in range(n):
            g = gain[i]
            eligible[i] = (g == g) & (total[i] >= floor)
    else:
        for i in range(n):
            eligible[i] = has[i]
    if restricted:
        for i in range(n):
            eligible[i] &= np.uint8(allow[by_group[i] + 1] != 0)
    return eligible


def _present(has: np.ndarray, by_group: np.ndarray, allow: np.ndarray) -> np.ndarray:
    """Which peer groups have an agency with a total (of an allowed group): a group
    without one has no result. The search stops as soon as every group is seen."""
    n_groups = allow.shape[0] - 1
    present = np.zeros(n_groups, dtype=np.uint8)
    left = 0
    for s in range(n_groups):
        left += allow[s + 1] != 0
    for i in range(has.shape[0]):
        if left == 0:
            break
        s = by_group[i]
        if s >= 0 and has[i] != 0 and allow[s + 1] != 0 and present[s] == 0:
            present[s] = 1
            left -= 1
    return present


def _rank(
    bucket: np.ndarray,
    row: np.ndarray,
    ties: np.ndarray,
    total: np.ndarray,
    gain: np.ndarray,
    previous: np.ndarray,
    dims: np.ndarray,
    by_code: bool,
    items: np.ndarray,
    used: int,
) -> np.ndarray:
    """The candidates ``bucket`` (ascending) of one figure (``row``) and split, put in
    order and placed: written as item rows from ``used`` on (``items`` has the room)."""
    m = bucket.shape[0]
    n_ties = ties.shape[0]
    # each candidate's figures, negated so that the largest sorts first; a NaN tie-break
    # last (as +inf, which -inf negated equals: as scoring.awards orders them)
    keys = np.empty((m, 1 + n_ties), dtype=np.float64)
    for c in range(m):
        i = bucket[c]
        keys[c, 0] = -row[i]
        for t in range(n_ties):
            v = _value(ties[t], i, total, gain, previous, dims)
            keys[c, 1 + t] = np.inf if v != v else -v
    order = _order(keys)
    place = 0
    run = 0
    for p in range(m):
        c = order[p]
        same = p > 0
        if same:
            b = order[p - 1]
            for col in range(1 + n_ties):
                if keys[c, col] != keys[b, col]:
                    same = False
                    break
        if not same:
            run += 1
        if by_code or not same:
            place = p + 1
        items[used + p, 0] = bucket[c]
        items[used + p, 1] = place
        items[used + p, 2] = run
    return order


def _reaching(
    total: np.ndarray,
    gain: np.ndarray,
    split: np.ndarray,
    n_splits: int,
    bars: np.ndarray,
    floor: float,
    reach: np.ndarray,
) -> int:
    """The agencies (ascending, into ``reach``; how many) with a total under the floor
    whose gain reaches the bar of their split (``split``: -1 for none; with one split,
    those of none are among them, for the caller to leave out). By blocks of 64 as in
    ``_top``: a loop without branches makes a mask of them, whose set bits are then
    visited (a few: most gains are below the bar)."""
    n = total.shape[0]
    found = 0
    # under the floor: not at least the floor (a NaN floor: every total); NaN is not
    under = floor if floor == floor else np.inf
    split_bar = np.empty(n_splits + 1)  # by split + 1: without a split, never
    split_bar[0] = np.inf
    for s in range(n_splits):
        split_bar[s + 1] = bars[s]
    for a in range(0, n, 64):
        b = min(a + 64, n)
        tb = total[a:b]
        gb = gain[a:b]
        mask = np.int64(0)
        if n_splits == 1:
            bar = bars[0]
            for j in range(b - a):
                mask |= np.int64((tb[j] < under) & (gb[j] >= bar)) << j
        else:
            sb = split[a:b]
            for j in range(b - a):
                mask |= np.int64((tb[j] < under) & (gb[j] >= split_bar[sb[j] + 1])) << j
        while mask != 0:
            reach[found] = a + _lowest_bit(mask)
            mask &= mask - 1
            found += 1
    return found


def _place(
    total: np.ndarray,
    gain: np.ndarray,
    previous: np.ndarray,
    dims: np.ndarray,
    group_ids: np.ndarray,
    table: np.ndarray,
    floors: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Every rule of ``table`` placed: see :func:`place`."""
    n = total.shape[0]
    n_rules = table[0]
    n_groups = table[1]
    out = np.zeros((table[2], _COLUMNS), dtype=np.int64)
    items = np.empty((64, 3), dtype=np.int64)
    used = 0
    # Shared by the rules: who has a total, and the two ways to split the agencies: one
    # split of everyone, or one per peer group (by group id; -1 for no group, and for an
    # id outside the matrix's groups, which the reference never matches either).
    has = np.empty(n, dtype=np.uint8)
    everyone = np.zeros(n, dtype=np.int64)
    by_group = np.empty(n, dtype=np.int64)
    for i in range(n):
        t = total[i]
        has[i] = t == t
        g = np.int64(group_ids[i])
        by_group[i] = g if (g >= 0) & (g < n_groups) else -1
    eligible = np.empty(n, dtype=np.uint8)
    chosen = np.empty(n, dtype=np.int64)
    which = np.empty(n, dtype=np.int64)
    reach = np.empty(n, dtype=np.int64)
    for r in range(n_rules):
        at = _HEAD + r * _FIELDS
        top = table[at + _TOP]
        near = table[at + _NEAR]
        per_group = table[at + _PER_GROUP] != 0
        restricted = table[at + _RESTRICTED] != 0
        n_figures = table[at + _N_FIGURES]
        figures_at = table[at + _LISTS]
        ties = table[figures_at + n_figures : figures_at + n_figures + table[at + _N_TIES]]
        allow_at = figures_at + n_figures + ties.shape[0]
        allow = table[allow_at : allow_at + n_groups + 1]
        first_row = table[at + _ROW]
        n_splits = n_groups if per_group else 1
        if n_splits == 0:
            continue
        split = by_group if per_group else everyone
        floor = floors[r]
        gain_rule = table[at + _GAIN] != 0
        by_code = table[at + _BY_CODE] != 0
        ok = _eligible(has, by_group, total, gain, allow, floor, gain_rule, restricted, eligible)
        present = _present(has, by_group, allow) if per_group else np.ones(1, dtype=np.uint8)
        count = top + near
        # by split, the figure of the top-th place (a floor miss must reach it)
        bars = np.full(n_splits, -np.inf)
        # _top over the figures, consecutive dimensions in one call
        f0 = 0
        while f0 < n_figures:
            figure = table[figures_at + f0]
            f1 = f0 + 1
            if figure == TOTAL:
                figs = total.reshape((1, n))
            elif figure == GAIN:
                figs = gain.reshape((1, n))
            elif figure == PREVIOUS_TOTAL:
                figs = previous.reshape((1, n))
            else:
                while f1 < n_figures and table[figures_at + f1] == figure + (f1 - f0):
                    f1 += 1
                figs = dims[figure - DIMENSION : figure - DIMENSION + f1 - f0]
            if chosen.shape[0] < n * (f1 - f0):
                chosen = np.empty(n * (f1 - f0), dtype=np.int64)
                which = np.empty(n * (f1 - f0), dtype=np.int64)
            best = np.empty((f1 - f0, n_splits, count), dtype=np.float64)
            counts = np.empty((f1 - f0, n_splits), dtype=np.int64)
            found = _top(figs, ok, split, n_splits, count, best, chosen, which, counts)
            c1 = 0
            for f in range(f0, f1):
                row = figs[f - f0]
                # this figure's candidates (ascending), split by split
                c0 = c1
                while c1 < found and which[c1] == f - f0:
                    c1 += 1
                starts = np.zeros(n_splits + 1, dtype=np.int64)
                for c in range(c0, c1):
                    starts[split[chosen[c]] + 1] += 1
                for s in range(n_splits):
                    starts[s + 1] += starts[s]
                fill = starts[:n_splits].copy()
                by_split = np.empty(c1 - c0, dtype=np.int64)
                for c in range(c0, c1):
                    s = split[chosen[c]]
                    by_split[fill[s]] = chosen[c]
                    fill[s] += 1
                for s in range(n_splits):
                    k = first_row + s * n_figures + f
                    bucket = by_split[starts[s] : starts[s + 1]]
                    m = bucket.shape[0]
                    items = _room(items, used, m)
                    order = _rank(
                        bucket, row, ties, total, gain, previous, dims, by_code, items, used
                    )
                    if m >= top:
                        bars[s] = row[bucket[order[top - 1]]]
                    out[k, PRESENT] = present[s] if per_group else 1
                    out[k, ELIGIBLE] = counts[f - f0, s]
                    out[k, PLACED] = used
                    used += m
                    out[k, PLACED_END] = used
                    out[k, MISSED] = used
                    out[k, MISSED_END] = used
            f0 = f1
        if table[at + _FLOOR_MISSES] == 0:
            continue
        # Floor misses (a gain award: one figure): of each split, the agencies with a
        # total under the floor (of an allowed group) whose gain reaches its bar, the
        # ``near`` largest gains and every gain equal to the last of them.
        n_reach = _reaching(total, gain, split, n_splits, bars, floor, reach)
        top_gains = np.full((n_splits, near), -np.inf)
        n_found = np.zeros(n_splits, dtype=np.int64)
        for c in range(n_reach):
            i = reach[c]
            s = split[i]
            if s < 0 or (restricted and allow[by_group[i] + 1] == 0):
                reach[c] = -1  # (of no group, or not of an allowed one)
                continue
            n_found[s] += 1
            g = gain[i]
            if g > top_gains[s, near - 1]:
                for p in range(near - 1, 0, -1):
                    top_gains[s, p] = max(top_gains[s, p], min(top_gains[s, p - 1], g))
                top_gains[s, 0] = max(top_gains[s, 0], g)
        for s in range(n_splits):
            k = first_row + s * n_figures
            cut = top_gains[s, near - 1] if n_found[s] >= near else -np.inf
            items = _room(items, used, n_found[s])
            out[k, MISSED] = used
            for c in range(n_reach):
                i = reach[c]
                if i < 0 or split[i] != s or gain[i] < cut:
                    continue
                # the place the gain would take: after every placed gain larger than it
                place = 1
                for p in range(out[k, PLACED], out[k, PLACED_END]):
                    place += gain[items[p, 0]] > gain[i]
                items[used, 0] = i
                items[used, 1] = place
                items[used, 2] = 0
                used += 1
            out[k, MISSED_END] = used
    return out, items[:used]


def _entry(depends: str) -> Callable[..., tuple[np.ndarray, np.ndarray]]:
    """The entry point, compiled and cached: :func:`_place`, closing over ``depends``, a
    hash of ``kernel.py`` (see the module)."""

    def place_awards(
        total: np.ndarray,
        gain: np.ndarray,
        previous: np.ndarray,
        dims: np.ndarray,
        group_ids: np.ndarray,
        table: np.ndarray,
        floors: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        depends  # noqa: B018 (read, so that it is closed over: part of the cache's key)
        return _place(total, gain, previous, dims, group_ids, table, floors)

    return place_awards


def _with(function: Callable[..., Any], names: dict[str, Any]) -> Callable[..., Any]:
    """A copy of ``function`` whose globals name ``names`` too (as ``kernel._jit_with``
    makes them, its closure kept)."""
    glob = dict(function.__globals__)
    glob.update(names)
    copy = types.FunctionType(
        function.__code__, glob, function.__name__, function.__defaults__, function.__closure__
    )
    copy.__module__ = function.__module__
    copy.__qualname__ = function.__qualname__
    return copy


def _kernel_hash() -> str:
    """A hash of ``kernel.py`` (of ``_top``'s code where the file cannot be read)."""
    try:
        return hashlib.sha256(Path(kernel.__file__).read_bytes()).hexdigest()
    except OSError:
        code = _top.__code__
        return hashlib.sha256(code.co_code + repr(code.co_consts).encode()).hexdigest()


_compiled: Callable[..., tuple[np.ndarray, np.ndarray]] | None = None


def _compile() -> Callable[..., tuple[np.ndarray, np.ndarray]]:
    """The compiled entry point, made once per process (loaded from the disk cache when
    there). Only the entry point is cached: :func:`_place` and its helpers are compiled
    into it, so that none of them can come from a cache older than the ``_top`` it is
    checked against (``_top`` keeps its own cache, checked against ``kernel.py``)."""
    global _compiled
    with kernel._compile_lock:
        if _compiled is None:
            import numba  # imported when first needed, as in the kernel

            def helper(function: Callable[..., Any], **names: Any) -> Any:
                return numba.njit(nogil=True, error_model="numpy")(_with(function, names))

            bit = numba.njit(inline="always", error_model="numpy")(_lowest_bit)
            place = helper(
                _place,
                _top=kernel._jit_with(numba, _top, {"_lowest_bit": bit}),
                _eligible=helper(_eligible),
                _present=helper(_present),
                _rank=helper(
                    _rank, _value=helper(_value), _order=helper(_order, _before=helper(_before))
                ),
                _reaching=helper(_reaching, _lowest_bit=bit),
                _room=helper(_room),
            )
            _compiled = kernel._jit(numba, _with(_entry(_kernel_hash()), {"_place": place}))
        return _compiled


def place(
    total: np.ndarray,
    gain: np.ndarray,
    previous: np.ndarray,
    dims: np.ndarray,
    group_ids: np.ndarray,
    table: np.ndarray,
    floors: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Every award rule of ``table`` and ``floors`` (:func:`rule_table`) placed on a
    cycle's published figures: totals, gains, previous totals, dimension scores
    (dimensions x agencies), and each agency's group id (-1 for none).

    Returns (result rows: :data:`PRESENT` to :data:`MISSED_END`; item rows: agency index,
    place, run). A result row's candidates are its items ``PLACED:PLACED_END``, in order,
    each with its place and its run: the same number for agencies next to each other
    that are equal on every figure. A gain award's rows also have their floor misses,
    ``MISSED:MISSED_END``, ascending by agency, each with the place its gain would take
    (and run 0); the award keeps the ``near_misses`` largest gains, every gain equal to
    the last of them too (agency codes decide between them)."""
    compiled = _compile() if _compiled is None else _compiled
    return compiled(
        kernel._readonly(total, np.float64),
        kernel._readonly(gain, np.float64),
        kernel._readonly(previous, np.float64),
        kernel._readonly(dims, np.float64),
        kernel._readonly(group_ids, np.int32),
        table,
        floors,
    )
