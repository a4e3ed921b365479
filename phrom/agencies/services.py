"""Writes to the agency registry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from phrom.agencies.errors import ImportRejected, RowProblem
from phrom.agencies.models import Agency, AgencyKind
from phrom.core.tables import TableError, read_table

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
COLUMNS = ("code", "name_th", "name_en", "kind", "ministry", "group")
REQUIRED = ("code", "name_th", "kind")


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def import_agencies(*, path: Path) -> ImportSummary:
    """Import or update agencies from a CSV or XLSX file, all or nothing.

    Columns: code, name_th, name_en, kind, ministry (a ministry's code, in the file or
    already registered), group. Every bad row is reported with its number and column.
    """
    if not path.exists():
        raise ImportRejected(path.name, [RowProblem(path.name, 0, None, "file not found")])
    source = path.name
    try:
        header, rows = read_table(path)
    except TableError as exc:
        raise ImportRejected(source, [RowProblem(source, exc.row, None, exc.message)]) from None
    problems: list[RowProblem] = []
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in COLUMNS]
    if missing:
        problems.append(
            RowProblem(source, 1, None, f"missing column(s) {', '.join(missing)}; "
                       f"the header must name {', '.join(COLUMNS)}")
        )
    if unknown:
        problems.append(
            RowProblem(source, 1, None, f"unknown column(s) {', '.join(unknown)}; "
                       f"known columns are {', '.join(COLUMNS)}")
        )
    if problems:
        raise ImportRejected(source, problems)

    kinds = {k.value for k in AgencyKind}
    records: list[tuple[int, dict[str, str]]] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        if not any(cells):
            continue
        if len(cells) > len(header) and any(cells[len(header):]):
            problems.append(RowProblem(source, number, None,
                                       f"{len(cells)} cells but the header has {len(header)}; "
                                       "quote values that contain commas"))
            continue
        record = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
        problems.extend(_too_long_or_nul(source, number, record))
        code = record.get("code", "")
        if not code:
            problems.append(RowProblem(source, number, "code", "empty; every agency needs a code"))
        elif not CODE_RE.match(code):
            problems.append(RowProblem(source, number, "code",
                                       f"{code!r} may hold only letters, digits, '-', '_' and '.'"))
        elif code in seen:
            problems.append(RowProblem(source, number, "code",
                                       f"{code!r} is already on row {seen[code]}; codes are unique"))
        else:
            seen[code] = number
        if not record.get("name_th"):
            problems.append(RowProblem(source, number, "name_th", "empty; give the Thai name"))
        kind = record.get("kind", "")
        if kind not in kinds:
            problems.append(RowProblem(source, number, "kind",
                                       f"{kind!r} is not a kind; use one of {', '.join(sorted(kinds))}"))
        records.append((number, record))

    ministries_in_file = {r["code"] for _, r in records if r.get("kind") == AgencyKind.MINISTRY}
    ministries_known = set(
        Agency.objects.filter(kind=AgencyKind.MINISTRY).values_list("code", flat=True)
    )
    for number, record in records:
        ministry = record.get("ministry", "")
        if not ministry:
            continue
        if record.get("kind") == AgencyKind.MINISTRY:
            problems.append(RowProblem(source, number, "ministry",
                                       "a ministry belongs to no ministry; leave it empty"))
        elif ministry not in ministries_in_file and ministry not in ministries_known:
            problems.append(RowProblem(source, number, "ministry",
                                       f"{ministry!r} is not a registered ministry; add a row with "
                                       "that code and kind 'ministry', or fix the code"))
    if problems:
        raise ImportRejected(source, problems)
    return _write(records)


def _too_long_or_nul(source: str, number: int, record: dict[str, str]) -> list[RowProblem]:
    """Values the database cannot hold, found before writing so that SQLite (which stores
    them) and PostgreSQL (which refuses them) answer alike."""
    found = []
    for column, value in record.items():
        if "\x00" in value:
            found.append(RowProblem(source, number, column,
                                    "holds a NUL character; remove it"))
            continue
        field = "code" if column == "ministry" else column
        limit = Agency._meta.get_field(field).max_length if field in COLUMNS else None
        if limit is not None and len(value) > limit:
            found.append(RowProblem(source, number, column,
                                    f"{len(value)} characters; at most {limit} fit"))
    return found


@transaction.atomic
def _write(records: list[tuple[int, dict[str, str]]]) -> ImportSummary:
    existing = {a.code: a for a in Agency.objects.all()}
    created = updated = unchanged = 0
    # Ministries first, so that departments can point at them.
    ordered = sorted(records, key=lambda r: r[1].get("kind") != AgencyKind.MINISTRY)
    for _number, record in ordered:
        ministry_code = record.get("ministry", "")
        fields = {
            "name_th": record["name_th"],
            "name_en": record.get("name_en", ""),
            "kind": record["kind"],
            "group": record.get("group", ""),
            "ministry": existing[ministry_code] if ministry_code else None,
        }
        agency = existing.get(record["code"])
        if agency is None:
            agency = Agency.objects.create(code=record["code"], **fields)
            existing[agency.code] = agency
            created += 1
            continue
        changed = [k for k, v in fields.items() if getattr(agency, k) != v]
        if changed:
            for k in changed:
                setattr(agency, k, fields[k])
            agency.save(update_fields=changed)
            updated += 1
        else:
            unchanged += 1
    return ImportSummary(created=created, updated=updated, unchanged=unchanged)
