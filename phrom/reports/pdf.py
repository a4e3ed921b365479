"""One agency's scorecard as a PDF in Thai, typeset by WeasyPrint with the Sarabun fonts."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from django.template import engines
from django.utils import translation

TEMPLATE = Path(__file__).with_name("templates") / "scorecard.html"


@functools.cache
def _fonts() -> dict[str, str]:
    """File URLs of the Sarabun regular and bold TTF files (the full fonts: WeasyPrint
    garbles Thai in fonts split by character range)."""
    import fontpkg

    regular = Path(fontpkg.path("Sarabun"))
    return {
        "font_regular": regular.as_uri(),
        "font_bold": regular.with_name("Sarabun-Bold.ttf").as_uri(),
    }


@functools.cache
def _template() -> Any:
    # a module of its own, not an installed app: the template is read from its file
    return engines["django"].from_string(TEMPLATE.read_text(encoding="utf-8"))


def scorecard_html(context: dict[str, Any]) -> str:
    """The print page of a scorecard (:func:`phrom.reports.scorecard.scorecard_context`),
    in Thai."""
    with translation.override("th"):
        return _template().render(
            {**context, "card": context, **_fonts(), "LANGUAGE_CODE": "th"})


def scorecard_pdf(context: dict[str, Any]) -> bytes:
    """The scorecard as PDF bytes."""
    from weasyprint import HTML

    return HTML(string=scorecard_html(context), base_url=str(TEMPLATE.parent)).write_pdf()
