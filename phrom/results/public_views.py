"""The public site around a cycle's results: the index of published cycles, the
methodology, the downloads and the data dictionary of the open data. No login."""

from __future__ import annotations

from django.db.models import Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, pgettext
from django.views.decorators.http import require_safe

from phrom.frameworks.models import Cycle, CycleStatus
from phrom.publications.models import PublicationStatus
from phrom.results.output import result_columns
from phrom.results.public import open_files
from phrom.results.views import scored_for_reader


@require_safe
def published_index(request: HttpRequest) -> HttpResponse:
    """Every published cycle, newest first, each with its latest version and links to its
    results, awards, methodology and downloads."""
    complete = Q(publications__status=PublicationStatus.COMPLETE)
    cycles = (Cycle.objects.filter(status=CycleStatus.PUBLISHED)
              .select_related("framework").defer("framework__source")
              .annotate(version=Max("publications__version", filter=complete),
                        published_at=Max("publications__created_at", filter=complete))
              .order_by("-year_be", "code"))
    return render(request, "results/index.html", {"cycles": list(cycles)})


def _figure(name: str, dimensions: dict[str, str]) -> str:
    """A tie-break figure as the reader calls it."""
    if name.startswith("dimension:"):
        code = name.split(":", 1)[1]
        return dimensions.get(code, code)
    return {"total": pgettext("award figure", "total"),
            "gain": pgettext("award figure", "gain"),
            "previous_total": pgettext("award figure", "previous total")}.get(name, name)


@require_safe
def methodology(request: HttpRequest, cycle: str) -> HttpResponse:
    """The cycle's framework in readable form, in the reader's language: dimensions and
    weights, indicators, questions and how each is scored, bands, peer groups and awards."""
    scored = scored_for_reader(request, cycle)
    spec = scored.spec  # a published cycle's: read from the framework text stored with it
    language = get_language() or "th"
    dimension_weight = sum(d.weight for d in spec.dimensions) or 1.0
    dimensions = []
    for d in spec.dimensions:
        indicator_weight = sum(i.weight for i in d.indicators) or 1.0
        dimensions.append({
            "dimension": d, "share": 100 * d.weight / dimension_weight,
            "indicators": [{"indicator": i, "share": 100 * i.weight / indicator_weight,
                            "questions": i.questions} for i in d.indicators],
        })
    groups = {g.code: g.name.get(language) for g in spec.peer_groups}
    names = {d.code: d.name.get(language) for d in spec.dimensions}
    awards = [{"rule": a, "group_names": [groups.get(g, g) for g in a.groups],
               "dimension_names": [names.get(c, c) for c in a.dimensions],
               "tie_break": [_figure(f, names) for f in a.tie_break]}
              for a in spec.awards]
    return render(request, "results/methodology.html", {
        "scored": scored, "spec": spec, "dimensions": dimensions, "awards": awards,
        "bands": sorted(spec.bands, key=lambda b: -b.minimum),
        "question_count": len(spec.questions),
        "previous": scored.cycle.previous,
    })


def _published(request: HttpRequest, cycle: str):  # type: ignore[no-untyped-def]
    scored = scored_for_reader(request, cycle)
    if scored.cycle.status != CycleStatus.PUBLISHED:
        raise Http404("open data exists only for published cycles")
    return scored


@require_safe
def downloads(request: HttpRequest, cycle: str) -> HttpResponse:
    """The open-data files of every version of the cycle's results, with their sizes."""
    scored = _published(request, cycle)
    versions = open_files(cycle=scored.cycle)
    if not versions:
        raise Http404("no complete publication")
    return render(request, "results/downloads.html", {
        "scored": scored, "versions": versions, "year": scored.cycle.year_be,
    })


@require_safe
def data_dictionary(request: HttpRequest, cycle: str) -> HttpResponse:
    """Each column of results.csv and answers.csv and each field of results.json and
    awards.json, for this cycle's files."""
    scored = _published(request, cycle)
    spec = scored.spec
    language = get_language() or "th"
    return render(request, "results/data_dictionary.html", {
        "scored": scored, "spec": spec, "year": scored.cycle.year_be,
        "columns": result_columns(scored.result),
        "dimensions": [(d.code, d.name.get(language)) for d in spec.dimensions],
        "has_previous": scored.result.has_previous,
        "precision": scored.result.published.precision,
        "first_question": spec.questions[0].code if spec.questions else "",
    })
