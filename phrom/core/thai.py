"""Thai conventions: dates in the Buddhist Era (shown, entered, and the form field that takes
them) and Thai collation.

Every date Phrom shows or reads goes through this module. Shown dates carry the Buddhist
Era year in both languages (``25 พ.ย. 2569``, ``25 Nov 2569 BE``): a Thai official reads
and types B.E. years.

Entered dates (``parse_date``): ``day/month/year`` (``/``, ``-`` or ``.`` between them)
or ``year-month-day``, in Arabic or Thai digits. The year is written in full; a year
from 2400 on is a Buddhist Era year (2570 is 2027), a year below 2400 a Common Era year
(2027 stays 2027). The two never overlap for the dates Phrom keeps (1900 to 2199 C.E.,
that is 2443 to 2742 B.E.), so a date typed either way lands on the same day, and a date
a browser or a script sends in ISO form (``2027-01-31``) is read as it was meant.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_lazy, pgettext_lazy

BE_OFFSET = 543
THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
ENGLISH_MONTHS_SHORT = tuple(month[:3] for month in ENGLISH_MONTHS)
LEADING_VOWELS = "เแโใไ"

# Entered years: from this one on, Buddhist Era; below it, Common Era.
FIRST_BE_YEAR = 2400
# The Common Era years a date may fall in once read.
EARLIEST_CE_YEAR = 1900
LATEST_CE_YEAR = 2199
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_DAY_FIRST = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,6})", re.ASCII)
_YEAR_FIRST = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
EXAMPLE_BE = "31/01/2570"


# --- years --------------------------------------------------------------------------------


def be_year(year_ce: int) -> int:
    return year_ce + BE_OFFSET


def ce_year(year_be: int) -> int:
    return year_be - BE_OFFSET


# --- shown --------------------------------------------------------------------------------


def _english(language: str | None) -> bool:
    return (language or get_language() or "th").startswith("en")


def _local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_date(
    value: dt.date | dt.datetime | None, *, language: str | None = None, short: bool = False
) -> str:
    """A date with its Buddhist Era year, in LANGUAGE (default: the active one).

    Thai ``25 พฤศจิกายน 2569`` (short ``25 พ.ย. 2569``), English ``25 November 2569 BE``
    (short ``25 Nov 2569 BE``). An aware datetime is taken in local time; None gives "".
    """
    if value is None:
        return ""
    value = _local(value)
    year = be_year(value.year)
    if _english(language):
        months = ENGLISH_MONTHS_SHORT if short else ENGLISH_MONTHS
        return f"{value.day} {months[value.month - 1]} {year} BE"
    months = THAI_MONTHS_SHORT if short else THAI_MONTHS
    return f"{value.day} {months[value.month - 1]} {year}"


def format_datetime(
    value: dt.datetime | None, *, language: str | None = None, short: bool = True
) -> str:
    """A local date and time: Thai ``25 พ.ย. 2569 14:05 น.`` (long ``25 พฤศจิกายน 2569
    เวลา 14:05 น.``), English ``25 Nov 2569 BE 14:05`` (long ``25 November 2569 BE,
    14:05``)."""
    if value is None:
        return ""
    local = _local(value)
    day = format_date(local, language=language, short=short)
    if _english(language):
        return f"{day} {local:%H:%M}" if short else f"{day}, {local:%H:%M}"
    return f"{day} {local:%H:%M} น." if short else f"{day} เวลา {local:%H:%M} น."


def format_input(value: dt.date) -> str:
    """A date as typed into a date field: ``31/01/2570`` (day/month/B.E. year)."""
    return f"{value.day:02d}/{value.month:02d}/{be_year(value.year)}"


def buddhist_era_in_django_formats() -> None:
    """Django's own date formats write the Buddhist Era year too: the admin's lists and
    read-only fields, and any ``date`` filter, show ``8 ธันวาคม 2569``, not 2026.

    Django's format strings have no B.E. year, so the two year characters of its
    ``DateFormat`` ("Y" and "y") are replaced once, at start-up (``core.apps``). What machines
    read keeps the Common Era: ISO dates (``date:"c"``), form values, the database.
    """
    from django.utils.dateformat import DateFormat

    def year(self: DateFormat) -> str:
        return f"{be_year(self.data.year):04d}"

    def year_2_digits(self: DateFormat) -> str:
        return f"{be_year(self.data.year) % 100:02d}"

    DateFormat.Y = year  # type: ignore[method-assign]
    DateFormat.y = year_2_digits  # type: ignore[method-assign]


# --- entered ------------------------------------------------------------------------------


class DateInputError(ValueError):
    """A typed date that cannot be read; its message says what to fix."""


def parse_date(text: str) -> dt.date:
    """The date TEXT names (see the module's docstring for the forms it takes).

    Raises DateInputError, with a message naming what to fix, for anything else.
    """
    typed = " ".join(str(text).translate(THAI_DIGITS).split())
    if match := _DAY_FIRST.fullmatch(typed):
        day, month, year = (int(part) for part in match.groups())
    elif match := _YEAR_FIRST.fullmatch(typed):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise DateInputError(
            gettext(
                "“%(text)s” is not a date: write day/month/year with the year in the "
                "Buddhist Era, for example %(example)s."
            )
            % {"text": typed[:40], "example": EXAMPLE_BE}
        )
    year_ce = ce_year(year) if year >= FIRST_BE_YEAR else year
    if not EARLIEST_CE_YEAR <= year_ce <= LATEST_CE_YEAR:
        raise DateInputError(
            gettext(
                "The year %(year)s is out of range: write the year in full in the Buddhist "
                "Era (%(first)s to %(last)s), for example %(example)s."
            )
            % {
                "year": year,
                "first": be_year(EARLIEST_CE_YEAR),
                "last": be_year(LATEST_CE_YEAR),
                "example": EXAMPLE_BE,
            }
        )
    try:
        return dt.date(year_ce, month, day)
    except ValueError:
        raise DateInputError(
            gettext("“%(text)s” is not a day of the calendar: check the day and the month.")
            % {"text": typed}
        ) from None


class BEDateInput(forms.TextInput):
    """A text box for a date typed as day/month/B.E. year (a browser's date picker shows
    and sends Common Era years, and cannot be typed into the same way everywhere)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "placeholder": pgettext_lazy("date typed in the Buddhist Era", "dd/mm/yyyy"),
            "autocomplete": "off",
            "size": "12",
            "maxlength": "40",
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return format_input(value)
        return super().format_value(value)  # type: ignore[no-any-return]


class BEDateField(forms.Field):
    """A date typed in the Buddhist Era (``parse_date``); ``not_before``, when given, is a
    function giving the earliest day allowed (``today``, for a new deadline)."""

    widget = BEDateInput
    default_error_messages = {
        "too_early": gettext_lazy(
            "%(date)s is in the past: choose today (%(earliest)s) or a later day."
        ),
    }

    def __init__(
        self, *, not_before: Callable[[], dt.date] | None = None, **kwargs: Any
    ) -> None:
        self.not_before = not_before
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(value)
        except DateInputError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None

    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        if value is not None and self.not_before is not None:
            earliest = self.not_before()
            if value < earliest:
                raise forms.ValidationError(
                    self.error_messages["too_early"],
                    code="too_early",
                    params={"date": format_input(value), "earliest": format_input(earliest)},
                )


def today() -> dt.date:
    """Today in the site's time zone (Asia/Bangkok unless TIME_ZONE says otherwise)."""
    return timezone.localdate()


# --- collation ----------------------------------------------------------------------------


def thai_sort_key(text: str) -> str:
    """A key that sorts Thai words as a Thai dictionary does.

    Leading vowels (เ แ โ ใ ไ) are written before the consonant they follow in speech;
    dictionary order ignores them at first, so the consonant is moved in front.
    """
    chars = list(text)
    out: list[str] = []
    i = 0
    while i < len(chars):
        c = chars[i]
        if c in LEADING_VOWELS and i + 1 < len(chars):
            out.append(chars[i + 1])
            out.append(c)
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)
