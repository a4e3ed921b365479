"""The shipped Thai frameworks count documents, datasets, people, processes ... in whole
numbers (``whole: true``); only the bandwidth of INF-06-1, a measure, takes decimals."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.answers import InvalidAnswer, parse_answer
from scoring.loader import load_framework
from scoring.model import QuestionType

FRAMEWORKS = Path(__file__).resolve().parents[2] / "frameworks"


@pytest.mark.parametrize("name", ["th-2563", "th-2564"])
def test_every_number_question_that_counts_things_takes_whole_numbers_only(name: str) -> None:
    numbers = [q for q in load_framework(FRAMEWORKS / f"{name}.yaml").questions
               if q.type is QuestionType.NUMBER]

    measured = [q.code for q in numbers if not q.whole]

    assert measured == ["INF-06-1"]  # Mbps
    assert len(numbers) == {"th-2563": 10, "th-2564": 11}[name]


@pytest.mark.parametrize("name", ["th-2563", "th-2564"])
@pytest.mark.parametrize("code", ["POL-04-2", "CAP-02-1", "CAP-07-1", "TEC-07-1"])
def test_a_decimal_count_is_refused_where_a_decimal_bandwidth_is_an_answer(
    name: str, code: str
) -> None:
    spec = load_framework(FRAMEWORKS / f"{name}.yaml")

    with pytest.raises(InvalidAnswer, match="7.3 is not a whole number"):
        parse_answer(spec.question(code), "7.3")
    assert parse_answer(spec.question(code), "7") == 7.0
    assert parse_answer(spec.question("INF-06-1"), "7.3") == 7.3
