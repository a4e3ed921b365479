"""Awards placed by compiled code: every rule of a cycle in one call.

:func:`place` does for a cycle scored by the compiled kernels what ``scoring.awards``
does with Python and numpy (the reference, which places the other cycles' awards): for
each rule, figure and split of the agencies (one peer group, or everyone), the candidates
for the places (one pass over the agencies: :func:`_scan_one`, :func:`_scan_groups`, or
``kernel._top``), put in order by the figure and then by each tie-break figure, largest
first, NaN last; their competition places
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

The compiled code is cached on disk as the kernel's is. ``kernel._top`` and
``kernel._lowest_bit`` are compiled into it, and numba checks a cached function against
its own source file only: the entry point closes over a hash of ``kernel.py`` (numba keys
a cached function on the values it closes over too), so that a change there compiles the
awards again rather than keeping an older copy of them.
"""

from __future__ import annotations

import hashlib
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

# The table: _HEAD numbers (rules, peer groups, results), then _FIELDS numbers per
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
_ROW = 9  # the rule's first result (its column of the result table)
_LISTS = 10  # where the rule's lists start in the table

# The rows of :func:`place`'s result table, a column per result. A rule has one result
# per split and figure (column ``first + split x figures + figure``).
ELIGIBLE = 0  # the eligible agencies with the figure; -1: the split has no result (no
#               agency with a total, of an allowed group)
PLACED = 1  # the item rows of the candidates, in order: PLACED:PLACED_END
PLACED_END = 2
MISSED = 3  # the item rows of the floor misses, by agency: MISSED:MISSED_END
MISSED_END = 4
ROWS = 5


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
    """(the table, the floors, each rule's first result: its column of the result
    table) for :func:`place` (the arrays as :func:`_argument` makes them: to be read
    only)."""
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
    return table, floors, first_rows


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


def _group(ids: np.ndarray, i: int, n_groups: int) -> int:
    """Agency ``i``'s peer group: its group id, -1 for none (and for an id outside the
    matrix's groups, which the reference never matches either)."""
    g = int(ids[i])
    return g if (g >= 0) & (g < n_groups) else -1


def _split_of(ids: np.ndarray, i: int, per_group: bool, n_groups: int) -> int:
    """Agency ``i``'s split: its peer group (-1 for none) when the rule has one split per
    group, else 0 (one split of everyone)."""
    return _group(ids, i, n_groups) if per_group else 0


def _all_have(total: np.ndarray) -> bool:
    """Whether every agency has a total (none is NaN)."""
    nan = False
    for i in range(np.uint64(total.shape[0])):
        t = total[i]
        nan |= t != t
    return not nan


def _shared(total: np.ndarray, ids: np.ndarray, n_groups: int) -> tuple[np.ndarray, ...]:
    """For the rules the scans do not take (see :func:`_place`): who has a total, and
    the two ways to split the agencies as ``kernel._top`` reads them: one per peer group
    (:func:`_group`), or one split of everyone."""
    n = total.shape[0]
    has = np.empty(n, dtype=np.uint8)
    by_group = np.empty(n, dtype=np.int64)
    everyone = np.zeros(n, dtype=np.int64)
    for i in range(n):
        t = total[i]
        has[i] = t == t
        by_group[i] = _group(ids, i, n_groups)
    return has, by_group, everyone


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


def _present(total: np.ndarray, ids: np.ndarray, allow: np.ndarray, present: np.ndarray) -> None:
    """Which peer groups have an agency with a total (of an allowed group), into
    ``present``, which holds those already known: a group without one has no result.
    The search stops as soon as every group is seen."""
    n_groups = allow.shape[0] - 1
    left = 0
    for s in range(n_groups):
        left += (allow[s + 1] != 0) & (present[s] == 0)
    for i in range(total.shape[0]):
        if left == 0:
            break
        s = _group(ids, i, n_groups)
        t = total[i]
        if s >= 0 and t == t and allow[s + 1] != 0 and present[s] == 0:
            present[s] = 1
            left -= 1


def _insert(top: np.ndarray, s: int, v: float) -> float:
    """``v``, larger than the last of split ``s``'s largest figures so far (``top[s]``,
    in order), put among them (the last dropped); returns the new last: the split's
    bar."""
    p = top.shape[1] - 1
    while p > 0 and top[s, p - 1] < v:
        top[s, p] = top[s, p - 1]
        p -= 1
    top[s, p] = v
    return float(top[s, top.shape[1] - 1])


