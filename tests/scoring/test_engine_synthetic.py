"""Synthetic frameworks and answers used by the benchmark and tests."""

from __future__ import annotations

import numpy as np

from scoring.matrix import encode_answers, matrix_questions
from scoring.model import SCORED_TYPES
from scoring.result import score_cycle
from tests.synthetic.cycles import synthetic_answers, synthetic_framework


def test_synthetic_framework_mixes_every_scored_type() -> None:
    fw = synthetic_framework(n_questions=200, n_dimensions=6)
    scored = matrix_questions(fw)
    assert len(scored) == 200
    assert {q.type for q in scored} == set(SCORED_TYPES)
    assert len(fw.dimensions) == 6
    assert any(q.allow_na for q in scored)
    assert {q.when_hidden for q in scored if q.condition} == {"zero", "exclude"}
    assert len(fw.questions) > 200  # plus unscored evidence links


def test_synthetic_answers_are_valid_and_reproducible() -> None:
    fw = synthetic_framework(n_questions=60, n_dimensions=3, seed=5)
    first = synthetic_answers(fw, 400, seed=9, groups=4)
    # every answer passes the checks of encode_answers, read back to the same cells
    checked = encode_answers(fw, [first.answers_of(fw, a) for a in first.agencies])
    np.testing.assert_array_equal(checked.values, first.values)
    np.testing.assert_array_equal(checked.not_applicable, first.not_applicable)
    again = synthetic_answers(fw, 400, seed=9, groups=4)
    np.testing.assert_array_equal(first.values, again.values)
    assert first.values.flags["F_CONTIGUOUS"]
    assert set(first.groups) == {"G1", "G2", "G3", "G4"}
    assert 0 < np.isnan(first.values).mean() < 0.3
    assert 0 < first.not_applicable.mean() < 0.05


def test_synthetic_cycle_spreads_over_the_bands_and_has_award_winners() -> None:
    fw = synthetic_framework()
    result = score_cycle(fw, synthetic_answers(fw, 2000, seed=1))
    assert {"advanced", "intermediate", "basic", "beginner"} <= set(result.bands)
    assert all(a.winners for a in result.awards if a.kind != "top_gain")


def test_synthetic_previous_cycle_gives_modest_gains() -> None:
    from tests.synthetic.cycles import synthetic_previous

    fw = synthetic_framework(n_questions=40, n_dimensions=2)
    result = score_cycle(fw, synthetic_answers(fw, 1000, seed=3))
    previous = synthetic_previous(result, seed=4)
    again = score_cycle(fw, result.matrix, previous)
    gains = again.published.gain[~np.isnan(again.published.gain)]
    assert 900 <= gains.size < 1000
    assert 0 < np.median(gains) < 6
