"""Publication rounding, competition ranks and bands, vectorised over a whole cycle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.model import Band

# Products x * 10**precision carry float noise of a few ulp; a value within this relative
# distance below a half is taken to be the half (86.405 is stored as 86.40499999999999).
_RELATIVE_EPSILON = 1e-12
_ABSOLUTE_EPSILON = 1e-9


def round_half_up(values: np.ndarray | float, precision: int) -> np.ndarray:
    """Round to ``precision`` decimals, halves away from zero (as Excel's ROUND does).

    For the non-negative scores of an assessment this is "half up": 86.405 -> 86.41
    (``np.round`` gives 86.4: it rounds halves to even, and 86.405 is stored just below
    the half). NaN stays NaN. The result is ``integer / 10**precision``, the double
    nearest to the decimal, so it compares equal to a band minimum written as a decimal.
    """
    x = np.asarray(values, dtype=np.float64)
    factor = 10.0**precision
    scaled = np.abs(x) * factor
    result = np.maximum(scaled * _RELATIVE_EPSILON, _ABSOLUTE_EPSILON)  # guard below a half
    result += 0.5
    result += scaled
    result = np.floor(result) / factor
    # +0.0 turns the -0.0 of a tiny negative value into 0.0
    out: np.ndarray = np.copysign(result, x) + 0.0
    return out


def competition_ranks(values: np.ndarray, group_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank 1 for the highest value, over everybody and within each group (``group_ids``
    >= 0): equal values share a rank and the next rank skips (1, 2, 2, 4). Rank 0 where
    the value is NaN (not ranked) or, within groups, where the agency has no group (-1).
    Two int64 arrays."""
    v = np.asarray(values, dtype=np.float64)
    ranks = np.zeros(v.shape[0], dtype=np.int64)
    group_ranks = np.zeros(v.shape[0], dtype=np.int64)
    ok = np.flatnonzero(~np.isnan(v))
    if ok.size == 0:
        return ranks, group_ranks
    # a rank is 1 + the position of the first of its run of equal values, in value order
    # for everybody, and within each group counted from the group's first
    by_value = ok[np.argsort(-v[ok])]  # (equal values share a rank: any order of them)
    ranks[by_value] = _run_starts(v[by_value], np.zeros(ok.size, np.int64)) + 1
    groups = np.asarray(group_ids)[by_value]
    if groups.size and groups.max() < 32768:
        groups = groups.astype(np.int16)  # a stable sort of int16 is a radix sort
    by_group = np.argsort(groups, kind="stable")  # value order kept within each group
    order, sorted_groups = by_value[by_group], groups[by_group]
    in_group = _run_starts(v[order], sorted_groups) + 1
    group_ranks[order] = np.where(sorted_groups >= 0, in_group, 0)
    return ranks, group_ranks


def _run_starts(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """For values sorted within groups (sorted), the position of the first of each
    value's run of equal values, counted from the start of its group."""
    position = np.arange(values.size)
    new_group = np.r_[True, groups[1:] != groups[:-1]]
    new_run = new_group | np.r_[True, values[1:] != values[:-1]]
    group_start = np.maximum.accumulate(np.where(new_group, position, 0))
    run_start: np.ndarray = np.maximum.accumulate(np.where(new_run, position, 0))
    return run_start - group_start


def band_indexes(totals: np.ndarray, bands: Sequence[Band]) -> np.ndarray:
    """Index into ``bands`` of the band of each total (the highest minimum it reaches),
    -1 where the total is NaN or below every band; among bands of equal minimum, the first
    listed."""
    t = np.asarray(totals, dtype=np.float64)
    # put the first listed of equal minimums last among them, so that
    # searchsorted(side="right") - 1 lands on it
    order = sorted(range(len(bands)), key=lambda k: (bands[k].minimum, -k))
    minima = np.array([bands[k].minimum for k in order], dtype=np.float64)
    position = np.searchsorted(minima, np.where(np.isnan(t), -np.inf, t), side="right") - 1
    resolved = np.array(order + [-1], dtype=np.int64)
    return resolved[np.where(position >= 0, position, -1)]


@dataclass(frozen=True)
class Published:
    """A cycle's published figures, rounded at their precisions (rows are agencies): what
    bands, ranks and awards read. NaN where there is no figure."""

    agencies: tuple[str, ...]
    groups: tuple[str | None, ...]
    group_ids: np.ndarray  # index into group_names, -1 for none
    group_names: tuple[str, ...]
    dimension_codes: tuple[str, ...]
    total: np.ndarray
    dimensions: np.ndarray  # (n, d)
    previous_total: np.ndarray
    gain: np.ndarray
    precision: int
    previous_precision: int
    gain_precision: int
    previous_label: str  # names the previous cycle ("th-2563"); "" when nothing names it

