"""Open data of published cycles at stable URLs, no login."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_safe

from phrom.core.views import NotFoundSaying
from phrom.publications.models import Publication
from phrom.publications.selectors import (
    no_version_message,
    open_publication,
    publication_log,
)

_FILES = {
    "results.csv": "text/csv; charset=utf-8",
    "results.json": "application/json; charset=utf-8",
    "answers.csv": "text/csv; charset=utf-8",
    "awards.json": "application/json; charset=utf-8",
    "framework.yaml": "application/yaml; charset=utf-8",
}


def _body(publication: Publication, name: str) -> str:
    if name == "results.csv":
        return publication.results_csv
    if name == "answers.csv":
        return publication.answers_csv
    if name == "framework.yaml":
        return publication.framework_text
    if name == "awards.json":
        payload: object = publication.awards
    else:
        payload = {
            "cycle": publication.cycle.code,
            "year_be": publication.cycle.year_be,
            "version": publication.version,
            "published_at": publication.created_at.isoformat(),
            "framework_sha256": publication.framework_sha256,
            "phrom_version": publication.phrom_version,
            "correction_note": publication.note,
            "rows": publication.rows,
        }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


@require_safe
def open_index(request: HttpRequest, year: int) -> HttpResponse:
    """``/open-data/<year>/`` itself: the downloads page that lists the files of the
    published cycle of YEAR (B.E.); 404 for a cycle not published."""
    if open_publication(year_be=year) is None:
        raise Http404
    return HttpResponseRedirect(reverse("results:downloads", args=[str(year)]))


@require_safe
def open_version(request: HttpRequest, year: int, version: int) -> HttpResponse:
    """``/open-data/<year>/v<N>/``, a version's folder: the downloads page, which lists
    every version's files."""
    if open_publication(year_be=year, version=version) is None:
        raise Http404
    return HttpResponseRedirect(reverse("results:downloads", args=[str(year)]))


@require_safe
def open_log(request: HttpRequest, year: int) -> HttpResponse:
    """The public log of the published cycle of YEAR (B.E.): every version, latest first,
    with when it was published, by whom, its correction note and its files; 404 for a
    cycle not published."""
    latest = open_publication(year_be=year)
    if latest is None:
        raise Http404
    versions = []
    for publication in publication_log(cycle=latest.cycle):
        by = publication.by.get_full_name() if publication.by is not None else ""
        versions.append({
            "version": publication.version,
            "published_at": publication.created_at.isoformat(),
            "by": by,
            "correction_note": publication.note,
            "framework_sha256": publication.framework_sha256,
            "phrom_version": publication.phrom_version,
            "files": {name: request.build_absolute_uri(
                f"/open-data/{year}/v{publication.version}/{name}") for name in _FILES},
        })
    payload = {"cycle": latest.cycle.code, "year_be": year, "versions": versions}
    response = HttpResponse(json.dumps(payload, ensure_ascii=False, indent=2) + "\n",
                            content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def open_file(request: HttpRequest, year: int, name: str, version: int | None = None
              ) -> HttpResponse:
    """One open-data file of the published cycle of YEAR (B.E.), latest version or
    VERSION; 404 for a cycle not published. ``?version=N`` on the latest's address goes
    to VERSION's own (``/v<N>/``) rather than giving the latest under another name."""
    asked = request.GET.get("version")
    if version is None and asked is not None and name in _FILES:
        latest = open_publication(year_be=year)
        if latest is None:
            raise Http404
        if asked.isascii() and asked.isdigit() and open_publication(
                year_be=year, version=int(asked)) is not None:
            return HttpResponseRedirect(
                reverse("publications:open_file_version", args=[year, int(asked), name]))
        raise NotFoundSaying(no_version_message(latest.cycle, asked))
    publication = open_publication(year_be=year, version=version)
    if publication is None or name not in _FILES:
        raise Http404
    response = HttpResponse(_body(publication, name), content_type=_FILES[name])
    response["Content-Disposition"] = (
        f'inline; filename="phrom-{year}-v{publication.version}-{name}"'
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
