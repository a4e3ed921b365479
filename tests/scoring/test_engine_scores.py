"""The ``scores`` encoding and the engine's fast path agree with the column-by-column
scoring of ``values`` (``indicator_scores``), including the rare cases the fast path
handles apart: hidden questions that were answered anyway, not-applicable answers to
hidden questions, matrices built without ``scores`` or for another framework object."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from scoring import engine
from scoring.answers import AnswerMatrix, encode_answers
from scoring.engine import compile_framework, score_cycle
from scoring.synthetic import synthetic_answers, synthetic_framework


def _reference(fw, matrix: AnswerMatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cf = compile_framework(fw)
    ind, present = engine.indicator_scores(cf, matrix.values, matrix.not_applicable)
    raw = engine._weighted_ranges(ind, present, cf.dim_ranges, cf.ind_weight_effective)
    return ind, present, raw


def _fast(fw, matrix: AnswerMatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cf = compile_framework(fw)
    scores = engine.answer_scores(cf, matrix.values, matrix.not_applicable)
    return engine.indicators_from_scores(cf, scores.T, matrix.values.T, matrix.not_applicable.T)


def _same(fw, matrix: AnswerMatrix) -> None:
    ind, present, raw = _reference(fw, matrix)
    ind2, present2, raw2 = _fast(fw, matrix)
    np.testing.assert_array_equal(present, present2)
    np.testing.assert_allclose(ind2, ind, rtol=0, atol=1e-13)
    np.testing.assert_array_equal(np.isnan(raw), np.isnan(raw2))
    np.testing.assert_allclose(raw2, raw, rtol=0, atol=1e-13)


def _with_hidden_answers(fw, seed: int) -> AnswerMatrix:
    """Synthetic answers, plus answers (and not-applicable) given to hidden questions."""
    matrix = synthetic_answers(fw, 400, seed=seed)
    values = np.array(matrix.values, order="F")
    na = np.array(matrix.not_applicable, order="F")
    cf = compile_framework(fw)
    rng = np.random.default_rng(seed)
    for c in cf.conditions:
        unanswered = np.isnan(values[:, c.column])
        fill = unanswered & (rng.random(values.shape[0]) < 0.5)
        q = cf.questions[c.column]
        if q.type.value == "yes_no":
            values[fill, c.column] = 1.0
        elif q.type.value == "maturity":
            values[fill, c.column] = 4.0
        elif q.type.value == "percentage":
            values[fill, c.column] = 80.0
        elif q.type.value == "number" and q.maximum is not None:
            values[fill, c.column] = q.maximum
        else:
            values[fill, c.column] = 1.0
        if q.allow_na:
            flag = unanswered & ~fill & (rng.random(values.shape[0]) < 0.5)
            na[flag, c.column] = True
            values[flag, c.column] = 0.0
    return AnswerMatrix(matrix.agencies, matrix.groups, matrix.questions, values, na)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_fast_path_equals_column_by_column_scoring(seed: int) -> None:
    fw = synthetic_framework(n_questions=60, n_dimensions=3, seed=seed)
    _same(fw, synthetic_answers(fw, 300, seed=seed))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_hidden_questions_answered_anyway(seed: int) -> None:
    fw = synthetic_framework(n_questions=60, n_dimensions=3, seed=seed)
    matrix = _with_hidden_answers(fw, seed)
    _same(fw, matrix)
    result = score_cycle(fw, matrix)
    ind, present, _raw = _reference(fw, matrix)
    np.testing.assert_array_equal(result._indicator_present, present)
    np.testing.assert_allclose(result._indicator_filled, ind, rtol=0, atol=1e-13)


def test_scores_encoding() -> None:
    fw = synthetic_framework(n_questions=40, n_dimensions=2, seed=5)
    matrix = synthetic_answers(fw, 200, seed=5)
    assert matrix.scores is not None and matrix.scores_framework is fw
    assert matrix.scores.flags["F_CONTIGUOUS"]
    assert not matrix.values.flags.writeable and not matrix.scores.flags.writeable
    cf = compile_framework(fw)
    st, _ = engine.question_matrix(cf, matrix.values, matrix.not_applicable)
    # before conditions: equal to the column-by-column scores wherever the question is
    # unconditional
    unconditional = [j for j in range(cf.n_columns) if j not in set(cf.condition_columns)]
    expected = (st * cf.factor[:, None]).T
    np.testing.assert_allclose(
        matrix.scores[:, unconditional], expected[:, unconditional], rtol=0, atol=1e-15
    )
    assert (matrix.scores[matrix.not_applicable] == 0).all()
    assert (matrix.scores[np.isnan(matrix.values)] == 0).all()
    assert (matrix.scores >= 0).all() and (matrix.scores <= 1).all()


def test_scores_of_another_framework_object_are_not_used() -> None:
    fw = synthetic_framework(n_questions=40, n_dimensions=2, seed=6)
    matrix = synthetic_answers(fw, 100, seed=6)
    # the same codes, other points: the matrix's scores belong to fw, not to this one
    dims = list(fw.dimensions)
    other = replace(fw, dimensions=tuple(dims))
    bare = AnswerMatrix(
        matrix.agencies, matrix.groups, matrix.questions, matrix.values, matrix.not_applicable
    )
    np.testing.assert_array_equal(score_cycle(other, matrix).total, score_cycle(other, bare).total)
    np.testing.assert_array_equal(score_cycle(fw, matrix).total, score_cycle(fw, bare).total)


def test_encode_answers_keeps_scores() -> None:
    fw = synthetic_framework(n_questions=30, n_dimensions=2, seed=7)
    matrix = synthetic_answers(fw, 20, seed=7)
    rows = [matrix.answers_of(fw, a) for a in matrix.agencies]
    encoded = encode_answers(fw, rows)
    assert encoded.scores is not None and encoded.scores_framework is fw
    np.testing.assert_array_equal(encoded.scores, matrix.scores)
    with pytest.raises(ValueError):
        encoded.values[0, 0] = 1.0


@pytest.mark.parametrize("precision", [0, 2, 4])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_competition_ranks_equal_the_separate_functions(precision: int, seed: int) -> None:
    from scoring.ranking import (
        competition_rank,
        competition_ranks,
        group_competition_rank,
        round_half_up,
    )

    rng = np.random.default_rng(seed)
    n = 500
    values = round_half_up(rng.uniform(0, 100, n) * (10 if seed == 2 else 1), precision)
    values[rng.random(n) < 0.1] = np.nan
    values[:50] = values[50]  # ties
    groups = rng.integers(-1, 4 if seed else 1, n).astype(np.int32)
    ranks, group_ranks = competition_ranks(values, groups, precision)
    np.testing.assert_array_equal(ranks, competition_rank(values, precision))
    np.testing.assert_array_equal(group_ranks, group_competition_rank(values, groups, precision))
    everything_missing = np.full(5, np.nan)
    ranks, group_ranks = competition_ranks(everything_missing, np.zeros(5, np.int32), precision)
    assert not ranks.any() and not group_ranks.any()


def test_every_kind_of_condition_and_chains_on_random_answers() -> None:
    from tests.scoring.test_engine_support import every_kind_of_condition

    fw, values, na = every_kind_of_condition(3000)
    n = values.shape[0]
    cf = compile_framework(fw)
    for order in ("F", "C"):
        matrix = AnswerMatrix(
            tuple(f"A{i}" for i in range(n)),
            (None,) * n,
            cf.codes,
            np.array(values, order=order),
            np.array(na, order=order),
        )
        _same(fw, matrix)
        result = score_cycle(fw, matrix)
        ind, present, _raw = _reference(fw, matrix)
        np.testing.assert_array_equal(result._indicator_present, present)
        np.testing.assert_allclose(result._indicator_filled, ind, rtol=0, atol=1e-13)


@pytest.mark.parametrize("precision", [0, 2, 5])
def test_round_half_up_skips_sign_steps_without_changing_a_bit(precision: int) -> None:
    from scoring.ranking import round_half_up

    def reference(x: np.ndarray) -> np.ndarray:
        factor = 10.0**precision
        scaled = np.abs(x) * factor
        result = np.maximum(scaled * 1e-12, 1e-9)
        result += 0.5
        result += scaled
        result = np.floor(result) / factor
        return np.copysign(result, x) + 0.0

    rng = np.random.default_rng(precision)
    for x in (
        rng.uniform(0, 100, 5000),
        np.round(rng.uniform(0, 100, 5000), precision + 1),
        np.array([0.0, -0.0, 86.405, np.nan, 1e-20, 100.0]),
        np.array([np.nan, -1.005, 2.5, -0.0]),
    ):
        got, want = round_half_up(x, precision), reference(x)
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(np.signbit(got), np.signbit(want))


def _question_scores_by_columns(fw, matrix: AnswerMatrix) -> np.ndarray:
    cf = compile_framework(fw)
    st, et = engine.question_matrix(cf, matrix.values, matrix.not_applicable)
    st *= cf.factor[:, None]
    for pos, j in enumerate(cf.excludable.tolist()):
        st[j][et[pos]] = np.nan
    return st.T


@pytest.mark.parametrize("seed", [0, 3])
def test_question_scores_from_the_encoding_equal_the_column_by_column_ones(seed: int) -> None:
    fw = synthetic_framework(n_questions=60, n_dimensions=3, seed=seed)
    for matrix in (synthetic_answers(fw, 300, seed=seed), _with_hidden_answers(fw, seed)):
        got = score_cycle(fw, matrix).question_scores
        np.testing.assert_array_equal(got, _question_scores_by_columns(fw, matrix))


@pytest.mark.parametrize("n_bands", [1, 4, 16, 17, 40])
def test_band_indexes_agree_with_band_for_with_few_and_many_bands(n_bands: int) -> None:
    from scoring.model import Band, Bilingual
    from scoring.ranking import band_indexes

    rng = np.random.default_rng(n_bands)
    minima = [0.0] + sorted(rng.choice(np.arange(1, 100), n_bands - 1).tolist())
    bands = tuple(
        Band(f"b{k}", Bilingual(f"b{k}", f"b{k}"), float(m)) for k, m in enumerate(minima)
    )
    fw = replace(synthetic_framework(n_questions=10, n_dimensions=1), bands=bands)
    totals = np.concatenate([rng.uniform(-1, 101, 300), np.array(minima), [np.nan]])
    got = band_indexes(totals, bands)
    for total, index in zip(totals.tolist(), got.tolist(), strict=True):
        band = fw.band_for(total)
        assert (bands[index] if index >= 0 else None) is band


def test_hidden_answers_to_questions_of_no_weight() -> None:
    from tests.scoring.test_engine_support import (
        agencies,
        dimension,
        framework,
        indicator,
        when,
        yes_no,
    )

    fw = framework(
        dimension(
            "D",
            indicator(
                "gates",
                yes_no("a", weight=0),
                yes_no("b", weight=0, condition=when("a", equals=True)),
            ),
            indicator(
                "I",
                yes_no("c"),
                yes_no("d", condition=when("a", equals=True), when_hidden="exclude"),
                yes_no("e", weight=0, condition=when("b", equals=True)),
            ),
        )
    )
    rows = agencies(
        {"a": False, "b": True, "c": True, "d": True, "e": True},
        {"a": True, "b": False, "c": False, "d": True, "e": True},
        {"a": True, "b": True, "c": True, "d": False},
    )
    matrix = encode_answers(fw, rows)
    _same(fw, matrix)
    result = score_cycle(fw, rows)
    ind, present, _raw = _reference(fw, matrix)
    np.testing.assert_array_equal(result._indicator_present, present)
    np.testing.assert_allclose(result._indicator_filled, ind, rtol=0, atol=1e-13)
    assert result.total.tolist() == [100.0, 50.0, 50.0]
