"""Published results: the cycle table and one agency's scorecard (the award pages are
phrom/awards)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from phrom.accounts.gates import profile_of, reads_every_agency
from phrom.core.views import NotFoundSaying
from phrom.frameworks.models import CycleStatus
from phrom.frameworks.selectors import CycleNotFound, cycle_by_name
from phrom.publications.selectors import VersionNotFound, no_version_message
from phrom.reports.scorecard import scorecard_context
from phrom.results.adapter import ScoredCycle
from phrom.results.public import SORTS, Found, Query, find, read_query, table_of
from phrom.results.selectors import (
    agency_explanation,
    names_of,
    requested_version,
    scored_cycle,
)


def scored_for_reader(request: HttpRequest, name: str) -> ScoredCycle:
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
    except VersionNotFound:
        raise NotFoundSaying(no_version_message(cycle, request.GET.get("version", ""))) from None


def precisions(scored: ScoredCycle) -> dict[str, int]:
    """The precisions a results template formats the published figures with."""
    published = scored.result.published
    return {
        "precision": published.precision,
        "previous_precision": published.previous_precision,
        "gain_precision": published.gain_precision,
    }


def cycle_results(request: HttpRequest, cycle: str) -> HttpResponse:
    """The cycle's table, one page of it: searched by name or code, filtered by peer group,
    ministry and band, sorted by rank, name (Thai collation), total or gain, from the query
    string; an odd value is set aside with a note on the page."""
    scored = scored_for_reader(request, cycle)
    language = get_language() or "th"
    table = table_of(scored=scored, language=language)
    query = read_query(request.GET, table)
    found = find(table, query)
    context = {
        "scored": scored,
        "spec": scored.spec,
        "dimensions": [(d.code, d.name.get(language)) for d in scored.spec.dimensions],
        "table": table,
        "query": query,
        "found": found,
        "rows": found.rows,
        "has_previous": scored.result.has_previous,
        "sorting": _sort_links(query, has_previous=table.has_previous),
        "pages": _page_links(query, found),
        "previous_page": "?" + urlencode(query.params(page=found.page - 1))
        if found.page > 1 else "",
        "next_page": "?" + urlencode(query.params(page=found.page + 1))
        if found.page < found.pages else "",
        "filtered": bool(query.q or query.group or query.ministry or query.band),
        **precisions(scored),
    }
    return render(request, "results/cycle.html", context)


def _sort_links(query: Query, *, has_previous: bool) -> dict[str, dict[str, str]]:
    """For each sortable column: the link that sorts by it (the other way when it is the
    current sort) and its ``aria-sort`` value ("" when not the current sort)."""
    links = {}
    for sort, natural in SORTS.items():
        if sort == "gain" and not has_previous:
            continue
        current = query.sort == sort
        direction = ("desc" if query.direction == "asc" else "asc") if current else natural
        links[sort] = {
            "href": "?" + urlencode(query.params(sort=sort, dir=direction, page=1)),
            "aria": ("ascending" if query.direction == "asc" else "descending") if current else "",
        }
    return links


def _page_links(query: Query, found: Found) -> list[dict[str, object]]:
    """Links to the first, previous, nearby, next and last pages (none for one page)."""
    if found.pages <= 1:
        return []
    numbers = sorted({1, found.pages, *range(max(1, found.page - 2),
                                             min(found.pages, found.page + 2) + 1)})
    links: list[dict[str, object]] = []
    before = 0
    for n in numbers:
        if n - before > 1:
            links.append({"gap": True})
        links.append({"number": n, "current": n == found.page,
                      "href": "?" + urlencode(query.params(page=n))})
        before = n
    return links


def agency_scorecard(request: HttpRequest, cycle: str, agency: str) -> HttpResponse:
    scored = scored_for_reader(request, cycle)
    if agency not in scored.agencies:
        raise Http404("no scored response of that agency in this cycle")
    language = get_language() or "th"
    # the row as the table shows it (made once per process for a published cycle)
    row = next(r for r in table_of(scored=scored, language=language).rows
               if r["agency"] == agency)
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
            **precisions(scored),
        },
    )
