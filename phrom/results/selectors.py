"""Reads of computed results, cached per cycle for the life of the process."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import cast

from phrom.frameworks.models import Cycle
from phrom.results.adapter import ScoredCycle, score_cycle_from_db
from scoring.explain import Explanation, explain_agency

_lock = threading.Lock()
_cache: dict[tuple[int, str], ScoredCycle] = {}
_claims: dict[int, tuple[str, ScoredCycle]] = {}  # cycle id -> (claims_stamp, claims)


def claims_stamp(cycle: Cycle) -> str:
    """What the cycle's claimed figures are computed from, as aggregates: the framework
    text's SHA-256, the submitted responses (count, latest submission), their agencies (peer
    group, names) and their answers (count, latest change, sum of versions)."""
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


def figures_stamp(cycle: Cycle) -> str:
    """What the cycle's verified figures are computed from: :func:`claims_stamp` and the
    reviewers' verdicts on the submitted responses (count, sum of versions), whose verified
    values replace claims (phrom.reviews)."""
    from django.db.models import Count, Sum

    from phrom.responses.models import ResponseStatus
    from phrom.reviews.models import Verdict

    verdicts = Verdict.objects.filter(
        response__cycle=cycle, response__status=ResponseStatus.SUBMITTED
    ).aggregate(n=Count("id"), versions=Sum("version"))
    return f"{claims_stamp(cycle)}|{verdicts['n']}|{verdicts['versions']}"


def gains_stamp(cycle: Cycle) -> str:
    """What the gains of CYCLE are computed from: the previous cycle's current publication
    when it has one (its stored figures give the gains, and a publication never changes),
    else the previous cycle's own :func:`figures_stamp`."""
    from phrom.publications.selectors import current_publication

    previous = Cycle.objects.select_related("framework").get(pk=cycle.previous_id)
    publication = current_publication(cycle=previous)
    if publication is not None:
        return f"publication {publication.pk}"
    return figures_stamp(previous)


def scored_cycle(*, cycle: Cycle, version: int | None = None) -> ScoredCycle:
    """The cycle's figures as the results pages read them.

    A cycle with a complete publication reads its stored figures (the latest version, or
    VERSION), never scored again: a ``phrom.publications.stored.StoredCycle``, which has
    the attributes of a ``ScoredCycle`` that the pages read (``cycle``, ``spec``,
    ``agencies``, and a ``result`` with the published figures, awards and ``to_rows``) and
    no answers; :func:`agency_explanation` reads one agency's explanation. Raises
    ``phrom.publications.selectors.VersionNotFound`` for a VERSION that is not published,
    ``StoredFiguresUnreadable`` for a publication stored by an older Phrom.

    Other cycles are scored from submitted responses, with reviewers' verified values in
    place of the claims where they set one, cached per process. The cache key is what
    the figures are computed from (:func:`figures_stamp`), for the cycle and the one before
    it (:func:`gains_stamp`: its publication, when it has one), so that a change made
    through any path (a service, the admin, another worker) is seen by every worker on its
    next request: aggregates over the rows, never a copy of the answers.
    """
    from phrom.publications.selectors import published_scored

    stored = published_scored(cycle=cycle, version=version)
    if stored is not None:
        # the pages read the same attributes of both (see the docstring)
        return cast(ScoredCycle, stored)
    return kept_figures(cycle)


def kept_figures(cycle: Cycle) -> ScoredCycle:
    """CYCLE scored from its submitted answers with the reviewers' verified values, kept per
    process under what it is computed from (:func:`figures_stamp`, :func:`gains_stamp`),
    whether or not it is published: the figures :func:`scored_cycle` gives a cycle without
    a publication, and the verified side of a review of a cohort-normalised framework."""
    stamp = figures_stamp(cycle)
    if cycle.previous_id is not None:  # gains move with the previous cycle's results too
        stamp += "/" + gains_stamp(cycle)
    key = (cycle.pk, stamp)
    with _lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    # the claims kept since the last verdict are not read again: the verdicts lie over them
    scored = score_cycle_from_db(cycle=cycle, verified=True, claimed=kept_claims(cycle))
    with _lock:
        for old in [k for k in _cache if k[0] == cycle.pk]:
            del _cache[old]
        _cache[key] = scored
    return scored


def kept_claims(cycle: Cycle) -> ScoredCycle:
    """CYCLE scored from its submitted answers as claimed, with its gains, kept per process
    under what it is computed from (:func:`claims_stamp`, :func:`gains_stamp`): what the
    integrity screens read, and what the verified figures start from, so that a verdict
    does not read every answer of the cycle again."""
    stamp = claims_stamp(cycle)
    if cycle.previous_id is not None:
        stamp += "/" + gains_stamp(cycle)
    with _lock:
        kept = _claims.get(cycle.pk)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    scored = score_cycle_from_db(cycle=cycle)
    with _lock:
        _claims[cycle.pk] = (stamp, scored)
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


def is_stored(scored: ScoredCycle) -> bool:
    """Whether SCORED is a publication's stored figures (not scored now)."""
    from phrom.publications.stored import StoredCycle

    return isinstance(scored, StoredCycle)


def agency_explanation(*, scored: ScoredCycle, agency: str) -> Explanation:
    """Every step behind AGENCY's total: as stored with the publication for a published
    cycle, else explained from the cycle scored now. Raises ``KeyError`` when the agency
    has no scored response in the cycle."""
    from phrom.publications.selectors import stored_explanation
    from phrom.publications.stored import StoredCycle

    if isinstance(scored, StoredCycle):
        return stored_explanation(stored=scored, agency=agency)
    if agency not in scored.answers:
        raise KeyError(agency)
    return explain_agency(scored.result, agency, scored.answers[agency])


def claimed_total(*, scored: ScoredCycle, agency: str) -> float | None:
    """The total AGENCY's own answers gave, stored beside the verified one by the
    publication SCORED reads (that version's); None for figures not published or a cycle
    without review."""
    from phrom.publications.stored import StoredCycle

    if isinstance(scored, StoredCycle):
        return scored.result.claimed_totals.get(agency)
    return None


_VERSION = re.compile(r"[1-9][0-9]{0,8}")


def requested_version(params: Mapping[str, str]) -> int | None:
    """The published version a page's query string asks for (``?version=2``), None when
    it asks for none (the latest); any other value than a version number raises
    ``phrom.publications.selectors.VersionNotFound`` (a page answers 404)."""
    from phrom.publications.selectors import VersionNotFound

    text = params.get("version")
    if text is None:
        return None
    if not _VERSION.fullmatch(text):
        raise VersionNotFound("a version is a number: ?version=1")
    return int(text)
