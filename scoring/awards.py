"""Awards: winners and near misses of each award rule, with the reason for each.

Every figure an award ranks on is a published (rounded) figure: the total, the gain over
the previous cycle, a dimension score. Places are competition places: with
``ties: share`` agencies equal on the figure and every ``tie_break`` figure share a place,
and all of them win when that place is within ``top`` (so an award may have more winners
than places); with ``ties: code`` the agency code settles the order and places are
distinct.

Only the agencies near the top are sorted in Python: ``np.partition`` finds the figure of
the ``top + near_misses``-th agency first, so the cost does not grow with the cycle.

A cycle scored by the compiled kernels (``CycleResult.compiled_kernels``) has its awards
placed by one compiled call instead (``scoring.kernel_awards``): the same candidates,
order and places, found for every rule, figure and peer group at once. The Python way
above is its reference, and places the awards of the other cycles.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from scoring.model import AwardRule, Bilingual

if TYPE_CHECKING:
    from scoring.engine import CycleResult


@dataclass(frozen=True)
class AwardEntry:
    """One winner or near miss. ``value`` is the figure ranked on; ``why`` says in a plain
    sentence why the agency won or missed (written when first read: a cycle's awards are
    decided far more often than their reasons are read)."""

    agency: str
    group: str | None
    place: int
    total: float
    gain: float | None
    value: float
    reason: Callable[[], str] = field(repr=False, compare=False)

    @cached_property
    def why(self) -> str:
        return self.reason()

    def to_dict(self) -> dict[str, object]:
        return {
            "agency": self.agency,
            "group": self.group,
            "place": self.place,
            "total": self.total,
            "gain": self.gain,
            "value": self.value,
            "why": self.why,
        }


@dataclass(frozen=True)
class AwardResult:
    """The outcome of one award rule (for one peer group or dimension when it is split)."""

    code: str
    name: Bilingual
    rule: str
    group: str | None
    dimension: str | None
    # (winners, near misses): the places are decided when the cycle is scored; the
    # entries, with their figures and reasons, are made when first read
    entries: Callable[[], tuple[tuple[AwardEntry, ...], tuple[AwardEntry, ...]]] = field(
        repr=False, compare=False
    )
    eligible: int = 0
    kind: str = ""

    @cached_property
    def _entries(self) -> tuple[tuple[AwardEntry, ...], tuple[AwardEntry, ...]]:
        return self.entries()

    @property
    def winners(self) -> tuple[AwardEntry, ...]:
        return self._entries[0]

    @property
    def near_misses(self) -> tuple[AwardEntry, ...]:
        return self._entries[1]

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": {"th": self.name.th, "en": self.name.en},
            "kind": self.kind,
            "rule": self.rule,
            "group": self.group,
            "dimension": self.dimension,
            "eligible": self.eligible,
            "winners": [w.to_dict() for w in self.winners],
            "near_misses": [m.to_dict() for m in self.near_misses],
        }


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _fmt(x: float, decimals: int) -> str:
    return f"{x:.{decimals}f}"


def _signed(x: float, decimals: int) -> str:
    return f"{x:+.{decimals}f}"


class _Ranked(NamedTuple):
    at: int  # the agency's position in the cycle
    place: int
    # for equality only: the figures ranked on, negated; or (compiled placing) the run
    # number, the same for agencies next to each other equal on every figure
    key: tuple[float, ...]


class _Figures:
    """The published figures of a cycle that awards rank on, by name."""

    def __init__(self, result: CycleResult) -> None:
        self.result = result

    def get(self, name: str) -> np.ndarray:
        r = self.result
        if name == "total":
            return r.published_total
        if name == "gain":
            return r.gain
        if name == "previous_total":
            return r.previous_total
        if name.startswith("dimension:"):
            code = name.split(":", 1)[1]
            if code in r.dimension_codes:
                return r.published_dimensions[:, r.dimension_codes.index(code)]
        raise ValueError(
            f"unknown tie_break figure {name!r}; use total, gain, previous_total or "
            "dimension:<code>"
        )


def _rank_top(
    figure: np.ndarray,
    tie_breaks: Sequence[np.ndarray],
    candidates: np.ndarray,
    agencies: Sequence[str],
    by_code: bool,
) -> list[_Ranked]:
    """The candidates (see :func:`_candidates`) placed, best first."""
    if candidates.size == 0:
        return []
    # candidates ordered by figure then tie-break figures, largest first (NaN lowest),
    # then by agency code: plain tuples, sorted without a key function (a few agencies:
    # Python lists beat numpy calls here)
    idx = candidates.tolist()
    columns = [
        [math.inf if v != v else -v for v in values_of[candidates].tolist()]  # NaN: last
        for values_of in (figure, *tie_breaks)
    ]
    codes = [agencies[i] for i in idx]
    keyed = sorted(zip(zip(*columns, strict=True), codes, idx, strict=True))
    ranked: list[_Ranked] = []
    for position, (k_, _code, i) in enumerate(keyed):
        if by_code or not ranked or ranked[-1].key != k_:
            place = position + 1
        else:
            place = ranked[-1].place
        ranked.append(_Ranked(i, place, k_))
    return ranked


def _candidates(
    figures: np.ndarray,
    eligible: np.ndarray,
    split: np.ndarray,
    n_splits: int,
    count: int,
    compiled: bool,
) -> tuple[list[list[np.ndarray]], np.ndarray]:
    """For each figure (a row of ``figures``) and split (``split[i]``: the split of agency
    ``i``, -1 for none), the eligible agencies with the figure (not NaN) that can take one
    of the first ``count`` places: those whose figure is at least the ``count``-th largest
    of the split (all of them when there are fewer), ascending; and the number of
    eligible agencies per figure and split.

    One compiled pass for all figures when the cycle was scored with the compiled kernels
    (``compiled``), else ``np.partition`` per figure and split."""
    n_figures = figures.shape[0]
    if compiled:
        from scoring import kernel

        idx, which, counts = kernel.top_candidates(figures, eligible, split, n_splits, count)
        if n_figures == 1 and n_splits == 1:
            return [[idx]], counts
        slot = which * n_splits + split[idx]
        order = np.argsort(slot, kind="stable")
        bounds = np.searchsorted(slot[order], np.arange(n_figures * n_splits + 1))
        flat = [idx[order[bounds[k] : bounds[k + 1]]] for k in range(n_figures * n_splits)]
        return [flat[f * n_splits : (f + 1) * n_splits] for f in range(n_figures)], counts
    out: list[list[np.ndarray]] = []
    counts = np.zeros((n_figures, n_splits), dtype=np.int64)
    for f in range(n_figures):
        figure = figures[f]
        has = eligible & ~np.isnan(figure)
        row: list[np.ndarray] = []
        for k in range(n_splits):
            idx = np.flatnonzero(has & (split == k))
            counts[f, k] = idx.size
            values = figure[idx]
            top = min(idx.size, count)
            if idx.size > top:
                kth = np.partition(values, idx.size - top)[idx.size - top]  # top-th largest
                idx = idx[values >= kth]
            row.append(idx)
        out.append(row)
    return out, counts


class _Figured:
    """What awards read of a scored cycle, without the cycle itself: the award results
    keep it (to make their entries when read), and the cycle keeps its award results; a
    reference back to the cycle would make a cycle of references, which only Python's
    garbage collector frees, so that every scored cycle (a few megabytes at 10,000
    agencies) would outlive its last use until the collector next ran."""

    __slots__ = (
        "agencies", "groups", "group_ids", "published_total", "gain", "previous_total",
        "published_dimensions", "dimension_codes", "framework", "matrix", "precision",
        "gain_precision", "previous_precision", "previous_label", "compiled_kernels",
    )

    def __init__(self, result: CycleResult) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(result, name))


class _AwardContext:
    def __init__(self, result: CycleResult) -> None:
        # (typed as the cycle: it has every attribute awards read of one)
        self.result: CycleResult = _Figured(result)  # type: ignore[assignment]
        self.p = result.precision
        self.gp = result.gain_precision
        self.pp = result.previous_precision
        self._everyone: np.ndarray | None = None
        self._group_splits: np.ndarray | None = None
        self.compiled = result.compiled_kernels

    # (made when first asked for: the compiled placing reads none of them to decide the
    # places, only when entries are read)
    @cached_property
    def figures(self) -> _Figures:
        return _Figures(self.result)

    @cached_property
    def group_order(self) -> list[str]:
        return [g.code for g in self.result.framework.peer_groups]

    @cached_property
    def group_id(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.result.matrix.group_names)}

    @cached_property
    def has_total(self) -> np.ndarray:
        return ~np.isnan(self.result.published_total)

    def group_mask(self, groups: Sequence[str]) -> np.ndarray:
        ids = [self.group_id[g] for g in groups if g in self.group_id]
        return np.isin(self.result.group_ids, np.array(ids, dtype=np.int32))

    def split_groups(self, base: np.ndarray) -> list[str]:
        """The peer groups with an agency in ``base``: framework order, then the others
        by code."""
        names = self.result.matrix.group_names
        ids = self.result.group_ids
        # (when every agency is in the base, as usual, they are counted without a copy)
        counts = np.bincount((ids if base.all() else ids[base]) + 1, minlength=len(names) + 1)
        codes = [names[i] for i in np.flatnonzero(counts[1:]).tolist()]
        return [g for g in self.group_order if g in codes] + sorted(
            g for g in codes if g not in self.group_order
        )

    def group_splits(self) -> np.ndarray:
        """The agencies split by peer group: the matrix's group ids (-1 for none)."""
        if self._group_splits is None:
            self._group_splits = self.result.group_ids.astype(np.int64)
        return self._group_splits

    def everyone(self, n: int) -> np.ndarray:
        """One split holding every agency."""
        if self._everyone is None or self._everyone.shape[0] != n:
            self._everyone = np.zeros(n, dtype=np.int64)
        return self._everyone

    def entry(self, i: int, place: int, value: float, why: Callable[[], str]) -> AwardEntry:
        r = self.result
        gain = float(r.gain[i])
        return AwardEntry(
            agency=r.agencies[i],
            group=r.groups[i],
            place=place,
            total=float(r.published_total[i]),
            gain=None if math.isnan(gain) else gain,
            value=value,
            reason=why,
        )


