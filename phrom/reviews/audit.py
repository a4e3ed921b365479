"""Audit sample planner: which responses of a cycle get a second review, and why.

Every award candidate (a winner of any award, from the verified figures) and every near
miss is in the sample; then a share of the other submitted responses, drawn with
``numpy.random.default_rng(seed)`` from the rest in agency-code order, so that the same
cycle, share and seed always give the same sample. Reads only (a selector); the second
reviewer is assigned through ``phrom.reviews.services.reviewers_assign``.
"""

from __future__ import annotations

import csv
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

import numpy as np
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from phrom.agencies.models import Agency
from phrom.core.tables import safe_cell
from phrom.frameworks.models import Cycle
from phrom.responses.models import Response, ResponseStatus

DEFAULT_SHARE = 0.1
# Seeds are shown and typed by people: kept short.
SEED_LIMIT = 1_000_000

CANDIDATE = "award_candidate"
NEAR_MISS = "near_miss"
FLAGGED = "integrity_flag"
RANDOM = "random"


class AuditRefused(ValueError):
    """A share or seed that cannot plan a sample; the message says what to fix."""


@dataclass(frozen=True)
class SampleReason:
    """Why one agency is in the sample: ``kind`` is award_candidate, near_miss,
    integrity_flag or random; ``award`` names the award (with its peer group or
    dimension, in the language of the sample's making), or is the code of the screen of an
    integrity flag, named by ``text`` in the reader's language (empty for random)."""

    kind: str
    award: str = ""

    @property
    def text(self) -> str:
        if self.kind == CANDIDATE:
            return _("award candidate of %(award)s") % {"award": self.award}
        if self.kind == NEAR_MISS:
            return _("near miss of %(award)s") % {"award": self.award}
        if self.kind == FLAGGED:
            return _("integrity flag: %(screen)s") % {"screen": _screen_name(self.award)}
        return _("random")


@dataclass(frozen=True)
class SampleRow:
    agency: Agency
    response_id: int
    reasons: tuple[SampleReason, ...]

    @property
    def why(self) -> str:
        return "; ".join(r.text for r in self.reasons)

    @property
    def kinds(self) -> set[str]:
        return {r.kind for r in self.reasons}

    @property
    def is_random(self) -> bool:
        return any(r.kind == RANDOM for r in self.reasons)


@dataclass(frozen=True)
class AuditSample:
    cycle: Cycle
    seed: int
    share: float
    # submitted responses the sample was drawn from
    population: int
    rows: tuple[SampleRow, ...]

    @property
    def agencies(self) -> list[Agency]:
        return [row.agency for row in self.rows]

    @property
    def candidates(self) -> int:
        return sum(1 for row in self.rows if not row.is_random)

    @property
    def random(self) -> int:
        return sum(1 for row in self.rows if row.is_random)


def parse_share(value: object) -> float:
    """A share of the other responses, 0 to 1 (a percentage such as "10%" is read too)."""
    text = str(value).strip()
    try:
        share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise AuditRefused(
            _("The share must be a number from 0 to 1 (or a percentage), not %(value)s.")
            % {"value": text[:40]}
        ) from None
    if not 0 <= share <= 1 or math.isnan(share):
        raise AuditRefused(
            _("The share must be from 0 to 1 (or 0%% to 100%%), not %(value)s.")
            % {"value": text[:40]}
        )
    return share


def parse_seed(value: object) -> int:
    """A seed: a whole number from 0 to 999999."""
    text = str(value).strip()
    if not text.isdigit() or int(text) >= SEED_LIMIT:
        raise AuditRefused(
            _("The seed must be a whole number from 0 to %(limit)s, not %(value)s.")
            % {"limit": SEED_LIMIT - 1, "value": text[:40]}
        )
    return int(text)


def new_seed() -> int:
    """A fresh seed, for a sample asked for without one (it is recorded with the sample)."""
    return secrets.randbelow(SEED_LIMIT)


def _award_name(award: object, names: tuple[dict[str, str], dict[str, str]]) -> str:
    """The award's name with its peer group or dimension, named in the reader's language
    (NAMES: the peer groups' and the dimensions' names by code, ``_names``; a code without
    a name stays as it is)."""
    name = getattr(award, "name", None)
    language = "en" if (get_language() or "th").startswith("en") else "th"
    label = getattr(name, language, "") or getattr(name, "en", "") or getattr(award, "code", "")
    group = getattr(award, "group", None)
    dimension = getattr(award, "dimension", None)
    if group:
        return f"{label} ({names[0].get(group, group)})"
    if dimension:
        return f"{label} ({names[1].get(dimension, dimension)})"
    return str(label)


