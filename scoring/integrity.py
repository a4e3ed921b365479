"""Integrity screens: signs that a self-assessment may be inflated, over a scored cycle.

Each screen returns :class:`Flag` s, one per agency and cause, with the figures that
triggered it and the questions to look at. The screens read arrays and plain data only
(a :class:`scoring.result.CycleResult`, :class:`EvidenceItem` s, a :class:`Period`), so
that they run without a database; the Django side gathers the evidence and its dates.

Screens (``Flag.screen``):

- ``gain``: the total's gain, or a dimension's, over the previous cycle is far above the
  others': its robust z-score (distance from the median in scaled median absolute
  deviations, 1.4826 x MAD) is above ``Settings.gain_z``.
- ``all_maximum``: the share of an agency's answered, scored, shown questions at full
  points is at least ``Settings.maximum_share`` (with at least ``Settings.maximum_min``
  such answers).
- ``shared_file`` / ``shared_url``: the same evidence file (SHA-256) or URL is used by
  different agencies.
- ``carried_over``: last cycle's evidence carried over unchanged to a question that asks
  for this year's (the framework format has no per-question flag for that yet: every
  evidence question counts as asking for this year's).
- ``out_of_period``: a document's own dates (creation, modification) lie outside the
  cycle's period.
- ``missing_evidence``: a question whose evidence is required is answered without any.
- ``not_whole``: a whole count (``Question.whole``) answered with decimals.
- ``contradiction``: answers that break a :class:`ConsistencyRule`.
- ``reviewer`` (a flag of a reviewer, not an agency, kept in ``Report.reviewers``): a
  reviewer's share of answers found supported (verified 1, partly verified 0.5, not
  supported 0; clarifications left out) is far from the other reviewers': robust z-score
  above ``Settings.reviewer_z`` in size and at least ``Settings.reviewer_gap`` from their
  median, among reviewers with at least ``Settings.reviewer_min`` verdicts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import numpy as np

from scoring.model import QuestionType
from scoring.plan import passes, plan_for
from scoring.result import CycleResult

# the screens of agencies, in the order of a report
SCREENS = (
    "gain", "all_maximum", "shared_file", "shared_url", "carried_over", "out_of_period",
    "missing_evidence", "not_whole", "contradiction",
)

# 1 / Phi^-1(3/4): makes the MAD of normal data estimate its standard deviation
MAD_SCALE = 1.4826


@dataclass(frozen=True, slots=True)
class Settings:
    """Thresholds of the screens."""

    gain_z: float = 3.5
    maximum_share: float = 1.0
    maximum_min: int = 10
    # a flag names at most this many other agencies sharing one file or URL
    name_others: int = 5
    reviewer_z: float = 3.5
    reviewer_gap: float = 0.2
    reviewer_min: int = 20


class EvidenceItem(NamedTuple):
    """One piece of evidence of one agency's answer: a file (its SHA-256) or a URL.

    ``carried``: carried over unchanged from the previous cycle; ``dates``: the
    document's own dates (creation, modification) where it has any. A named tuple: a
    stored cycle makes one for each of its hundreds of thousands of pieces of evidence,
    in a third of the time of a frozen dataclass."""

    agency: str
    question: str
    sha256: str = ""
    url: str = ""
    name: str = ""
    carried: bool = False
    dates: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class Period:
    """The days a cycle's evidence should date from, both ends included."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class VerdictRow:
    reviewer: str
    agency: str
    question: str
    verdict: str  # verified | partly_verified | not_supported | needs_clarification


# how far each verdict finds an answer supported (needs_clarification: not counted)
VERDICT_SUPPORT: Mapping[str, float] = {
    "verified": 1.0, "partly_verified": 0.5, "not_supported": 0.0
}


@dataclass(frozen=True, slots=True)
class Flag:
    """One cause for a second look at one agency's answers."""

    agency: str
    screen: str
    detail: str  # what triggered it, with the figures, in English
    questions: tuple[str, ...] = ()
    figures: Mapping[str, float | str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "agency": self.agency,
            "screen": self.screen,
            "detail": self.detail,
            "questions": list(self.questions),
            "figures": dict(self.figures),
        }