def _scan_one(
    row: np.ndarray,
    aux: np.ndarray,
    lo: float,
    use_aux: bool,
    top: np.ndarray,
    counted: np.ndarray,
    f: int,
    kept: np.ndarray,
    masks: np.ndarray,
    under: float,
    places: int,
    low_kept: np.ndarray,
    low_masks: np.ndarray,
) -> tuple[int, int]:
    """``kernel._top`` for one figure (``row``) and one split of everyone, without its
    ``eligible`` and ``split`` arrays: an agency is eligible with ``aux[i] >= lo`` (the
    total and the floor of a gain award, or -inf: has a total) when ``use_aux``, else
    always (and then nothing but the figure is read).

    Keeps the largest figures in ``top`` (1 x the number of places looked at) and the
    eligible agencies with the figure in ``counted[f, 0]``; returns how many blocks of 64
    agencies had one at the bar when visited (``kept``: their first agencies,
    ``masks``: which; see :func:`_collect`), and how many had a floor miss (below).
    By blocks as ``_top``: a loop without branches makes the block's mask and count,
    whose set bits are then visited. Without ``use_aux``, a cheaper loop first asks
    whether the block has a figure that is not below the bar (one at the bar, or a
    NaN): most have none, and are counted whole. (Indexes are unsigned: numba adds no
    negative-index handling.)

    With ``use_aux`` and ``places`` (a gain award's places; 0 for none), the same loop
    notes the floor misses of ``_reaching`` (``aux[i] < under``) whose figure reaches
    the ``places``-th largest so far, ``low_kept`` and ``low_masks`` as ``kept`` and
    ``masks``: every agency whose figure reaches the final one is among them (it only
    rises), for the caller to pick once the places are known, without a second pass."""
    i: Any  # (an unsigned index)
    n = row.shape[0]
    for t in range(top.shape[1]):
        top[0, t] = -np.inf
    bar = -np.inf
    tally = np.int64(0)
    n_kept = 0
    n_low = 0
    for a in range(0, n, 64):
        b = min(a + 64, n)
        mask = np.int64(0)
        part = np.int64(0)
        if not use_aux:
            quick = False
            for i in range(np.uint64(a), np.uint64(b)):
                quick |= not (row[i] < bar)
            if not quick:
                tally += b - a
                continue
            for j in range(b - a):
                v = row[np.uint64(a + j)]
                part += 1 if v == v else 0
                mask |= (np.int64(1) << j) if v >= bar else np.int64(0)
        elif places > 0:
            low = np.int64(0)
            reach = top[0, places - 1]
            for j in range(b - a):
                i = np.uint64(a + j)
                v = row[i]
                x = aux[i]
                ok = x >= lo
                part += 1 if ok & (v == v) else 0
                mask |= (np.int64(1) << j) if ok & (v >= bar) else np.int64(0)
                low |= (np.int64(1) << j) if (x < under) & (v >= reach) else np.int64(0)
            if low != 0:
                low_kept[n_low] = a
                low_masks[n_low] = low
                n_low += 1
        else:
            for j in range(b - a):
                i = np.uint64(a + j)
                v = row[i]
                ok = aux[i] >= lo
                part += 1 if ok & (v == v) else 0
                mask |= (np.int64(1) << j) if ok & (v >= bar) else np.int64(0)
        tally += part
        if mask == 0:
            continue
        kept[n_kept] = a
        masks[n_kept] = mask
        n_kept += 1
        while mask != 0:
            at = a + _lowest_bit(mask)
            mask &= mask - 1
            v = row[at]
            if v > bar:
                bar = _insert(top, 0, v)
    counted[f, 0] = tally
    return n_kept, n_low


