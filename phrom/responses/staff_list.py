"""The staff list of a cycle: every agency asked to respond, with its response's status,
filtered and in the order of the names shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, FilteredRelation, Q

from phrom.agencies.models import Agency, AgencyKind
from phrom.core.thai import thai_sort_key
from phrom.frameworks.models import Cycle
from phrom.frameworks.selectors import TARGET_KINDS
from phrom.responses.models import Answer, ResponseStatus

STAFF_LIST_PAGE_SIZE = 50


@dataclass(frozen=True)
class StaffRow:
    """One agency in the staff list, with its response to the cycle if it has one."""

    code: str
    name_th: str
    name_en: str
    ministry_th: str
    ministry_en: str
    group: str
    response_id: int | None
    status: str
    submitted_at: dt.datetime | None
    answer_count: int = 0

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") and self.name_en else self.name_th

    def ministry(self, language: str) -> str:
        return self.ministry_en if language.startswith("en") and self.ministry_en else self.ministry_th

    @property
    def status_label(self) -> str:
        return str(dict(ResponseStatus.choices).get(self.status, self.status))


def ministries() -> list[Agency]:
    """Every ministry, in Thai dictionary order."""
    found = list(Agency.objects.filter(kind=AgencyKind.MINISTRY).only("code", "name_th", "name_en"))
    found.sort(key=lambda a: (thai_sort_key(a.name_th), a.code))
    return found


def staff_rows(
    *,
    cycle: Cycle,
    language: str,
    query: str = "",
    ministry: str = "",
    group: str = "",
    status: str = "",
) -> list[StaffRow]:
    """The agencies asked to respond to CYCLE (and any other with a response to it), with
    their response, filtered, in one query and in the order of the names shown (Thai
    dictionary order in Thai).

    QUERY matches a part of the Thai or English name or of the code, whatever the case;
    MINISTRY is a ministry's code; STATUS counts an agency without a response as not started.
    """
    agencies = Agency.objects.annotate(
        cycle_response=FilteredRelation("responses", condition=Q(responses__cycle=cycle))
    ).filter(Q(active=True, kind__in=TARGET_KINDS) | Q(cycle_response__isnull=False))
    if query:
        agencies = agencies.filter(
            Q(name_th__icontains=query) | Q(name_en__icontains=query) | Q(code__icontains=query)
        )
    if ministry:
        agencies = agencies.filter(ministry__code=ministry)
    if group:
        agencies = agencies.filter(group=group)
    if status == ResponseStatus.NOT_STARTED:
        agencies = agencies.filter(
            Q(cycle_response__isnull=True) | Q(cycle_response__status=ResponseStatus.NOT_STARTED)
        )
    elif status:
        agencies = agencies.filter(cycle_response__status=status)
    rows = [
        StaffRow(
            code=r["code"], name_th=r["name_th"], name_en=r["name_en"],
            ministry_th=r["ministry__name_th"] or "", ministry_en=r["ministry__name_en"] or "",
            group=r["group"], response_id=r["response_id"],
            status=r["status"] or ResponseStatus.NOT_STARTED, submitted_at=r["submitted_at"],
        )
        for r in agencies.values(
            "code", "name_th", "name_en", "group", "ministry__name_th", "ministry__name_en",
            response_id=F("cycle_response__id"), status=F("cycle_response__status"),
            submitted_at=F("cycle_response__submitted_at"),
        ).order_by()
    ]
    if language.startswith("en"):
        rows.sort(key=lambda r: (r.name(language).casefold(), r.code))
    else:
        rows.sort(key=lambda r: (thai_sort_key(r.name_th), r.code))
    return rows


def staff_page(*, rows: list[StaffRow], page: Any) -> Page:
    """One page of ROWS, each with its count of answers (one query for the page)."""
    current = Paginator(rows, STAFF_LIST_PAGE_SIZE).get_page(page)
    ids = [r.response_id for r in current.object_list if r.response_id is not None]
    counts = dict(
        Answer.objects.filter(response_id__in=ids)
        .values_list("response_id")
        .annotate(n=Count("id"))
        .values_list("response_id", "n")
    ) if ids else {}
    current.object_list = [
        replace(r, answer_count=counts.get(r.response_id, 0)) if r.response_id else r
        for r in current.object_list
    ]
    return current