def robust_z(x: np.ndarray) -> np.ndarray:
    """(x - median) / (1.4826 x MAD) over the non-NaN values, NaN where x is; where the MAD
    is 0 the mean absolute deviation x 1.2533 stands in, and where that is 0 too every
    z-score is 0 (nobody is far from identical others)."""
    out = np.full(x.shape, np.nan)
    present = ~np.isnan(x)
    if not present.any():
        return out
    v = x[present]
    median = float(np.median(v))
    spread = MAD_SCALE * float(np.median(np.abs(v - median)))
    if spread == 0:
        spread = 1.2533 * float(np.mean(np.abs(v - median)))
    out[present] = (v - median) / spread if spread > 0 else 0.0
    return out


def screen_gains(result: CycleResult, settings: Settings = Settings()) -> list[Flag]:
    if result.previous is None:
        return []
    series: list[tuple[str, np.ndarray, tuple[str, ...]]] = [("total", result.published.gain, ())]
    if result.previous.dimensions:
        gains = result.dimension_gains
        for k, dim in enumerate(result.framework.dimensions):
            codes = tuple(q.code for i in dim.indicators for q in i.questions if q.scored)
            series.append((dim.code, gains[:, k], codes))
    flags: list[Flag] = []
    for name, gain, codes in series:
        z = robust_z(np.asarray(gain, dtype=np.float64))
        median = float(np.nanmedian(gain)) if np.isfinite(gain).any() else 0.0
        what = "total" if name == "total" else f"dimension {name}"
        with np.errstate(invalid="ignore"):
            far = np.flatnonzero(z > settings.gain_z)
        for row in far.tolist():
            g, zz = float(gain[row]), float(z[row])
            detail = (
                f"gain of the {what} {g:+.2f} over the previous cycle "
                f"(median {median:+.2f}, robust z {zz:.1f} > {settings.gain_z:g})"
            )
            figures: dict[str, float | str] = {
                "of": name, "gain": g, "median": median, "z": round(zz, 2)
            }
            flags.append(Flag(result.agencies[row], "gain", detail, codes, figures))
    return flags


def _visible_answered(result: CycleResult) -> np.ndarray:
    """Whether each matrix cell is an answer that counts: answered, applicable, shown."""
    plan = plan_for(result.framework)
    out: np.ndarray = ~np.isnan(result.matrix.values) & ~result.matrix.not_applicable
    if plan.conditions:
        out[:, plan.condition_columns] &= result.shown
    return out


def screen_all_maximum(result: CycleResult, settings: Settings = Settings()) -> list[Flag]:
    scored = np.array([q.scored for q in plan_for(result.framework).questions], dtype=np.bool_)
    counted = _visible_answered(result) & scored[None, :]
    full = counted & (np.nan_to_num(result.question_scores, nan=0.0) >= 1.0 - 1e-9)
    n = counted.sum(axis=1)
    k = full.sum(axis=1)
    share = np.where(n > 0, k / np.maximum(n, 1), 0.0)
    hit = (n >= settings.maximum_min) & (share >= settings.maximum_share - 1e-12)
    return [
        Flag(
            result.agencies[row],
            "all_maximum",
            f"{int(k[row])} of {int(n[row])} scored answers at full points "
            f"({share[row]:.0%}, threshold {settings.maximum_share:.0%})",
            figures={"at_maximum": int(k[row]), "answered": int(n[row]), "share": float(share[row])},
        )
        for row in np.flatnonzero(hit).tolist()
    ]


# A URL's scheme, host, path and query (RFC 3986, appendix B; the scheme as urlsplit reads
# it): one match, a third of urlsplit's cost, which counts over a large cycle's evidence
# (docs/benchmarks.md). Tabs and line breaks are dropped first, as urlsplit drops them.
_URL_PARTS = re.compile(r"(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?")
_TABS_AND_BREAKS = re.compile(r"[\t\r\n]")