def _rule_text(rule: AwardRule, ctx: _AwardContext, dimension: str | None) -> str:
    r = ctx.result
    many = rule.top != 1
    if rule.kind == "top_total":
        text = f"the {rule.top} highest totals" if many else "the highest total"
    elif rule.kind == "top_gain":
        text = f"the {rule.top} largest gains" if many else "the largest gain"
        text += f" in total over {r.previous_label}"
        if rule.floor is not None:
            text += f" among agencies with total >= {_fmt(rule.floor, ctx.p)}"
    else:
        text = f"the {rule.top} highest scores" if many else "the highest score"
        text += f" in dimension {dimension}"
    if rule.per_group:
        text += " in each peer group"
    if rule.groups:
        text += f", agencies of groups {', '.join(rule.groups)} only"
    if rule.tie_break:
        text += f"; equal figures are ordered by {', '.join(rule.tie_break)}"
    if rule.ties == "share":
        text += "; agencies still equal share the place"
    else:
        text += "; agencies still equal are ordered by agency code"
    return text


def _describe(
    rule: AwardRule,
    ctx: _AwardContext,
    i: int,
    place: int,
    shared: bool,
    eligible: int,
    dimension: str | None,
    group: str | None,
) -> str:
    r = ctx.result
    p, gp = ctx.p, ctx.gp
    total = float(r.published_total[i])
    where = f"{ordinal(place)}{' (shared)' if shared else ''}"
    of = f"of {eligible} eligible" + (f" in group {group}" if group else "")
    if rule.kind == "top_gain":
        gain = float(r.gain[i])
        previous = float(r.previous_total[i])
        parts = []
        if rule.floor is not None:
            parts.append(f"total {_fmt(total, p)} >= floor {_fmt(rule.floor, p)}")
        parts.append(
            f"gain {_signed(gain, gp)} over {r.previous_label} ({_fmt(previous, ctx.pp)}), "
            f"{where} largest {of}"
        )
        return "; ".join(parts)
    if rule.kind == "best_dimension":
        k = r.dimension_codes.index(dimension or "")
        score = float(r.published_dimensions[i, k])
        return f"{dimension} {_fmt(score, p)}, {where} highest {of}"
    return f"total {_fmt(total, p)}, {where} highest {of}"


