"""The public results table: search, filters, Thai sorting and pages, read from the query
string without ever failing on it.

A published cycle never changes, so what every request would otherwise redo for its
thousands of rows (the rows with their names, the text searched, the order of each sort)
is made once per process for each scored cycle and language (:func:`table_of`); a request
then filters a list of row numbers and renders one page of at most ``PAGE_SIZE`` rows.
"""

from __future__ import annotations

import math
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from phrom.core.thai import thai_sort_key
from phrom.results.adapter import ScoredCycle
from phrom.results.selectors import result_rows

PAGE_SIZE = 50
# longest search text read; longer text is cut with a note
QUERY_MAX = 100
# sort name -> its natural direction (descending for figures where more is better)
SORTS = {"rank": "asc", "name": "asc", "total": "desc", "gain": "desc"}
DIRECTIONS = ("asc", "desc")
# how much of an odd value a note repeats
SHOWN_MAX = 40


def normalise(text: str) -> str:
    """TEXT as searched: Unicode NFC, case folded, runs of white space as one space."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass
class Table:
    """One scored cycle's rows in one language, with what filtering and sorting need."""

    rows: list[dict[str, object]]
    search: list[str]
    groups: list[str]
    bands: list[str]
    ministries: list[str]
    # (sort, direction) -> row numbers in that order, rows without the figure last
    orders: dict[tuple[str, str], list[int]]
    group_choices: list[tuple[str, str]]
    band_choices: list[tuple[str, str]]
    ministry_choices: list[tuple[str, str]]
    has_previous: bool


_lock = threading.Lock()
# id(scored) -> (scored, {language: Table}); the scored cycle is kept so its id is not reused
_tables: dict[int, tuple[ScoredCycle, dict[str, Table]]] = {}
_KEEP = 8


def _ministries(scored: ScoredCycle, language: str) -> dict[int, tuple[str, str]]:
    """Ministry id -> (code, name in LANGUAGE) of the ministries of the scored agencies."""
    from phrom.agencies.models import Agency

    ids = {a.ministry_id for a in scored.agencies.values() if a.ministry_id is not None}
    if not ids:
        return {}
    found = Agency.objects.filter(pk__in=ids).only("pk", "code", "name_th", "name_en")
    return {m.pk: (m.code, m.name(language)) for m in found}


def _order(rows: list[dict[str, object]], key: Any, missing: Any) -> dict[str, list[int]]:
    """Row numbers ascending and descending by KEY; rows where MISSING holds last in both.
    Equal keys keep the rows' own order (best rank first) in both directions."""
    keys = [None if missing(row) else key(row) for row in rows]
    present = sorted((i for i, k in enumerate(keys) if k is not None), key=keys.__getitem__)
    absent = [i for i, k in enumerate(keys) if k is None]
    # descending: runs of equal keys in reverse order, each run still best rank first
    runs: list[list[int]] = []
    for i in present:
        if runs and keys[runs[-1][0]] == keys[i]:
            runs[-1].append(i)
        else:
            runs.append([i])
    descending = [i for run in reversed(runs) for i in run]
    return {"asc": present + absent, "desc": descending + absent}


def _build(scored: ScoredCycle, language: str) -> Table:
    rows = result_rows(scored=scored, language=language)
    ministries = _ministries(scored, language)
    search, ministry_codes = [], []
    for row in rows:
        agency = scored.agencies.get(str(row["agency"]))
        names = [str(row["agency"]), str(row["name"])]
        ministry = ""
        if agency is not None:
            names += [agency.name_th, agency.name_en]
            ministry = ministries.get(agency.ministry_id or 0, ("", ""))[0]
        search.append(normalise(" | ".join(names)))
        ministry_codes.append(ministry)
        row["ministry"] = ministry
    orders: dict[tuple[str, str], list[int]] = {}
    by_rank = _order(rows, key=lambda r: r["rank"], missing=lambda r: r["rank"] is None)
    by_name = _order(rows, key=lambda r: thai_sort_key(normalise(str(r["name"]))),
                     missing=lambda r: False)
    by_total = _order(rows, key=lambda r: r["total"], missing=lambda r: r["total"] is None)
    by_gain = _order(rows, key=lambda r: r.get("gain"), missing=lambda r: r.get("gain") is None)
    for sort, made in (("rank", by_rank), ("name", by_name), ("total", by_total),
                       ("gain", by_gain)):
        for direction in DIRECTIONS:
            orders[(sort, direction)] = made[direction]
    spec = scored.spec
    in_use = set(ministry_codes)
    ministry_choices = sorted(
        {(code, name) for code, name in ministries.values() if code in in_use},
        key=lambda c: (thai_sort_key(normalise(c[1])), c[0]),
    )
    return Table(
        rows=rows, search=search,
        groups=[str(r["group"] or "") for r in rows],
        bands=[str(r["band"] or "") for r in rows],
        ministries=ministry_codes, orders=orders,
        group_choices=[(g.code, g.name.get(language)) for g in spec.peer_groups],
        band_choices=[(b.code, b.name.get(language))
                      for b in sorted(spec.bands, key=lambda b: -b.minimum)],
        ministry_choices=ministry_choices,
        has_previous=scored.result.has_previous,
    )


