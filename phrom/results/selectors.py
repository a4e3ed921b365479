"""Reads of computed results, cached per cycle for the life of the process."""

from __future__ import annotations

import threading

from phrom.frameworks.models import Cycle
from phrom.results.adapter import ScoredCycle, score_cycle_from_db

_lock = threading.Lock()
_cache: dict[tuple[int, str], ScoredCycle] = {}


def scored_cycle(*, cycle: Cycle) -> ScoredCycle:
    """The cycle scored from submitted responses.

    The key includes the latest answer change, so a new submission is picked up;
    scoring 2,000 agencies takes about a second, so a cache per process is enough.
    """
    from django.db.models import Max

    from phrom.responses.models import Answer, Response

    stamp = "|".join(
        str(v)
        for v in (
            Answer.objects.filter(response__cycle=cycle).aggregate(m=Max("updated_at"))["m"],
            Response.objects.filter(cycle=cycle).aggregate(m=Max("submitted_at"))["m"],
            cycle.framework.sha256,
        )
    )
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