def _describe_runner(
    rule: AwardRule,
    ctx: _AwardContext,
    value: float,
    place: int,
    eligible: int,
    group: str | None,
    after: int | None,
) -> str:
    """Why a near miss missed: its place by the figure (and the winner it is equal to,
    when the agency code put it after)."""
    what = _figure_name(rule)
    shown = _signed(value, ctx.gp) if rule.kind == "top_gain" else _fmt(value, ctx.p)
    within = f" in group {group}" if group else ""
    why = (
        f"{what} {shown}, {ordinal(place)} by {what} of {eligible} eligible"
        f"{within}; the award has {rule.top} place{'s' if rule.top != 1 else ''}"
    )
    if after is not None:
        why += (
            f"; equal to {ctx.result.agencies[after]} on every figure, "
            "placed after it by agency code"
        )
    return why


def _describe_floor_miss(
    ctx: _AwardContext, i: int, place: int, gain: float, floor: float
) -> str:
    total = float(ctx.result.published_total[i])
    return (
        f"gain {_signed(gain, ctx.gp)} would place {ordinal(place)} but total "
        f"{_fmt(total, ctx.p)} < floor {_fmt(floor, ctx.p)}"
    )


def _figure_name(rule: AwardRule) -> str:
    return {"top_total": "total", "top_gain": "gain", "best_dimension": "score"}[rule.kind]


