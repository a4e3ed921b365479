"""Display helpers of the accounts pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django import template

from phrom.core.thai import format_datetime

register = template.Library()


@register.filter
def when(value: dt.datetime | None) -> str:
    """A local date and time with the Buddhist Era year (10 ธ.ค. 2569 06:05 น.)."""
    return format_datetime(value)


@register.filter
def dimension_names(codes: Iterable[str], names: Mapping[str, str] | None) -> str:
    """Dimension codes shown by their names in the open cycle (codes that are unknown
    there stay as they are)."""
    names = names or {}
    return ", ".join(names.get(code, code) for code in codes)
