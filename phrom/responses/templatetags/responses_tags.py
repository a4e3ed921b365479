"""Template filters of the questionnaire: Buddhist Era dates and times."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from phrom.core.thai import be_year, thai_date

register = template.Library()

EN_MONTHS_SHORT = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)


def be_date_text(value: dt.date | dt.datetime | None, *, short: bool = True) -> str:
    """``25 พ.ย. 2569`` in Thai, ``25 Nov 2569 BE`` in English."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    if (get_language() or "th").startswith("en"):
        return f"{value.day} {EN_MONTHS_SHORT[value.month - 1]} {be_year(value.year)} BE"
    return thai_date(value, short=short)


def be_datetime_text(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    if (get_language() or "th").startswith("en"):
        return f"{be_date_text(local)} {local:%H:%M}"
    return f"{be_date_text(local)} {local:%H:%M} น."


@register.filter
def be_date(value: dt.date | dt.datetime | None) -> str:
    return be_date_text(value)


@register.filter
def be_datetime(value: dt.datetime | None) -> str:
    return be_datetime_text(value)
