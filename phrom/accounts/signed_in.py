"""Signed in, for the requests a page's scripts send (autosave, evidence, verdicts).

A script that gets the sign-in page back in answer takes the form for its answer. These
requests get a 401 that says "signed out, sign in again" instead, in the form the script
reads: JSON for the questionnaire's autosave, an HTML fragment for htmx.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _page_of_script(request: HttpRequest) -> str:
    """The page a script's request came from (same site only), to return to after signing in."""
    for header in ("HX-Current-URL", "Referer"):
        url = request.headers.get(header, "")
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(url)
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("home")


def signed_out_reply(request: HttpRequest, *, someone_else: bool = False) -> HttpResponse:
    """401 for a script whose session has ended: JSON for the questionnaire's autosave, an
    HTML fragment for htmx (evidence). Never the redirect to the sign-in page, which a
    script's request follows and then takes the sign-in form for an answer.

    ``someone_else``: the browser is now signed in as another person than the page's.
    """
    login_url = redirect_to_login(_page_of_script(request), settings.LOGIN_URL)["Location"]
    if someone_else:
        login_url = ""  # the sign-in page would send the other person straight back
    if not wants_json(request):
        # htmx (evidence): nothing is kept for it in the browser, so the words differ.
        message = _("You are signed out, so this was not saved. Sign in again, then try once more.")
        html = render_to_string(
            "accounts/_signed_out.html",
            {"message": message, "login_url": login_url},
            request=request,
        )
        return HttpResponse(html, status=401)
    if someone_else:
        message = _(
            "This browser is now signed in as someone else, so your changes are not saved "
            "yet. They are kept in this browser: sign in again as yourself and they will be sent."
        )
    else:
        message = _(
            "You are signed out, so your changes are not saved yet. They are kept in this "
            "browser: sign in again and they will be sent."
        )
    return JsonResponse(
        {"status": "signed_out", "message": message, "login_url": login_url}, status=401
    )


def signed_in_for_script(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``login_required`` for views that scripts call: a signed-out script request (JSON,
    htmx or fetch) gets ``signed_out_reply``; a plain page request still the sign-in page.

    A script names the person its page was made for (``X-Phrom-User``): kept answers are
    never sent in the name of someone else who signed in on the same browser meanwhile.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            page_user = request.headers.get("X-Phrom-User", "")
            if page_user and page_user != str(request.user.pk):
                return signed_out_reply(request, someone_else=True)
            return view(request, *args, **kwargs)
        if (
            wants_json(request)
            or request.headers.get("HX-Request")
            or request.headers.get("X-Requested-With")
        ):
            return signed_out_reply(request)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)

    return wrapper
