"""Reads of the award pages: each award with its winners, their figures and the near
misses, the ties said plainly, the recorded decisions, and a what-if preview of other
award rules (computed, never stored)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, cast

import numpy as np
from django.utils.translation import gettext, pgettext

from phrom.awards.models import AwardDecision
from phrom.frameworks.models import Cycle
from phrom.results.adapter import ScoredCycle
from phrom.results.selectors import award_tables, names_of
from scoring.awards import AwardEntry, AwardResult, evaluate_awards
from scoring.model import AwardRule


def _fmt(value: float | None, decimals: int, *, signed: bool = False) -> str:
    if value is None or math.isnan(value):
        return "–"
    text = f"{value:+.{decimals}f}" if signed else f"{value:.{decimals}f}"
    return text.lstrip("+-") if float(text) == 0 else text


def _figure_value(scored: ScoredCycle, name: str, agency: str) -> float | None:
    """A tie-break figure (``total``, ``gain``, ``previous_total``, ``dimension:<code>``)
    of AGENCY as published."""
    published = scored.result.published
    at = published.agencies.index(agency)
    if name == "total":
        value = float(published.total[at])
    elif name == "gain":
        value = float(published.gain[at])
    elif name == "previous_total":
        value = float(published.previous_total[at])
    elif name.startswith("dimension:") and name[10:] in published.dimension_codes:
        value = float(published.dimensions[at, published.dimension_codes.index(name[10:])])
    else:
        return None
    return None if math.isnan(value) else value


# What the engine named an unnamed previous cycle until it left the naming to the pages:
# publications stored before then still hold it, and the pages read it as no name.
_FORMER_UNNAMED = "the previous cycle"


def previous_label(label: str | None) -> str:
    """The name of the previous cycle that gains compare with, as the pages show it: ""
    when nothing names it (the pages then say "the previous cycle" in the reader's
    language)."""
    return "" if not label or label == _FORMER_UNNAMED else label


def _named(award: AwardResult) -> AwardResult:
    """AWARD with the previous cycle named as the pages show it (:func:`previous_label`)."""
    label = previous_label(award.previous_label)
    return award if label == award.previous_label else dataclasses.replace(award, previous_label=label)


def _columns(scored: ScoredCycle, award: AwardResult, dimension_name: str,
             figure_names: Mapping[str, str]) -> list[tuple[str, str]]:
    """The figures shown beside each winner and near miss: what the award ranks on, what
    it is computed from, then the rule's tie-break figures (key, heading)."""
    if award.kind == "top_gain":
        label = previous_label(scored.result.published.previous_label)
        previous = gettext("Total %(label)s") % {"label": label} if label else gettext("Previous total")
        columns = [
            ("gain", pgettext("award figure", "gain")),
            ("previous_total", previous),
            ("total", pgettext("award figure", "total")),
        ]
    elif award.kind == "best_dimension":
        columns = [("value", dimension_name or str(award.dimension)),
                   ("total", pgettext("award figure", "total"))]
    else:
        columns = [("total", pgettext("award figure", "total"))]
    for name in award.award_rule.tie_break:
        if name not in {key for key, _ in columns}:
            columns.append((name, figure_names.get(name, name)))
    return columns


def _figures(scored: ScoredCycle, entry: AwardEntry, columns: Sequence[tuple[str, str]]) -> list[str]:
    r, published = entry.reason, scored.result.published
    shown = []
    for key, _heading in columns:
        if key == "value":
            shown.append(r.shown_value)
        elif key == "total":
            shown.append(r.shown_total)
        elif key == "gain":
            shown.append(_fmt(entry.gain, published.gain_precision, signed=True))
        elif key == "previous_total":
            shown.append(_fmt(r.previous_total, published.previous_precision))
        else:  # a tie-break figure: a dimension score
            shown.append(_fmt(_figure_value(scored, key, entry.agency), published.precision))
    return shown