def table_of(*, scored: ScoredCycle, language: str) -> Table:
    """SCORED's table in LANGUAGE, made on first use and kept for the life of the process
    (the last few scored cycles: a published one is one object per publication)."""
    with _lock:
        entry = _tables.get(id(scored))
        if entry is not None and entry[0] is scored and language in entry[1]:
            return entry[1][language]
    table = _build(scored, language)
    with _lock:
        entry = _tables.get(id(scored))
        if entry is None or entry[0] is not scored:
            while len(_tables) >= _KEEP:
                del _tables[next(iter(_tables))]
            entry = (scored, {})
            _tables[id(scored)] = entry
        entry[1][language] = table
    return table


# --- the query string ----------------------------------------------------------------------


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN_MAX else value[:SHOWN_MAX] + "…"


@dataclass
class Query:
    """What the reader asked for, each value checked; ``notes`` say what was set aside."""

    q: str = ""
    group: str = ""
    ministry: str = ""
    band: str = ""
    sort: str = "rank"
    direction: str = "asc"
    page: int = 1
    # ?version=N of an earlier publication (checked by the view before), kept in every link
    version: str = ""
    notes: list[str] = field(default_factory=list)

    def params(self, **changes: object) -> dict[str, str]:
        """The query string's values with CHANGES, defaults left out."""
        values: dict[str, object] = {
            "q": self.q, "group": self.group, "ministry": self.ministry, "band": self.band,
            "sort": self.sort, "dir": self.direction, "page": self.page,
            "version": self.version,
        }
        values.update(changes)
        if values["sort"] == "rank" and values["dir"] == "asc":
            values["sort"] = values["dir"] = ""
        elif values["dir"] == SORTS.get(str(values["sort"])):
            values["dir"] = ""
        if values["page"] == 1:
            values["page"] = ""
        return {k: str(v) for k, v in values.items() if v not in ("", None)}


def _choice(raw: str, choices: list[tuple[str, str]], note: str, notes: list[str]) -> str:
    if not raw:
        return ""
    if raw in {code for code, _name in choices}:
        return raw
    notes.append(note % {"value": _shown(raw)})
    return ""


