"""The figures of one agency's scorecard, read through :mod:`phrom.results.selectors`
(stored figures once a cycle is published), ready for the print template."""

from __future__ import annotations

import math
from typing import Any

from phrom.results.adapter import ScoredCycle
from phrom.results.selectors import names_of, result_rows

SHOWN = 3  # strongest, weakest indicators and recommendations shown


def _num(value: object) -> float | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(float(value)) else float(value)


def _width(value: float | None, scale: float) -> float:
    """A bar's width in percent of the scale, clamped to 0..100."""
    if value is None or scale <= 0:
        return 0.0
    return round(max(0.0, min(100.0, 100.0 * value / scale)), 2)


def _claimed_total(scored: ScoredCycle, agency: str) -> float | None:
    """The total the agency's own answers gave, as the cycle's current publication
    stored it beside the verified one; None without a publication or a review."""
    from phrom.publications.selectors import current_publication

    publication = current_publication(cycle=scored.cycle)
    if publication is None:
        return None
    from phrom.publications.models import Publication

    rows = Publication.objects.values_list("rows", flat=True).get(pk=publication.pk) or []
    for row in rows:
        if str(row.get("agency")) == agency:
            return _num(row.get("claimed_total"))
    return None


def scorecard_context(*, scored: ScoredCycle, agency: str, language: str) -> dict[str, Any]:
    """Everything one agency's scorecard shows, names in ``language``: the headline
    figures with ranks out of how many, each dimension beside its peer-group average and
    the previous cycle (bar widths in percent of the scale), the strongest and weakest
    indicators, the indicators with the most points to gain, and claimed beside verified.

    Raises ``KeyError`` when ``agency`` has no scored response in the cycle."""
    result, spec = scored.result, scored.spec
    rows = result_rows(scored=scored, language=language)
    row = next((r for r in rows if r["agency"] == agency), None)
    if row is None:
        raise KeyError(agency)
    names = names_of(scored=scored, language=language)
    index = result.index(agency)
    group = row["group"]
    scale = float(result.framework.scale)
    peers = [i for i, g in enumerate(result.groups) if g == group] if group else []

    ranked = sum(1 for r in rows if r["rank"])
    group_ranked = sum(1 for r in rows if r["group_rank"] and r["group"] == group)

    dims = result.published_dimensions
    previous_dims = (result.previous.dimensions.get(agency, {})
                     if result.previous is not None else {})
    dimensions = []
    for k, dim in enumerate(spec.dimensions):
        own = _num(float(dims[index, k]))
        column = [float(dims[i, k]) for i in peers if not math.isnan(float(dims[i, k]))]
        average = round(sum(column) / len(column), result.precision) if column else None
        before = _num(previous_dims.get(dim.code))
        dimensions.append({
            "code": dim.code, "name": dim.name.get(language),
            "score": own, "average": average, "previous": before,
            "score_width": _width(own, scale), "average_width": _width(average, scale),
            "previous_width": _width(before, scale),
        })

    # an indicator's share of the total: its weight in its dimension times the
    # dimension's weight in the total (normalisation across agencies left aside)
    dim_weights = sum(d.weight for d in spec.dimensions) or 1.0
    indicator_scores = result.published_indicators[index]
    indicators = []
    position = 0
    for dim in spec.dimensions:
        ind_weights = sum(i.weight for i in dim.indicators) or 1.0
        for ind in dim.indicators:
            score = _num(float(indicator_scores[position]))
            position += 1
            if score is None:
                continue
            share = (dim.weight / dim_weights) * (ind.weight / ind_weights)
            indicators.append({
                "code": ind.code, "name": ind.name.get(language),
                "dimension": dim.name.get(language), "score": score,
                "width": _width(score, scale),
                "gain": round(share * (scale - score), result.precision),
            })
    by_score = sorted(indicators, key=lambda i: (-i["score"], i["code"]))
    strongest = by_score[:SHOWN]
    weakest = [i for i in reversed(by_score) if i not in strongest][:SHOWN]
    to_gain = sorted((i for i in indicators if i["gain"] > 0),
                     key=lambda i: (-i["gain"], i["code"]))[:SHOWN]

    from phrom.frameworks.models import Cycle, CycleStatus

    # the status now, not the one a stored snapshot was taken with
    provisional = not Cycle.objects.filter(
        pk=scored.cycle.pk, status=CycleStatus.PUBLISHED).exists()
    verified = _num(row["total"])
    claimed = _claimed_total(scored, agency)
    return {
        "scored": scored,
        "cycle": scored.cycle,
        "year_be": scored.cycle.year_be,
        "provisional": provisional,
        "agency": scored.agencies[agency],
        "agency_name": names["agency"].get(agency, agency),
        "row": row,
        "total": verified,
        "total_width": _width(verified, scale),
        "scale": scale,
        "ranked": ranked,
        "group_ranked": group_ranked,
        "has_previous": result.has_previous,
        "previous_label": result.previous_label if result.has_previous else "",
        "dimensions": dimensions,
        "strongest": strongest,
        "weakest": weakest,
        "recommendations": to_gain,
        "claimed": claimed,
        "claimed_gap": (round(verified - claimed, result.precision)
                        if claimed is not None and verified is not None else None),
        "precision": result.precision,
        "previous_precision": result.previous_precision,
        "gain_precision": result.gain_precision,
    }

