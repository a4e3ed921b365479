"""Reads of the national dashboard: one cycle's figures across agencies, narrowed to a
peer group and a ministry.

Scores come from :func:`phrom.results.selectors.scored_cycle` (the stored figures once a
cycle is published); response and review progress from two aggregate queries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db.models import Count, F, FilteredRelation, Q
from django.utils.translation import gettext

from phrom.agencies.models import Agency, AgencyKind
from phrom.core.thai import thai_sort_key
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.frameworks.selectors import TARGET_KINDS, target_agencies
from phrom.responses.models import Response, ResponseStatus
from phrom.results.adapter import ScoredCycle
from phrom.results.selectors import scored_cycle

BINS = 10  # the histogram of totals: ten equal ranges of the scale
HEAT_LEVELS = 10  # heatmap cells: ten shades, from the table's lowest average to its highest


@dataclass(frozen=True)
class Ministry:
    pk: int
    code: str
    name_th: str
    name_en: str

    def name(self, language: str) -> str:
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name_th


def dashboard_cycles() -> list[Cycle]:
    """Every cycle, newest first, with its framework (without its YAML source)."""
    return list(Cycle.objects.select_related("framework").defer("framework__source")
                .order_by("-year_be", "-pk"))


def default_cycle(cycles: list[Cycle]) -> Cycle | None:
    """The newest published cycle, else the newest cycle."""
    published = [c for c in cycles if c.status == CycleStatus.PUBLISHED]
    return (published or cycles or [None])[0]


def ministries() -> list[Ministry]:
    """Every ministry, in Thai order of its Thai name."""
    found = [Ministry(pk=m["pk"], code=m["code"], name_th=m["name_th"], name_en=m["name_en"])
             for m in Agency.objects.filter(kind=AgencyKind.MINISTRY)
             .values("pk", "code", "name_th", "name_en").order_by()]
    return sorted(found, key=lambda m: thai_sort_key(m.name_th))


@dataclass
class Bar:
    """One row of a chart's table: a label and one value per series."""

    label: str
    values: list[float | None]


@dataclass
class Chart:
    """A chart and the table it is drawn from: ``heading`` names the label column,
    ``series`` the value columns."""

    key: str
    heading: str
    series: list[str]
    rows: list[Bar]
    precision: int = 0

    @property
    def empty(self) -> bool:
        return not any(v for row in self.rows for v in row.values)


@dataclass
class HeatRow:
    """One row of a heatmap: the averages of the agencies of a group or a ministry (or of
    every agency shown: ``national``), each with its shade once the table is known."""

    label: str
    count: int
    values: list[float | None]
    national: bool = False
    cells: list[tuple[float | None, str]] = field(default_factory=list)  # (average, class)


@dataclass
class Dashboard:
    cycle: Cycle
    scored: bool  # whether the cycle has scores at all
    precision: int
    scale: float
    dimensions: list[str]
    agencies: int  # agencies with a total, after the filters
    mean_total: float | None
    histogram: Chart
    bands: Chart
    by_group: list[HeatRow]
    by_ministry: list[HeatRow]
    national: HeatRow | None
    has_previous: bool
    previous_label: str
    change: Chart
    gains: Chart
    compared: int  # agencies with a total in both cycles
    improved: int
    declined: int
    unchanged: int
    mean_gain: float | None
    responses: Chart
    reviews: Chart
    groups: list[tuple[str, str]] = field(default_factory=list)  # the cycle's peer groups


def _mean(values: list[float], precision: int) -> float | None:
    return round(sum(values) / len(values), precision) if values else None


def heat_class(value: float | None, low: float, high: float) -> str:
    """The shade of a heatmap cell: ``heat-0`` for the table's lowest average LOW to
    ``heat-9`` for its highest HIGH (the middle shade when they are equal)."""
    if value is None:
        return "heat-none"
    if high <= low:
        return f"heat-{HEAT_LEVELS // 2}"
    level = int(HEAT_LEVELS * (max(low, min(value, high)) - low) / (high - low))
    return f"heat-{min(level, HEAT_LEVELS - 1)}"