def _ties(scored: ScoredCycle, award: AwardResult, names: Mapping[str, str],
          figure_names: Mapping[str, str], ranked: Sequence[AwardEntry]) -> list[dict[str, object]]:
    """The ties of one award result, each as what the page says plainly: agencies that
    share a place (``shared``), an equal figure settled by a tie-break figure
    (``tie_break``), agencies equal on every figure put in order by agency code (``code``).
    ``wins``: whether the tie decided who won (it straddles the last winning place)."""
    top = award.award_rule.top
    # the figures each agency is ordered by: the award's figure, then its tie-break figures
    keys = [(e.value, *(_figure_value(scored, f, e.agency) for f in award.award_rule.tie_break))
            for e in ranked]
    ties: list[dict[str, object]] = []
    by_place: dict[int, list[AwardEntry]] = {}
    for entry in ranked:
        if entry.reason.shared:
            by_place.setdefault(entry.place, []).append(entry)
    for place, shared in sorted(by_place.items()):
        ties.append({
            "kind": "shared", "place": place, "value": shared[0].reason.shown_value,
            "names": [names.get(e.agency, e.agency) for e in shared],
            "wins": place <= top, "beyond": place + len(shared) - 1 > top >= place,
        })
    for i, entry in enumerate(ranked):
        r = entry.reason
        if r.tie is not None and i > 0:
            before = ranked[i - 1]
            value, other = r.shown_tie
            ties.append({
                "kind": "tie_break", "name": names.get(entry.agency, entry.agency),
                "before": names.get(before.agency, before.agency), "place": entry.place,
                "before_place": r.tie.place, "value": r.shown_value,
                "figure": figure_names.get(r.tie.figure, r.tie.figure),
                "mine": value, "theirs": other, "wins": before.place <= top < entry.place,
            })
        elif i > 0 and award.award_rule.ties == "code" and keys[i] == keys[i - 1]:
            before = ranked[i - 1]
            ties.append({
                "kind": "code", "name": names.get(entry.agency, entry.agency),
                "before": names.get(before.agency, before.agency), "place": entry.place,
                "wins": before.place <= top < entry.place,
            })
    return ties


def _no_winner(scored: ScoredCycle, award: AwardResult) -> str:
    """Why an award result has no winner, in the reader's language ("" when it has)."""
    if award.winners:
        return ""
    if award.kind == "top_gain":
        if not scored.result.has_previous:
            return gettext("No winner: this cycle has no previous cycle to measure a gain "
                           "from.")
        if bool(np.isnan(scored.result.published.gain).all()):
            return gettext("No winner: no agency has a total in the previous cycle to "
                           "measure a gain from.")
        if award.award_rule.floor is not None:
            return gettext("No winner: no agency with a gain has a total at or above the "
                           "floor.")
    return gettext("No winner: no agency is eligible for this award.")


def award_sections(*, scored: ScoredCycle, language: str) -> list[dict[str, object]]:
    """Each award result as the award page shows it: ``award_tables``' names, the rule's
    description in LANGUAGE, the figure columns, each winner's and near miss's figures,
    the ties, and why there is no winner when there is none."""
    agency_names = names_of(scored=scored, language=language)["agency"]
    sections = award_tables(scored=scored, language=language)
    for table in sections:
        award: AwardResult = table["award"]  # type: ignore[assignment]
        figure_names: dict[str, str] = table["figure_names"]  # type: ignore[assignment]
        description = award.award_rule.description
        columns = _columns(scored, award, str(table["dimension_name"]), figure_names)
        below = [m for m in award.near_misses if m.reason.kind == "below_floor"]
        runners = [m for m in award.near_misses if m.reason.kind != "below_floor"]
        table.update({
            "description": description.get(language) if description else "",
            "columns": columns,
            "winner_rows": [
                {"entry": e, "name": agency_names.get(e.agency, e.agency),
                 "figures": _figures(scored, e, columns)}
                for e in award.winners
            ],
            "miss_rows": [
                {"entry": e, "name": agency_names.get(e.agency, e.agency),
                 "figures": _figures(scored, e, columns)}
                for e in (*runners, *below)
            ],
            "ties": _ties(scored, award, agency_names, figure_names, (*award.winners, *runners)),
            "no_winner": _no_winner(scored, award),
            "award": _named(award),
            "agency_names": agency_names,
        })
    return sections


def winners_of(*, scored: ScoredCycle) -> list[dict[str, object]]:
    """What a decision confirms: each award result's winners (code, names, group,
    dimension, agencies and places)."""
    return [
        {
            "award": a.code, "name": {"th": a.name.th, "en": a.name.en},
            "group": a.group, "dimension": a.dimension,
            "winners": [{"agency": w.agency, "place": w.place} for w in a.winners],
        }
        for a in scored.result.awards
    ]


