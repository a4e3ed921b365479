"""Answers: reading spreadsheet cells, checking typed values, encoding a cycle."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.answers import NOT_APPLICABLE, AgencyAnswers, InvalidAnswer, check_answer, parse_answer
from scoring.matrix import encode_answers
from tests.scoring.test_engine_support import (
    dimension,
    framework,
    indicator,
    maturity,
    multiple,
    number,
    percentage,
    single,
    url,
    yes_no,
)

YES_NO = yes_no("q")
YES_NO_NA = yes_no("q", allow_na=True)
CHOICE = single("c", {"low": 0, "mid": 1, "high": 2})
MULTI = multiple("m", {"a": 1, "b": 1, "c": 1})
LEVEL = maturity("lvl")
COUNT = number("n", minimum=0, maximum=10_000_000)
SHARE = percentage("p")
LINK = url("u")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("yes", True),
        (" Yes ", True),
        ("TRUE", True),
        ("1", True),
        ("ใช่", True),
        ("มี", True),
        ("no", False),
        ("false", False),
        ("0", False),
        ("ไม่ใช่", False),
        ("ไม่มี", False),
        ("", None),
        ("   ", None),
    ],
)
def test_yes_no_cells(raw: str, expected: bool | None) -> None:
    assert parse_answer(YES_NO, raw) == expected


def test_yes_no_error_says_what_to_write() -> None:
    with pytest.raises(InvalidAnswer) as error:
        parse_answer(YES_NO, "maybe")
    assert error.value.question == "q"
    assert error.value.message == "'maybe' is not yes or no; write yes, no, ใช่ or ไม่ใช่"


@pytest.mark.parametrize("raw", ["na", "N/A", "n.a.", "ไม่เกี่ยวข้อง", "Not applicable"])
def test_not_applicable_words(raw: str) -> None:
    assert parse_answer(YES_NO_NA, raw) is NOT_APPLICABLE


def test_not_applicable_is_refused_where_not_allowed() -> None:
    with pytest.raises(InvalidAnswer, match="cannot be answered 'not applicable'"):
        parse_answer(YES_NO, "n/a")
    with pytest.raises(InvalidAnswer):
        check_answer(YES_NO, NOT_APPLICABLE)
    assert check_answer(YES_NO_NA, NOT_APPLICABLE) is NOT_APPLICABLE


def test_single_choice_cells_match_codes_case_insensitively() -> None:
    assert parse_answer(CHOICE, "mid") == "mid"
    assert parse_answer(CHOICE, "HIGH") == "high"
    with pytest.raises(InvalidAnswer, match="'top' is not an option; use one of: low, mid, high"):
        parse_answer(CHOICE, "top")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a;c", ("a", "c")),
        ("c | a", ("a", "c")),
        ("b,a,b", ("a", "b")),
        ("-", ()),
        ("ไม่มี", ()),
    ],
)
def test_multiple_choice_cells(raw: str, expected: tuple[str, ...]) -> None:
    assert parse_answer(MULTI, raw) == expected


def test_multiple_choice_unknown_code_names_it() -> None:
    with pytest.raises(InvalidAnswer, match="'z' is not an option; use codes from: a, b, c"):
        parse_answer(MULTI, "a;z")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1,234,567", 1234567.0), ("1234.5", 1234.5), ("12 500", 12500.0), ("๒๕๐", 250.0)],
)
def test_number_cells_with_thousands_separators(raw: str, expected: float) -> None:
    assert parse_answer(COUNT, raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1,5", "use '.' for decimals"),
        ("12 items", "is not a number"),
        ("-3", "below the minimum 0"),
        ("20000000", "20000000 is above the maximum 10000000"),
    ],
)
def test_number_errors(raw: str, message: str) -> None:
    with pytest.raises(InvalidAnswer, match=message):
        parse_answer(COUNT, raw)


def test_percentage_may_end_in_percent_sign_and_stays_within_0_100() -> None:
    assert parse_answer(SHARE, "87.5%") == 87.5
    assert parse_answer(SHARE, "100") == 100.0
    with pytest.raises(InvalidAnswer, match="write a value from 0 to 100"):
        parse_answer(SHARE, "120%")


def test_maturity_levels_are_whole_numbers_0_to_5() -> None:
    assert parse_answer(LEVEL, "3") == 3.0
    for raw in ("6", "2.5", "high"):
        with pytest.raises(InvalidAnswer, match="write a whole number from 0 to 5"):
            parse_answer(LEVEL, raw)


def test_url_must_be_a_web_address() -> None:
    assert parse_answer(LINK, "https://dga.or.th/a.pdf") == "https://dga.or.th/a.pdf"
    with pytest.raises(InvalidAnswer, match="start it with https://"):
        parse_answer(LINK, "dga.or.th")


def test_check_answer_validates_typed_values() -> None:
    assert check_answer(YES_NO, True) is True
    assert check_answer(YES_NO, 1) is True
    assert check_answer(MULTI, ["c", "a"]) == ("a", "c")
    assert check_answer(LEVEL, 4) == 4.0
    assert check_answer(CHOICE, "low") == "low"
    assert check_answer(SHARE, "45%") == 45.0  # strings are read as cells
    with pytest.raises(InvalidAnswer):
        check_answer(YES_NO, "perhaps")
    with pytest.raises(InvalidAnswer):
        check_answer(LEVEL, True)
    with pytest.raises(InvalidAnswer):
        check_answer(COUNT, float("nan"))


FW = framework(
    dimension(
        "D",
        indicator("I", YES_NO_NA, CHOICE, MULTI, LEVEL, COUNT, SHARE, LINK),
    )
)


def test_encode_answers_builds_the_numeric_matrix() -> None:
    rows = [
        AgencyAnswers(
            "A1",
            {"q": True, "c": "high", "m": ("a", "c"), "lvl": 2.0, "n": 10.0, "p": 50.0, "u": "x"},
            group="g",
        ),
        AgencyAnswers("A2", {"q": NOT_APPLICABLE, "c": "low"}),
    ]
    matrix = encode_answers(FW, rows)
    assert matrix.questions == ("q", "c", "m", "lvl", "n", "p")
    assert matrix.values[0].tolist() == [1.0, 2.0, 5.0, 2.0, 10.0, 50.0]
    assert matrix.values[1, 0] == 0.0 and matrix.not_applicable[1].tolist() == [True] + [False] * 5
    assert np.isnan(matrix.values[1, 2:]).all()
    assert matrix.groups == ("g", None)
    assert matrix.group_ids.tolist() == [0, -1]
    assert matrix.answers_of(FW, "A1").answers["m"] == ("a", "c")


def test_encode_answers_names_agency_and_question_of_a_bad_answer() -> None:
    rows = [AgencyAnswers("A7", {"lvl": 9.0})]
    with pytest.raises(InvalidAnswer) as error:
        encode_answers(FW, rows)
    assert error.value.agency == "A7" and error.value.question == "lvl"
    assert str(error.value).startswith("A7: lvl: ")


def test_encode_answers_refuses_a_repeated_agency() -> None:
    with pytest.raises(ValueError, match="appears twice"):
        encode_answers(FW, [AgencyAnswers("A", {}), AgencyAnswers("A", {})])


def test_not_applicable_survives_pickling() -> None:
    import pickle

    assert pickle.loads(pickle.dumps(NOT_APPLICABLE)) is NOT_APPLICABLE
