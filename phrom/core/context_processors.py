"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

TEXT_SIZES = ("xs", "xsm", "sm", "md", "lg")
DEFAULT_TEXT_SIZE = "md"


def current_text_size(request: HttpRequest) -> str:
    size = request.COOKIES.get("phrom_text_size", DEFAULT_TEXT_SIZE)
    return size if size in TEXT_SIZES else DEFAULT_TEXT_SIZE


def text_size(request: HttpRequest) -> dict[str, object]:
    return {"text_sizes": TEXT_SIZES, "text_size": current_text_size(request)}
