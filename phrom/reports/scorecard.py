"""The figures of one agency's scorecard, read through :mod:`phrom.results.selectors`
(stored figures once a cycle is published), ready for the print template."""

from __future__ import annotations

import math
from typing import Any

from phrom.results.adapter import ScoredCycle
from phrom.results.selectors import agency_explanation, claimed_total, names_of, result_rows
from scoring.model import Condition, Framework

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


RADAR_RADIUS = 80.0  # the radar's outer ring, in SVG units around (0, 0)
RADAR_RINGS = (0.25, 0.5, 0.75, 1.0)


def _point(k: int, n: int, share: float, *, clamp: bool = True) -> tuple[str, str]:
    """Where axis K of N meets SHARE (0..1) of the radius, as SVG coordinates written
    out (never localised): the first axis points up, the others follow clockwise."""
    angle = -math.pi / 2 + 2 * math.pi * k / n
    r = RADAR_RADIUS * (max(0.0, min(1.0, share)) if clamp else share)
    return f"{r * math.cos(angle):.2f}", f"{r * math.sin(angle):.2f}"


def _polygon(values: list[float | None], scale: float) -> str:
    """SVG ``points`` of a radar polygon; a missing value sits at the centre."""
    n = len(values)
    return " ".join(
        ",".join(_point(k, n, (v or 0.0) / scale if scale > 0 else 0.0))
        for k, v in enumerate(values)
    )


def radar(dimensions: list[dict[str, Any]], scale: float, *, previous: bool) -> dict[str, Any]:
    """A radar chart of the dimensions as SVG shapes only: rings, axes, one polygon per
    series and each axis's number at its end (WeasyPrint garbles Thai inside SVG text, so
    the names are in an HTML legend beside it, numbered alike)."""
    n = len(dimensions)
    if n < 3:  # a radar needs three axes; the bars and the table show the rest
        return {}
    return {
        "rings": [_polygon([scale * share] * n, scale) for share in RADAR_RINGS],
        "axes": [_point(k, n, 1.0) for k in range(n)],
        "numbers": [(k + 1, *_point(k, n, 1.15, clamp=False)) for k in range(n)],
        "own": _polygon([d["score"] for d in dimensions], scale),
        "average": _polygon([d["average"] for d in dimensions], scale),
        "previous": (_polygon([d["previous"] for d in dimensions], scale)
                     if previous and any(d["previous"] is not None for d in dimensions)
                     else ""),
    }


def option_labels(condition: Condition, framework: Framework, language: str) -> list[str]:
    """The options a condition names (its ``equals`` option or its ``any_of`` ones), by
    their labels in LANGUAGE; a code that the question read has no option for stays a
    code."""
    codes = condition.any_of or ((condition.equals,) if isinstance(condition.equals, str) else ())
    gate = framework.question(condition.question)
    options = [gate.option(code) if gate is not None else None for code in codes]
    return [o.label.get(language) if o is not None else code
            for o, code in zip(options, codes, strict=True)]


def asked_when(condition: Condition, framework: Framework, language: str) -> dict[str, Any]:
    """When a question with CONDITION is asked, for a sentence in the reader's language:
    the question that decides it (``text`` in LANGUAGE), and the answer that asks it:
    ``yes``, ``no``, ``options`` (``labels``) or ``at_least`` (``value``)."""
    gate = framework.question(condition.question)
    when: dict[str, Any] = {
        "code": condition.question,
        "text": gate.text.get(language) if gate is not None else condition.question,
    }
    if condition.at_least is not None:
        when.update(kind="at_least", value=condition.at_least)
    elif isinstance(condition.equals, bool):
        when.update(kind="yes" if condition.equals else "no")
    else:
        when.update(kind="options", labels=option_labels(condition, framework, language))
    return when


