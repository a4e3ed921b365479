"""Reads of computed results, cached per cycle for the life of the process."""

from __future__ import annotations

import threading

from phrom.frameworks.models import Cycle
from phrom.results.adapter import ScoredCycle, score_cycle_from_db

_lock = threading.Lock()
_cache: dict[tuple[int, str], ScoredCycle] = {}


def _stamp(cycle: Cycle) -> str:
    from django.db.models import Count, Max

    from phrom.responses.models import Response, ResponseStatus

    figures = Response.objects.filter(cycle=cycle, status=ResponseStatus.SUBMITTED).aggregate(
        n=Count("id"), last=Max("submitted_at")
    )
    return f"{figures['n']}|{figures['last']}|{cycle.framework.sha256}"


def scored_cycle(*, cycle: Cycle) -> ScoredCycle:
    """The cycle scored from submitted responses, cached per process.

    Only submitted responses are scored and they are locked, so the cache key is the
    number of submitted responses and the latest submission (a reopening lowers the count,
    a new submission moves the time) with the framework's hash, for the cycle and the one
    before it: aggregates over responses, never a scan of the answers.
    """
    stamp = _stamp(cycle)
    if cycle.previous_id is not None:  # gains move with the previous cycle's results too
        stamp += "/" + _stamp(Cycle.objects.select_related("framework").get(pk=cycle.previous_id))
    key = (cycle.pk, stamp)
    with _lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    scored = score_cycle_from_db(cycle=cycle)
    with _lock:
        for old in [k for k in _cache if k[0] == cycle.pk]:
            del _cache[old]
        _cache[key] = scored
    return scored