def read_query(get: Mapping[str, str], table: Table) -> Query:
    """The reader's query string checked against TABLE; a value that makes no sense is set
    aside with a note saying so, never an error."""
    notes: list[str] = []
    q = " ".join(str(get.get("q", "")).split())
    if len(q) > QUERY_MAX:
        q = q[:QUERY_MAX]
        notes.append(_("The search text was cut to its first %(n)d characters.")
                     % {"n": QUERY_MAX})
    group = _choice(str(get.get("group", "")).strip(), table.group_choices,
                    _("There is no peer group “%(value)s” in this cycle: every group is shown."),
                    notes)
    ministry = _choice(str(get.get("ministry", "")).strip(), table.ministry_choices,
                       _("There is no ministry “%(value)s” among the agencies of this cycle: "
                         "every ministry is shown."), notes)
    band = _choice(str(get.get("band", "")).strip(), table.band_choices,
                   _("There is no band “%(value)s” in this cycle: every band is shown."), notes)
    sort = str(get.get("sort", "")).strip() or "rank"
    if sort not in SORTS or (sort == "gain" and not table.has_previous):
        notes.append(_("The table cannot be sorted by “%(value)s”: it is sorted by rank.")
                     % {"value": _shown(sort)})
        sort = "rank"
    direction = str(get.get("dir", "")).strip() or SORTS[sort]
    if direction not in DIRECTIONS:
        notes.append(_("“%(value)s” is not a sort direction (asc or desc): the usual one is "
                       "used.") % {"value": _shown(direction)})
        direction = SORTS[sort]
    raw_page = str(get.get("page", "")).strip()
    page = 1
    if raw_page:
        if raw_page.isascii() and raw_page.isdigit() and len(raw_page) <= 9 and int(raw_page):
            page = int(raw_page)
        else:
            notes.append(_("“%(value)s” is not a page number: the first page is shown.")
                         % {"value": _shown(raw_page)})
    version = str(get.get("version", ""))
    version = version if version.isascii() and version.isdigit() else ""
    return Query(q=q, group=group, ministry=ministry, band=band, sort=sort,
                 direction=direction, page=page, version=version, notes=notes)


@dataclass
class Found:
    """One page of the rows that match a query."""

    rows: list[dict[str, object]]
    count: int
    page: int
    pages: int
    first: int  # 1-based number of the page's first row (0 when none)
    last: int


def find(table: Table, query: Query) -> Found:
    """The rows of TABLE that QUERY asks for, in its order, and the page of them asked for
    (the last page, with a note, when the query asks for one beyond it)."""
    order = table.orders[(query.sort, query.direction)]
    if query.group:
        groups = table.groups
        order = [i for i in order if groups[i] == query.group]
    if query.ministry:
        ministries = table.ministries
        order = [i for i in order if ministries[i] == query.ministry]
    if query.band:
        bands = table.bands
        order = [i for i in order if bands[i] == query.band]
    terms = normalise(query.q).split()
    if terms:
        search = table.search
        order = [i for i in order if all(t in search[i] for t in terms)]
    pages = max(1, math.ceil(len(order) / PAGE_SIZE))
    if query.page > pages:
        query.notes.append(_("There is no page %(page)d: the last page, %(pages)d, is shown.")
                           % {"page": query.page, "pages": pages})
        query.page = pages
    start = (query.page - 1) * PAGE_SIZE
    chosen = order[start:start + PAGE_SIZE]
    return Found(rows=[table.rows[i] for i in chosen], count=len(order), page=query.page,
                 pages=pages, first=start + 1 if chosen else 0, last=start + len(chosen))


# --- what the methodology and downloads pages read from a publication ------------------------

_published: dict[tuple[int, str, str], Any] = {}


def _remembered(key: tuple[int, str, str], make: Any) -> Any:
    """MAKE() kept for the life of the process under KEY (a publication never changes)."""
    with _lock:
        if key in _published:
            return _published[key]
    value = make()
    with _lock:
        _published[key] = value
    return value


# the open-data files, in the order the downloads page lists them
OPEN_FILES = ("results.csv", "results.json", "answers.csv", "awards.json", "framework.yaml")


def open_files(*, cycle: Any) -> list[dict[str, Any]]:
    """Each complete publication of CYCLE, latest first, with its open-data files: their
    addresses and sizes in bytes (what the open-data address serves)."""
    from phrom.publications.models import Publication
    from phrom.publications.selectors import publication_log
    from phrom.publications.views import _body

    versions = []
    log = publication_log(cycle=cycle)
    for publication in log:
        def sizes(pk: int = publication.pk) -> dict[str, int]:
            full = Publication.objects.defer("pages").select_related("cycle").get(pk=pk)
            return {name: len(_body(full, name).encode()) for name in OPEN_FILES}

        measured = _remembered(
            (publication.pk, publication.created_at.isoformat(), "sizes"), sizes)
        year, version = cycle.year_be, publication.version
        versions.append({
            "publication": publication,
            "latest": publication is log[0],
            "files": [{"name": name, "size": measured[name],
                       "href": reverse("publications:open_file_version",
                                       args=[year, version, name]),
                       "stable": reverse("publications:open_file", args=[year, name])}
                      for name in OPEN_FILES],
        })
    return versions
