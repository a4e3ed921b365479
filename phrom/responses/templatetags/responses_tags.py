"""Template filters of the questionnaire: Buddhist Era dates and times."""

from __future__ import annotations

import datetime as dt

from django import template

from phrom.core.thai import format_date, format_datetime

register = template.Library()


def be_date_text(value: dt.date | dt.datetime | None, *, short: bool = True) -> str:
    """``25 พ.ย. 2569`` in Thai, ``25 Nov 2569 BE`` in English."""
    return format_date(value, short=short)


def be_datetime_text(value: dt.datetime | None) -> str:
    """``25 พ.ย. 2569 14:05 น.`` in Thai, ``25 Nov 2569 BE 14:05`` in English."""
    return format_datetime(value)


@register.filter
def be_date(value: dt.date | dt.datetime | None) -> str:
    return be_date_text(value)


@register.filter
def be_datetime(value: dt.datetime | None) -> str:
    return be_datetime_text(value)
