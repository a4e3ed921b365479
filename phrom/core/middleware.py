"""Thai first: the language is the one the person chose, else Thai, never the browser's."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
