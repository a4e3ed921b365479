"""Dates in the Buddhist Era: shown in both languages, typed by a Thai official, and the form
field that takes them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import translation

from phrom.core.thai import (
    BEDateField,
    DateInputError,
    format_date,
    format_datetime,
    format_input,
    parse_date,
)

BANGKOK = ZoneInfo("Asia/Bangkok")


# --- shown --------------------------------------------------------------------------------


def test_dates_are_shown_in_the_buddhist_era_in_thai():
    assert format_date(dt.date(2021, 11, 25), language="th") == "25 พฤศจิกายน 2564"
    assert format_date(dt.date(2021, 11, 25), language="th", short=True) == "25 พ.ย. 2564"


def test_dates_are_shown_in_the_buddhist_era_in_english_too():
    assert format_date(dt.date(2027, 1, 31), language="en") == "31 January 2570 BE"
    assert format_date(dt.date(2027, 1, 31), language="en", short=True) == "31 Jan 2570 BE"


def test_the_active_language_is_used_when_none_is_given():
    with translation.override("en"):
        assert format_date(dt.date(2027, 1, 31), short=True) == "31 Jan 2570 BE"
    with translation.override("th"):
        assert format_date(dt.date(2027, 1, 31), short=True) == "31 ม.ค. 2570"


def test_times_are_shown_in_bangkok_time():
    # 17:30 UTC on the 24th is 00:30 on the 25th in Bangkok: the day changes too.
    moment = dt.datetime(2021, 11, 24, 17, 30, tzinfo=dt.UTC)
    assert format_datetime(moment, language="th") == "25 พ.ย. 2564 00:30 น."
    assert format_datetime(moment, language="th", short=False) == (
        "25 พฤศจิกายน 2564 เวลา 00:30 น."
    )
    assert format_datetime(moment, language="en") == "25 Nov 2564 BE 00:30"
    assert format_datetime(moment, language="en", short=False) == "25 November 2564 BE, 00:30"


def test_nothing_is_shown_for_no_date():
    assert format_date(None) == ""
    assert format_datetime(None) == ""


def test_a_date_is_offered_for_editing_as_typed():
    assert format_input(dt.date(2027, 1, 5)) == "05/01/2570"


# --- typed --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["31/01/2570", "31/1/2570", "31-01-2570", "31.01.2570", " 31 / 01 / 2570 ", "๓๑/๐๑/๒๕๗๐"],
)
def test_a_buddhist_era_year_is_read_as_one(typed):
    assert parse_date(typed) == dt.date(2027, 1, 31)


def test_typing_2570_gives_2027_never_3113():
    assert parse_date("25/11/2570").year == 2027


def test_a_common_era_year_is_read_as_one():
    assert parse_date("31/01/2027") == dt.date(2027, 1, 31)


def test_an_iso_date_is_read_by_its_year():
    assert parse_date("2027-01-31") == dt.date(2027, 1, 31)  # as a browser sends it
    assert parse_date("2570-01-31") == dt.date(2027, 1, 31)  # B.E. in ISO order


def test_a_date_typed_either_way_and_shown_again_is_the_same_day():
    day = dt.date(2026, 2, 28)
    assert parse_date(format_input(day)) == day


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "is not a date"),
        ("tomorrow", "is not a date"),
        ("31/01", "is not a date"),
        ("31/01/70", "write the year in full"),
        ("31/01/3113", "out of range"),
        ("31/01/2420", "out of range"),
        ("30/02/2570", "is not a day of the calendar"),
        ("25/13/2564", "is not a day of the calendar"),
        ("²5/11/2570", "is not a date"),
    ],
)
def test_a_date_that_cannot_be_read_says_what_to_fix(typed, says):
    with translation.override("en"), pytest.raises(DateInputError, match=says):
        parse_date(typed)


def test_the_message_is_in_thai_for_a_thai_reader():
    with translation.override("th"), pytest.raises(DateInputError) as caught:
        parse_date("tomorrow")
    assert "พุทธศักราช" in str(caught.value)


# --- the form field -------------------------------------------------------------------------


class DayForm(forms.Form):
    day = BEDateField(required=False, not_before=lambda: dt.date(2026, 12, 7))


def test_the_field_reads_a_buddhist_era_date():
    form = DayForm({"day": "31/01/2570"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == dt.date(2027, 1, 31)


def test_the_field_shows_its_date_in_the_buddhist_era():
    html = str(DayForm(initial={"day": dt.date(2027, 1, 31)})["day"])
    assert 'value="31/01/2570"' in html
    assert 'type="text"' in html


def test_the_field_may_be_left_empty():
    form = DayForm({"day": ""})
    assert form.is_valid()
    assert form.cleaned_data["day"] is None


def test_the_field_refuses_a_day_before_its_earliest_naming_both():
    with translation.override("en"):
        form = DayForm({"day": "06/12/2569"})
        assert not form.is_valid()
        message = form.errors["day"][0]
    assert "06/12/2569" in message and "07/12/2569" in message


def test_the_field_takes_its_earliest_day_itself():
    assert DayForm({"day": "07/12/2569"}).is_valid()


def test_the_field_refuses_what_is_not_a_date_with_the_reason():
    with translation.override("en"):
        form = DayForm({"day": "31/02/2570"})
        assert not form.is_valid()
        assert "not a day of the calendar" in form.errors["day"][0]