def _heat_row(label: str, rows: list[int], dims: list[list[float]], precision: int,
              *, national: bool = False) -> HeatRow:
    values = []
    for k in range(len(dims[0]) if dims else 0):
        column = [dims[i][k] for i in rows if not math.isnan(dims[i][k])]
        values.append(_mean(column, precision))
    return HeatRow(label=label, count=len(rows), values=values, national=national)


def _shaded(rows: list[HeatRow]) -> list[HeatRow]:
    """ROWS with each cell shaded between the lowest and the highest average of them."""
    present = [v for row in rows for v in row.values if v is not None]
    low, high = (min(present), max(present)) if present else (0.0, 0.0)
    return [HeatRow(label=r.label, count=r.count, values=r.values, national=r.national,
                    cells=[(v, heat_class(v, low, high)) for v in r.values]) for r in rows]


def _number(value: float, precision: int) -> str:
    return f"{value:,.{precision}f}" if precision else f"{value:,.0f}"


def score_figures(*, scored: ScoredCycle, group: str, ministry: Ministry | None,
                  ministry_names: dict[int, str], language: str) -> dict[str, object]:
    """The figures computed from one cycle's scores, for the agencies of GROUP (all when
    empty) and MINISTRY (all when None)."""
    result, spec = scored.result, scored.spec
    scale, precision = float(result.framework.scale), result.published.precision
    totals = result.published.total.tolist()
    dims = result.published.dimensions.tolist()
    groups = result.groups
    agencies = result.agencies
    chosen = [
        i for i, code in enumerate(agencies)
        if (not group or groups[i] == group)
        and (ministry is None or scored.agencies[code].ministry_id == ministry.pk)
    ]
    with_total = [i for i in chosen if not math.isnan(totals[i])]

    width = scale / BINS
    counts = [0] * BINS
    for i in with_total:
        counts[min(int(totals[i] / width), BINS - 1) if width > 0 else 0] += 1
    bin_precision = 0 if float(width).is_integer() else 1
    histogram = Chart(key="histogram", heading=gettext("Total"), series=[gettext("Agencies")],
                      rows=[Bar(label=f"{_number(k * width, bin_precision)}–"
                                      f"{_number((k + 1) * width, bin_precision)}",
                                values=[float(n)])
                            for k, n in enumerate(counts)])

    bands = result.bands
    band_rows = [Bar(label=b.name.get(language), values=[float(sum(
        1 for i in with_total if bands[i] == b.code))]) for b in spec.bands]
    unbanded = sum(1 for i in with_total if bands[i] is None)
    if unbanded:
        band_rows.append(Bar(label=gettext("No band"), values=[float(unbanded)]))
    band_chart = Chart(key="bands", heading=gettext("Band"), series=[gettext("Agencies")],
                       rows=band_rows)

    by_group = []
    for g in spec.peer_groups:
        rows = [i for i in chosen if groups[i] == g.code]
        if rows:
            by_group.append(_heat_row(g.name.get(language), rows, dims, precision))
    no_group = [i for i in chosen if not groups[i]]
    if no_group:
        by_group.append(_heat_row(gettext("No peer group"), no_group, dims, precision))

    per_ministry: dict[int | None, list[int]] = {}
    for i in chosen:
        per_ministry.setdefault(scored.agencies[agencies[i]].ministry_id, []).append(i)
    by_ministry = []
    for pk, rows in per_ministry.items():
        label = gettext("No ministry") if pk is None else ministry_names.get(pk, str(pk))
        by_ministry.append(_heat_row(label, rows, dims, precision))
    by_ministry.sort(key=lambda r: thai_sort_key(r.label))
    national = (_heat_row(gettext("All shown"), chosen, dims, precision, national=True)
                if chosen else None)
    lead = [national] if national is not None else []

    figures: dict[str, object] = {
        "precision": precision,
        "scale": scale,
        "dimensions": [d.name.get(language) for d in spec.dimensions],
        "agencies": len(with_total),
        "mean_total": _mean([totals[i] for i in with_total], precision),
        "histogram": histogram,
        "bands": band_chart,
        "by_group": _shaded(lead + by_group),
        "by_ministry": _shaded(lead + by_ministry),
        "national": national,
        "has_previous": result.has_previous,
        "previous_label": result.published.previous_label if result.has_previous else "",
        "groups": [(g.code, g.name.get(language)) for g in spec.peer_groups],
    }
    figures.update(_change(scored=scored, chosen=chosen, language=language))
    return figures