def _recommendations(explanation: Any, framework: Framework, scale: float, precision: int,
                     language: str) -> list[dict[str, Any]]:
    """The indicators with the most points to gain on the total, each with the questions
    that lost the most: an indicator's share of the total (its effective weight in its
    dimension times the dimension's in the total) times what its score is short of full
    marks; a question's, its share of the indicator times the points it missed.

    A question hidden by its condition counts 0 points while keeping its weight (with
    ``when_hidden: exclude`` it has none and is not named): it is named with when it
    would be asked (``asked_when``), since its points come only once it is."""
    found = []
    for dim in explanation.dimensions:
        for ind in dim.indicators:
            if ind.score is None or ind.effective_weight <= 0 or dim.effective_weight <= 0:
                continue
            share = dim.effective_weight * ind.effective_weight
            gain = share * (scale - float(ind.score))
            if round(gain, precision) <= 0:
                continue
            questions = []
            for q in ind.questions:
                if q.effective_weight <= 0 or q.max_points <= 0:
                    continue
                missed = 1.0 - (q.score if q.score is not None else 0.0)
                q_gain = round(share * q.effective_weight * missed * scale, precision)
                if q_gain <= 0:
                    continue
                hidden = framework.question(q.code) if q.status == "hidden" else None
                condition = hidden.condition if hidden is not None else None
                questions.append({
                    "code": q.code, "text": q.text.get(language), "answer": q.answer,
                    "shown": q.shown,
                    "points": q.points, "max_points": q.max_points, "gain": q_gain,
                    "unanswered": q.status == "unanswered",
                    "asked_when": (asked_when(condition, framework, language)
                                   if condition is not None else None),
                })
            questions.sort(key=lambda q: (-q["gain"], q["code"]))
            found.append({
                "code": ind.code, "name": ind.name.get(language),
                "dimension": dim.name.get(language), "score": float(ind.score),
                "gain": round(gain, precision), "questions": questions[:SHOWN],
            })
    found.sort(key=lambda i: (-i["gain"], i["code"]))
    return found[:SHOWN]


def scorecard_context(*, scored: ScoredCycle, agency: str, language: str) -> dict[str, Any]:
    """Everything one agency's scorecard shows, names in ``language``: the headline
    figures with ranks out of how many, each dimension beside its peer-group average and
    the previous cycle (bar widths in percent of the scale, and a radar: :func:`radar`),
    the strongest and weakest indicators, the indicators with the most points to gain
    with the questions behind them (:func:`_recommendations`), and the claimed total
    beside the verified one (stored by the publication where review exists).

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

    dims = result.published.dimensions
    previous_dims = (result.previous.dimensions.get(agency, {})
                     if result.previous is not None else {})
    dimensions = []
    for k, dim in enumerate(spec.dimensions):
        own = _num(float(dims[index, k]))
        column = [float(dims[i, k]) for i in peers if not math.isnan(float(dims[i, k]))]
        average = round(sum(column) / len(column), result.published.precision) if column else None
        before = _num(previous_dims.get(dim.code))
        dimensions.append({
            "code": dim.code, "name": dim.name.get(language),
            "score": own, "average": average, "previous": before,
            "score_width": _width(own, scale), "average_width": _width(average, scale),
            "previous_width": _width(before, scale),
        })

    indicator_scores = result.published_indicators[index]
    indicators = []
    position = 0
    for dim in spec.dimensions:
        for ind in dim.indicators:
            score = _num(float(indicator_scores[position]))
            position += 1
            if score is None:
                continue
            indicators.append({
                "code": ind.code, "name": ind.name.get(language),
                "dimension": dim.name.get(language), "score": score,
                "width": _width(score, scale),
            })
    by_score = sorted(indicators, key=lambda i: (-i["score"], i["code"]))
    strongest = by_score[:SHOWN]
    weakest = [i for i in reversed(by_score) if i not in strongest][:SHOWN]
    to_gain = _recommendations(agency_explanation(scored=scored, agency=agency), spec, scale,
                               result.published.precision, language)

    from phrom.frameworks.models import Cycle, CycleStatus

    # the status now, not the one a stored snapshot was taken with
    provisional = not Cycle.objects.filter(
        pk=scored.cycle.pk, status=CycleStatus.PUBLISHED).exists()
    verified = _num(row["total"])
    claimed = claimed_total(scored=scored, agency=agency)
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
        "previous_label": result.published.previous_label if result.has_previous else "",
        "dimensions": dimensions,
        "radar": radar(dimensions, scale, previous=result.has_previous),
        "strongest": strongest,
        "weakest": weakest,
        "recommendations": to_gain,
        "claimed": claimed,
        "claimed_gap": (round(verified - claimed, result.published.precision)
                        if claimed is not None and verified is not None else None),
        "precision": result.published.precision,
        "previous_precision": result.published.previous_precision,
        "gain_precision": result.published.gain_precision,
    }

