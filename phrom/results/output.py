"""Results written as CSV and JSON, or printed as terminal tables."""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from phrom.core.tables import safe_cell
from scoring.result import CycleResult


def _fmt(value: object, precision: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.{precision}f}"
    return str(value)


def result_columns(result: CycleResult) -> list[str]:
    columns = [
        "agency", "group", "total", *result.published.dimension_codes, "band", "rank", "group_rank"
    ]
    if result.has_previous:
        columns += ["previous_total", "gain"]
    return columns


def write_results_csv(result: CycleResult, path: Path) -> None:
    """RESULTS.csv: figures as numbers, text cells safe from spreadsheets (``safe_cell``)."""
    precision = result.framework.precision
    columns = result_columns(result)
    with _replacing(path) as fh:
        writer = csv.writer(fh)
        writer.writerow([safe_cell(c) for c in columns])
        for row in result.to_rows():
            writer.writerow([_fmt(safe_cell(row.get(c)), precision) for c in columns])


def write_awards_json(result: CycleResult, path: Path) -> None:
    payload = {
        "framework": result.framework.code,
        "awards": [award.to_dict() for award in result.awards],
    }
    with _replacing(path) as fh:
        fh.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


class OutputNotWritten(ValueError):
    """An output file could not be written; the message names it (not the temporary file
    written first) and what to do."""


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[TextIO]:
    """A text file written beside ``path`` that replaces it only once it is complete."""
    if path.is_dir():
        raise OutputNotWritten(f"{path} is a folder: give the name of a file to write, "
                               f"e.g. {path / path.name}.csv")
    if not path.parent.is_dir():
        raise OutputNotWritten(f"no such folder: {path.parent}; create it first, or write "
                               "the file in a folder that exists")
    part = path.with_name(f".{path.name}.part")
    try:
        try:
            with part.open("w", newline="", encoding="utf-8") as fh:
                yield fh
            os.replace(part, path)
        except OSError as exc:
            raise OutputNotWritten(
                f"cannot write {path}: {exc.strerror or exc}; choose a file in a folder "
                "you may write to"
            ) from None
    finally:
        part.unlink(missing_ok=True)


TABLE_ROWS = 200


def print_results_table(
    console: Any, result: CycleResult, *, names: dict[str, str], limit: int = 0
) -> None:
    from rich.table import Table

    precision = result.framework.precision
    rows = sorted(result.to_rows(), key=lambda r: (r["rank"], str(r["agency"])))  # type: ignore[arg-type]
    hidden = 0
    if limit:
        rows = rows[:limit]
    elif len(rows) > TABLE_ROWS:
        # A terminal table of 10,000 rows takes seconds to draw and nobody reads it.
        hidden = len(rows) - TABLE_ROWS
        rows = rows[:TABLE_ROWS]
    table = Table(title=f"{result.framework.code}: {len(result.agencies)} agencies")
    columns = result_columns(result)
    table.add_column("rank", justify="right")
    table.add_column("agency")
    table.add_column("name")
    for c in columns:
        if c in ("rank", "agency"):
            continue
        numeric = c not in ("group", "band")
        table.add_column(c, justify="right" if numeric else "left")
    for row in rows:
        agency = str(row["agency"])
        cells = [str(row["rank"]), agency, names.get(agency, "")]
        cells += [_fmt(row.get(c), precision) for c in columns if c not in ("rank", "agency")]
        table.add_row(*cells)
    console.print(table)
    if hidden:
        console.print(
            f"... and {hidden} more agencies: --out RESULTS.csv writes every row, "
            f"--limit N prints the first N"
        )


def print_awards(console: Any, result: CycleResult, *, names: dict[str, str], explain: bool) -> None:
    from rich.table import Table

    precision = result.framework.precision
    for award in result.awards:
        title = award.name.en
        if award.group:
            title += f" [{award.group}]"
        if award.dimension:
            title += f" [{award.dimension}]"
        console.print(f"\n[bold]{award.code}[/bold]: {title} / {award.name.th}")
        console.print(f"rule: {award.rule}")
        if award.eligible is not None:
            console.print(f"eligible: {award.eligible}")
        table = Table(show_header=True)
        for column in ("place", "agency", "name", "total", "gain"):
            table.add_column(column, justify="right" if column in ("place", "total", "gain") else "left")
        if explain:
            table.add_column("why")
        for entry in award.winners:
            cells = [str(entry.place), entry.agency, names.get(entry.agency, ""),
                     _fmt(entry.total, precision), _fmt(entry.gain, result.published.gain_precision)]
            if explain:
                cells.append(entry.why)
            table.add_row(*cells)
        if not award.winners:
            console.print("no winner")
        else:
            console.print(table)
        if explain and award.near_misses:
            console.print("near misses:")
            for entry in award.near_misses:
                console.print(f"  {entry.agency} {names.get(entry.agency, '')}: {entry.why}")