def _scan_groups(
    row: np.ndarray,
    aux: np.ndarray,
    lo: float,
    use_aux: bool,
    ids: np.ndarray,
    top: np.ndarray,
    counted: np.ndarray,
    f: int,
    kept: np.ndarray,
    masks: np.ndarray,
) -> tuple[int, bool]:
    """:func:`_scan_one` with one split per peer group (``ids``; up to 8 splits: the rows
    of ``top``, the columns of ``counted``): the block's eligible agencies counted 8 bits
    a split in one int64, its mask made against the lowest bar of the splits (one
    number: a bar by agency would be read from memory for every agency, slower than
    visiting the few more agencies that reach the lowest bar); a visited agency is then
    held to the bar of its own split, and the block's mask kept for :func:`_collect`
    holds those that reach it. Returns how many blocks were kept, and (without
    ``use_aux``) whether any figure, of any agency, was NaN."""
    i: Any  # (an unsigned index)
    s: Any
    n = row.shape[0]
    n_splits = top.shape[0]
    bars = np.empty(n_splits)
    for s in range(n_splits):
        counted[f, s] = 0
        bars[s] = -np.inf
        for t in range(top.shape[1]):
            top[s, t] = -np.inf
    lowest = -np.inf
    splits = np.uint32(n_splits)
    n_kept = 0
    nan = False
    for a in range(0, n, 64):
        b = min(a + 64, n)
        mask = np.int64(0)
        tally = np.int64(0)
        if use_aux:
            for j in range(b - a):
                i = np.uint64(a + j)
                v = row[i]
                s = ids[i]
                ok = (np.uint32(s) < splits) & (aux[i] >= lo)
                tally += (np.int64(1) << ((s & 7) << 3)) if ok & (v == v) else np.int64(0)
                mask |= (np.int64(1) << j) if ok & (v >= lowest) else np.int64(0)
        else:
            for j in range(b - a):
                i = np.uint64(a + j)
                v = row[i]
                s = ids[i]
                ok = np.uint32(s) < splits
                tally += (np.int64(1) << ((s & 7) << 3)) if ok & (v == v) else np.int64(0)
                mask |= (np.int64(1) << j) if ok & (v >= lowest) else np.int64(0)
                nan |= v != v
        for s in range(n_splits):
            counted[f, s] += (tally >> (s << 3)) & 255
        if mask == 0:
            continue
        reached = np.int64(0)  # the agencies at the bar of their split
        changed = False
        while mask != 0:
            bit = _lowest_bit(mask)
            mask &= mask - 1
            at = a + bit
            v = row[at]
            s = np.int64(ids[at])
            if v >= bars[s]:
                reached |= np.int64(1) << bit
                if v > bars[s]:
                    bars[s] = _insert(top, s, v)
                    changed = True
        if reached != 0:
            kept[n_kept] = a
            masks[n_kept] = reached
            n_kept += 1
        if changed:
            lowest = bars[0]
            for s in range(1, n_splits):
                lowest = min(lowest, bars[s])
    return n_kept, nan


def _collect(
    row: np.ndarray,
    ids: np.ndarray,
    per_group: bool,
    top: np.ndarray,
    kept: np.ndarray,
    masks: np.ndarray,
    n_kept: int,
    chosen: np.ndarray,
) -> int:
    """The candidates of :func:`_scan_one` or :func:`_scan_groups` (``per_group``),
    ascending, into ``chosen``; how many: the agencies
    of its kept masks at the final bar of their split (bars only rise: every candidate is
    in one)."""
    last = top.shape[1] - 1
    found = 0
    for q in range(n_kept):
        a = kept[q]
        mask = masks[q]
        while mask != 0:
            at = a + _lowest_bit(mask)
            mask &= mask - 1
            s = np.int64(ids[at]) if per_group else 0
            if row[at] >= top[s, last]:
                chosen[found] = at
                found += 1
    return found


def _rank(
    candidates: np.ndarray,
    lo: int,
    hi: int,
    row: np.ndarray,
    ties: np.ndarray,
    total: np.ndarray,
    gain: np.ndarray,
    previous: np.ndarray,
    dims: np.ndarray,
    by_code: bool,
    items: np.ndarray,
    used: int,
) -> None:
    """The candidates ``candidates[lo:hi]`` (ascending) of one figure (``row``) and
    split, put in order and placed: written as item rows from ``used`` on (``items`` has
    the room)."""
    m = hi - lo
    n_ties = ties.shape[0]
    # each candidate's figures, negated so that the largest sorts first; a NaN tie-break
    # last (as +inf, which -inf negated equals: as scoring.awards orders them)
    keys = np.empty((m, 1 + n_ties), dtype=np.float64)
    for c in range(m):
        i = candidates[lo + c]
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
        items[used + p, 0] = candidates[lo + c]
        items[used + p, 1] = place
        items[used + p, 2] = run


