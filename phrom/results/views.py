"""Published results: the cycle table, awards and one agency's scorecard."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from phrom.accounts.gates import profile_of, reads_every_agency
from phrom.frameworks.models import CycleStatus
from phrom.frameworks.selectors import CycleNotFound, cycle_by_name
from phrom.results.selectors import scored_cycle
from scoring.explain import explain_agency


def _scored(request: HttpRequest, name: str):  # type: ignore[no-untyped-def]
    """A scored cycle: published ones for everybody, others for staff only."""
    try:
        cycle = cycle_by_name(name)
    except CycleNotFound as exc:
        raise Http404(str(exc)) from None
    if cycle.status != CycleStatus.PUBLISHED:
        if not reads_every_agency(profile_of(request.user)):
            raise Http404("results of this cycle are not published")
    return scored_cycle(cycle=cycle)


def cycle_results(request: HttpRequest, cycle: str) -> HttpResponse:
    scored = _scored(request, cycle)
    language = get_language() or "th"
    rows = scored.result.to_rows()
    rows.sort(key=lambda r: (r["rank"], r["agency"]))  # type: ignore[arg-type]
    bands = {b.code: b.name.get(language) for b in scored.spec.bands}
    for row in rows:
        row["band_name"] = bands.get(str(row["band"]), row["band"] or "")
        agency = scored.agencies.get(str(row["agency"]))
        row["name"] = agency.name(language) if agency else row["agency"]
        row["dims"] = [row[d.code] for d in scored.spec.dimensions]
    context = {
        "scored": scored,
        "spec": scored.spec,
        "dimensions": [(d.code, d.name.get(language)) for d in scored.spec.dimensions],
        "rows": rows,
        "has_previous": scored.previous is not None,
    }
    return render(request, "results/cycle.html", context)


def cycle_awards(request: HttpRequest, cycle: str) -> HttpResponse:
    scored = _scored(request, cycle)
    language = get_language() or "th"
    names = {code: a.name(language) for code, a in scored.agencies.items()}
    return render(
        request,
        "results/awards.html",
        {"scored": scored, "awards": scored.result.awards, "names": names, "language": language},
    )


def agency_scorecard(request: HttpRequest, cycle: str, agency: str) -> HttpResponse:
    scored = _scored(request, cycle)
    if agency not in scored.agencies:
        raise Http404("no scored response of that agency in this cycle")
    explanation = explain_agency(scored.result, agency, scored.answers[agency])
    language = get_language() or "th"
    row = next(r for r in scored.result.to_rows() if r["agency"] == agency)
    bands = {b.code: b.name.get(language) for b in scored.spec.bands}
    row["band_name"] = bands.get(str(row["band"]), row["band"] or "")
    return render(
        request,
        "results/agency.html",
        {
            "scored": scored,
            "agency": scored.agencies[agency],
            "agency_name": scored.agencies[agency].name(language),
            "explanation": explanation.to_dict(),
            "row": row,
        },
    )