def _change(*, scored: ScoredCycle, chosen: list[int], language: str) -> dict[str, object]:
    """Change over the previous cycle: totals up, down and unchanged, the mean gain, and
    each dimension's average in both cycles over the agencies scored in both."""
    result, spec = scored.result, scored.spec
    precision = result.published.precision
    series = [gettext("This cycle"), gettext("Previous cycle"), gettext("Difference")]
    empty = Chart(key="change", heading=gettext("Dimension"), series=series, rows=[],
                  precision=precision)
    if result.previous is None:
        return {"change": empty, "gains": _gains([], 1.0), "compared": 0, "improved": 0,
                "declined": 0, "unchanged": 0, "mean_gain": None}
    gains = result.published.gain.tolist()
    compared = [g for i in chosen if not math.isnan(g := gains[i])]
    dims = result.published.dimensions.tolist()
    previous = result.previous.dimensions
    rows = []
    for k, dim in enumerate(spec.dimensions):
        now, before = [], []
        for i in chosen:
            earlier = previous.get(result.agencies[i], {}).get(dim.code)
            if earlier is None or math.isnan(dims[i][k]):
                continue
            now.append(dims[i][k])
            before.append(float(earlier))
        mean_now, mean_before = _mean(now, precision), _mean(before, precision)
        change = (round(mean_now - mean_before, precision)
                  if mean_now is not None and mean_before is not None else None)
        rows.append(Bar(label=dim.name.get(language), values=[mean_now, mean_before, change]))
    return {
        "change": Chart(key="change", heading=gettext("Dimension"), series=series, rows=rows,
                        precision=precision),
        "gains": _gains(compared, float(result.framework.scale) / 20),
        "compared": len(compared),
        "improved": sum(1 for g in compared if g > 0),
        "declined": sum(1 for g in compared if g < 0),
        "unchanged": sum(1 for g in compared if g == 0),
        "mean_gain": _mean(compared, result.published.gain_precision),
    }


def _gains(gains: list[float], step: float) -> Chart:
    """Agencies by their gain over the previous cycle, in steps of STEP (a twentieth of
    the scale): declined or improved by less than one step, by one to two, by more."""
    def text(x: float) -> str:
        return _number(x, 0 if float(x).is_integer() else 1)

    one, two = text(step), text(2 * step)
    bins = [
        (gettext("Declined by %(step)s or more") % {"step": two}, lambda g: g <= -2 * step),
        (gettext("Declined by %(low)s to %(high)s") % {"low": one, "high": two},
         lambda g: -2 * step < g <= -step),
        (gettext("Declined by less than %(step)s") % {"step": one}, lambda g: -step < g < 0),
        (gettext("Unchanged"), lambda g: g == 0),
        (gettext("Improved by less than %(step)s") % {"step": one}, lambda g: 0 < g < step),
        (gettext("Improved by %(low)s to %(high)s") % {"low": one, "high": two},
         lambda g: step <= g < 2 * step),
        (gettext("Improved by %(step)s or more") % {"step": two}, lambda g: g >= 2 * step),
    ]
    return Chart(key="gains", heading=gettext("Gain over the previous cycle"),
                 series=[gettext("Agencies")],
                 rows=[Bar(label=label, values=[float(sum(1 for g in gains if inside(g)))])
                       for label, inside in bins])