def normalise_url(url: str) -> str:
    """A URL as compared: scheme and host in lower case, no fragment, no trailing slash."""
    text = url.strip()
    if "\t" in text or "\n" in text or "\r" in text:
        text = _TABS_AND_BREAKS.sub("", text)
    match = _URL_PARTS.match(text)
    assert match is not None  # (every part is optional)
    scheme, host, path, query = match.group(1, 2, 3, 4)
    query = f"?{query}" if query else ""
    return f"{(scheme or '').lower()}://{(host or '').lower()}{path.rstrip('/')}{query}"


def _shared(items: Iterable[EvidenceItem], key: str, screen: str, settings: Settings) -> list[Flag]:
    # first pass: the values held by more than one agency (few), cheaply
    first: dict[str, str] = {}
    shared: set[str] = set()
    keyed: list[tuple[str, EvidenceItem]] = []
    for item in items:
        raw = item.sha256 if key == "sha256" else item.url
        if not raw:
            continue
        value = raw.lower() if key == "sha256" else normalise_url(raw)
        keyed.append((value, item))
        if first.setdefault(value, item.agency) != item.agency:
            shared.add(value)
    users: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    names: dict[str, str] = {}
    for value, item in keyed:
        if value in shared:
            users[value][item.agency].append(item.question)
            names.setdefault(value, item.name or value)
    what = "file" if key == "sha256" else "URL"
    flags: list[Flag] = []
    for value, by_agency in users.items():
        agencies = sorted(by_agency)
        label = value[:12] if key == "sha256" else value
        for agency in agencies:
            others = [a for a in agencies if a != agency]
            shown_others = ", ".join(others[: settings.name_others])
            more = len(others) - settings.name_others
            if more > 0:
                shown_others += f" and {more} more"
            detail = (
                f"the same evidence {what} {names[value]!r} ({label}) is used by "
                f"{len(others)} other agencies: {shown_others}"
            )
            questions = tuple(sorted(set(by_agency[agency])))
            figures: dict[str, float | str] = {key: value, "agencies": len(agencies)}
            flags.append(Flag(agency, screen, detail, questions, figures))
    return flags


def screen_shared_evidence(
    items: Sequence[EvidenceItem], settings: Settings = Settings()
) -> list[Flag]:
    return _shared(items, "sha256", "shared_file", settings) + _shared(
        items, "url", "shared_url", settings
    )


def screen_carried_over(items: Sequence[EvidenceItem]) -> list[Flag]:
    carried: dict[str, list[EvidenceItem]] = defaultdict(list)
    for item in items:
        if item.carried:
            carried[item.agency].append(item)
    return [
        Flag(
            agency,
            "carried_over",
            f"{len(found)} evidence item(s) carried over unchanged from the previous "
            f"cycle: {', '.join(sorted({i.name or i.url or i.sha256[:12] for i in found})[:5])}",
            tuple(sorted({i.question for i in found})),
            {"items": len(found)},
        )
        for agency, found in sorted(carried.items())
    ]


def screen_out_of_period(items: Sequence[EvidenceItem], period: Period) -> list[Flag]:
    found: dict[str, list[tuple[EvidenceItem, date]]] = defaultdict(list)
    for item in items:
        outside = [d for d in item.dates if d not in period]
        if outside:
            found[item.agency].append((item, min(outside)))
    start, end = period.start.isoformat(), period.end.isoformat()
    flags = []
    for agency, hits in sorted(found.items()):
        shown_hits = "; ".join(
            f"{i.name or i.sha256[:12]} dated {d.isoformat()}" for i, d in hits[:5]
        )
        detail = (
            f"{len(hits)} evidence file(s) dated outside the cycle's period "
            f"{start} to {end}: {shown_hits}"
        )
        earliest = min(d for _, d in hits).isoformat()
        figures: dict[str, float | str] = {
            "files": len(hits), "earliest": earliest, "start": start, "end": end
        }
        questions = tuple(sorted({i.question for i, _ in hits}))
        flags.append(Flag(agency, "out_of_period", detail, questions, figures))
    return flags


