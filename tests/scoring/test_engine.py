"""The engine: question points, re-weighting, conditions, normalisation, publication."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from scoring.answers import NOT_APPLICABLE
from scoring.explain import explain_agency
from scoring.matrix import AnswerMatrix, encode_answers
from scoring.plan import plan_for
from scoring.result import PreviousCycle, score_cycle
from tests.scoring.test_engine_support import (
    agencies,
    dimension,
    framework,
    indicator,
    maturity,
    multiple,
    number,
    one_question,
    percentage,
    single,
    url,
    when,
    yes_no,
)
from tests.synthetic.cycles import synthetic_answers, synthetic_framework


def total_of(fw, *answers, **kw):  # type: ignore[no-untyped-def]
    result = score_cycle(fw, agencies(*answers), **kw)
    return [float(t) for t in result.total]


# ----------------------------------------------------------------- question types


def test_yes_scores_full_and_no_scores_zero() -> None:
    fw = one_question(yes_no("q"))
    assert total_of(fw, {"q": True}, {"q": False}) == [100.0, 0.0]


def test_single_choice_scores_option_points_over_best_option() -> None:
    fw = one_question(single("q", {"none": 0, "some": 1, "most": 3, "all": 4}))
    assert total_of(fw, {"q": "none"}, {"q": "some"}, {"q": "most"}, {"q": "all"}) == [
        0.0,
        25.0,
        75.0,
        100.0,
    ]


def test_single_choice_with_points_out_of_option_order() -> None:
    fw = one_question(single("q", {"b": 2, "a": 0, "c": 1}))
    assert total_of(fw, {"q": "a"}, {"q": "b"}, {"q": "c"}) == pytest.approx([0.0, 100.0, 50.0])


def test_single_choice_with_evenly_spaced_points_scores_like_a_table() -> None:
    fw = one_question(single("q", {"a": 0, "b": 0.5, "c": 1.0, "d": 1.5}))
    totals = total_of(fw, {"q": "a"}, {"q": "b"}, {"q": "c"}, {"q": "d"})
    assert totals == pytest.approx([0.0, 100 / 3, 200 / 3, 100.0])


def test_single_choice_negative_points_count_as_zero() -> None:
    fw = one_question(single("q", {"bad": -1, "ok": 2}))
    assert total_of(fw, {"q": "bad"}, {"q": "ok"}) == [0.0, 100.0]


def test_multiple_choice_sums_chosen_options_over_positive_total() -> None:
    fw = one_question(multiple("q", {"a": 1, "b": 2, "c": 1}))
    totals = total_of(fw, {"q": ("a",)}, {"q": ("a", "b")}, {"q": ()}, {"q": ("a", "b", "c")})
    assert totals == [25.0, 75.0, 0.0, 100.0]


def test_multiple_choice_cap_limits_points_and_max() -> None:
    fw = one_question(multiple("q", {"a": 1, "b": 1, "c": 1, "d": 1}, cap=2))
    assert total_of(fw, {"q": ("a",)}, {"q": ("a", "b", "c")}) == [50.0, 100.0]


def test_multiple_choice_negative_option_lowers_points_but_not_below_zero() -> None:
    fw = one_question(multiple("q", {"a": 2, "b": 2, "none": -3}))
    assert total_of(fw, {"q": ("a", "b", "none")}, {"q": ("a", "none")}) == [25.0, 0.0]


def test_multiple_choice_with_more_than_eight_options() -> None:
    points = {f"o{k}": float(k % 3 + 1) for k in range(12)}
    fw = one_question(multiple("q", points, cap=15))
    assert [j for j, *_ in plan_for(fw).points.bits] == [0]  # summed bit by bit
    chosen = [("o0", "o11"), tuple(points), ("o9", "o10", "o3"), ()]
    expected = [100 * min(sum(points[c] for c in codes), 15) / 15 for codes in chosen]
    assert total_of(fw, *({"q": c} for c in chosen)) == pytest.approx(expected)
    assert expected[1] == 100.0 and expected[0] == pytest.approx(100 * 4 / 15)  # 1 + 3 of 15


def test_maturity_scores_level_over_five() -> None:
    fw = one_question(maturity("q"))
    assert total_of(fw, *({"q": float(k)} for k in range(6))) == pytest.approx(
        [0, 20, 40, 60, 80, 100]
    )


def test_number_with_thresholds_scores_highest_threshold_reached() -> None:
    fw = one_question(number("q", minimum=0, thresholds=[(50, 2), (10, 1), (100, 4)]))
    values = [0.0, 9.99, 10.0, 49.0, 50.0, 99.0, 100.0, 5000.0]
    assert total_of(fw, *({"q": v} for v in values)) == [0, 0, 25, 25, 50, 50, 100, 100]


def test_number_without_thresholds_is_linear_between_bounds() -> None:
    fw = one_question(number("q", minimum=10, maximum=60))
    assert total_of(fw, {"q": 10.0}, {"q": 35.0}, {"q": 60.0}) == [0.0, 50.0, 100.0]


def test_linear_number_outside_bounds_in_a_matrix_is_clipped() -> None:
    fw = one_question(number("q", minimum=10, maximum=60))
    matrix = AnswerMatrix(
        ("A", "B"), (None, None), ("q",), np.array([[0.0], [99.0]]), np.zeros((2, 1), bool)
    )
    assert score_cycle(fw, matrix).total.tolist() == [0.0, 100.0]


def test_percentage_scores_value_over_hundred_or_by_thresholds() -> None:
    fw = one_question(percentage("q"))
    assert total_of(fw, {"q": 0.0}, {"q": 37.5}, {"q": 100.0}) == [0.0, 37.5, 100.0]
    fw = one_question(percentage("q", thresholds=[(50, 1), (90, 2)]))
    assert total_of(fw, {"q": 49.9}, {"q": 50.0}, {"q": 95.0}) == [0.0, 50.0, 100.0]


def test_text_and_url_questions_are_not_scored() -> None:
    fw = framework(dimension("D", indicator("I", yes_no("q"), url("link"))))
    result = score_cycle(fw, agencies({"q": True, "link": "https://example.go.th/plan.pdf"}))
    assert result.matrix.questions == ("q",)
    assert result.total.tolist() == [100.0]


# ----------------------------------------------------------------- weights and NA


def test_unanswered_question_scores_zero_and_keeps_its_weight() -> None:
    fw = framework(dimension("D", indicator("I", yes_no("a"), yes_no("b", weight=3))))
    assert total_of(fw, {"a": True}, {"b": True}) == [25.0, 75.0]


def test_not_applicable_question_leaves_indicator_and_the_rest_is_reweighted() -> None:
    fw = framework(
        dimension("D", indicator("I", yes_no("a"), yes_no("b", allow_na=True, weight=3)))
    )
    assert total_of(fw, {"a": True, "b": NOT_APPLICABLE}, {"a": False, "b": NOT_APPLICABLE}) == [
        100.0,
        0.0,
    ]
    result = score_cycle(fw, agencies({"a": True, "b": NOT_APPLICABLE}))
    assert math.isnan(result.question_scores[0, 1])


def test_indicator_with_everything_not_applicable_leaves_its_dimension() -> None:
    fw = framework(
        dimension(
            "D",
            indicator("I1", yes_no("a")),
            indicator("I2", yes_no("b", allow_na=True), yes_no("c", allow_na=True), weight=3),
        )
    )
    result = score_cycle(
        fw,
        agencies(
            {"a": True, "b": NOT_APPLICABLE, "c": NOT_APPLICABLE},
            {"a": True, "b": NOT_APPLICABLE, "c": False},
        ),
    )
    assert result.total.tolist() == [100.0, 25.0]
    assert math.isnan(result.indicators[0, 1])
    assert result.indicators[1].tolist() == [100.0, 0.0]


def test_dimension_with_nothing_applicable_leaves_the_total() -> None:
    fw = framework(
        dimension("D1", indicator("I1", yes_no("a")), weight=20),
        dimension("D2", indicator("I2", maturity("b", allow_na=True)), weight=30),
        dimension("D3", indicator("I3", yes_no("c")), weight=50),
    )
    result = score_cycle(fw, agencies({"a": True, "b": NOT_APPLICABLE, "c": False}))
    assert math.isnan(result.dimensions[0, 1])
    assert result.total[0] == pytest.approx(100 * 20 / 70)
    assert result.to_rows()[0]["D2"] is None


def test_agency_with_everything_not_applicable_has_no_total_rank_or_band() -> None:
    fw = one_question(yes_no("a", allow_na=True))
    result = score_cycle(fw, agencies({"a": NOT_APPLICABLE}, {"a": True}))
    assert math.isnan(result.total[0])
    assert result.rank.tolist() == [0, 1]
    assert result.bands == (None, "advanced")
    assert result.to_rows()[0]["rank"] is None


def test_indicator_weights_within_dimension_and_dimension_weights_are_relative() -> None:
    def build(w1: float, w2: float, d1: float, d2: float):  # type: ignore[no-untyped-def]
        return framework(
            dimension(
                "D1",
                indicator("I1", yes_no("a"), weight=w1),
                indicator("I2", yes_no("b"), weight=w2),
                weight=d1,
            ),
            dimension("D2", indicator("I3", yes_no("c")), weight=d2),
        )

    answers = ({"a": True, "b": False, "c": True},)
    assert total_of(build(1, 3, 20, 20), *answers) == pytest.approx([(25 + 100) / 2])
    assert total_of(build(10, 30, 1, 1), *answers) == total_of(build(1, 3, 20, 20), *answers)
    assert total_of(build(1, 1, 60, 20), *answers) == pytest.approx([(50 * 60 + 100 * 20) / 80])


def test_question_weight_zero_does_not_count() -> None:
    fw = framework(dimension("D", indicator("I", yes_no("gate", weight=0), yes_no("q"))))
    assert total_of(fw, {"gate": True, "q": False}) == [0.0]


def test_not_applicable_on_question_that_does_not_allow_it_is_refused_in_a_matrix() -> None:
    fw = one_question(yes_no("a"))
    matrix = AnswerMatrix(("A",), (None,), ("a",), np.array([[0.0]]), np.array([[True]]))
    with pytest.raises(ValueError, match="do not allow it: a"):
        score_cycle(fw, matrix)


# ----------------------------------------------------------------- conditions


def gated(when_hidden: str = "zero", **cond: object):  # type: ignore[no-untyped-def]
    return framework(
        dimension(
            "D",
            indicator(
                "I",
                yes_no("gate"),
                maturity(
                    "q", condition=when("gate", **cond), when_hidden=when_hidden, allow_na=True
                ),
            ),
        )
    )


def test_hidden_question_scores_zero_and_keeps_its_weight_by_default() -> None:
    fw = gated(equals=True)
    totals = total_of(fw, {"gate": True, "q": 5.0}, {"gate": False, "q": 5.0}, {"gate": False})
    assert totals == [100.0, 0.0, 0.0]


def test_hidden_question_with_exclude_leaves_indicator() -> None:
    fw = gated("exclude", equals=True)
    totals = total_of(fw, {"gate": True, "q": 0.0}, {"gate": False, "q": 5.0})
    assert totals == [50.0, 0.0]
    result = score_cycle(fw, agencies({"gate": False}))
    assert math.isnan(result.question_scores[0, 1])


def test_gate_unanswered_or_not_applicable_hides_the_question() -> None:
    fw = framework(
        dimension(
            "D",
            indicator(
                "I",
                yes_no("gate", allow_na=True),
                yes_no("q", condition=when("gate", equals=True)),
            ),
        )
    )
    totals = total_of(fw, {"q": True}, {"gate": NOT_APPLICABLE, "q": True})
    assert totals == [0.0, 0.0]


def test_not_applicable_answer_to_hidden_question_counts_as_hidden() -> None:
    fw = gated("zero", equals=True)
    # hidden wins: scores 0 with its weight, not re-weighted away
    assert total_of(
        fw, {"gate": True, "q": NOT_APPLICABLE}, {"gate": False, "q": NOT_APPLICABLE}
    ) == [
        100.0,
        0.0,
    ]


def test_condition_on_a_hidden_gate_hides_the_question_too() -> None:
    fw = framework(
        dimension(
            "D",
            indicator(
                "I",
                yes_no("a"),
                yes_no("b", condition=when("a", equals=True)),
                yes_no("c", condition=when("b", equals=True), when_hidden="exclude"),
            ),
        )
    )
    # a = no hides b; b's stored "yes" must not show c
    result = score_cycle(fw, agencies({"a": False, "b": True, "c": True}))
    assert result.total.tolist() == [0.0]
    assert math.isnan(result.question_scores[0, 2])


def test_conditions_on_choice_and_numeric_gates() -> None:
    fw = framework(
        dimension(
            "D",
            indicator(
                "I",
                single("s", {"x": 0, "y": 1, "z": 2}, weight=0),
                multiple("m", {"p": 1, "q": 1, "r": 1}, weight=0),
                maturity("lvl", weight=0),
                yes_no("eq", condition=when("s", equals="y"), when_hidden="exclude"),
                yes_no("anyof", condition=when("m", any_of=("q", "r")), when_hidden="exclude"),
                yes_no("atleast", condition=when("lvl", at_least=3), when_hidden="exclude"),
            ),
        )
    )
    answers = {"eq": True, "anyof": False, "atleast": True}
    shown_all = score_cycle(fw, agencies({"s": "y", "m": ("r",), "lvl": 3.0, **answers}))
    assert shown_all.total[0] == pytest.approx(200 / 3)
    only_eq = score_cycle(fw, agencies({"s": "y", "m": ("p",), "lvl": 2.0, **answers}))
    assert only_eq.total[0] == 100.0
    none_shown = score_cycle(fw, agencies({"s": "x", "m": (), "lvl": 0.0, **answers}))
    assert math.isnan(none_shown.total[0])


def test_condition_on_unknown_or_later_question_is_refused() -> None:
    fw = framework(
        dimension(
            "D", indicator("I", yes_no("q", condition=when("later", equals=True)), yes_no("later"))
        )
    )
    with pytest.raises(ValueError, match="later question"):
        plan_for(fw)


# ----------------------------------------------------------------- normalisation


def norm_framework(mode: str):  # type: ignore[no-untyped-def]
    return framework(
        dimension("D1", indicator("I1", percentage("a"))),
        dimension("D2", indicator("I2", percentage("b", allow_na=True))),
        normalisation=mode,
    )


def test_minmax_rescales_each_dimension_across_agencies() -> None:
    fw = norm_framework("minmax")
    result = score_cycle(
        fw,
        agencies({"a": 20.0, "b": 50.0}, {"a": 60.0, "b": 50.0}, {"a": 40.0, "b": NOT_APPLICABLE}),
    )
    assert result.dimensions[:, 0].tolist() == pytest.approx([0.0, 100.0, 50.0])
    # every agency with the dimension has the same score: half the scale
    assert result.dimensions[:2, 1].tolist() == [50.0, 50.0]
    assert math.isnan(result.dimensions[2, 1])
    assert result.raw_dimensions[:, 0].tolist() == pytest.approx([20.0, 60.0, 40.0])
    assert result.total.tolist() == pytest.approx([25.0, 75.0, 50.0])


def test_zscore_minmax_uses_population_std_and_matches_minmax() -> None:
    fw = norm_framework("zscore_minmax")
    values = [10.0, 35.0, 90.0, 55.0]
    result = score_cycle(fw, agencies(*({"a": v, "b": 100 - v} for v in values)))
    x = np.array(values) / 100
    z = (x - x.mean()) / x.std()  # numpy's std is the population std
    expected = (z - z.min()) / (z.max() - z.min()) * 100
    assert result.dimensions[:, 0] == pytest.approx(expected)
    assert result.normalisation.std[0] == pytest.approx(x.std())
    minmax = score_cycle(
        norm_framework("minmax"), agencies(*({"a": v, "b": 100 - v} for v in values))
    )
    assert result.dimensions == pytest.approx(minmax.dimensions)


def test_no_normalisation_leaves_dimension_scores() -> None:
    result = score_cycle(norm_framework("none"), agencies({"a": 20.0, "b": 50.0}))
    assert result.dimensions.tolist() == [[20.0, 50.0]]


# ----------------------------------------------------------------- publication


def test_total_keeps_full_precision_and_published_total_rounds_half_up() -> None:
    fw = one_question(number("q", minimum=0, maximum=100000))
    result = score_cycle(fw, agencies({"q": 57005.0}, {"q": 57004.0}, {"q": 12345.0}))
    assert result.total[0] == pytest.approx(57.005)
    # 57.005 is stored just below the half: numpy's round (half to even) gives 57.0
    assert np.round(result.total[0], 2) == 57.0
    assert result.published.total.tolist() == [57.01, 57.00, 12.35]


def test_band_comes_from_the_published_total() -> None:
    fw = one_question(number("q", minimum=0, maximum=100000))
    result = score_cycle(fw, agencies({"q": 79995.0}, {"q": 79994.0}))
    assert result.published.total.tolist() == [80.0, 79.99]
    assert result.bands == ("advanced", "intermediate")


def test_equal_published_totals_share_a_rank() -> None:
    fw = one_question(number("q", minimum=0, maximum=100000))
    values = [90001.0, 80001.0, 80004.0, 70000.0, 90000.0]
    result = score_cycle(fw, agencies(*({"q": v} for v in values)))
    # 80.001 and 80.004 are both published as 80.00; so are 90.001 and 90.000
    assert result.rank.tolist() == [1, 3, 3, 5, 1]


def test_group_rank_is_competition_rank_within_the_peer_group() -> None:
    fw = one_question(percentage("q"))
    result = score_cycle(
        fw,
        agencies(
            *({"q": v} for v in [50.0, 70.0, 70.0, 90.0, 10.0, 60.0]),
            groups=["x", "y", "x", "y", None, "x"],
        ),
    )
    assert result.rank.tolist() == [5, 2, 2, 1, 6, 4]
    assert result.group_rank.tolist() == [3, 2, 1, 1, 0, 2]


def test_gain_is_published_total_minus_previous_published_total() -> None:
    fw = one_question(number("q", minimum=0, maximum=100000))
    previous = PreviousCycle(totals={"A1": 74.05, "A2": 70.0}, label="2563")
    result = score_cycle(fw, agencies({"q": 86404.0}, {"q": 70004.0}, {"q": 1.0}), previous)
    assert result.published.gain[:2].tolist() == [12.35, 0.0]
    assert math.isnan(result.published.gain[2]) and math.isnan(result.published.previous_total[2])
    row = result.to_rows()[0]
    assert row["previous_total"] == 74.05 and row["gain"] == 12.35


def test_previous_totals_are_taken_at_their_own_precision() -> None:
    fw = one_question(number("q", minimum=0, maximum=100000))
    previous = PreviousCycle(totals={"A1": 70.12345}, precision=4)
    result = score_cycle(fw, agencies({"q": 80000.0}), previous)
    assert result.published.previous_total.tolist() == [70.1235]
    assert result.published.gain.tolist() == [9.8765]


def test_to_rows_gives_published_figures() -> None:
    fw = framework(
        dimension("D1", indicator("I1", percentage("a"))),
        dimension("D2", indicator("I2", percentage("b"))),
        groups=["g"],
    )
    rows = score_cycle(fw, agencies({"a": 33.333, "b": 66.6666}, groups=["g"])).to_rows()
    assert rows == [
        {
            "agency": "A1",
            "group": "g",
            "total": 50.0,
            "D1": 33.33,
            "D2": 66.67,
            "band": "basic",
            "rank": 1,
            "group_rank": 1,
        }
    ]
    json.dumps(rows)


# ----------------------------------------------------------------- whole cycles


@pytest.fixture(scope="module")
def synthetic():  # type: ignore[no-untyped-def]
    fw = synthetic_framework(n_questions=80, n_dimensions=4, seed=3)
    matrix = synthetic_answers(fw, 300, seed=4)
    return fw, matrix, score_cycle(fw, matrix)


def test_vectorised_question_scores_match_the_scalar_definition(synthetic) -> None:  # type: ignore[no-untyped-def]
    from tests.scoring.reference import assert_scores_match

    fw, matrix, result = synthetic
    assert_scores_match(result, matrix.agencies[:60])


def test_explanations_recompute_every_total(synthetic) -> None:  # type: ignore[no-untyped-def]
    fw, matrix, result = synthetic
    for agency in matrix.agencies:
        e = explain_agency(result, agency)
        row = result.index(agency)
        assert e.total == pytest.approx(result.total[row], abs=1e-9)
        assert e.published_total == result.published.total[row]
        for k, d in enumerate(e.dimensions):
            if d.score is None:
                assert math.isnan(result.dimensions[row, k])
            else:
                assert d.score == pytest.approx(result.dimensions[row, k], abs=1e-9)


def test_matrix_layout_does_not_change_scores(synthetic) -> None:  # type: ignore[no-untyped-def]
    fw, matrix, result = synthetic
    c_order = AnswerMatrix(
        matrix.agencies,
        matrix.groups,
        matrix.questions,
        np.ascontiguousarray(matrix.values),
        np.ascontiguousarray(matrix.not_applicable),
    )
    again = score_cycle(fw, c_order)
    np.testing.assert_array_equal(again.published.total, result.published.total)
    np.testing.assert_allclose(again.total, result.total, rtol=0, atol=1e-12)


def test_scoring_answers_or_their_matrix_gives_the_same_result(synthetic) -> None:  # type: ignore[no-untyped-def]
    fw, matrix, result = synthetic
    rows = [matrix.answers_of(fw, a) for a in matrix.agencies[:50]]
    from_rows = score_cycle(fw, rows)
    encoded = encode_answers(fw, rows)
    np.testing.assert_array_equal(encoded.not_applicable, matrix.not_applicable[:50])
    np.testing.assert_allclose(from_rows.total, result.total[:50], atol=1e-12)


def test_framework_is_planned_once_and_a_copy_has_its_own_plan() -> None:
    fw = synthetic_framework(n_questions=20, n_dimensions=2)
    assert plan_for(fw) is plan_for(fw)
    other = replace(fw, precision=3)
    assert plan_for(other) is not plan_for(fw) and plan_for(other).framework is other


def test_matrix_for_another_framework_is_refused(synthetic) -> None:  # type: ignore[no-untyped-def]
    _, matrix, _ = synthetic
    with pytest.raises(ValueError, match="do not match"):
        score_cycle(one_question(yes_no("q")), matrix)


def test_a_cycle_becomes_the_previous_cycle_of_the_next() -> None:
    fw = framework(
        dimension("D", indicator("OLD", percentage("a")), indicator("KEEP", percentage("b")))
    )
    earlier = score_cycle(fw, agencies({"a": 40.0, "b": 60.0}))
    previous = earlier.as_previous()
    assert previous.totals == {"A1": 50.0}
    assert previous.dimensions == {"A1": {"D": 50.0}}
    assert previous.label == "2564" and previous.precision == 2
    later_fw = framework(
        dimension(
            "D",
            indicator("NEW", percentage("a"), replaces=("OLD",)),
            indicator("KEEP", percentage("b")),
        )
    )
    later = score_cycle(later_fw, agencies({"a": 45.0, "b": 70.0}), previous)
    assert later.published.gain.tolist() == [7.5]


def test_a_matrix_keeps_its_scores_and_its_answers_cannot_change_under_them(synthetic) -> None:  # type: ignore[no-untyped-def]
    from scoring.plan import matrix_scores

    fw, matrix, result = synthetic
    scores = matrix_scores(plan_for(fw), matrix)
    assert matrix_scores(plan_for(fw), matrix) is scores
    for array in (matrix.values, matrix.not_applicable, scores):
        with pytest.raises(ValueError):
            array[0, 0] = 1
    # another framework object with the same questions: scores of its own, same figures
    other = replace(fw)
    assert matrix_scores(plan_for(other), matrix) is not scores
    np.testing.assert_array_equal(score_cycle(other, matrix).published.total, result.published.total)
