"""Number questions marked ``whole: true`` take whole counts; decimals are refused there."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.answers import AgencyAnswers, ColumnParser, InvalidAnswer, check_answer, parse_answer
from scoring.matrix import encode_answers
from tests.scoring.test_engine_support import dimension, framework, indicator, number

STAFF = number("staff", minimum=0, maximum=10_000, whole=True)
BUDGET = number("budget", minimum=0, maximum=10_000)
FW = framework(dimension("D", indicator("I", STAFF, BUDGET)))
DECIMAL = "12.5 is not a whole number; this question counts whole units, so write a whole number"


@pytest.mark.parametrize(("raw", "expected"), [("12", 12.0), ("1,200", 1200.0), ("12.0", 12.0)])
def test_whole_counts_are_read_from_cells(raw: str, expected: float) -> None:
    assert parse_answer(STAFF, raw) == expected
    assert check_answer(STAFF, expected) == expected


def test_a_decimal_count_is_refused_in_a_cell_and_as_a_value() -> None:
    with pytest.raises(InvalidAnswer, match=DECIMAL):
        parse_answer(STAFF, "12.5")
    with pytest.raises(InvalidAnswer, match=DECIMAL):
        check_answer(STAFF, 12.5)
    assert parse_answer(BUDGET, "12.5") == 12.5  # without whole: true decimals are answers


def test_a_column_of_counts_refuses_decimals_that_a_column_of_amounts_takes() -> None:
    texts = ["12.5", "3"]
    ids = np.array([[0, 1], [0, 1]])

    amounts, counts = ColumnParser(texts).parse_columns([BUDGET, STAFF], ids)

    assert amounts.values.tolist() == [12.5, 3.0] and amounts.problems == ()
    assert counts.values[1] == 3.0
    assert [(row, message.startswith(DECIMAL)) for row, message in counts.problems] == [(0, True)]


def test_encoding_a_cycle_refuses_a_decimal_count() -> None:
    with pytest.raises(InvalidAnswer, match=f"A1: staff: {DECIMAL}"):
        encode_answers(FW, [AgencyAnswers("A1", {"staff": 12.5})])
    matrix = encode_answers(FW, [AgencyAnswers("A1", {"staff": 12.0, "budget": 2.5})])
    assert matrix.values.tolist() == [[12.0, 2.5]]