def awards_won(*, scored: ScoredCycle, agency: str) -> list[tuple[AwardResult, AwardEntry]]:
    """The award results AGENCY won, in the page's order, with its winning entry."""
    return [
        (award, entry)
        for award in scored.result.awards
        for entry in award.winners
        if entry.agency == agency
    ]


def decision_history(*, cycle: Cycle) -> list[AwardDecision]:
    """CYCLE's recorded award decisions, latest first, with their publication version."""
    return list(
        AwardDecision.objects.filter(cycle=cycle)
        .select_related("publication")
        .only("cycle_id", "by_id", "by_name", "at", "note", "winners", "publication__version",
              "publication__cycle_id")
        .order_by("-at", "-id")
    )


def decision_for(*, publication_id: int | None,
                 history: Sequence[AwardDecision]) -> AwardDecision | None:
    """The decision that confirmed the publication PUBLICATION_ID, if any."""
    if publication_id is None:
        return None
    return next((d for d in history if d.publication_id == publication_id), None)


# --------------------------------------------------------------------------- what-if


class _WithAwards:
    """A cycle's results read as they are, with other award results."""

    def __init__(self, result: Any, awards: tuple[AwardResult, ...]) -> None:
        self._result = result
        self.awards = awards

    def __getattr__(self, name: str) -> Any:
        return getattr(self._result, name)


@dataclasses.dataclass(frozen=True)
class RuleChange:
    """Another setting of one award rule: its places, floor (``top_gain`` only), whether
    it is awarded per peer group, and the peer groups it is limited to (none: all)."""

    top: int
    floor: float | None
    per_group: bool
    groups: tuple[str, ...]


def changed_rules(rules: Sequence[AwardRule], changes: Mapping[str, RuleChange]) -> tuple[AwardRule, ...]:
    """RULES with CHANGES applied (by award code); the framework's own are not touched."""
    changed = []
    for rule in rules:
        change = changes.get(rule.code)
        if change is None:
            changed.append(rule)
            continue
        changed.append(dataclasses.replace(
            rule, top=change.top, per_group=change.per_group, groups=change.groups,
            floor=change.floor if rule.kind == "top_gain" else rule.floor,
        ))
    return tuple(changed)


def _places(award: AwardResult, names: Mapping[str, str]) -> list[dict[str, object]]:
    return [
        {"place": w.place, "agency": w.agency, "name": names.get(w.agency, w.agency),
         "value": w.reason.shown_value, "shared": w.reason.shared}
        for w in award.winners
    ]


def what_if(*, scored: ScoredCycle, changes: Mapping[str, RuleChange],
            language: str) -> list[dict[str, object]]:
    """The awards of SCORED's published figures under the framework's rules changed by
    CHANGES, beside the current ones: per award rule, its current and previewed results
    (each with its winners) and the agencies that would win it newly (``added``) or no
    longer (``dropped``). Computed by the engine's award placing; nothing is stored."""
    spec = scored.spec
    rules = changed_rules(spec.awards, changes)
    preview = evaluate_awards(scored.result.published, rules,
                              [g.code for g in spec.peer_groups])
    previewed = dataclasses.replace(scored, result=cast(Any, _WithAwards(scored.result, preview)))
    names = names_of(scored=scored, language=language)
    current_tables = award_tables(scored=scored, language=language)
    preview_tables = award_tables(scored=previewed, language=language)
    compared = []
    for rule, new_rule in zip(spec.awards, rules, strict=True):
        def mine(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [t for t in tables if t["award"].code == rule.code]  # noqa: B023

        before, after = mine(current_tables), mine(preview_tables)
        for t in (*before, *after):
            t["places"] = _places(t["award"], names["agency"])
            t["award"] = _named(t["award"])
        won_before = {w.agency for t in before for w in t["award"].winners}
        won_after = {w.agency for t in after for w in t["award"].winners}
        compared.append({
            "rule": rule, "new_rule": new_rule, "name": rule.name.get(language),
            "changed": rule != new_rule, "current": before, "preview": after,
            "added": won_after - won_before, "dropped": won_before - won_after,
            "dropped_names": sorted(names["agency"].get(a, a) for a in won_before - won_after),
        })
    return compared
