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
    group, names), their answers (count, latest change, sum of versions) and reviewers'
    verdicts (count, sum of versions)."""
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
    # reviewers' verified values replace claims (phrom.reviews)
    from phrom.reviews.models import Verdict

    verdicts = Verdict.objects.filter(response__in=submitted).aggregate(
        n=Count("id"), versions=Sum("version")
    )
    return (
        f"{responses['n']}|{responses['last']}|{answers['n']}|{answers['last']}|"
        f"{answers['versions']}|{agencies}|{cycle.framework.sha256}|"
        f"{verdicts['n']}|{verdicts['versions']}"
    )


def scored_cycle(*, cycle: Cycle) -> ScoredCycle:
    """The cycle scored from submitted responses, with reviewers' verified values in place
    of the claims where they set one, cached per process.

    The cache key is what the figures are computed from (:func:`_stamp`), for the cycle
    and the one before it, so that a change made through any path (a service, the admin,
    another worker) is seen by every worker on its next request: aggregates over the
    rows, never a copy of the answers.
    """
    # a published cycle's figures are the stored ones (phrom.publications), never rescored
    from phrom.publications.selectors import published_scored

    stored = published_scored(cycle=cycle)
    if stored is not None:
        return stored
    stamp = _stamp(cycle)
    if cycle.previous_id is not None:  # gains move with the previous cycle's results too
        stamp += "/" + _stamp(Cycle.objects.select_related("framework").get(pk=cycle.previous_id))
    key = (cycle.pk, stamp)
    with _lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    scored = score_cycle_from_db(cycle=cycle, verified=True)
    with _lock:
        for old in [k for k in _cache if k[0] == cycle.pk]:
            del _cache[old]
        _cache[key] = scored
    return scored


def names_of(*, scored: ScoredCycle, language: str) -> dict[str, dict[str, str]]:
    """Names in ``language`` of what the results pages name: agencies, peer groups,
    dimensions and bands, each keyed by its code (the code when it has no name)."""
    spec = scored.spec
    return {
        "agency": {code: a.name(language) for code, a in scored.agencies.items()},
        "group": {g.code: g.name.get(language) for g in spec.peer_groups},
        "dimension": {d.code: d.name.get(language) for d in spec.dimensions},
        "band": {b.code: b.name.get(language) for b in spec.bands},
    }


def result_rows(*, scored: ScoredCycle, language: str) -> list[dict[str, object]]:
    """The published figures of every agency, best rank first, with the names of the
    agency, its peer group and its band, and its dimension scores in framework order."""
    names = names_of(scored=scored, language=language)
    rows = scored.result.to_rows()
    # agencies without a total (no rank) last
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, str(r["agency"])))
    for row in rows:
        agency, group, band = str(row["agency"]), row["group"], row["band"]
        row["name"] = names["agency"].get(agency, agency)
        row["group_name"] = names["group"].get(str(group), group) if group else ""
        row["band_name"] = names["band"].get(str(band), band) if band else ""
        row["dims"] = [row[d.code] for d in scored.spec.dimensions]
    return rows


def _figure_name(name: str, dimensions: dict[str, str]) -> str:
    """A tie-break figure (``total``, ``gain``, ``previous_total``, ``dimension:<code>``)
    as the reader calls it."""
    from django.utils.translation import pgettext

    if name.startswith("dimension:"):
        code = name.split(":", 1)[1]
        return dimensions.get(code, code)
    return {
        "total": pgettext("award figure", "total"),
        "gain": pgettext("award figure", "gain"),
        "previous_total": pgettext("award figure", "previous total"),
    }.get(name, name)


def award_tables(*, scored: ScoredCycle, language: str) -> list[dict[str, object]]:
    """Each award result with what its page names in ``language``: the award, its peer
    group and dimension, the groups and tie-break figures of its rule, and each winner's
    and near miss's agency (``(entry, name)`` pairs)."""
    names = names_of(scored=scored, language=language)
    agencies, groups, dimensions = names["agency"], names["group"], names["dimension"]
    tables: list[dict[str, object]] = []
    for award in scored.result.awards:
        rule = award.award_rule
        tables.append({
            "award": award,
            "name": award.name.get(language),
            "group_name": groups.get(award.group, award.group) if award.group else "",
            "dimension_name": (
                dimensions.get(award.dimension, award.dimension) if award.dimension else ""
            ),
            "rule_groups": [groups.get(g, g) for g in rule.groups],
            "tie_break": [_figure_name(f, dimensions) for f in rule.tie_break],
            "figure_names": {f: _figure_name(f, dimensions) for f in rule.tie_break},
            "winners": [(e, agencies.get(e.agency, e.agency)) for e in award.winners],
            "near_misses": [(e, agencies.get(e.agency, e.agency)) for e in award.near_misses],
        })
    return tables
