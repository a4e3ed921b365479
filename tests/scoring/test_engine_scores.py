"""The engine's scores equal the brute-force definitions (tests/scoring/reference.py) on
synthetic cycles, on every kind of condition, on answers given to hidden questions (which
forms do not ask, but imported answers may hold), on agencies without a total and on the
shipped frameworks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from scoring.loader import load_framework
from scoring.matrix import AnswerMatrix
from scoring.plan import plan_for, shown
from scoring.result import score_cycle
from tests.scoring.reference import assert_awards_match, assert_scores_match, band_for
from tests.synthetic.cycles import synthetic_answers, synthetic_framework, synthetic_previous

FRAMEWORKS = Path(__file__).resolve().parents[2] / "frameworks"


def _with_hidden_answers(fw, seed: int) -> AnswerMatrix:  # type: ignore[no-untyped-def]
    """Synthetic answers, plus answers (and not-applicable) given to hidden questions."""
    matrix = synthetic_answers(fw, 400, seed=seed)
    other = synthetic_answers(fw, 400, seed=seed + 100)
    values = np.array(matrix.values, order="F")
    na = np.array(matrix.not_applicable, order="F")
    plan = plan_for(fw)
    visible = shown(plan, matrix.values, matrix.not_applicable)
    changed = 0
    for k, c in enumerate(plan.conditions):
        take = ~visible[:, k] & (~np.isnan(other.values[:, c.column]) | other.not_applicable[:, c.column])
        values[take, c.column] = other.values[take, c.column]
        na[take, c.column] = other.not_applicable[take, c.column] & plan.questions[c.column].allow_na
        changed += int(take.sum())
    assert changed > 100
    return AnswerMatrix(matrix.agencies, matrix.groups, matrix.questions, values, na)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_synthetic_cycles_score_as_defined(seed: int) -> None:
    fw = synthetic_framework(n_questions=60, n_dimensions=3, seed=seed)
    result = score_cycle(fw, synthetic_answers(fw, 300, seed=seed))
    assert_scores_match(result)
    assert_awards_match(result)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_answers_to_hidden_questions_are_ignored(seed: int) -> None:
    fw = synthetic_framework(n_questions=60, n_dimensions=3, seed=seed)
    base = synthetic_answers(fw, 400, seed=seed)
    matrix = _with_hidden_answers(fw, seed)
    result = score_cycle(fw, matrix)
    assert_scores_match(result)
    # the answers to hidden questions changed no figure
    again = score_cycle(fw, base)
    np.testing.assert_array_equal(result.published.total, again.published.total)
    np.testing.assert_allclose(result.indicators, again.indicators, rtol=0, atol=1e-12)


def test_every_kind_of_condition_and_chains_on_random_answers() -> None:
    from tests.scoring.test_engine_support import every_kind_of_condition

    fw, values, na = every_kind_of_condition(1500)
    n = values.shape[0]
    codes = plan_for(fw).codes
    for order in ("F", "C"):
        matrix = AnswerMatrix(
            tuple(f"A{i:05d}" for i in range(n)),
            tuple(("G1", "G2", None)[i % 3] for i in range(n)),
            codes,
            np.array(values, order=order),
            np.array(na, order=order),
        )
        result = score_cycle(fw, matrix)
        assert_scores_match(result, result.agencies[:400])
        previous = synthetic_previous(result, seed=4)
        assert_awards_match(score_cycle(fw, matrix, previous))


def test_agencies_without_a_total_are_not_published_banded_or_ranked() -> None:
    """Not applicable to everything: no total, no band, no rank, no gain."""
    from tests.scoring.test_engine_support import maturity, one_question

    fw = one_question(maturity("q", allow_na=True))
    n = 700
    rng = np.random.default_rng(5)
    values = rng.integers(0, 6, (n, 1)).astype(np.float64)
    na = rng.random((n, 1)) < 0.3
    values[na] = 0.0
    values[rng.random((n, 1)) < 0.1] = np.nan
    matrix = AnswerMatrix(
        tuple(f"A{i:05d}" for i in range(n)), tuple(("G1", None)[i % 2] for i in range(n)),
        ("q",), values, na,
    )
    result = score_cycle(fw, matrix, synthetic_previous(score_cycle(fw, matrix), seed=6))
    missing = na[:, 0]
    assert np.isnan(result.total).sum() == missing.sum()
    assert (result.rank[missing] == 0).all() and (result.group_rank[missing] == 0).all()
    assert np.isnan(result.published.gain[missing]).all() and (result.band_index[missing] == -1).all()
    assert all(result.bands[i] is None for i in np.flatnonzero(missing).tolist())
    assert_scores_match(result)


@pytest.mark.parametrize("name", ["th-2563", "th-2564", "un-egdi", "oecd-dgi"])
def test_shipped_frameworks_score_as_defined(name: str) -> None:
    fw = load_framework(FRAMEWORKS / f"{name}.yaml")
    result = score_cycle(fw, synthetic_answers(fw, 300, seed=21))
    assert_scores_match(result)
    assert_awards_match(result)


def test_a_cycle_without_agencies() -> None:
    fw = synthetic_framework(n_questions=20, n_dimensions=2, seed=3)
    codes = plan_for(fw).codes
    empty = AnswerMatrix(
        agencies=(), groups=(), questions=codes, values=np.empty((0, len(codes))),
        not_applicable=np.zeros((0, len(codes)), dtype=bool),
    )
    result = score_cycle(fw, empty)
    assert result.total.shape == result.rank.shape == (0,)
    assert all(not a.winners for a in result.awards)


@pytest.mark.parametrize("precision", [0, 1, 3, 6])
def test_every_publication_precision_rounds_ranks_and_awards_as_defined(precision: int) -> None:
    """At 6 decimals nearly every total differs; at 0 most agencies share a rank."""
    from scoring.ranking import round_half_up

    fw = replace(synthetic_framework(n_questions=40, n_dimensions=3, seed=41), precision=precision)
    matrix = synthetic_answers(fw, 1500, seed=42)
    first = score_cycle(fw, matrix)
    previous = replace(synthetic_previous(first, seed=43), precision=max(precision - 1, 0))
    result = score_cycle(fw, matrix, previous)
    np.testing.assert_array_equal(result.published.total, round_half_up(result.total, precision))
    totals = result.published.total.tolist()
    for i in range(0, 1500, 37):
        if totals[i] == totals[i]:
            assert result.rank[i] == 1 + sum(1 for t in totals if t > totals[i])
    assert (result.published.gain[~np.isnan(result.published.gain)] < 0).any()
    assert_awards_match(result)


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
    result = score_cycle(fw, rows)
    assert_scores_match(result)
    assert result.total.tolist() == [100.0, 50.0, 50.0]


@pytest.mark.parametrize("precision", [0, 2, 5])
def test_round_half_up_is_the_plain_formula_bit_for_bit(precision: int) -> None:
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
        band = band_for(fw, total)
        assert (bands[index] if index >= 0 else None) is band


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_competition_ranks_equal_a_count_of_the_better(seed: int) -> None:
    from scoring.ranking import competition_ranks, round_half_up

    rng = np.random.default_rng(seed)
    n = 500
    values = round_half_up(rng.uniform(0, 100, n) * (10 if seed == 2 else 1), 2)
    values[rng.random(n) < 0.1] = np.nan
    values[:50] = values[50]  # ties
    groups = rng.integers(-1, 4 if seed else 1, n).astype(np.int32)
    ranks, group_ranks = competition_ranks(values, groups)
    for i in range(n):
        if np.isnan(values[i]):
            assert ranks[i] == 0 and group_ranks[i] == 0
            continue
        assert ranks[i] == 1 + np.count_nonzero(values > values[i])
        same = groups == groups[i]
        expected = 1 + np.count_nonzero(same & (values > values[i])) if groups[i] >= 0 else 0
        assert group_ranks[i] == expected
    ranks, group_ranks = competition_ranks(np.full(5, np.nan), np.zeros(5, np.int32))
    assert not ranks.any() and not group_ranks.any()
