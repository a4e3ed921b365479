"""Awards: winners and near misses of each award rule, with the reason for each.

Every figure an award ranks on is a published (rounded) figure: the total, the gain over
the previous cycle, a dimension score. Places are competition places: with
``ties: share`` agencies equal on the figure and every ``tie_break`` figure share a place,
and all of them win when that place is within ``top`` (so an award may have more winners
than places); with ``ties: code`` the agency code settles the order and places are
distinct.

Only the agencies near the top are sorted in Python: ``np.partition`` finds the figure of
the ``top + near_misses``-th agency first, so the cost does not grow with the cycle.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from scoring.model import AwardRule, Bilingual

if TYPE_CHECKING:
    from scoring.engine import CycleResult


@dataclass(frozen=True)
class AwardEntry:
    """One winner or near miss. ``value`` is the figure ranked on; ``why`` says in a plain
    sentence why the agency won or missed."""

    agency: str
    group: str | None
    place: int
    total: float
    gain: float | None
    value: float
    why: str

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
    winners: tuple[AwardEntry, ...]
    near_misses: tuple[AwardEntry, ...]
    eligible: int
    kind: str = ""

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


@dataclass(frozen=True)
class _Ranked:
    index: int
    place: int
    key: tuple[float, ...]  # the figures ranked on, negated (for equality only)


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
    eligible: np.ndarray,
    agencies: Sequence[str],
    count: int,
    by_code: bool,
) -> list[_Ranked]:
    """The eligible agencies placed 1..``count`` (more when tied at the end), best first."""
    idx = np.flatnonzero(eligible)
    m = idx.size
    if m == 0:
        return []
    values = figure[idx]
    k = min(m, count)
    if m > k:
        kth = np.partition(values, m - k)[m - k]  # the k-th largest value
        idx = idx[values >= kth]

    # candidates ordered by figure then tie-break figures, largest first (NaN lowest),
    # then by agency code: plain tuples, sorted without a key function
    columns = []
    for values_of in (figure, *tie_breaks):
        column = values_of[idx]
        columns.append((-np.where(np.isnan(column), -math.inf, column)).tolist())
    codes = [agencies[i] for i in idx.tolist()]
    keyed = sorted(zip(zip(*columns, strict=True), codes, idx.tolist(), strict=True))
    ranked: list[_Ranked] = []
    for position, (k_, _code, i) in enumerate(keyed):
        if by_code or not ranked or ranked[-1].key != k_:
            place = position + 1
        else:
            place = ranked[-1].place
        ranked.append(_Ranked(i, place, k_))
    return ranked


class _AwardContext:
    def __init__(self, result: CycleResult) -> None:
        self.result = result
        self.figures = _Figures(result)
        self.p = result.precision
        self.gp = result.gain_precision
        self.pp = result.previous_precision
        fw = result.framework
        self.group_order = [g.code for g in fw.peer_groups]
        names = result.matrix.group_names
        self.group_id = {name: i for i, name in enumerate(names)}
        self.has_total = ~np.isnan(result.published_total)

    def group_mask(self, groups: Sequence[str]) -> np.ndarray:
        ids = [self.group_id[g] for g in groups if g in self.group_id]
        return np.isin(self.result.group_ids, np.array(ids, dtype=np.int32))

    def split_groups(self, base: np.ndarray) -> list[tuple[str, np.ndarray]]:
        names = self.result.matrix.group_names
        counts = np.bincount(self.result.group_ids[base] + 1, minlength=len(names) + 1)
        codes = [names[i] for i in np.flatnonzero(counts[1:]).tolist()]
        ordered = [g for g in self.group_order if g in codes] + sorted(
            g for g in codes if g not in self.group_order
        )
        return [(g, base & (self.result.group_ids == self.group_id[g])) for g in ordered]

    def entry(self, i: int, place: int, value: float, why: str) -> AwardEntry:
        r = self.result
        gain = float(r.gain[i])
        return AwardEntry(
            agency=r.agencies[i],
            group=r.groups[i],
            place=place,
            total=float(r.published_total[i]),
            gain=None if math.isnan(gain) else gain,
            value=value,
            why=why,
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


def _figure_name(rule: AwardRule) -> str:
    return {"top_total": "total", "top_gain": "gain", "best_dimension": "score"}[rule.kind]


def _evaluate_one(
    rule: AwardRule,
    ctx: _AwardContext,
    base: np.ndarray,
    group: str | None,
    dimension: str | None,
) -> AwardResult:
    r = ctx.result
    floor_missed = np.zeros_like(base)
    if rule.kind == "top_total":
        figure = r.published_total
        eligible = base.copy()
    elif rule.kind == "top_gain":
        figure = r.gain
        eligible = base & ~np.isnan(r.gain)
        if rule.floor is not None:
            # the floor is a published decimal: compare the published total to it
            reaches = r.published_total >= rule.floor
            floor_missed = eligible & ~reaches
            eligible &= reaches
    else:
        figure = r.published_dimensions[:, r.dimension_codes.index(dimension or "")]
        eligible = base & ~np.isnan(figure)
    tie_breaks = [ctx.figures.get(name) for name in rule.tie_break]
    n_eligible = int(np.count_nonzero(eligible))
    by_code = rule.ties == "code"
    ranked = _rank_top(
        figure, tie_breaks, eligible, r.agencies, rule.top + rule.near_misses, by_code
    )
    place_count: dict[int, int] = {}
    for item in ranked:
        place_count[item.place] = place_count.get(item.place, 0) + 1

    winners: list[AwardEntry] = []
    runners: list[AwardEntry] = []
    last_winner: _Ranked | None = None
    for item in ranked:
        shared = place_count[item.place] > 1
        value = float(figure[item.index])
        if item.place <= rule.top:
            why = _describe(rule, ctx, item.index, item.place, shared, n_eligible, dimension, group)
            winners.append(ctx.entry(item.index, item.place, value, why))
            last_winner = item
        else:
            what = _figure_name(rule)
            shown = _signed(value, ctx.gp) if rule.kind == "top_gain" else _fmt(value, ctx.p)
            within = f" in group {group}" if group else ""
            why = (
                f"{what} {shown}, {ordinal(item.place)} by {what} of {n_eligible} eligible"
                f"{within}; the award has {rule.top} place{'s' if rule.top != 1 else ''}"
            )
            if by_code and last_winner is not None and last_winner.key == item.key:
                why += (
                    f"; equal to {r.agencies[last_winner.index]} on every figure, "
                    "placed after it by agency code"
                )
            runners.append(ctx.entry(item.index, item.place, value, why))

    misses: list[AwardEntry] = []
    if rule.kind == "top_gain" and rule.floor is not None and rule.near_misses > 0:
        candidates = np.flatnonzero(floor_missed)
        gains = figure[candidates]
        eligible_gains = figure[eligible]
        if eligible_gains.size >= rule.top:
            # placing within `top` needs a gain of at least the top-th largest eligible one
            k = eligible_gains.size - rule.top
            keep = gains >= np.partition(eligible_gains, k)[k]
            candidates, gains = candidates[keep], gains[keep]
        if candidates.size > rule.near_misses:
            k = candidates.size - rule.near_misses
            keep = gains >= np.partition(gains, k)[k]  # the largest, with their ties
            candidates, gains = candidates[keep], gains[keep]
        chosen = sorted(
            zip(gains.tolist(), candidates.tolist(), strict=True),
            key=lambda t: (-t[0], r.agencies[t[1]]),
        )
        for gain, i in chosen[: rule.near_misses]:
            place = 1 + int(np.count_nonzero(eligible_gains > gain))
            total = float(r.published_total[i])
            why = (
                f"gain {_signed(gain, ctx.gp)} would place {ordinal(place)} but total "
                f"{_fmt(total, ctx.p)} < floor {_fmt(rule.floor, ctx.p)}"
            )
            misses.append(ctx.entry(i, place, gain, why))
    near = (misses + runners)[: rule.near_misses]
    return AwardResult(
        code=rule.code,
        name=rule.name,
        rule=_rule_text(rule, ctx, dimension),
        group=group,
        dimension=dimension,
        winners=tuple(winners),
        near_misses=tuple(near),
        eligible=n_eligible,
        kind=rule.kind,
    )


def evaluate_awards(result: CycleResult) -> tuple[AwardResult, ...]:
    """Every award rule of the framework, applied to a scored cycle.

    A rule with ``per_group`` gives one result per peer group present (framework order);
    ``best_dimension`` one result per dimension (``dimensions`` or all).
    """
    ctx = _AwardContext(result)
    results: list[AwardResult] = []
    for rule in result.framework.awards:
        base = ctx.has_total.copy()
        if rule.groups:
            base &= ctx.group_mask(rule.groups)
        if rule.kind == "best_dimension":
            dimensions: list[str | None] = list(rule.dimensions or result.dimension_codes)
            for code in dimensions:
                if code not in result.dimension_codes:
                    raise ValueError(f"award {rule.code}: unknown dimension {code!r}")
        else:
            dimensions = [None]
        if rule.kind not in ("top_total", "top_gain", "best_dimension"):
            raise ValueError(f"award {rule.code}: unknown kind {rule.kind!r}")
        splits: list[tuple[str | None, np.ndarray]]
        if rule.per_group:
            splits = list(ctx.split_groups(base))
        else:
            splits = [(None, base)]
        for group, mask in splits:
            for dimension in dimensions:
                results.append(_evaluate_one(rule, ctx, mask, group, dimension))
    return tuple(results)
