"""Awards: winners and near misses of each award rule, with the reason for each.

Awards read only a cycle's published figures (:class:`scoring.ranking.Published`): the
total, the gain over the previous cycle, the dimension scores. Places are competition
places: with ``ties: share`` agencies equal on the figure and every ``tie_break`` figure
share a place, and all of them win when that place is within ``top`` (so an award may
have more winners than places); with ``ties: code`` the agency code settles the order and
places are distinct.

Only the agencies near the top are sorted: ``np.partition`` finds the figure of the
``top + near_misses``-th agency first, so the cost hardly grows with the cycle.

A reason is data (:class:`Reason`: what happened and the figures); :func:`reason_text`
and :func:`rule_text` write it in English for the command line and ``AWARDS.json``, and
the results pages write it in the reader's language.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np

from scoring.model import AwardKind, AwardRule, Bilingual
from scoring.ranking import Published

ReasonKind = Literal["winner", "near_miss", "below_floor"]


@dataclass(frozen=True)
class AwardFacts:
    """What the reasons of one award result share: the rule's kind, places and floor,
    the eligible agencies, the peer group and dimension, and how figures are written."""

    kind: AwardKind
    top: int
    floor: float | None  # top_gain only
    eligible: int
    group: str | None
    dimension: str | None
    previous_label: str
    precision: int
    gain_precision: int
    previous_precision: int

    @property
    def figure(self) -> str:
        """What the award ranks on: ``total``, ``gain`` or ``score``."""
        return {"top_total": "total", "top_gain": "gain", "best_dimension": "score"}[self.kind]


class TieBreak(NamedTuple):
    """An agency equal to the one placed before it on the figure ranked on, placed after
    it by the rule's tie-break: that one's ``place``, the tie-break ``figure`` that
    differed, and its value for both (``value`` this agency's, ``other`` the other's)."""

    place: int
    figure: str
    value: float
    other: float


class Reason(NamedTuple):
    """Why an agency won or missed an award, as figures.

    ``kind``: ``winner``; ``near_miss`` (placed beyond the award's places); or
    ``below_floor`` (its gain would have placed it, its total is under the floor).
    ``value`` is the figure ranked on; ``after`` the winner equal on every figure that
    the agency code put first; ``tie`` the equal agency that a tie-break figure put
    first. The ``shown_*`` properties write the figures at their publication precision
    (gains signed), as every language shows them."""

    kind: ReasonKind
    place: int
    shared: bool
    value: float
    total: float
    previous_total: float | None
    after: str | None
    award: AwardFacts
    tie: TieBreak | None = None

    @property
    def shown_value(self) -> str:
        a = self.award
        if a.kind == "top_gain":
            return f"{self.value:+.{a.gain_precision}f}"
        return _fmt(self.value, a.precision)

    @property
    def shown_total(self) -> str:
        return _fmt(self.total, self.award.precision)

    @property
    def shown_previous(self) -> str:
        previous = math.nan if self.previous_total is None else self.previous_total
        return _fmt(previous, self.award.previous_precision)

    @property
    def shown_floor(self) -> str:
        return "" if self.award.floor is None else _fmt(self.award.floor, self.award.precision)

    @property
    def shown_tie(self) -> tuple[str, str]:
        """The tie-break figure of this agency and of the one before it."""
        if self.tie is None:
            return "", ""
        a, name = self.award, self.tie.figure
        decimals = {"gain": a.gain_precision, "previous_total": a.previous_precision}.get(
            name, a.precision
        )
        return _fmt(self.tie.value, decimals), _fmt(self.tie.other, decimals)


class AwardEntry(NamedTuple):
    """One winner or near miss. ``value`` is the figure ranked on."""

    agency: str
    group: str | None
    place: int
    total: float
    gain: float | None
    value: float
    reason: Reason

    @property
    def why(self) -> str:
        return reason_text(self.reason)

    def to_dict(self) -> dict[str, object]:
        """Every field but the reason, which is written out as ``why``."""
        out: dict[str, object] = self._asdict()
        del out["reason"]
        return {**out, "why": self.why}


@dataclass(frozen=True)
class AwardResult:
    """The outcome of one award rule (for one peer group or dimension when it is split)."""

    code: str
    name: Bilingual
    award_rule: AwardRule
    previous_label: str
    precision: int
    group: str | None
    dimension: str | None
    winners: tuple[AwardEntry, ...]
    near_misses: tuple[AwardEntry, ...]
    eligible: int = 0

    @property
    def kind(self) -> str:
        return self.award_rule.kind

    @property
    def rule(self) -> str:
        return rule_text(self.award_rule, self.dimension, self.previous_label, self.precision)

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


# --------------------------------------------------------------------------- English


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _fmt(x: float, decimals: int) -> str:
    return f"{x:.{decimals}f}"


def _over(previous_label: str) -> str:
    """The previous cycle as the English text names it: its label, when it has one."""
    return previous_label or "the previous cycle"


def rule_text(rule: AwardRule, dimension: str | None, previous_label: str, precision: int) -> str:
    many = rule.top != 1
    if rule.kind == "top_total":
        text = f"the {rule.top} highest totals" if many else "the highest total"
    elif rule.kind == "top_gain":
        text = f"the {rule.top} largest gains" if many else "the largest gain"
        text += f" in total over {_over(previous_label)}"
        if rule.floor is not None:
            text += f" among agencies with total >= {_fmt(rule.floor, precision)}"
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


def reason_text(r: Reason) -> str:
    a = r.award
    of = f"of {a.eligible} eligible" + (f" in group {a.group}" if a.group else "")
    if r.kind == "below_floor":
        return (
            f"gain {r.shown_value} would place {ordinal(r.place)} but total "
            f"{r.shown_total} < floor {r.shown_floor}"
        )
    if r.kind == "near_miss":
        why = (
            f"{a.figure} {r.shown_value}, {ordinal(r.place)} by {a.figure} {of}; "
            f"the award has {a.top} place{'s' if a.top != 1 else ''}"
        )
        if r.after is not None:
            why += f"; equal to {r.after} on every figure, placed after it by agency code"
        return why + _tie_text(r)
    where = f"{ordinal(r.place)}{' (shared)' if r.shared else ''}"
    if a.kind == "top_gain":
        why = (
            f"gain {r.shown_value} over {_over(a.previous_label)} ({r.shown_previous}), "
            f"{where} largest {of}"
        )
        if a.floor is not None:
            why = f"total {r.shown_total} >= floor {r.shown_floor}; {why}"
    elif a.kind == "best_dimension":
        why = f"{a.dimension} {r.shown_value}, {where} highest {of}"
    else:
        why = f"total {r.shown_total}, {where} highest {of}"
    return why + _tie_text(r)


def _tie_text(r: Reason) -> str:
    if r.tie is None:
        return ""
    value, other = r.shown_tie
    return (
        f"; equal {r.award.figure} to the {ordinal(r.tie.place)} place, placed after it by "
        f"the rule's tie-break ({r.tie.figure} {value} against {other})"
    )


# --------------------------------------------------------------------------- placing


def _figure(published: Published, name: str) -> np.ndarray:
    if name == "total":
        return published.total
    if name == "gain":
        return published.gain
    if name == "previous_total":
        return published.previous_total
    if name.startswith("dimension:"):
        code = name.split(":", 1)[1]
        if code in published.dimension_codes:
            return published.dimensions[:, published.dimension_codes.index(code)]
    raise ValueError(
        f"unknown tie_break figure {name!r}; use total, gain, previous_total or "
        "dimension:<code>"
    )


@dataclass(frozen=True)
class _Ranked:
    at: int  # the agency's row
    place: int
    key: tuple[float, ...]  # the figures ranked on, negated (NaN: inf, last)


def _candidates(figure: np.ndarray, eligible: np.ndarray, count: int) -> np.ndarray:
    """Of the ``eligible`` agencies (indexes), those that can take one of the first
    ``count`` places: at least the ``count``-th largest figure (all when fewer)."""
    top = min(eligible.size, count)
    if eligible.size > top:
        values = figure[eligible]
        kth = np.partition(values, eligible.size - top)[eligible.size - top]  # the top-th largest
        chosen: np.ndarray = eligible[values >= kth]
        return chosen
    return eligible


def _rank(
    published: Published, figures: Sequence[np.ndarray], candidates: np.ndarray, by_code: bool
) -> list[_Ranked]:
    """The candidates placed, best first: by figure then tie-break figures, largest first
    (NaN last), then by agency code."""
    keys = [
        tuple(math.inf if v != v else -v for v in values)
        for values in zip(*(f[candidates].tolist() for f in figures), strict=True)
    ]
    order = sorted(
        zip(keys, [published.agencies[i] for i in candidates.tolist()], candidates.tolist(), strict=True)
    )
    ranked: list[_Ranked] = []
    for position, (key, _code, at) in enumerate(order):
        same = not by_code and ranked and ranked[-1].key == key
        ranked.append(_Ranked(at, ranked[-1].place if same else position + 1, key))
    return ranked


def _group_order(published: Published, base: np.ndarray, framework_groups: Sequence[str]) -> list[str]:
    """The peer groups with an agency in ``base``: framework order, then the others by
    code."""
    counts = np.bincount(published.group_ids[base] + 1, minlength=len(published.group_names) + 1)
    present = {published.group_names[g] for g in np.flatnonzero(counts[1:]).tolist()}
    return [g for g in framework_groups if g in present] + sorted(present - set(framework_groups))


def evaluate_awards(
    published: Published, rules: Sequence[AwardRule], peer_groups: Sequence[str] = ()
) -> tuple[AwardResult, ...]:
    """Every award rule applied to a cycle's published figures.

    A rule with ``per_group`` gives one result per peer group present (``peer_groups``
    order, then the others by code); ``best_dimension`` one result per dimension
    (``dimensions`` or all)."""
    results: list[AwardResult] = []
    has_total = ~np.isnan(published.total)
    for rule in rules:
        if rule.kind not in ("top_total", "top_gain", "best_dimension"):
            raise ValueError(f"award {rule.code}: unknown kind {rule.kind!r}")
        tie_breaks = [_figure(published, name) for name in rule.tie_break]
        base = has_total
        if rule.groups:
            ids = [k for k, g in enumerate(published.group_names) if g in rule.groups]
            base = base & np.isin(published.group_ids, ids)
        eligible = base
        floor_missed = None
        dimensions: list[str | None] = [None]
        if rule.kind == "top_total":
            figures = [published.total]
        elif rule.kind == "top_gain":
            figures = [published.gain]
            eligible = base & ~np.isnan(published.gain)
            if rule.floor is not None:
                # the floor is a published decimal: compare the published total to it
                reaches = published.total >= rule.floor
                floor_missed = eligible & ~reaches
                eligible = eligible & reaches
        else:
            dimensions = list(rule.dimensions or published.dimension_codes)
            for code in dimensions:
                if code not in published.dimension_codes:
                    raise ValueError(f"award {rule.code}: unknown dimension {code!r}")
            by_dimension = np.ascontiguousarray(published.dimensions.T)  # rows read whole
            figures = [by_dimension[published.dimension_codes.index(c)] for c in dimensions]
        groups: list[str | None] = [None]
        if rule.per_group:
            groups = list(_group_order(published, base, peer_groups))
        for figure, dimension in zip(figures, dimensions, strict=True):
            # the eligible agencies with the figure, split by peer group when the rule is
            candidates = np.flatnonzero(eligible & (figure == figure))  # (NaN != NaN)
            of_group = published.group_ids[candidates] if rule.per_group else candidates
            missed = None if floor_missed is None else np.flatnonzero(floor_missed)
            for group in groups:
                mine, misses = candidates, missed
                if group is not None:
                    gid = published.group_names.index(group)
                    mine = candidates[of_group == gid]
                    if misses is not None:
                        misses = misses[published.group_ids[misses] == gid]
                results.append(
                    _place(published, rule, figure, tie_breaks, mine, misses, group, dimension)
                )
    return tuple(results)


def _tie(rule: AwardRule, before: _Ranked, item: _Ranked) -> TieBreak | None:
    """How ``item`` was put after ``before`` when both have the same figure and a
    tie-break figure differs (None otherwise)."""
    if before.key[0] != item.key[0] or before.key == item.key:
        return None
    j = next(j for j in range(1, len(item.key)) if item.key[j] != before.key[j])

    def value(key: tuple[float, ...]) -> float:
        return math.nan if key[j] == math.inf else -key[j]

    return TieBreak(before.place, rule.tie_break[j - 1], value(item.key), value(before.key))


def _place(
    published: Published,
    rule: AwardRule,
    figure: np.ndarray,
    tie_breaks: Sequence[np.ndarray],
    eligible: np.ndarray,
    floor_missed: np.ndarray | None,
    group: str | None,
    dimension: str | None,
) -> AwardResult:
    """One award result: winners, then near misses (floor misses first). ``eligible``:
    the eligible agencies with the figure; ``floor_missed``: those that miss only the
    floor (indexes)."""
    n_eligible = int(eligible.size)
    candidates = _candidates(figure, eligible, rule.top + rule.near_misses)
    ranked = _rank(published, [figure, *tie_breaks], candidates, rule.ties == "code")
    per_place = Counter(item.place for item in ranked)

    facts = AwardFacts(
        kind=rule.kind, top=rule.top, floor=rule.floor if rule.kind == "top_gain" else None,
        eligible=n_eligible, group=group, dimension=dimension,
        previous_label=published.previous_label, precision=published.precision,
        gain_precision=published.gain_precision, previous_precision=published.previous_precision,
    )
    agencies, groups = published.agencies, published.groups
    totals, gains, previous = published.total, published.gain, published.previous_total

    def entry(
        at: int, place: int, kind: ReasonKind, after: str | None = None,
        tie: TieBreak | None = None,
    ) -> AwardEntry:
        gain, before, value, total = float(gains[at]), float(previous[at]), float(figure[at]), float(totals[at])
        reason = Reason(
            kind, place, per_place[place] > 1, value, total,
            None if math.isnan(before) else before, after, facts, tie,
        )
        return AwardEntry(
            agencies[at], groups[at], place, total, None if math.isnan(gain) else gain, value, reason
        )

    winners: list[AwardEntry] = []
    runners: list[AwardEntry] = []
    last: _Ranked | None = None
    for position, item in enumerate(ranked):
        tie = _tie(rule, ranked[position - 1], item) if position else None
        if item.place <= rule.top:
            winners.append(entry(item.at, item.place, "winner", tie=tie))
            last = item
        else:
            after = None
            if rule.ties == "code" and last is not None and last.key == item.key:
                after = published.agencies[last.at]
            runners.append(entry(item.at, item.place, "near_miss", after, tie))
    below: list[AwardEntry] = []
    if floor_missed is not None and rule.near_misses > 0:
        placed = [-item.key[0] for item in ranked]  # the eligible gains near the top
        bar = placed[rule.top - 1] if placed and len(placed) >= rule.top else -math.inf
        missed = floor_missed[figure[floor_missed] >= bar]
        chosen = sorted(
            zip(figure[missed].tolist(), missed.tolist(), strict=True),
            key=lambda t: (-t[0], published.agencies[t[1]]),
        )[: rule.near_misses]
        below = [
            entry(at, 1 + sum(1 for g in placed if g > gain), "below_floor")
            for gain, at in chosen
        ]
    return AwardResult(
        code=rule.code, name=rule.name, award_rule=rule, previous_label=published.previous_label,
        precision=published.precision, group=group, dimension=dimension,
        winners=tuple(winners), near_misses=tuple(below + runners)[: rule.near_misses],
        eligible=n_eligible,
    )