def screen_missing_evidence(result: CycleResult, items: Sequence[EvidenceItem]) -> list[Flag]:
    codes = result.matrix.questions
    required = np.array(
        [q.evidence == "required" for q in plan_for(result.framework).questions], dtype=np.bool_
    )
    if not required.any():
        return []
    column = {c: j for j, c in enumerate(codes)}
    row_of = {a: i for i, a in enumerate(result.agencies)}
    has = np.zeros(result.matrix.values.shape, dtype=np.bool_)
    for item in items:
        i, j = row_of.get(item.agency), column.get(item.question)
        if i is not None and j is not None:
            has[i, j] = True
    missing = _visible_answered(result) & required[None, :] & ~has
    flags = []
    for row in np.flatnonzero(missing.any(axis=1)).tolist():
        names = tuple(codes[j] for j in np.flatnonzero(missing[row]).tolist())
        detail = (
            f"{len(names)} answer(s) without their required evidence: "
            f"{', '.join(names[:8])}{' ...' if len(names) > 8 else ''}"
        )
        flags.append(
            Flag(result.agencies[row], "missing_evidence", detail, names, {"answers": len(names)})
        )
    return flags


def screen_not_whole(result: CycleResult) -> list[Flag]:
    codes = result.matrix.questions
    whole = [j for j, q in enumerate(plan_for(result.framework).questions) if q.whole]
    if not whole:
        return []
    values = result.matrix.values[:, whole]
    bad = ~np.isnan(values) & (values != np.round(values))
    bad &= ~result.matrix.not_applicable[:, whole]
    flags = []
    for row in np.flatnonzero(bad.any(axis=1)).tolist():
        cols = np.flatnonzero(bad[row]).tolist()
        shown_values = ", ".join(f"{codes[whole[k]]} = {values[row, k]:g}" for k in cols[:5])
        detail = f"whole counts answered with decimals: {shown_values}"
        questions = tuple(codes[whole[k]] for k in cols)
        figures: dict[str, float | str] = {"answers": len(cols)}
        flags.append(Flag(result.agencies[row], "not_whole", detail, questions, figures))
    return flags


def _has_any(result: CycleResult, code: str, options: Sequence[str]) -> np.ndarray:
    """Whether each agency's answer to ``code`` holds one of ``options`` (option codes;
    ``yes``/``no`` for a yes/no question), by the test of a condition. The loader has
    checked that ``code`` is a yes/no, single or multiple choice question."""
    plan = plan_for(result.framework)
    j = plan.codes.index(code)
    question = plan.questions[j]
    # the matrix holds no/yes as 0/1 and a choice by its options' indexes
    yes_no = question.type is QuestionType.YES_NO
    codes = ["no", "yes"] if yes_no else [o.code for o in question.options]
    index = [codes.index(o) for o in options if o in codes]
    if question.type is QuestionType.MULTIPLE_CHOICE:
        held = passes("mask", (float(sum(1 << k for k in index)),), result.matrix.values[:, j])
    else:
        held = passes("in", tuple(map(float, index)), result.matrix.values[:, j])
    out: np.ndarray = held & ~result.matrix.not_applicable[:, j]
    return out


def screen_contradictions(result: CycleResult) -> list[Flag]:
    """Answers that break the framework's consistency rules."""
    flags = []
    for rule in result.framework.consistency:
        bad = _has_any(result, rule.question, rule.options)
        bad &= _has_any(result, rule.excludes_question, rule.excludes)
        detail = (
            f"rule {rule.code}: {rule.question} is {'/'.join(rule.options)} but "
            f"{rule.excludes_question} is {'/'.join(rule.excludes)}"
            + (f" ({rule.message.get('en')})" if rule.message is not None else "")
        )
        # a rule within one question (counter only, yet digital channels) names it once
        questions = tuple(dict.fromkeys((rule.question, rule.excludes_question)))
        flags += [
            Flag(result.agencies[row], "contradiction", detail, questions, {"rule": rule.code})
            for row in np.flatnonzero(bad).tolist()
        ]
    return flags


