"""Filters of the results pages: a name in the reader's language, a figure at its
publication precision."""

from __future__ import annotations

import math

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from scoring.formulas import number_text
from scoring.model import Bilingual

register = template.Library()


@register.filter
def in_language(name: object, language: str | None) -> str:
    """A Thai/English name (``Bilingual`` or ``{"th": ..., "en": ...}``) in ``language``,
    the other one when that is empty."""
    if isinstance(name, Bilingual):
        return name.get(language or "th")
    if isinstance(name, dict):
        th, en = str(name.get("th") or ""), str(name.get("en") or "")
        return (en or th) if (language or "th").startswith("en") else (th or en)
    return "" if name is None else str(name)


@register.filter
def number(value: object) -> str:
    """A weight or points as a person writes them (1, 0.5; never 1.0); empty for none."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    return number_text(float(value))


@register.filter
def lookup(mapping: object, key: object) -> object:
    """``mapping[key]``, or empty when there is none."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""


@register.filter
def figure(value: object, decimals: int) -> str:
    """A figure with exactly ``decimals`` decimals (96.70, never 96.7); empty when
    there is none (``None`` or NaN)."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    if math.isnan(value):
        return ""
    text = f"{value:.{int(decimals)}f}"
    return text.lstrip("-") if float(text) == 0 else text  # no "-0.00"


@register.simple_tag(takes_context=True)
def formula(context: template.Context, step: object) -> str:
    """A :class:`scoring.formulas.Formula` written in the reader's language."""
    if step is None:
        return ""
    language = context.get("LANGUAGE_CODE") or get_language() or "th"
    text = render_to_string(
        "results/_formula.html", {"f": step, "LANGUAGE_CODE": language}
    )
    return mark_safe(text.strip())  # rendered by the template, escaped there


@register.filter
def option_labels(condition: object, framework: object) -> list[str]:
    """The options a question's condition names, by their labels in the reader's
    language (:func:`phrom.reports.scorecard.option_labels`)."""
    from phrom.reports.scorecard import option_labels as labels

    return labels(condition, framework, get_language() or "th")  # type: ignore[arg-type]
