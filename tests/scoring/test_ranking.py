"""Publication rounding, competition ranks and bands."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.model import Band
from scoring.ranking import band_indexes, competition_ranks, round_half_up
from tests.scoring.reference import band_for
from tests.scoring.test_engine_support import BANDS, framework, text


def competition_rank(values: np.ndarray) -> np.ndarray:
    """Competition ranks over everybody: no agency in a group."""
    return competition_ranks(values, np.full(len(values), -1))[0]


def group_competition_rank(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    return competition_ranks(values, groups)[1]


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        (86.405, 2, 86.41),  # stored as 86.40499999999999...
        (57.005, 2, 57.01),
        (2.675, 2, 2.68),
        (0.125, 2, 0.13),  # an exact binary half
        (0.135, 2, 0.14),
        (86.404999, 2, 86.40),
        (0.33755, 4, 0.3376),
        (79.995, 2, 80.00),
        (99.9999995, 6, 100.0),
        (12.5, 0, 13.0),
        (13.5, 0, 14.0),  # no banker's rounding
        (-0.005, 2, -0.01),  # halves away from zero
        (-12.345, 2, -12.35),
        (0.0, 2, 0.0),
    ],
)
def test_round_half_up(value: float, precision: int, expected: float) -> None:
    assert float(round_half_up(value, precision)) == expected


def test_round_half_up_keeps_nan_and_never_gives_negative_zero() -> None:
    out = round_half_up(np.array([np.nan, -0.001, 1.0]), 2)
    assert math.isnan(out[0])
    assert math.copysign(1.0, out[1]) == 1.0
    assert out[2] == 1.0


def test_rounded_values_equal_the_decimal_literals() -> None:
    # integer / 10**p is the double nearest the decimal, so band minimums compare exactly
    values = np.arange(0, 10001) / 100 + 1e-12
    rounded = round_half_up(values, 2)
    assert all(float(r) == float(f"{k / 100:.2f}") for k, r in enumerate(rounded))


def test_competition_rank_shares_places_and_skips() -> None:
    assert competition_rank(np.array([90.0, 80.0, 80.0, 70.0])).tolist() == [1, 2, 2, 4]
    assert competition_rank(np.array([5.0, 5.0, 5.0])).tolist() == [1, 1, 1]
    assert competition_rank(np.array([1.0, np.nan, 3.0])).tolist() == [2, 0, 1]
    assert competition_rank(np.array([])).tolist() == []


def test_competition_rank_matches_a_plain_definition() -> None:
    rng = np.random.default_rng(1)
    values = np.round(rng.uniform(0, 10, 2000), 1)
    values[::97] = np.nan
    expected = [0 if np.isnan(v) else 1 + int((values > v).sum()) for v in values]
    assert competition_rank(values).tolist() == expected


def test_group_rank_ranks_within_each_group() -> None:
    values = np.array([50.0, 70.0, 70.0, 90.0, 10.0, 60.0, np.nan])
    groups = np.array([0, 1, 0, 1, -1, 0, 0], dtype=np.int32)
    assert group_competition_rank(values, groups).tolist() == [3, 2, 1, 1, 0, 2, 0]


def test_group_rank_matches_a_plain_definition() -> None:
    rng = np.random.default_rng(2)
    values = np.round(rng.uniform(0, 5, 3000), 1)
    values[::89] = np.nan
    groups = rng.integers(-1, 7, 3000).astype(np.int32)
    expected = [
        0 if g < 0 or np.isnan(v) else 1 + int(((values > v) & (groups == g)).sum())
        for v, g in zip(values, groups, strict=True)
    ]
    assert group_competition_rank(values, groups).tolist() == expected


def test_band_indexes_agree_with_framework_band_for() -> None:
    bands = (
        Band("low", text("Low"), 0.0),
        Band("high", text("High"), 0.5),
        Band("very_high", text("Very high"), 0.75),
        Band("also_high", text("Same minimum, listed later"), 0.5),
    )
    fw = framework(bands=bands)
    values = np.array([0.0, 0.2499, 0.5, 0.6, 0.75, 1.0, -0.1, np.nan])
    indexes = band_indexes(values, bands)
    for v, k in zip(values, indexes, strict=True):
        expected = band_for(fw, float(v)) if not math.isnan(v) else None
        assert (bands[k] if k >= 0 else None) == expected


def test_total_at_band_minimum_is_in_that_band() -> None:
    idx = band_indexes(round_half_up(np.array([79.995, 79.994, 60.0]), 2), BANDS)
    assert [BANDS[k].code for k in idx] == ["advanced", "intermediate", "intermediate"]
