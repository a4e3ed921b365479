"""Request middleware: pages sent compressed, the language (Thai first, never the
browser's), NUL refused, and stored results that cannot be read said plainly."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext

logger = logging.getLogger(__name__)


# What is worth compressing: pages, JSON, CSV. Evidence files, PDFs, images and workbooks
# are compressed already and go as they are.
COMPRESSED_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")


class CompressPagesMiddleware(GZipMiddleware):
    """Django's gzip for pages and data to browsers that accept it (a 200-question
    questionnaire is 384 KB of HTML and 32 KB compressed, for about 7 ms of CPU), with
    Django's defence against BREACH (random bytes in each compressed response; CSRF tokens
    are masked anew in each page). Static files are whitenoise's, compressed in advance."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not response.get("Content-Type", "").startswith(COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)


class ThaiFirstLocaleMiddleware(LocaleMiddleware):
    """Like Django's, but Accept-Language is ignored: a government site speaks Thai first.

    The language switch sets the language cookie, which this middleware honours.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        codes = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in codes else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RefuseNulMiddleware:
    """An address with NUL in its path is not found (404); NUL in the query string is a bad
    request (400) that says so.

    PostgreSQL cannot hold NUL in text, so a query with one fails there and not on SQLite;
    refusing it before any view reads it makes both databases answer alike. (Form fields are
    checked by the forms: Django's CharField refuses NUL with a message of its own.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise Http404
        if "%00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or "\x00" in value for key, value in request.GET.items()
        ):
            return HttpResponseBadRequest(
                gettext("The address contains a NUL character; remove it and try again."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class StoredFiguresUnreadableMiddleware:
    """A publication that this version of Phrom cannot read answers with a page that says
    so (503), on every page that reads published figures, instead of a server error; the
    log says how to publish the cycle again. Its figures are never scored again instead."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from phrom.publications.stored import StoredFiguresUnreadable

        if not isinstance(exception, StoredFiguresUnreadable):
            return None
        logger.error("%s", exception)
        return render(request, "core/results_unavailable.html", status=503)