def _figures_and_eligible(
    rule: AwardRule, ctx: _AwardContext, base: np.ndarray, dimensions: Sequence[str | None]
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The figures a rule ranks on (one row per dimension, else one row), who is
    eligible (agencies without the figure, NaN, never are), and (Outstanding Development)
    who misses only the floor."""
    r = ctx.result
    if rule.kind == "top_total":
        return r.published_total[None, :], base, None
    if rule.kind == "top_gain":
        eligible = base & ~np.isnan(r.gain)
        floor_missed = None
        if rule.floor is not None:
            # the floor is a published decimal: compare the published total to it
            reaches = r.published_total >= rule.floor
            floor_missed = eligible & ~reaches
            eligible &= reaches
        return r.gain[None, :], eligible, floor_missed
    # rows of the dimensions x agencies array the engine rounded
    rows = [r.dimension_codes.index(d or "") for d in dimensions]
    by_dimension = r.published_dimensions.T
    if rows == list(range(by_dimension.shape[0])):
        return by_dimension, base, None
    return by_dimension[rows], base, None


def _evaluate_one(
    rule: AwardRule,
    ctx: _AwardContext,
    figure: np.ndarray,
    floor_missed: np.ndarray | None,
    candidates: np.ndarray,
    n_eligible: int,
    group: str | None,
    dimension: str | None,
) -> AwardResult:
    """One award result: the places decided now, the entries made when read.
    ``floor_missed`` is the whole rule's (every split); ``candidates`` and ``n_eligible``
    this split's."""
    r = ctx.result
    tie_breaks = [ctx.figures.get(name) for name in rule.tie_break]
    by_code = rule.ties == "code"
    ranked = _rank_top(figure, tie_breaks, candidates, r.agencies, by_code)
    misses: list[tuple[int, int, float]] = []
    if floor_missed is not None and rule.floor is not None and rule.near_misses > 0:
        misses = _floor_misses(rule, ctx, figure, floor_missed, ranked, group)
    return AwardResult(
        code=rule.code,
        name=rule.name,
        rule=_rule_text(rule, ctx, dimension),
        group=group,
        dimension=dimension,
        entries=partial(
            _entries, rule, ctx, figure, ranked, misses, n_eligible, group, dimension
        ),
        eligible=n_eligible,
        kind=rule.kind,
    )


def _floor_misses(
    rule: AwardRule,
    ctx: _AwardContext,
    figure: np.ndarray,
    floor_missed: np.ndarray,
    ranked: list[_Ranked],
    group: str | None,
) -> list[tuple[int, int, float]]:
    """Agencies whose gain would have placed them but whose total is under the floor:
    (index, the place the gain would take, gain), best first.

    ``ranked`` holds every eligible agency with a gain at least the ``top``-th largest (and
    the ties): the bar a gain must reach, and everything that can be above it."""
    r = ctx.result
    assert rule.floor is not None
    placed = [-item.key[0] for item in ranked]  # the eligible gains near the top, best first
    bar = placed[rule.top - 1] if len(placed) >= rule.top else -math.inf
    reach = floor_missed & (figure >= bar) if bar > -math.inf else floor_missed
    if group is not None:
        reach = reach & (r.group_ids == ctx.group_id[group])
    candidates = np.flatnonzero(reach)
    gains = figure[candidates]
    if candidates.size > rule.near_misses:
        k = candidates.size - rule.near_misses
        keep = gains >= np.partition(gains, k)[k]  # the largest, with their ties
        candidates, gains = candidates[keep], gains[keep]
    chosen = sorted(
        zip(gains.tolist(), candidates.tolist(), strict=True),
        key=lambda t: (-t[0], r.agencies[t[1]]),
    )
    return [
        (i, 1 + sum(1 for g in placed if g > gain), gain)
        for gain, i in chosen[: rule.near_misses]
    ]


def _entries(
    rule: AwardRule,
    ctx: _AwardContext,
    figure: np.ndarray,
    ranked: list[_Ranked],
    misses: list[tuple[int, int, float]],
    n_eligible: int,
    group: str | None,
    dimension: str | None,
) -> tuple[tuple[AwardEntry, ...], tuple[AwardEntry, ...]]:
    """The winners and near misses of one award result, with their reasons."""
    place_count: dict[int, int] = {}
    for item in ranked:
        place_count[item.place] = place_count.get(item.place, 0) + 1
    by_code = rule.ties == "code"
    winners: list[AwardEntry] = []
    runners: list[AwardEntry] = []
    last_winner: _Ranked | None = None
    for item in ranked:
        shared = place_count[item.place] > 1
        value = float(figure[item.at])
        if item.place <= rule.top:
            why = partial(
                _describe, rule, ctx, item.at, item.place, shared, n_eligible, dimension, group
            )
            winners.append(ctx.entry(item.at, item.place, value, why))
            last_winner = item
        else:
            after = (
                last_winner.at
                if by_code and last_winner is not None and last_winner.key == item.key
                else None
            )
            why = partial(
                _describe_runner, rule, ctx, value, item.place, n_eligible, group, after
            )
            runners.append(ctx.entry(item.at, item.place, value, why))
    below_floor = [
        ctx.entry(i, place, gain, partial(_describe_floor_miss, ctx, i, place, gain, rule.floor))
        for i, place, gain in misses
        if rule.floor is not None
    ]
    near = (below_floor + runners)[: rule.near_misses]
    return tuple(winners), tuple(near)


def evaluate_awards(result: CycleResult) -> tuple[AwardResult, ...]:
    """Every award rule of the framework, applied to a scored cycle.

    A rule with ``per_group`` gives one result per peer group present (framework order);
    ``best_dimension`` one result per dimension (``dimensions`` or all). The candidates
    for the places of every group are found in one pass per figure.
    """
    if result.compiled_kernels:
        plan = _plan_for(result)
        if plan is not None:
            return _placed(result, plan)
    ctx = _AwardContext(result)
    results: list[AwardResult] = []
    n = len(result.agencies)
    for rule in result.framework.awards:
        base = ctx.has_total
        if rule.groups:
            base = base & ctx.group_mask(rule.groups)
        if rule.kind == "best_dimension":
            dimensions: list[str | None] = list(rule.dimensions or result.dimension_codes)
            for code in dimensions:
                if code not in result.dimension_codes:
                    raise ValueError(f"award {rule.code}: unknown dimension {code!r}")
        else:
            dimensions = [None]
        if rule.kind not in ("top_total", "top_gain", "best_dimension"):
            raise ValueError(f"award {rule.code}: unknown kind {rule.kind!r}")
        groups: list[str | None]
        if rule.per_group:
            # one split per group of the matrix (by its group id); a group without an
            # agency in ``base`` has no candidates and no result
            groups = list(ctx.split_groups(base))
            slots = [ctx.group_id[g or ""] for g in groups]
            split = ctx.group_splits()
            n_splits = len(result.matrix.group_names)
        else:
            groups, slots, split, n_splits = [None], [0], ctx.everyone(n), 1
        figures, eligible, floor_missed = _figures_and_eligible(rule, ctx, base, dimensions)
        found, counts = _candidates(
            figures, eligible, split, n_splits, rule.top + rule.near_misses, ctx.compiled
        )
        for k, group in zip(slots, groups, strict=True):
            for f, dimension in enumerate(dimensions):
                results.append(
                    _evaluate_one(
                        rule, ctx, figures[f], floor_missed, found[f][k],
                        int(counts[f, k]), group, dimension,
                    )
                )
    return tuple(results)


# ----------------------------------------------------------------- compiled placing
#
# A cycle scored by the compiled kernels has its awards placed in one compiled call
# (scoring.kernel_awards.place): candidates, order, places and floor misses of every rule,
# figure and peer group. What is left to Python is one award result per rule, group and
# dimension (its fields, the rule text among them, made once per framework and previous
# cycle's label), and, when the entries are read, the agency codes: the compiled call
# gives agencies equal on every figure in the order of the cycle, and they are put in
# code order here.


class _Placed(NamedTuple):
    """One award result of the compiled placing."""

    rule: AwardRule
    column: int  # its column of the placing's result table
    group: str | None
    dimension: str | None
    figure: str  # the name of the figure ranked on (see _Figures)


class _Plan:
    """A framework's award rules as the compiled placing takes them, for one matrix's
    peer groups: the rule table, and the award results in the order they are reported
    (per rule; then per peer group present, framework order then the others by code;
    then per dimension)."""

    def __init__(self, table: np.ndarray, floors: np.ndarray, results: list[_Placed]) -> None:
        self.table = table
        self.floors = floors
        self.results = results
        self.columns = int(table[2])  # the columns of the placing's result table
        # by the previous cycle's label, the fields of each of ``results`` (see fields)
        self.made: dict[str, list[tuple[int, _Placed, dict[str, object]]]] = {}

    def fields(self, ctx: _AwardContext) -> list[tuple[int, _Placed, dict[str, object]]]:
        """Each of ``results`` (with its column of the result table) and the fields of
        its :class:`AwardResult` (in the order of the dataclass's fields) for the cycle
        of ``ctx``, but its entries and eligible agencies: made once per previous cycle's
        label (all else they say, the rule text too, is the framework's)."""
        label = ctx.result.previous_label
        made = self.made.get(label)
        if made is None:
            made = [
                (
                    placed.column,
                    placed,
                    {
                        "code": placed.rule.code,
                        "name": placed.rule.name,
                        "rule": _rule_text(placed.rule, ctx, placed.dimension),
                        "group": placed.group,
                        "dimension": placed.dimension,
                        "entries": None,
                        "eligible": 0,
                        "kind": placed.rule.kind,
                    },
                )
                for placed in self.results
            ]
            if len(self.made) >= 16:
                self.made.clear()
            self.made[label] = made
        return made


_plans: dict[tuple[int, tuple[str, ...], tuple[str, ...]], tuple[object, _Plan | None]] = {}
_plans_lock = threading.Lock()


def _plan_for(result: CycleResult) -> _Plan | None:
    """The cycle's :class:`_Plan`, made once per framework and set of peer groups (cached
    by the framework's identity); None where a rule is one the reference path rejects or
    that the compiled placing does not take (then the reference path places them)."""
    fw = result.framework
    names = tuple(result.matrix.group_names)
    key = (id(fw), names, result.dimension_codes)
    hit = _plans.get(key)
    if hit is not None and hit[0] is fw:
        return hit[1]
    plan = _make_plan(fw.awards, [g.code for g in fw.peer_groups], names, result.dimension_codes)
    with _plans_lock:
        if len(_plans) >= 32:
            _plans.pop(next(iter(_plans)))
        _plans[key] = (fw, plan)
    return plan


def _make_plan(
    rules: Sequence[AwardRule],
    group_order: Sequence[str],
    names: Sequence[str],
    dimension_codes: Sequence[str],
) -> _Plan | None:
    """The :class:`_Plan` of ``rules`` for a matrix of peer groups ``names`` (by group
    id); None for rules that the reference path rejects (it then raises as it does) or
    reads in ways the placing does not (groups named twice in the matrix, no places, a
    negative number of near misses)."""
    from scoring import kernel_awards as placing

    if len(set(names)) != len(names):
        return None
    group_id = {name: i for i, name in enumerate(names)}
    # every group of the matrix, in the order split_groups gives those present
    ordered = [g for g in group_order if g in group_id] + sorted(
        g for g in names if g not in group_order
    )

    # the placing's number of each figure, by its name in _Figures
    figure_ids = {
        "total": placing.TOTAL,
        "gain": placing.GAIN,
        "previous_total": placing.PREVIOUS_TOTAL,
    }
    for k, code in enumerate(dimension_codes):
        figure_ids.setdefault(f"dimension:{code}", placing.DIMENSION + k)

    specs: list[placing.RuleSpec] = []
    figure_names: list[list[tuple[str, str | None]]] = []
    for rule in rules:
        if rule.top < 1 or rule.near_misses < 0:
            return None
        if rule.kind == "best_dimension":
            dimensions = list(rule.dimensions or dimension_codes)
            if any(code not in dimension_codes for code in dimensions):
                return None
            named: list[tuple[str, str | None]] = [(f"dimension:{d}", d) for d in dimensions]
        elif rule.kind in ("top_total", "top_gain"):
            named = [("total" if rule.kind == "top_total" else "gain", None)]
        else:
            return None
        if any(name not in figure_ids for name in rule.tie_break):
            return None
        gain = rule.kind == "top_gain"
        floor = rule.floor if gain and rule.floor is not None else -math.inf
        specs.append(
            placing.RuleSpec(
                top=rule.top,
                near_misses=rule.near_misses,
                by_code=rule.ties == "code",
                per_group=rule.per_group,
                gain=gain,
                floor=floor,
                floor_misses=gain and rule.floor is not None and rule.near_misses > 0,
                allowed=(
                    [group_id[g] for g in rule.groups if g in group_id] if rule.groups else None
                ),
                figures=[figure_ids[name] for name, _ in named],
                tie_breaks=[figure_ids[name] for name in rule.tie_break],
            )
        )
        figure_names.append(named)
    table, floors, first_rows = placing.rule_table(specs, len(names))
    results: list[_Placed] = []
    for rule, named, first in zip(rules, figure_names, first_rows, strict=True):
        splits: list[tuple[int, str | None]] = (
            [(group_id[g], g) for g in ordered] if rule.per_group else [(0, None)]
        )
        for s, group in splits:
            for f, (figure, dimension) in enumerate(named):
                column = first + s * len(named) + f
                results.append(_Placed(rule, column, group, dimension, figure))
    return _Plan(table, floors, results)


def _placed(result: CycleResult, plan: _Plan) -> tuple[AwardResult, ...]:
    """The award results of a cycle, placed by the compiled call; their entries made
    when first read (:func:`_placed_entries`).

    Each result is made faster than by its ``__init__`` (which sets each field of the
    frozen dataclass through ``object.__setattr__``): its ``__dict__`` filled at once
    from its fields made once per plan (:meth:`_Plan.fields`), then its entries and
    eligible agencies. (tests/scoring/test_awards_compiled.py holds them to
    ``__init__``.) This loop is most of what the compiled placing leaves to Python."""
    from scoring import kernel_awards as placing

    placing_of = placing.place(
        result.published_total,
        result.gain,
        result.previous_total,
        result.published_dimensions.T,
        result.group_ids,
        plan.table,
        plan.floors,
    )
    ctx = _AwardContext(result)
    columns = plan.columns
    at = placing.ELIGIBLE * columns
    counts = placing_of[at : at + columns].tolist()  # -1: no result
    new = object.__new__
    out: list[AwardResult] = []
    for k, placed, fields in plan.fields(ctx):
        eligible = counts[k]
        if eligible >= 0:
            award = new(AwardResult)
            made = award.__dict__
            made.update(fields)
            made["entries"] = partial(_placed_entries, placed, ctx, placing_of, columns)
            made["eligible"] = eligible
            out.append(award)
    return tuple(out)


def _placed_entries(
    placed: _Placed, ctx: _AwardContext, placing_of: np.ndarray, columns: int
) -> tuple[tuple[AwardEntry, ...], tuple[AwardEntry, ...]]:
    """The entries of one award result placed by the compiled call (``placing_of``, of
    ``columns`` results): agencies equal on every figure put in code order (their places
    stay: shared, or taken in turn), the floor misses ordered by gain then code, and then
    as :func:`_entries` makes them."""
    from scoring import kernel_awards as placing

    column = placing.result(placing_of, columns, placed.column)
    eligible = column[placing.ELIGIBLE]
    rule = placed.rule
    figure = ctx.figures.get(placed.figure)
    agencies = ctx.result.agencies
    candidates = placing.items(
        placing_of, columns, column[placing.PLACED], column[placing.PLACED_END]
    )
    ranked: list[_Ranked] = []
    start = 0
    while start < len(candidates):
        # a run of agencies equal on every figure (the same run number)
        stop = start + 1
        while stop < len(candidates) and candidates[stop][2] == candidates[start][2]:
            stop += 1
        equal = candidates[start:stop]
        by_code = sorted((at for at, _, _ in equal), key=agencies.__getitem__)
        ranked += [
            _Ranked(at, place, (float(run),))
            for at, (_, place, run) in zip(by_code, equal, strict=True)
        ]
        start = stop
    below = placing.items(placing_of, columns, column[placing.MISSED], column[placing.MISSED_END])
    chosen = sorted(
        ((float(figure[at]), at, place) for at, place, _ in below),
        key=lambda t: (-t[0], agencies[t[1]]),
    )
    misses = [(at, place, gain) for gain, at, place in chosen[: rule.near_misses]]
    return _entries(rule, ctx, figure, ranked, misses, eligible, placed.group, placed.dimension)
