"""Published results: the cycle table, awards and one agency's scorecard."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from phrom.accounts.gates import profile_of, reads_every_agency
from phrom.frameworks.models import CycleStatus
from phrom.frameworks.selectors import CycleNotFound, cycle_by_name
from phrom.publications.selectors import VersionNotFound
from phrom.reports.scorecard import scorecard_context
from phrom.results.adapter import ScoredCycle
from phrom.results.selectors import (
    agency_explanation,
    award_tables,
    names_of,
    requested_version,
    result_rows,
    scored_cycle,
)


def _scored(request: HttpRequest, name: str) -> ScoredCycle:
    """A scored cycle: published ones for everybody, others for staff only."""
    try:
        cycle = cycle_by_name(name)
    except CycleNotFound as exc:
        raise Http404(str(exc)) from None
    if cycle.status != CycleStatus.PUBLISHED:
        if not reads_every_agency(profile_of(request.user)):
            raise Http404("results of this cycle are not published")
    try:  # ?version=N: that published version, at its own URL
        return scored_cycle(cycle=cycle, version=requested_version(request.GET))
    except VersionNotFound as exc:
        raise Http404(str(exc)) from None


def _precisions(scored: ScoredCycle) -> dict[str, int]:
    result = scored.result
    return {
        "precision": result.precision,
        "previous_precision": result.previous_precision,
        "gain_precision": result.gain_precision,
    }


def cycle_results(request: HttpRequest, cycle: str) -> HttpResponse:
    scored = _scored(request, cycle)
    language = get_language() or "th"
    context = {
        "scored": scored,
        "spec": scored.spec,
        "dimensions": [(d.code, d.name.get(language)) for d in scored.spec.dimensions],
        "rows": result_rows(scored=scored, language=language),
        "has_previous": scored.result.has_previous,
        **_precisions(scored),
    }
    return render(request, "results/cycle.html", context)


def cycle_awards(request: HttpRequest, cycle: str) -> HttpResponse:
    scored = _scored(request, cycle)
    language = get_language() or "th"
    return render(
        request,
        "results/awards.html",
        {
            "scored": scored,
            "awards": award_tables(scored=scored, language=language),
            **_precisions(scored),
        },
    )


def agency_scorecard(request: HttpRequest, cycle: str, agency: str) -> HttpResponse:
    scored = _scored(request, cycle)
    if agency not in scored.agencies:
        raise Http404("no scored response of that agency in this cycle")
    language = get_language() or "th"
    row = next(r for r in result_rows(scored=scored, language=language) if r["agency"] == agency)
    return render(
        request,
        "results/agency.html",
        {
            "scored": scored,
            "agency": scored.agencies[agency],
            "agency_name": row["name"],
            "explanation": agency_explanation(scored=scored, agency=agency),
            "row": row,
            "has_previous": scored.result.has_previous,
            "names": names_of(scored=scored, language=language),
            "card": scorecard_context(scored=scored, agency=agency, language=language),
            **_precisions(scored),
        },
    )
