"""Display helpers of the accounts pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

from phrom.core.thai import thai_date

register = template.Library()


@register.filter
def when(value: dt.datetime | None) -> str:
    """A local date and time; in Thai with the Buddhist Era year (10 ธ.ค. 2569 06:05 น.)."""
    if value is None:
        return ""
    value = timezone.localtime(value)
    if (get_language() or "th").startswith("th"):
        return f"{thai_date(value.date(), short=True)} {value:%H:%M} น."
    return date_format(value, "j M Y, H:i")


@register.filter
def dimension_names(codes: Iterable[str], names: Mapping[str, str] | None) -> str:
    """Dimension codes shown by their names in the open cycle (codes that are unknown
    there stay as they are)."""
    names = names or {}
    return ", ".join(names.get(code, code) for code in codes)
