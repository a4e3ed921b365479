"""``{% version_notice %}``: which version of a cycle's published results a page shows,
and what corrected it. A published figure never changes silently: the latest version of
a correction says so on every results page, with its note and a link to the version it
replaced, and an earlier version read at its own URL says that it was replaced, by what
and why."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

from phrom.publications.selectors import publication_log

register = template.Library()


def _link(request: Any, version: int | None) -> str:
    """The page asked for, at VERSION (None: the latest), its other parameters kept."""
    params: QueryDict = request.GET.copy()
    params.pop("version", None)
    params.pop("page", None)  # another version may have fewer pages
    if version is not None:
        params["version"] = str(version)
    query = params.urlencode()
    return request.path + (f"?{query}" if query else "")


@register.inclusion_tag("results/_version_notice.html", takes_context=True)
def version_notice(context: Any) -> dict[str, Any]:
    """The notice for the page's ``scored`` cycle: nothing for figures not published or a
    first version read as the latest."""
    scored = context.get("scored")
    version = getattr(scored, "version", None)
    request = context.get("request")
    if version is None or request is None:
        return {"show": False}
    if version == 1 and "version" not in request.GET:
        return {"show": False}  # the latest is the first: nothing corrected (no query)
    versions = publication_log(cycle=scored.cycle)  # latest first
    latest = versions[0] if versions else None
    shown = next((p for p in versions if p.version == version), None)
    if latest is None or shown is None:
        return {"show": False}
    if shown.version != latest.version:
        return {"show": True, "replaced": True, "shown": shown, "latest": latest,
                "latest_link": _link(request, None)}
    if latest.version == 1:
        return {"show": False}
    before = next((p for p in versions if p.version < latest.version), None)
    return {"show": True, "replaced": False, "shown": latest, "before": before,
            "before_link": _link(request, before.version) if before else ""}
