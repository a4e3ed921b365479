"""Reads of frameworks and cycles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db.models import Count, F, FilteredRelation, Q, QuerySet
from django.utils import timezone

from phrom.agencies.models import Agency, AgencyKind
from phrom.core.thai import THAI_DIGITS, thai_sort_key
from phrom.frameworks.models import Cycle, DeadlineChange
from phrom.responses.models import ResponseStatus


class CycleNotFound(LookupError):
    pass


def cycle_by_name(name: str) -> Cycle:
    """A cycle by its code (``th-2564``) or its Buddhist Era year (``2564``, or in Thai
    digits ``๒๕๖๔``)."""
    cycle = Cycle.objects.select_related("framework", "previous").filter(code=name).first()
    if cycle is not None:
        return cycle
    name = name.translate(THAI_DIGITS)
    # ASCII digits only ("²" is a digit to isdigit but not to int), and few of them.
    if name.isascii() and name.isdigit() and len(name) <= 6:
        matches = list(Cycle.objects.select_related("framework", "previous").filter(year_be=int(name)))
        if len(matches) == 1:
            return matches[0]
        # a year names the cycle its framework was loaded with (th-2564), not a copy of it
        # under another code (the demo's th-2564-review)
        own = [c for c in matches if c.code == c.framework.code]
        if len(own) == 1:
            return own[0]
        if len(matches) > 1:
            codes = ", ".join(c.code for c in matches)
            raise CycleNotFound(f"several cycles are of year {name} ({codes}); name one by its code")
    known = ", ".join(Cycle.objects.values_list("code", flat=True)) or "none; load a framework first"
    raise CycleNotFound(f"no cycle {name!r}; known cycles: {known}")


# --- response progress ------------------------------------------------------------------


@dataclass(frozen=True)
class StatusCounts:
    """How many target agencies are at each response status."""

    not_started: int = 0
    in_progress: int = 0
    submitted: int = 0

    @property
    def total(self) -> int:
        return self.not_started + self.in_progress + self.submitted

    def _percent(self, count: int) -> float:
        return 100.0 * count / self.total if self.total else 0.0

    @property
    def not_started_percent(self) -> float:
        return self._percent(self.not_started)

    @property
    def in_progress_percent(self) -> float:
        return self._percent(self.in_progress)

    @property
    def submitted_percent(self) -> float:
        """The response rate: submitted responses over target agencies."""
        return self._percent(self.submitted)

    def plus(self, status: str, count: int) -> StatusCounts:
        field = status if status in STATUS_FIELDS else "not_started"
        return replace(self, **{field: getattr(self, field) + count})


STATUS_FIELDS = ("not_started", "in_progress", "submitted")


@dataclass(frozen=True)
class ProgressRow:
    """Counts of one peer group or one ministry; ``key`` is the group's or the ministry's
    code (the staff list's filter), empty for "none"."""

    key: str
    name_th: str
    name_en: str
    counts: StatusCounts
    # whether the staff list filters by KEY (not a peer group the framework does not name)
    listed: bool = True

    def name(self, language: str) -> str:
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name_th


@dataclass(frozen=True)
class AgencyLine:
    code: str
    name_th: str
    name_en: str
    group: str
    ministry_th: str
    ministry_en: str
    # the peer group's name in the cycle's framework (its code when the framework has none)
    group_th: str = ""
    group_en: str = ""

    def name(self, language: str) -> str:
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name_th

    def cells(self, language: str) -> tuple[str, str, str, str]:
        """Name, code, peer group and ministry in LANGUAGE (Thai where there is no
        English): a row of the progress page's lists, thousands long at national scale."""
        english = language.startswith("en")
        return (
            self.name(language),
            self.code,
            (self.group_en if english and self.group_en else self.group_th),
            (self.ministry_en if english and self.ministry_en else self.ministry_th),
        )


@dataclass(frozen=True)
class CycleProgress:
    cycle: Cycle
    overall: StatusCounts
    by_group: list[ProgressRow]
    by_ministry: list[ProgressRow]
    not_started: list[AgencyLine]
    in_progress: list[AgencyLine]
    days_to_deadline: int | None  # None without a deadline; negative once it has passed

    @property
    def days_overdue(self) -> int:
        if self.days_to_deadline is None or self.days_to_deadline >= 0:
            return 0
        return -self.days_to_deadline


# Ministries answer through their departments; every other kind is asked to respond.
TARGET_KINDS = tuple(k for k in AgencyKind.values if k != AgencyKind.MINISTRY)


def target_agencies() -> QuerySet[Agency]:
    """The agencies a cycle asks to respond: every active agency except the ministries."""
    return Agency.objects.filter(active=True, kind__in=TARGET_KINDS)


def _with_response(agencies: QuerySet[Agency], cycle: Cycle) -> QuerySet[Agency]:
    # A LEFT JOIN on this cycle's response only: an agency without one keeps a NULL status.
    return agencies.annotate(
        cycle_response=FilteredRelation("responses", condition=Q(responses__cycle=cycle))
    )


def cycle_progress(*, cycle: Cycle, today: dt.date | None = None) -> CycleProgress:
    """Response counts of CYCLE overall, by peer group and by ministry, in two queries.

    Agencies without a response row count as not started. Peer groups are named from the
    cycle's framework (already loaded with the cycle) and listed in its order.
    """
    rows = (
        _with_response(target_agencies(), cycle)
        .values(
            "group",
            "ministry__code",
            "ministry__name_th",
            "ministry__name_en",
            status=F("cycle_response__status"),
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    overall = StatusCounts()
    groups: dict[str, StatusCounts] = {}
    ministries: dict[str, StatusCounts] = {}
    ministry_names: dict[str, tuple[str, str]] = {}
    for row in rows:
        status = row["status"] or ResponseStatus.NOT_STARTED
        n = row["n"]
        overall = overall.plus(status, n)
        group = row["group"] or ""
        groups[group] = groups.get(group, StatusCounts()).plus(status, n)
        ministry = row["ministry__code"] or ""
        ministries[ministry] = ministries.get(ministry, StatusCounts()).plus(status, n)
        if ministry:
            ministry_names[ministry] = (row["ministry__name_th"], row["ministry__name_en"])

    # Both lists in one query: every agency that has not submitted, by its status.
    waiting: dict[str, list[AgencyLine]] = {
        ResponseStatus.NOT_STARTED: [],
        ResponseStatus.IN_PROGRESS: [],
    }
    group_names = {g.code: g.name for g in cycle.framework.spec().peer_groups}
    for a in (
        _with_response(target_agencies(), cycle)
        .filter(
            Q(cycle_response__isnull=True)
            | ~Q(cycle_response__status=ResponseStatus.SUBMITTED)
        )
        .values(
            "code", "name_th", "name_en", "group", "ministry__name_th", "ministry__name_en",
            status=F("cycle_response__status"),
        )
        .order_by()
    ):
        status = a["status"] if a["status"] in waiting else ResponseStatus.NOT_STARTED
        group = group_names.get(a["group"])
        waiting[status].append(
            AgencyLine(
                code=a["code"],
                name_th=a["name_th"],
                name_en=a["name_en"],
                group=a["group"],
                ministry_th=a["ministry__name_th"] or "",
                ministry_en=a["ministry__name_en"] or "",
                group_th=group.th if group else a["group"],
                group_en=group.en if group else a["group"],
            )
        )
    for lines in waiting.values():
        lines.sort(key=lambda a: (thai_sort_key(a.name_th), a.code))

    return CycleProgress(
        cycle=cycle,
        overall=overall,
        by_group=_group_rows(cycle, groups),
        by_ministry=_ministry_rows(ministries, ministry_names),
        not_started=waiting[ResponseStatus.NOT_STARTED],
        in_progress=waiting[ResponseStatus.IN_PROGRESS],
        days_to_deadline=days_to_deadline(cycle=cycle, today=today),
    )


def days_to_deadline(*, cycle: Cycle, today: dt.date | None = None) -> int | None:
    """Whole days from today to the deadline's day, both in the local time zone."""
    if cycle.deadline is None:
        return None
    today = today or timezone.localdate()
    return (timezone.localtime(cycle.deadline).date() - today).days


def _group_rows(cycle: Cycle, groups: dict[str, StatusCounts]) -> list[ProgressRow]:
    named = {g.code: g.name for g in cycle.framework.spec().peer_groups}
    order = {code: i for i, code in enumerate(named)}
    rows = []
    for code, counts in groups.items():
        name = named.get(code)
        rows.append(
            ProgressRow(
                key=code,
                name_th=name.th if name else code,
                name_en=name.en if name else code,
                counts=counts,
                listed=bool(code) and name is not None,
            )
        )
    # The framework's order first, then groups it does not name, then "no group".
    rows.sort(key=lambda r: (not r.key, r.key not in order, order.get(r.key, 0), r.key))
    return rows


def _ministry_rows(
    ministries: dict[str, StatusCounts], names: dict[str, tuple[str, str]]
) -> list[ProgressRow]:
    rows = [
        ProgressRow(
            key=key,
            name_th=names.get(key, ("", ""))[0],
            name_en=names.get(key, ("", ""))[1],
            counts=counts,
            listed=bool(key),
        )
        for key, counts in ministries.items()
    ]
    rows.sort(key=lambda r: (not r.key, thai_sort_key(r.name_th)))
    return rows


def cycle_list() -> list[Cycle]:
    """Every cycle, newest first, each with ``submitted_count``, in one query."""
    return list(
        Cycle.objects.select_related("framework").annotate(
            submitted_count=Count(
                "responses",
                filter=Q(
                    responses__status=ResponseStatus.SUBMITTED,
                    responses__agency__active=True,
                    responses__agency__kind__in=TARGET_KINDS,
                ),
            )
        )
    )


def unsubmitted_agencies(*, cycle: Cycle) -> QuerySet[Agency]:
    """The target agencies whose response to CYCLE is not submitted."""
    return _with_response(target_agencies(), cycle).filter(
        Q(cycle_response__isnull=True) | ~Q(cycle_response__status=ResponseStatus.SUBMITTED)
    )


def extensions_of(*, cycle: Cycle) -> list[DeadlineChange]:
    """The extensions granted to agencies in CYCLE, newest first, with agency and author."""
    return list(
        DeadlineChange.objects.filter(cycle=cycle, agency__isnull=False)
        .select_related("agency", "by")
        .order_by("-at", "-id")
    )
