"""Publication rounding, competition ranks and bands, vectorised over a whole cycle."""

from __future__ import annotations

from collections.abc import Sequence

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
    given = np.asarray(values, dtype=np.float64)
    x = given.reshape(-1)  # in-place steps below need an array, not a numpy scalar
    factor = 10.0**precision
    # scores are never negative: then the sign steps below change nothing and are skipped
    signed = x.size == 0 or bool(np.fmin.reduce(x) < 0)  # (fmin skips NaN)
    scaled = np.abs(x) if signed else x * factor
    if signed:
        scaled *= factor
    result = scaled * _RELATIVE_EPSILON  # the guard against noise below a half
    np.maximum(result, _ABSOLUTE_EPSILON, out=result)
    result += 0.5
    result += scaled
    np.floor(result, out=result)
    result /= factor
    if signed:
        np.copysign(result, x, out=result)
        result += 0.0  # turns the -0.0 of a tiny negative value into 0.0
    return result.reshape(given.shape)


def round_half_up_scalar(value: float, precision: int) -> float:
    return float(round_half_up(np.float64(value), precision))


def _keys(values: np.ndarray, precision: int | None) -> tuple[np.ndarray, int] | None:
    """Published values as small integers (value x 10**precision, shifted to start at 0)
    and their span, when that span is small enough to count rather than sort."""
    if precision is None or values.size == 0:
        return None
    scaled = np.rint(values * 10.0**precision)
    lo, hi = float(scaled.min()), float(scaled.max())
    span = hi - lo + 1
    if span > max(4 * values.size, 1 << 16):
        return None
    return (scaled - lo).astype(np.int64), int(span)


def competition_rank(values: np.ndarray, precision: int | None = None) -> np.ndarray:
    """Rank 1 for the highest value; equal values share a rank and the next rank skips
    (1, 2, 2, 4). NaN gets rank 0 (not ranked). int64 array.

    With ``precision`` (the values are published values, multiples of 10**-precision)
    the ranks come from counting how many agencies have each value instead of a sort.
    """
    v = np.asarray(values, dtype=np.float64)
    ranks = np.zeros(v.shape[0], dtype=np.int64)
    ok = ~np.isnan(v)
    present = v[ok]
    keyed = _keys(present, precision)
    if keyed is not None:
        keys, span = keyed
        at_or_below = np.cumsum(np.bincount(keys, minlength=span))
        ranks[ok] = present.shape[0] - at_or_below[keys] + 1
        return ranks
    ascending = np.sort(present)
    greater = present.shape[0] - np.searchsorted(ascending, present, side="right")
    ranks[ok] = greater + 1
    return ranks


def group_competition_rank(
    values: np.ndarray, group_ids: np.ndarray, precision: int | None = None
) -> np.ndarray:
    """Competition rank within each group (``group_ids`` >= 0); 0 where the value is NaN
    or the agency has no group (id -1). ``precision`` as for :func:`competition_rank`."""
    v = np.asarray(values, dtype=np.float64)
    ranks = np.zeros(v.shape[0], dtype=np.int64)
    idx = np.flatnonzero(~np.isnan(v) & (group_ids >= 0))
    if idx.size == 0:
        return ranks
    vv = v[idx]
    gg = group_ids[idx]
    keyed = _keys(vv, precision)
    n_groups = int(gg.max()) + 1
    if keyed is not None and keyed[1] * n_groups <= max(8 * vv.size, 1 << 20):
        keys, span = keyed
        counts = np.bincount(gg.astype(np.int64) * span + keys, minlength=n_groups * span)
        at_or_below = np.cumsum(counts.reshape(n_groups, span), axis=1)
        ranks[idx] = at_or_below[gg, -1] - at_or_below[gg, keys] + 1
        return ranks
    if n_groups <= 32768:
        gg = gg.astype(np.int16)  # stable sort of int16 is a radix sort
    by_value = np.argsort(-vv, kind="stable")
    order = by_value[np.argsort(gg[by_value], kind="stable")]
    sv = vv[order]
    sg = gg[order]
    pos = np.arange(order.shape[0])
    new_group = np.empty(order.shape[0], dtype=np.bool_)
    new_group[0] = True
    np.not_equal(sg[1:], sg[:-1], out=new_group[1:])
    new_run = new_group.copy()
    new_run[1:] |= sv[1:] != sv[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, pos, 0))
    run_start = np.maximum.accumulate(np.where(new_run, pos, 0))
    ranks[idx[order]] = run_start - group_start + 1
    return ranks


def competition_ranks(
    values: np.ndarray, group_ids: np.ndarray, precision: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``competition_rank(values, precision)`` and ``group_competition_rank(values,
    group_ids, precision)`` at once: the published values are turned into integer keys
    once and counted for both."""
    v = np.asarray(values, dtype=np.float64)
    ok = ~np.isnan(v)
    present = v[ok]
    keyed = _keys(present, precision)
    if keyed is None:
        return competition_rank(v, precision), group_competition_rank(v, group_ids, precision)
    keys, span = keyed
    m = present.shape[0]
    ranks = np.zeros(v.shape[0], dtype=np.int64)
    at_or_below = np.cumsum(np.bincount(keys, minlength=span))
    ranks[ok] = m - at_or_below[keys] + 1
    groups = group_ids[ok]
    grouped = groups >= 0
    n_groups = int(groups.max()) + 1 if m else 0
    if n_groups <= 0 or span * n_groups > max(8 * m, 1 << 20):
        return ranks, group_competition_rank(v, group_ids, precision)
    group_ranks = np.zeros(v.shape[0], dtype=np.int64)
    gg = groups[grouped].astype(np.int64)
    flat = gg * span
    flat += keys[grouped]
    counts = np.bincount(flat, minlength=n_groups * span)
    at_or_below_in_group = np.cumsum(counts.reshape(n_groups, span), axis=1).reshape(-1)
    in_group = np.bincount(gg, minlength=n_groups)
    group_ranks[np.flatnonzero(ok)[grouped]] = in_group[gg] - at_or_below_in_group[flat] + 1
    return ranks, group_ranks


def band_indexes(totals: np.ndarray, bands: Sequence[Band]) -> np.ndarray:
    """Index into ``bands`` of the band of each total (the highest minimum it reaches),
    -1 where the total is NaN or below every band. Same rule as ``Framework.band_for``."""
    t = np.asarray(totals, dtype=np.float64)
    if not bands:
        return np.full(t.shape[0], -1, dtype=np.int64)
    # among equal minimums band_for (a stable descending sort) takes the first listed:
    # put it last among its equals so that searchsorted(side="right") - 1 lands on it
    order = sorted(range(len(bands)), key=lambda k: (bands[k].minimum, -k))
    minima = np.array([bands[k].minimum for k in order], dtype=np.float64)
    if len(bands) <= 16:
        # a few bands: count the minimums each total reaches (NaN reaches none), as
        # searchsorted(side="right") would, without a binary search per total
        reached = np.zeros(t.shape[0], dtype=np.int8)
        for minimum in minima.tolist():
            reached += t >= minimum
        position = reached.astype(np.int64) - 1
    else:
        position = np.searchsorted(minima, np.where(np.isnan(t), -np.inf, t), side="right") - 1
    resolved = np.array(order, dtype=np.int64)
    result = np.where(position >= 0, resolved[np.maximum(position, 0)], -1)
    return np.asarray(result, dtype=np.int64)