def response_progress(*, cycle: Cycle, group: str, ministry: Ministry | None) -> dict[str, int]:
    """How many target agencies (of GROUP and MINISTRY) are at each response status."""
    agencies = target_agencies()
    if group:
        agencies = agencies.filter(group=group)
    if ministry is not None:
        agencies = agencies.filter(ministry_id=ministry.pk)
    counts = {s: 0 for s in ResponseStatus.values}
    # a LEFT JOIN on this cycle's response only: an agency without one keeps a NULL status
    joined = agencies.annotate(
        cycle_response=FilteredRelation("responses", condition=Q(responses__cycle=cycle)))
    rows = joined.values(status=F("cycle_response__status")).annotate(n=Count("pk")).order_by()
    for row in rows:
        status = row["status"] if row["status"] in counts else ResponseStatus.NOT_STARTED
        counts[status] += row["n"]
    return counts


def review_progress(*, cycle: Cycle, group: str, ministry: Ministry | None) -> dict[str, int]:
    """How many submitted responses of target agencies (of GROUP and MINISTRY: those
    :func:`response_progress` counts as submitted) are at each review status; a response
    no reviewer has opened is not started."""
    from phrom.reviews.models import ReviewStatus

    responses = Response.objects.filter(cycle=cycle, status=ResponseStatus.SUBMITTED,
                                        agency__active=True, agency__kind__in=TARGET_KINDS)
    if group:
        responses = responses.filter(agency__group=group)
    if ministry is not None:
        responses = responses.filter(agency__ministry_id=ministry.pk)
    counts = {s: 0 for s in ReviewStatus.values}
    for row in (responses.values(review_status=F("review__status"))
                .annotate(n=Count("pk")).order_by()):
        status = row["review_status"]
        if status not in counts:  # no review yet
            status = ReviewStatus.NOT_STARTED
        counts[status] += row["n"]
    return counts


def dashboard(*, cycle: Cycle, group: str, ministry: Ministry | None,
              all_ministries: list[Ministry], language: str) -> Dashboard:
    """Everything the dashboard shows for CYCLE, narrowed to GROUP and MINISTRY."""
    from phrom.responses.models import ResponseStatus as RS
    from phrom.reviews.models import ReviewStatus

    names = {m.pk: m.name(language) for m in all_ministries}
    try:
        scored = scored_cycle(cycle=cycle)
    except ValueError:  # nothing the engine can score yet (no submitted response)
        scored = None
    if scored is not None and scored.result.agencies:
        figures = score_figures(scored=scored, group=group, ministry=ministry,
                                ministry_names=names, language=language)
        has_scores = True
    else:
        spec = cycle.framework.spec()
        figures = {
            "precision": spec.precision, "scale": spec.scale,
            "dimensions": [d.name.get(language) for d in spec.dimensions], "agencies": 0,
            "mean_total": None, "histogram": Chart(key="histogram", heading="", series=[], rows=[]),
            "bands": Chart(key="bands", heading="", series=[], rows=[]), "by_group": [],
            "by_ministry": [], "national": None, "has_previous": False,
            "previous_label": "", "change": Chart(key="change", heading="", series=[], rows=[]),
            "gains": Chart(key="gains", heading="", series=[], rows=[]),
            "compared": 0, "improved": 0, "declined": 0, "unchanged": 0, "mean_gain": None,
            "groups": [(g.code, g.name.get(language)) for g in spec.peer_groups],
        }
        has_scores = False
    responses = response_progress(cycle=cycle, group=group, ministry=ministry)
    reviews = review_progress(cycle=cycle, group=group, ministry=ministry)
    return Dashboard(
        cycle=cycle,
        scored=has_scores,
        responses=Chart(key="responses", heading=gettext("Response status"),
                        series=[gettext("Agencies")], rows=[
            Bar(label=str(RS(s).label), values=[float(n)]) for s, n in responses.items()]),
        reviews=Chart(key="reviews", heading=gettext("Review status"),
                      series=[gettext("Responses")], rows=[
            Bar(label=str(ReviewStatus(s).label), values=[float(n)]) for s, n in reviews.items()]),
        **figures,  # type: ignore[arg-type]
    )