def _reaching(
    total: np.ndarray,
    gain: np.ndarray,
    ids: np.ndarray,
    n_splits: int,
    bars: np.ndarray,
    under: float,
    reach: np.ndarray,
) -> int:
    """The agencies (ascending, into ``reach``; how many) with a total under the floor
    (under ``under``) whose gain reaches the bar of their split (with several splits, one per peer group:
    ``ids``, an id outside them for none; with one split, every agency, those of none
    among them, for the caller to leave out). By blocks of 64 as in ``_top``: a loop
    without branches makes a mask of them, whose set bits are then visited; with one
    split, a cheaper loop first asks whether the block has one (most have none: most
    gains are below the bar)."""
    i: Any  # (an unsigned index)
    n = total.shape[0]
    found = 0
    split_bar = np.empty(n_splits + 1)  # by split + 1: without a split, never
    split_bar[0] = np.inf
    for s in range(n_splits):
        split_bar[s + 1] = bars[s]
    bar = bars[0]
    for a in range(0, n, 64):
        b = min(a + 64, n)
        mask = np.int64(0)
        if n_splits == 1:
            quick = False
            for i in range(np.uint64(a), np.uint64(b)):
                quick |= (total[i] < under) & (gain[i] >= bar)
            if not quick:
                continue
            for j in range(b - a):
                i = np.uint64(a + j)
                ok = (total[i] < under) & (gain[i] >= bar)
                mask |= (np.int64(1) << j) if ok else np.int64(0)
        else:
            for j in range(b - a):
                i = np.uint64(a + j)
                s = int(ids[i])
                at = s + 1 if (s >= 0) & (s < n_splits) else 0
                ok = (total[i] < under) & (gain[i] >= split_bar[at])
                mask |= (np.int64(1) << j) if ok else np.int64(0)
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
    ids: np.ndarray,
    table: np.ndarray,
    floors: np.ndarray,
) -> np.ndarray:
    """Every rule of ``table`` placed: see :func:`place`.

    A rule open to every group (with one split, or one per peer group up to 8) has its
    candidates found by :func:`_scan_one` or :func:`_scan_groups`, figure by figure,
    reading the figure (the total too when eligibility needs it, and the group ids when
    split by group) and nothing else; the others by ``kernel._top``, over arrays made
    for them when first needed: who is eligible, and each agency's split. Whether every
    agency has a total (so that a dimension's scan need not read the totals) comes from
    a scan of the totals when there was one, else from a pass of its own. A gain award
    for everyone notes its floor misses in the scan of the gains."""
    n = total.shape[0]
    n_rules = table[0]
    n_groups = table[1]
    out = np.zeros((ROWS, table[2]), dtype=np.int64)
    items = np.empty((64, 3), dtype=np.int64)
    used = 0
    # For kernel._top, made when first needed (see _shared)
    made = False
    has = np.empty(0, dtype=np.uint8)
    by_group = np.empty(0, dtype=np.int64)
    everyone = np.empty(0, dtype=np.int64)
    eligible = np.empty(0, dtype=np.uint8)
    # whether every agency has a total (-1: not known yet)
    all_have = -1
    chosen = np.empty(n, dtype=np.int64)
    kept = np.empty((n + 63) // 64, dtype=np.int64)
    masks = np.empty((n + 63) // 64, dtype=np.int64)
    # (made when first needed, as each kind of rule needs them)
    which = np.empty(0, dtype=np.int64)
    grouped = np.empty(0, dtype=np.int64)  # a figure's candidates, split by split
    reach = np.empty(0, dtype=np.int64)
    low_kept = np.empty(0, dtype=np.int64)
    low_masks = np.empty(0, dtype=np.int64)
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
        floor = floors[r]
        gain_rule = table[at + _GAIN] != 0
        by_code = table[at + _BY_CODE] != 0
        count = top + near
        scanned = not restricted and n_splits <= 8
        if scanned:
            ok = eligible
            split = everyone
        else:
            if not made:
                has, by_group, everyone = _shared(total, ids, n_groups)
                eligible = np.empty(n, dtype=np.uint8)
                made = True
            ok = _eligible(
                has, by_group, total, gain, allow, floor, gain_rule, restricted, eligible
            )
            split = by_group if per_group else everyone
        # by split, the figure of the top-th place (a floor miss must reach it)
        bars = np.full(n_splits, -np.inf)
        seen = np.zeros(n_splits, dtype=np.uint8)  # splits with an eligible agency
        # Floor misses: under the floor is not at least it (a NaN floor: every total; a
        # NaN total is not); with one split, noted by the scan of the gains (fused)
        floor_misses = table[at + _FLOOR_MISSES] != 0
        under = floor if floor == floor else np.inf
        fused = floor_misses and scanned and not per_group
        n_low = 0
        if fused and low_kept.shape[0] < kept.shape[0]:
            low_kept = np.empty(kept.shape[0], dtype=np.int64)
            low_masks = np.empty(kept.shape[0], dtype=np.int64)
        if floor_misses and reach.shape[0] < n:
            reach = np.empty(n, dtype=np.int64)
        # by figure and split: the eligible agencies; the largest figures (scratch)
        counts = np.empty((n_figures, n_splits), dtype=np.int64)
        best = np.empty((n_splits, count), dtype=np.float64)
        starts = np.empty(n_splits + 1, dtype=np.int64)  # by split, where its candidates start
        # the figures: one by one when scanned, else consecutive dimensions in one call
        f0 = 0
        while f0 < n_figures:
            figure = table[figures_at + f0]
            f1 = f0 + 1
            if figure == TOTAL:
                row0 = total
            elif figure == GAIN:
                row0 = gain
            elif figure == PREVIOUS_TOTAL:
                row0 = previous
            else:
                row0 = dims[figure - DIMENSION]
                if not scanned:
                    while f1 < n_figures and table[figures_at + f1] == figure + (f1 - f0):
                        f1 += 1
            if scanned:
                # eligible: a total at least the floor (a gain award), or a total
                # (unless every agency has one, or the figure is the total itself)
                use_aux = gain_rule
                lo = floor if gain_rule else -np.inf
                if not gain_rule and figure != TOTAL:
                    if all_have < 0:
                        all_have = 1 if _all_have(total) else 0
                    use_aux = all_have == 0
                if per_group:
                    n_kept, nan = _scan_groups(
                        row0, total, lo, use_aux, ids, best, counts, f0, kept, masks
                    )
                    if figure == TOTAL and not use_aux:
                        all_have = 0 if nan else 1  # (known now without a pass of its own)
                else:
                    n_kept, n_low = _scan_one(
                        row0,
                        total,
                        lo,
                        use_aux,
                        best,
                        counts,
                        f0,
                        kept,
                        masks,
                        under,
                        top if fused else 0,
                        low_kept,
                        low_masks,
                    )
                    if figure == TOTAL and not use_aux:
                        all_have = 1 if counts[f0, 0] == n else 0
                found = _collect(row0, ids, per_group, best, kept, masks, n_kept, chosen)
            else:
                if figure >= DIMENSION:
                    figs = dims[figure - DIMENSION : figure - DIMENSION + f1 - f0]
                else:
                    figs = row0.reshape((1, n))
                if which.shape[0] < n * (f1 - f0):
                    chosen = np.empty(n * (f1 - f0), dtype=np.int64)
                    which = np.empty(n * (f1 - f0), dtype=np.int64)
                best3 = np.empty((f1 - f0, n_splits, count), dtype=np.float64)
                found = _top(figs, ok, split, n_splits, count, best3, chosen, which, counts[f0:f1])
            c1 = 0
            for f in range(f0, f1):
                row = row0 if f == f0 else dims[figure - DIMENSION + f - f0]
                # this figure's candidates (ascending), split by split: those of split
                # s are ``candidates[starts[s]:starts[s + 1]]``
                c0 = c1
                if scanned:
                    c1 = found
                else:
                    while c1 < found and which[c1] == f - f0:
                        c1 += 1
                for s in range(n_splits):
                    if counts[f, s] > 0:
                        seen[s] = 1
                if per_group:
                    if grouped.shape[0] < n:
                        grouped = np.empty(n, dtype=np.int64)
                    for s in range(n_splits + 1):
                        starts[s] = 0
                    for c in range(c0, c1):
                        starts[_group(ids, chosen[c], n_groups) + 1] += 1
                    for s in range(n_splits):
                        starts[s + 1] += starts[s]
                    for c in range(c0, c1):
                        s = _group(ids, chosen[c], n_groups)
                        grouped[starts[s]] = chosen[c]
                        starts[s] += 1
                    for s in range(n_splits, 0, -1):  # (each start moved to the next)
                        starts[s] = starts[s - 1]
                    starts[0] = 0
                    candidates = grouped
                else:
                    starts[0] = c0
                    starts[1] = c1
                    candidates = chosen
                for s in range(n_splits):
                    k = first_row + s * n_figures + f
                    m = starts[s + 1] - starts[s]
                    items = _room(items, used, m)
                    _rank(
                        candidates,
                        starts[s],
                        starts[s + 1],
                        row,
                        ties,
                        total,
                        gain,
                        previous,
                        dims,
                        by_code,
                        items,
                        used,
                    )
                    if m >= top:
                        bars[s] = row[items[used + top - 1, 0]]
                    out[ELIGIBLE, k] = counts[f, s]
                    out[PLACED, k] = used
                    used += m
                    out[PLACED_END, k] = used
                    out[MISSED, k] = used
                    out[MISSED_END, k] = used
            f0 = f1
        # Which splits have a result: those with an agency with a total (of an allowed
        # group); one with an eligible agency has, the others are looked for.
        if per_group:
            _present(total, ids, allow, seen)
            for s in range(n_splits):
                if seen[s] == 0:
                    for f in range(n_figures):
                        out[ELIGIBLE, first_row + s * n_figures + f] = -1
        if not floor_misses:
            continue
        # Floor misses (a gain award: one figure): of each split, the agencies with a
        # total under the floor (of an allowed group) whose gain reaches its bar, the
        # ``near`` largest gains and every gain equal to the last of them.
        if fused:
            n_reach = 0
            for q in range(n_low):
                a = low_kept[q]
                mask = low_masks[q]
                while mask != 0:
                    i = a + _lowest_bit(mask)
                    mask &= mask - 1
                    if gain[i] >= bars[0]:
                        reach[n_reach] = i
                        n_reach += 1
        else:
            n_reach = _reaching(total, gain, ids, n_splits, bars, under, reach)
        top_gains = np.full((n_splits, near), -np.inf)
        n_found = np.zeros(n_splits, dtype=np.int64)
        for c in range(n_reach):
            i = reach[c]
            s = _split_of(ids, i, per_group, n_groups)
            if s < 0 or (restricted and allow[_group(ids, i, n_groups) + 1] == 0):
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
            out[MISSED, k] = used
            for c in range(n_reach):
                i = reach[c]
                if i < 0 or _split_of(ids, i, per_group, n_groups) != s or gain[i] < cut:
                    continue
                # the place the gain would take: after every placed gain larger than it
                place = 1
                for p in range(out[PLACED, k], out[PLACED_END, k]):
                    place += gain[items[p, 0]] > gain[i]
                items[used, 0] = i
                items[used, 1] = place
                items[used, 2] = 0
                used += 1
            out[MISSED_END, k] = used
    # one array (its boxing costs half of two): the table, then the item rows
    n_out = out.shape[0] * out.shape[1]
    placed = np.empty(n_out + 3 * used, dtype=np.int64)
    for r in range(out.shape[0]):
        for k in range(out.shape[1]):
            placed[r * out.shape[1] + k] = out[r, k]
    for p in range(used):
        for c in range(3):
            placed[n_out + 3 * p + c] = items[p, c]
    return placed


def _entry(depends: str) -> Callable[..., np.ndarray]:
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
    ) -> np.ndarray:
        depends  # noqa: B018 (read, so that it is closed over: part of the cache's key)
        return _place(total, gain, previous, dims, group_ids, table, floors)

    return place_awards


def _kernel_hash() -> str:
    """A hash of ``kernel.py`` (of ``_top``'s code where the file cannot be read)."""
    try:
        return hashlib.sha256(Path(kernel.__file__).read_bytes()).hexdigest()
    except OSError:
        code = _top.__code__
        return hashlib.sha256(code.co_code + repr(code.co_consts).encode()).hexdigest()


_compiled: Callable[..., np.ndarray] | None = None


def _compile() -> Callable[..., np.ndarray]:
    """The compiled entry point, made once per process (loaded from the disk cache when
    there). Only the entry point is cached: :func:`_place` and its helpers are compiled
    into it, so that none of them can come from a cache older than the ``_top`` it is
    checked against (``_top`` keeps its own cache, checked against ``kernel.py``)."""
    global _compiled
    with kernel._compile_lock:
        if _compiled is None:
            import numba  # imported when first needed, as in the kernel

            def helper(function: Callable[..., Any], **names: Any) -> Any:
                return numba.njit(nogil=True, error_model="numpy")(kernel._with_globals(function, names))

            bit = numba.njit(inline="always", error_model="numpy")(_lowest_bit)
            group = helper(_group)
            insert = numba.njit(inline="always", error_model="numpy")(_insert)
            place = helper(
                _place,
                _lowest_bit=bit,
                _top=kernel._jit_with(numba, _top, {"_lowest_bit": bit}),
                _group=group,
                _split_of=helper(_split_of, _group=group),
                _all_have=helper(_all_have),
                _shared=helper(_shared, _group=group),
                _eligible=helper(_eligible),
                _present=helper(_present, _group=group),
                _scan_one=helper(_scan_one, _lowest_bit=bit, _insert=insert),
                _scan_groups=helper(_scan_groups, _lowest_bit=bit, _insert=insert),
                _collect=helper(_collect, _lowest_bit=bit),
                _rank=helper(
                    _rank, _value=helper(_value), _order=helper(_order, _before=helper(_before))
                ),
                _reaching=helper(_reaching, _lowest_bit=bit),
                _room=helper(_room),
            )
            _compiled = kernel._jit(numba, kernel._with_globals(_entry(_kernel_hash()), {"_place": place}))
        return _compiled


def place(
    total: np.ndarray,
    gain: np.ndarray,
    previous: np.ndarray,
    dims: np.ndarray,
    group_ids: np.ndarray,
    table: np.ndarray,
    floors: np.ndarray,
) -> np.ndarray:
    """Every award rule of ``table`` and ``floors`` (:func:`rule_table`) placed on a
    cycle's published figures: totals, gains, previous totals, dimension scores
    (dimensions x agencies), and each agency's group id (-1 for none).

    Returns one int64 array: the result table, rows :data:`ELIGIBLE` to
    :data:`MISSED_END` of a column per result (``[:ROWS * results].reshape(ROWS,
    results)``), then the item rows, three numbers each: agency index, place, run
    (:func:`items`). A result's candidates are its items ``PLACED:PLACED_END``, in
    order, each with its place and its run: the same number for agencies next to each
    other that are equal on every figure. A gain award's results also have their floor
    misses, ``MISSED:MISSED_END``, ascending by agency, each with the place its gain
    would take (and run 0); the award keeps the ``near_misses`` largest gains, every
    gain equal to the last of them too (agency codes decide between them)."""
    compiled = _compile() if _compiled is None else _compiled
    return compiled(
        _argument(total, _FLOAT),
        _argument(gain, _FLOAT),
        _argument(previous, _FLOAT),
        _argument(dims, _FLOAT),
        _argument(group_ids, _INT32),
        table,
        floors,
    )


def result(placed: np.ndarray, results: int, column: int) -> list[int]:
    """Result ``column``'s rows of :func:`place`'s array (of ``results`` results)."""
    got: list[int] = placed[column : ROWS * results : results].tolist()
    return got


def items(placed: np.ndarray, results: int, start: int, stop: int) -> list[list[int]]:
    """Item rows ``start:stop`` of :func:`place`'s array (of ``results`` results)."""
    at = ROWS * results
    got: list[list[int]] = placed[at + 3 * start : at + 3 * stop].reshape(-1, 3).tolist()
    return got


_FLOAT = np.dtype(np.float64)
_INT32 = np.dtype(np.int32)


def _argument(array: np.ndarray, dtype: np.dtype[Any]) -> np.ndarray:
    """``array`` as the compiled call takes it, of one type of argument whoever made it
    (compiled once, not once per combination): C-contiguous, aligned and writeable (it
    is only read), of ``dtype``; itself when it already is, as a cycle's figures are,
    else a copy. Writeable rather than read-only (as ``kernel._readonly`` makes them):
    numba's dispatcher types a writeable array in C, a read-only one in Python, about a
    microsecond more for the call's five arrays and as much to make the views."""
    if array.dtype is dtype and array.flags.carray:
        return array
    return np.array(array, dtype=dtype, order="C")
