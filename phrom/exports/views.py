"""Administrators' exports of a cycle: ask for one, watch its progress, download it.

Every other role gets 403 and an anonymous visitor is sent to log in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from phrom.accounts.gates import may_export_cycle_data, profile_of
from phrom.exports.models import ExportKind, ExportStatus
from phrom.exports.selectors import cycle_exports, export_of, exportable_cycles
from phrom.exports.services import export_request
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.frameworks.selectors import CycleNotFound, cycle_by_name

View = Callable[..., HttpResponse]

# What each export holds, as the page says it.
KINDS = [
    (ExportKind.RESULTS, _("Excel: each agency's total, band, ranks, dimension and indicator "
                           "scores, gains, claimed beside verified.")),
    (ExportKind.ANSWERS, _("Excel: every answer, the value claimed beside the verdict and the "
                           "verified value.")),
    (ExportKind.EVIDENCE, _("Excel: every evidence item: file name, size, SHA-256, link, who "
                            "added it and when.")),
    (ExportKind.REVIEWS, _("Excel: reviews, verdicts with comments, verified values and "
                           "reasons, and clarification requests.")),
    (ExportKind.SCORECARDS, _("ZIP: every agency's scorecard as a PDF in Thai.")),
]


def _administrators(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_export_cycle_data(profile_of(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _cycle(name: str) -> Cycle:
    try:
        return cycle_by_name(name)
    except CycleNotFound as exc:
        raise Http404(str(exc)) from None


def _kinds() -> list[dict[str, str]]:
    return [{"value": kind.value, "label": str(kind.label), "what": str(what)}
            for kind, what in KINDS]


@require_GET
@_administrators
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "exports/index.html", {"cycles": exportable_cycles()})


@require_http_methods(["GET", "HEAD", "POST"])
@_administrators
def cycle_page(request: HttpRequest, cycle: str) -> HttpResponse:
    found = _cycle(cycle)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in ExportKind.values:
            messages.error(request, gettext("Choose what to export."))
            return redirect("exports:cycle", cycle=found.code)
        export_request(cycle=found, kind=kind, by=request.user, language=get_language() or "th")
        messages.success(request, gettext(
            "Asked for: %(kind)s. The worker writes it; its progress shows below.")
            % {"kind": ExportKind(kind).label})
        return redirect("exports:cycle", cycle=found.code)
    return render(request, "exports/cycle.html", {
        "cycle": found,
        "keep_days": settings.PHROM_EXPORT_KEEP_DAYS,
        "published": found.status == CycleStatus.PUBLISHED,
        "kinds": _kinds(),
        **_jobs(found),
    })


def _jobs(cycle: Cycle) -> dict[str, Any]:
    jobs = cycle_exports(cycle=cycle)
    return {"cycle": cycle, "jobs": jobs, "active": any(j.is_active for j in jobs)}


@require_GET
@_administrators
def jobs(request: HttpRequest, cycle: str) -> HttpResponse:
    """The table of exports alone (the page polls it through htmx while one runs)."""
    return render(request, "exports/_jobs.html", _jobs(_cycle(cycle)))


@require_GET
@_administrators
def download(request: HttpRequest, cycle: str, export_id: int) -> HttpResponse:
    found = _cycle(cycle)
    export = export_of(cycle=found, export_id=export_id)
    if export is not None and export.removed_at is not None:
        # Gone for good, and said so in words: 410 with a way to ask again.
        return render(request, "exports/removed.html", {
            "cycle": found, "export": export, "keep_days": settings.PHROM_EXPORT_KEEP_DAYS,
        }, status=410)
    if export is None or export.status != ExportStatus.COMPLETE or not export.file:
        raise Http404("no such export ready to download")
    try:
        handle = export.file.open("rb")
    except OSError:
        raise Http404("the export's file is no longer stored") from None
    return FileResponse(handle, as_attachment=True, filename=export.filename)
