"""Explanations: every published number can be recomputed from the tree."""

from __future__ import annotations

import json

import pytest

from scoring.answers import NOT_APPLICABLE, AgencyAnswers
from scoring.explain import Explanation, explain_agency
from scoring.result import PreviousCycle, score_cycle
from tests.scoring.test_engine_support import (
    agencies,
    dimension,
    framework,
    indicator,
    maturity,
    multiple,
    number,
    percentage,
    single,
    when,
    yes_no,
)

FW = framework(
    dimension(
        "D1",
        indicator("I1", yes_no("a"), maturity("b", weight=2), yes_no("c", allow_na=True)),
        indicator(
            "I2",
            single("s", {"x": 0, "y": 2, "z": 3}),
            yes_no("h", condition=when("a", equals=False)),
            number("n", minimum=0, thresholds=[(10, 1), (20, 2)]),
            weight=3,
        ),
        weight=20,
    ),
    dimension(
        "D2",
        indicator("I3", percentage("p", allow_na=True)),
        indicator("I4", multiple("m", {"u": 1, "v": 1}, cap=1)),
        weight=10,
    ),
)
ANSWERS = agencies(
    {
        "a": True,
        "b": 3.0,
        "c": NOT_APPLICABLE,
        "s": "y",
        "n": 15.0,
        "p": NOT_APPLICABLE,
        "m": ("u", "v"),
    },
    {"a": False, "b": 1.0, "c": True, "s": "z", "h": True, "n": 25.0, "p": 40.0},
)


def explain(agency: str = "A1", **kw: object) -> Explanation:
    result = score_cycle(FW, ANSWERS, PreviousCycle(totals={"A1": 50.0}, label="2563"), **kw)  # type: ignore[arg-type]
    return explain_agency(result, agency)


def test_tree_has_every_dimension_indicator_and_scored_question() -> None:
    e = explain()
    assert [d.code for d in e.dimensions] == ["D1", "D2"]
    assert [i.code for i in e.dimensions[0].indicators] == ["I1", "I2"]
    assert [q.code for q in e.dimensions[0].indicators[1].questions] == ["s", "h", "n"]


def test_question_statuses_points_and_formulas() -> None:
    e = explain()
    a, b, c = e.dimensions[0].indicators[0].questions
    assert (a.status, a.points, a.max_points, a.score) == ("scored", 1.0, 1.0, 1.0)
    assert b.formula == "level 3 of 5 = 0.6"
    assert (c.status, c.score, c.effective_weight) == ("not_applicable", None, 0.0)
    assert a.effective_weight == pytest.approx(1 / 3) and b.effective_weight == pytest.approx(2 / 3)
    s, h, n = e.dimensions[0].indicators[1].questions
    assert s.formula == "option y -> 2 of 3 points = 0.666667"
    assert (h.status, h.score) == ("hidden", 0.0)
    assert h.formula == "hidden (a = no not met): scores 0, keeps its weight"
    assert n.formula == "15 >= 10 -> 1 of 2 points = 0.5"
    m = e.dimensions[1].indicators[1].questions[0]
    assert m.formula == "u 1 + v 1 = 2, capped at 1 of 1 points = 1"


def test_unanswered_question_is_shown_as_unanswered_with_its_weight() -> None:
    e = explain("A2")
    m = e.dimensions[1].indicators[1].questions[0]
    assert (m.status, m.answer, m.score, m.effective_weight) == ("unanswered", None, 0.0, 1.0)


def test_every_level_recomputes_from_its_parts() -> None:
    for agency in ("A1", "A2"):
        e = explain(agency)
        dim_parts = []
        for d in e.dimensions:
            ind_parts = []
            for i in d.indicators:
                parts = [(q.weight, q.score) for q in i.questions if q.score is not None]
                if i.score is None:
                    assert all(q.score is None for q in i.questions)
                    continue
                w = sum(p[0] for p in parts)
                assert i.score == pytest.approx(sum(p[0] * p[1] for p in parts) / w * 100)
                assert sum(q.effective_weight for q in i.questions) == pytest.approx(1.0)
                ind_parts.append((i.weight, i.score))
            if d.score is None:
                continue
            w = sum(p[0] for p in ind_parts)
            assert d.score == pytest.approx(sum(p[0] * p[1] for p in ind_parts) / w)
            dim_parts.append((d.weight, d.score))
        w = sum(p[0] for p in dim_parts)
        assert e.total == pytest.approx(sum(p[0] * p[1] for p in dim_parts) / w)
        assert sum(d.effective_weight for d in e.dimensions) == pytest.approx(1.0)


def test_not_applicable_indicator_leaves_its_dimension_in_the_explanation() -> None:
    e = explain("A1")
    d2 = e.dimensions[1]
    assert d2.indicators[0].status == "excluded"
    assert d2.indicators[0].effective_weight == 0.0
    assert d2.indicators[1].effective_weight == 1.0


def test_total_rounding_rank_and_gain_are_explained() -> None:
    e = explain("A1")
    result = score_cycle(FW, ANSWERS, PreviousCycle(totals={"A1": 50.0}))
    assert e.total == pytest.approx(result.total[0], abs=1e-12)
    assert e.published_total == result.published.total[0]
    assert e.rounding.endswith(f"rounded half up to 2 decimals = {e.published_total:.2f}")
    assert e.formula.startswith("(20×")
    assert e.rank == result.rank[0] and e.previous_total == 50.0
    assert e.gain == pytest.approx(e.published_total - 50.0)  # type: ignore[operator]


def test_normalisation_step_is_explained() -> None:
    fw = framework(
        dimension("D1", indicator("I1", percentage("x"))),
        dimension("D2", indicator("I2", percentage("y"))),
        normalisation="zscore_minmax",
    )
    result = score_cycle(
        fw, agencies({"x": 10.0, "y": 5.0}, {"x": 30.0, "y": 5.0}, {"x": 20.0, "y": 5.0})
    )
    e = explain_agency(result, "A3")
    d1, d2 = e.dimensions
    assert d1.normalisation is not None and d1.normalisation.startswith("z = (0.2 - 0.2) / ")
    assert d1.score == pytest.approx(50.0)
    assert d2.normalisation == "every agency has the same score: half the scale, 50"


def test_explanation_is_json_ready() -> None:
    data = json.loads(json.dumps(explain().to_dict(), ensure_ascii=False))
    assert data["dimensions"][0]["indicators"][0]["questions"][2]["status"] == "not_applicable"


def test_given_answers_are_shown_but_must_be_the_scored_ones() -> None:
    result = score_cycle(FW, ANSWERS)
    shown = explain_agency(result, "A1", ANSWERS[0])
    assert shown.dimensions[1].indicators[1].questions[0].code == "m"
    assert shown.dimensions[1].indicators[1].questions[0].answer == "u; v"
    wrong = AgencyAnswers("A1", {**ANSWERS[0].answers, "b": 5.0})
    with pytest.raises(ValueError, match="answer to b"):
        explain_agency(result, "A1", wrong)


def test_unknown_agency_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="not in this cycle"):
        explain_agency(score_cycle(FW, ANSWERS), "nobody")


def test_agency_without_any_total_is_explained() -> None:
    fw = framework(dimension("D", indicator("I", yes_no("q", allow_na=True))))
    e = explain_agency(score_cycle(fw, agencies({"q": NOT_APPLICABLE})), "A1")
    assert e.total is None and e.published_total is None and e.rank is None
    assert e.formula == "no dimension included: no total"
    assert e.dimensions[0].status == "excluded" and e.band is None
