"""Writes to the agency registry."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from phrom.agencies.codes import code_problem
from phrom.agencies.errors import ImportRejected, RowProblem, extra_cells_problem
from phrom.agencies.models import Agency, AgencyKind
from phrom.core.tables import TableError, read_table

COLUMNS = ("code", "name_th", "name_en", "kind", "ministry", "group")
REQUIRED = ("code", "name_th", "kind")


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    # columns the file did not have: every registered agency kept its value of them
    kept: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def import_agencies(*, path: Path) -> ImportSummary:
    """Import or update agencies from a CSV or XLSX file, all or nothing.

    Columns: code, name_th, kind (required), name_en, ministry (a ministry's code, in the
    file or already registered), group (a peer group of a stored framework). Only the
    columns the file has are written: a column left out keeps each registered agency's
    value (a new agency gets it empty). Every bad row is reported with its number and
    column.
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
    duplicated = sorted(h for h, n in Counter(header).items() if h and n > 1)
    if missing:
        problems.append(
            RowProblem(source, 1, None, f"missing column(s) {', '.join(missing)}; "
                       f"the header must name {', '.join(REQUIRED)} (and may name "
                       f"{', '.join(c for c in COLUMNS if c not in REQUIRED)})")
        )
    if unknown:
        problems.append(
            RowProblem(source, 1, None, f"unknown column(s) {', '.join(unknown)}; "
                       f"known columns are {', '.join(COLUMNS)}")
        )
    if duplicated:
        problems.append(
            RowProblem(source, 1, None, f"column(s) {', '.join(duplicated)} appear more than "
                       "once; keep one column of each")
        )
    if problems:
        raise ImportRejected(source, problems)
    present = tuple(c for c in COLUMNS if c in header)

    kinds = {k.value for k in AgencyKind}
    workbook = path.suffix.lower() == ".xlsx"
    records: list[tuple[int, dict[str, str]]] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        if not any(cells):
            continue
        extra = extra_cells_problem(cells, len(header), empty_ok=workbook)
        if extra:
            problems.append(RowProblem(source, number, None, extra))
            continue
        record = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
        problems.extend(_too_long_or_nul(source, number, record))
        code = record.get("code", "")
        if not code:
            problems.append(RowProblem(source, number, "code", "empty; every agency needs a code"))
        elif problem := code_problem(code):
            problems.append(RowProblem(source, number, "code", problem))
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

    problems.extend(_ministry_problems(source, records, present))
    if "group" in present:
        problems.extend(_group_problems(source, records))
    if problems:
        raise ImportRejected(source, problems)
    return _write(records, present)


def _ministry_problems(
    source: str, records: list[tuple[int, dict[str, str]]], present: tuple[str, ...]
) -> list[RowProblem]:
    """Ministries as they will be after the import: a department may point only at one,
    a ministry belongs to none, and a ministry that keeps departments stays a ministry."""
    problems: list[RowProblem] = []
    registered = {a.code: a for a in Agency.objects.only("code", "kind", "ministry_id")}
    by_code = {r["code"]: r for _, r in records}
    demoted = {
        code for code, r in by_code.items()
        if code in registered and registered[code].kind == AgencyKind.MINISTRY
        and r.get("kind") != AgencyKind.MINISTRY
    }
    ministries = (
        set(Agency.objects.filter(kind=AgencyKind.MINISTRY).values_list("code", flat=True))
        - demoted
    ) | {code for code, r in by_code.items() if r.get("kind") == AgencyKind.MINISTRY}
    for number, record in records:
        code = record.get("code", "")
        if record.get("kind") == AgencyKind.MINISTRY:
            if record.get("ministry"):
                problems.append(RowProblem(source, number, "ministry",
                                           "a ministry belongs to no ministry; leave it empty"))
            elif "ministry" not in present and code in registered and \
                    registered[code].ministry_id is not None:
                problems.append(RowProblem(
                    source, number, "kind",
                    f"{code!r} belongs to a ministry, which a ministry cannot; add a ministry "
                    "column and leave its cell empty",
                ))
            continue
        ministry = record.get("ministry", "")
        if ministry and ministry not in ministries:
            why = (
                f"{ministry!r} stops being a ministry in this file"
                if ministry in demoted else f"{ministry!r} is not a registered ministry"
            )
            problems.append(RowProblem(source, number, "ministry",
                                       f"{why}; add a row with that code and kind 'ministry', "
                                       "or fix the code"))
    # A ministry demoted while departments still point at it (those the file moves elsewhere
    # do not count).
    for number, record in records:
        code = record.get("code", "")
        if code not in demoted:
            continue
        members = [
            member for member in Agency.objects.filter(ministry=registered[code])
            .order_by("code").values_list("code", flat=True)
            if "ministry" not in present or member not in by_code
            or by_code[member].get("ministry") == code
        ]
        if members:
            shown = ", ".join(members[:5]) + (" ..." if len(members) > 5 else "")
            problems.append(RowProblem(
                source, number, "kind",
                f"{code!r} is a ministry with {len(members)} department(s) ({shown}); it cannot "
                f"become {record.get('kind')!r} while they belong to it: move them to another "
                "ministry first, or keep kind 'ministry'",
            ))
    return problems


def registry_peer_groups() -> dict[str, list[str]]:
    """The peer groups that the stored frameworks define: each code -> its frameworks."""
    from phrom.frameworks.models import Framework

    groups: dict[str, list[str]] = {}
    for framework in Framework.objects.order_by("code"):
        for group in framework.spec().peer_groups:
            groups.setdefault(group.code, []).append(framework.code)
    return groups


def _group_problems(source: str, records: list[tuple[int, dict[str, str]]]) -> list[RowProblem]:
    known = registry_peer_groups()
    problems: list[RowProblem] = []
    for number, record in records:
        group = record.get("group", "")
        if not group or group in known:
            continue
        if not known:
            problems.append(RowProblem(
                source, number, "group",
                f"{group!r} cannot be checked: no stored framework defines peer groups; load "
                "the framework first (phrom framework load FILE), or leave the cell empty",
            ))
            continue
        message = f"{group!r} is not a peer group of any stored framework"
        close = difflib.get_close_matches(group, list(known), n=1)
        if close:
            message += f"; did you mean {close[0]!r}?"
        message += f" Peer groups: {', '.join(sorted(known))} (or leave the cell empty)"
        problems.append(RowProblem(source, number, "group", message))
    return problems


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
def _write(records: list[tuple[int, dict[str, str]]], present: tuple[str, ...]) -> ImportSummary:
    existing = {a.code: a for a in Agency.objects.all()}
    created = updated = unchanged = 0
    # Ministries first, so that departments can point at them.
    ordered = sorted(records, key=lambda r: r[1].get("kind") != AgencyKind.MINISTRY)
    for _number, record in ordered:
        # Only the file's columns: one it does not have keeps what is registered.
        fields: dict[str, object] = {"name_th": record["name_th"], "kind": record["kind"]}
        if "name_en" in present:
            fields["name_en"] = record["name_en"]
        if "group" in present:
            fields["group"] = record["group"]
        if "ministry" in present:
            ministry_code = record["ministry"]
            fields["ministry_id"] = existing[ministry_code].pk if ministry_code else None
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
    return ImportSummary(
        created=created, updated=updated, unchanged=unchanged,
        kept=tuple(c for c in COLUMNS if c not in present),
    )
