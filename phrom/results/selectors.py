"""Reads of computed results, cached per cycle for the life of the process."""

from __future__ import annotations

import threading

from phrom.frameworks.models import Cycle
from phrom.results.adapter import ScoredCycle, score_cycle_from_db

_lock = threading.Lock()
_cache: dict[tuple[int, str], ScoredCycle] = {}


def _stamp(cycle: Cycle) -> str:
    """What the cycle's figures are computed from, as aggregates: the framework text's
    SHA-256, the submitted responses (count, latest submission), their agencies (peer
    group, names), and their answers (count, latest change, sum of versions)."""
    from django.db.models import Count, Max, Sum

    from phrom.responses.models import Answer, Response, ResponseStatus

    submitted = Response.objects.filter(cycle=cycle, status=ResponseStatus.SUBMITTED)
    responses = submitted.aggregate(n=Count("id"), last=Max("submitted_at"))
    answers = Answer.objects.filter(response__in=submitted).aggregate(
        n=Count("id"), last=Max("updated_at"), versions=Sum("version")
    )
    # a peer group moves group ranks and per-group awards, a name what the pages say;
    # the agencies are few (the hash is per process, as the cache is)
    agencies = hash(tuple(
        submitted.order_by("agency_id").values_list(
            "agency_id", "agency__group", "agency__name_th", "agency__name_en"
        )
    ))
    return (
        f"{responses['n']}|{responses['last']}|{answers['n']}|{answers['last']}|"
        f"{answers['versions']}|{agencies}|{cycle.framework.sha256}"
    )


def scored_cycle(*, cycle: Cycle) -> ScoredCycle:
    """The cycle scored from submitted responses, cached per process.

    The cache key is what the figures are computed from (:func:`_stamp`), for the cycle
    and the one before it, so that a change made through any path (a service, the admin,
    another worker) is seen by every worker on its next request: aggregates over the
    rows, never a copy of the answers.
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
