"""One agency's shown questions (``shown_for``, what the questionnaire reads) follow the
engine's rule for a whole cycle and the brute-force definition, questions outside the
matrix (text, URL, file) included."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.answers import NOT_APPLICABLE, AgencyAnswers, AnswerValue
from scoring.loader import load_framework
from scoring.matrix import decode_value
from scoring.plan import plan_for, shown, shown_for
from tests.scoring.reference import is_shown
from tests.synthetic.cycles import synthetic_answers

FRAMEWORKS = Path(__file__).resolve().parents[2] / "frameworks"


@pytest.mark.parametrize("name", ["th-2563", "th-2564", "un-egdi", "oecd-dgi"])
def test_one_agency_sees_what_the_cycle_rule_and_the_definition_show(name: str) -> None:
    fw = load_framework(FRAMEWORKS / f"{name}.yaml")
    plan = plan_for(fw)
    matrix = synthetic_answers(fw, 200, seed=11)
    cycle_shown = shown(plan, matrix.values, matrix.not_applicable)
    by_code = {q.code: q for q in fw.questions}
    for i in range(len(matrix.agencies)):
        answers: dict[str, AnswerValue] = {}
        for j, q in enumerate(plan.questions):
            if matrix.not_applicable[i, j]:
                answers[q.code] = NOT_APPLICABLE
            else:
                value = decode_value(q, float(matrix.values[i, j]))
                if value is not None:
                    answers[q.code] = value
        one = shown_for(fw, AgencyAnswers(agency=matrix.agencies[i], answers=answers))
        assert set(one) == set(by_code)
        for k, c in enumerate(plan.conditions):
            assert one[plan.codes[c.column]] == bool(cycle_shown[i, k])
        for q in fw.questions:
            assert one[q.code] == is_shown(q, answers, by_code), (i, q.code)


def test_a_question_outside_the_matrix_follows_its_gate() -> None:
    fw = load_framework(FRAMEWORKS / "th-2564.yaml")
    base = {"POL-01-1": True}
    low = shown_for(fw, AgencyAnswers(agency="a", answers={**base, "POL-07-1": 1.0}))
    high = shown_for(fw, AgencyAnswers(agency="a", answers={**base, "POL-07-1": 3.0}))
    na = shown_for(fw, AgencyAnswers(agency="a", answers={}))
    assert (low["POL-07-2"], high["POL-07-2"], na["POL-07-2"]) == (False, True, False)
    assert all(isinstance(v, bool) for v in high.values())
