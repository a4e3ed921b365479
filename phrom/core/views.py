"""Health check, text size and the front page."""

from __future__ import annotations

import logging

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from phrom.accounts.gates import edits_for, profile_of, reads_every_agency
from phrom.accounts.services import profile_set_text_size
from phrom.core import selectors
from phrom.core.context_processors import TEXT_SIZES
from phrom.frameworks.models import Cycle

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" when the database answers, else 503 "unavailable".

    The cause goes to the log only: a database error names hosts, users and paths.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means unhealthy
        logger.exception("health check: the database does not answer")
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_POST
def set_text_size(request: HttpRequest) -> HttpResponse:
    """Keep the chosen size in a cookie, and on the profile of a logged-in person.

    A plain form post and a redirect back, so it works without JavaScript.
    """
    size = request.POST.get("size", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if size in TEXT_SIZES:
        response.set_cookie("phrom_text_size", size, max_age=365 * 24 * 3600, samesite="Lax")
        profile = profile_of(request.user)
        if profile is not None:
            profile_set_text_size(profile=profile, size=size)
    return response


def home(request: HttpRequest) -> HttpResponse:
    """What each person does next: an agency's members their response to each open cycle,
    staff the counts and pages they may open, someone without a role whom to ask."""
    profile = profile_of(request.user)
    language = get_language() or "th"
    context = {
        "cycles": Cycle.objects.select_related("framework").order_by("-year_be", "code"),
        "sees_all_results": reads_every_agency(profile),
        "profile": profile,
        "no_role": request.user.is_authenticated and profile is None,
        "member": profile is not None and edits_for(profile, profile.agency_id),
        "staff": selectors.staff_home(profile=profile),
        "clarifications": selectors.clarification_notices(profile=profile, user_id=request.user.pk),
        "tasks": selectors.agency_tasks(profile=profile, language=language)
        if profile is not None
        else [],
        "agency_name": profile.agency.name(language)
        if profile is not None and profile.agency is not None
        else "",
    }
    return render(request, "core/home.html", context)


class NotFoundSaying(Http404):
    """A 404 whose message, in the reader's language, says what to change in the address
    (a version that does not exist, say); other 404s say nothing more, so that another
    agency's object and an address that does not exist read alike."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 in the page frame (navigation, text size, language), whatever the cause: an
    address that does not exist and another agency's object read alike."""
    saying = exception.message if isinstance(exception, NotFoundSaying) else ""
    return render(request, "404.html", {"saying": saying}, status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 in the page frame, saying what the person can do about it."""
    return render(request, "403.html", status=403)