def _names(cycle: Cycle) -> tuple[dict[str, str], dict[str, str]]:
    """The peer groups' and the dimensions' names of CYCLE's framework by code, in the
    reader's language (a group and a dimension may share a code)."""
    language = get_language() or "th"
    spec = cycle.framework.spec()
    return (
        {g.code: g.name.get(language) for g in spec.peer_groups},
        {d.code: d.name.get(language) for d in spec.dimensions},
    )


def _screen_name(screen: str) -> str:
    from phrom.results.integrity_views import SCREEN_NAMES  # the integrity page's names

    return str(SCREEN_NAMES.get(screen, screen))


def audit_sample(
    *, cycle: Cycle, seed: int, share: float = DEFAULT_SHARE, flags: bool = True
) -> AuditSample:
    """The audit sample of CYCLE: every award candidate and near miss of its verified
    figures, every agency an integrity screen flags (``phrom.results.integrity``; not
    with FLAGS false), plus SHARE (0-1, rounded up) of the other submitted responses
    drawn with SEED."""
    from phrom.results.adapter import score_cycle_from_db

    if not 0 <= share <= 1:
        raise AuditRefused(_("The share must be from 0 to 1."))
    responses = {
        r.agency.code: r
        for r in Response.objects.filter(cycle=cycle, status=ResponseStatus.SUBMITTED)
        .select_related("agency")
        .order_by("agency__code")
    }
    reasons: dict[str, list[SampleReason]] = {}
    if responses:
        from phrom.results.integrity import kept_cycle_integrity

        # the screens score the claims (kept per process, as the integrity page has them);
        # the verified values are those claims with the verdicts laid over them
        screened = kept_cycle_integrity(cycle) if flags else None
        claimed = screened.scored if screened is not None else None
        scored = score_cycle_from_db(cycle=cycle, verified=True, claimed=claimed)
        names = _names(cycle)
        for award in scored.result.awards:
            name = _award_name(award, names)
            for kind, entries in ((CANDIDATE, award.winners), (NEAR_MISS, award.near_misses)):
                for entry in entries:
                    if entry.agency in responses:
                        reason = SampleReason(kind, name)
                        if reason not in reasons.setdefault(entry.agency, []):
                            reasons[entry.agency].append(reason)
        if screened is not None:
            for flag in screened.report.flags:
                if flag.agency in responses:
                    reason = SampleReason(FLAGGED, flag.screen)
                    if reason not in reasons.setdefault(flag.agency, []):
                        reasons[flag.agency].append(reason)
    rest = [code for code in responses if code not in reasons]
    count = min(len(rest), math.ceil(share * len(rest) - 1e-9))
    if count:
        rng = np.random.default_rng(seed)
        for index in sorted(rng.choice(len(rest), size=count, replace=False).tolist()):
            reasons[rest[index]] = [SampleReason(RANDOM)]
    rows = tuple(
        SampleRow(agency=responses[code].agency, response_id=responses[code].pk,
                  reasons=tuple(reasons[code]))
        for code in responses
        if code in reasons
    )
    return AuditSample(cycle=cycle, seed=seed, share=share, population=len(responses), rows=rows)


CSV_HEADER = ("cycle", "seed", "share", "agency", "name_th", "name_en", "reason", "kinds")


def sample_csv_rows(sample: AuditSample) -> Iterable[list[object]]:
    """The sample as CSV rows (header first), every text cell through ``safe_cell``."""
    yield list(CSV_HEADER)
    for row in sample.rows:
        yield [
            safe_cell(sample.cycle.code), sample.seed, sample.share,
            safe_cell(row.agency.code), safe_cell(row.agency.name_th),
            safe_cell(row.agency.name_en), safe_cell(row.why),
            safe_cell(";".join(dict.fromkeys(r.kind for r in row.reasons))),
        ]


def write_sample_csv(sample: AuditSample, out: IO[str]) -> None:
    writer = csv.writer(out)
    writer.writerows(sample_csv_rows(sample))