def screen_reviewers(rows: Sequence[VerdictRow], settings: Settings = Settings()) -> list[Flag]:
    """Reviewers whose share of answers found supported is far from their peers'. The
    flags' ``agency`` is the reviewer; ``questions`` is empty."""
    support: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        value = VERDICT_SUPPORT.get(row.verdict)
        if value is not None:
            support[row.reviewer].append(value)
    reviewers = sorted(r for r, v in support.items() if len(v) >= settings.reviewer_min)
    if len(reviewers) < 3:
        return []
    share = np.array([float(np.mean(support[r])) for r in reviewers])
    z = robust_z(share)
    median = float(np.median(share))
    flags = []
    for k, reviewer in enumerate(reviewers):
        far = abs(z[k]) > settings.reviewer_z and abs(share[k] - median) >= settings.reviewer_gap
        if not far:
            continue
        verdicts = len(support[reviewer])
        detail = (
            f"{share[k]:.0%} of {verdicts} verdicts found the answer "
            f"supported; the {len(reviewers)} reviewers' median is {median:.0%} "
            f"(robust z {z[k]:.1f}, threshold {settings.reviewer_z:g})"
        )
        figures = {
            "share": round(float(share[k]), 4),
            "verdicts": verdicts,
            "median": round(median, 4),
            "z": round(float(z[k]), 2),
        }
        flags.append(Flag(reviewer, "reviewer", detail, figures=figures))
    return flags


@dataclass(frozen=True)
class Report:
    """Every flag of a cycle, in agency then screen order."""

    flags: tuple[Flag, ...]
    settings: Settings
    period: Period | None
    agencies: int
    notes: tuple[str, ...] = ()
    # flags of reviewers (``Flag.agency`` is the reviewer), apart from the agencies'
    reviewers: tuple[Flag, ...] = ()

    def flagged(self) -> set[str]:
        return {f.agency for f in self.flags}

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(SCREENS, 0)
        for f in self.flags:
            out[f.screen] = out.get(f.screen, 0) + 1
        return out

    def as_dict(self) -> dict[str, object]:
        return {
            "agencies": self.agencies,
            "flagged_agencies": len(self.flagged()),
            "period": None
            if self.period is None
            else {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "settings": {
                "gain_z": self.settings.gain_z,
                "maximum_share": self.settings.maximum_share,
                "maximum_min": self.settings.maximum_min,
            },
            "counts": self.counts(),
            "notes": list(self.notes),
            "flags": [f.as_dict() for f in self.flags],
            "reviewers": [
                {"reviewer": f.agency, "detail": f.detail, "figures": dict(f.figures)}
                for f in self.reviewers
            ],
        }


def screen_cycle(
    result: CycleResult,
    evidence: Sequence[EvidenceItem] = (),
    period: Period | None = None,
    settings: Settings = Settings(),
    verdicts: Sequence[VerdictRow] | None = None,
) -> Report:
    """Every screen over one scored cycle, its evidence and its reviewers' verdicts
    (None: no review data, reviewers not screened)."""
    notes = [
        "every evidence question is taken to ask for this year's evidence "
        "(the framework format has no flag saying otherwise)"
    ]
    if result.previous is None:
        notes.append("no previous cycle: gains not screened")
    if period is None:
        notes.append("no period: evidence dates not screened")
    if verdicts is None:
        notes.append("no review data: reviewers not screened")
    flags = (
        screen_gains(result, settings)
        + screen_all_maximum(result, settings)
        + screen_shared_evidence(evidence, settings)
        + screen_carried_over(evidence)
        + (screen_out_of_period(evidence, period) if period is not None else [])
        + screen_missing_evidence(result, evidence)
        + screen_not_whole(result)
        + screen_contradictions(result)
    )
    order = {s: k for k, s in enumerate(SCREENS)}
    flags.sort(key=lambda f: (f.agency, order.get(f.screen, 99)))
    reviewers = screen_reviewers(verdicts, settings) if verdicts is not None else []
    return Report(
        tuple(flags), settings, period, len(result.agencies), tuple(notes), tuple(reviewers)
    )
