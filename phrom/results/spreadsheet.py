"""Answers and previous results read from spreadsheets, for ``phrom score-file``.

No Django here: scoring a spreadsheet needs no database.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

from phrom.core.tables import TableError, read_table
from scoring.answers import AgencyAnswers, AnswerValue, InvalidAnswer, parse_answer
from scoring.engine import PreviousCycle, score_cycle
from scoring.model import Framework

MAX_REPORTED = 20


class SpreadsheetError(ValueError):
    """Every problem found in one file, one per line; nothing was scored."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = self.problems[:MAX_REPORTED]
        more = len(self.problems) - len(shown)
        lines = [f"{source}: {p}" for p in shown]
        if more > 0:
            lines.append(f"{source}: ... and {more} more problem(s)")
        super().__init__("\n".join(lines))


def _open(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if not path.exists():
        raise SpreadsheetError(path.name, [f"no such file: {path}"])
    if path.is_dir():
        raise SpreadsheetError(path.name, [f"{path} is a folder; give a CSV or XLSX file"])
    try:
        header, rows = read_table(path)
        return header, list(rows)
    except TableError as exc:
        raise SpreadsheetError(path.name, [exc.message]) from None


def read_answers_file(
    path: Path,
    framework: Framework,
    *,
    agency_column: str = "agency",
    name_column: str = "name",
    group_column: str = "group",
) -> tuple[list[AgencyAnswers], list[str]]:
    """Answers, one row per agency; returns them and the columns that were ignored."""
    header, rows = _open(path)
    return _parse_answers(path.name, header, rows, framework, agency_column, name_column,
                          group_column)


def _parse_answers(
    source: str,
    header: list[str],
    rows: list[tuple[int, list[str]]],
    framework: Framework,
    agency_column: str,
    name_column: str,
    group_column: str,
) -> tuple[list[AgencyAnswers], list[str]]:
    questions = {q.code: q for q in framework.questions}
    scored = [q.code for q in framework.questions if q.scored]
    problems: list[str] = []
    if agency_column not in header:
        hint = difflib.get_close_matches(agency_column, header, n=1)
        problems.append(
            f"missing column {agency_column!r} (the agency codes)"
            + (f"; did you mean {hint[0]!r}? pass --agency-column {hint[0]}" if hint else "")
        )
    missing = [code for code in scored if code not in header]
    if missing:
        shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
        problems.append(
            f"missing column(s) for question(s) {shown}; add one column per question code "
            "of the framework (leave a cell empty when unanswered)"
        )
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    if duplicated:
        problems.append(f"column(s) {', '.join(duplicated)} appear more than once")
    if problems:
        raise SpreadsheetError(source, problems)
    special = {agency_column, name_column, group_column}
    ignored = [h for h in header if h and h not in questions and h not in special]
    index = {h: i for i, h in enumerate(header)}
    groups = {g.code for g in framework.peer_groups}
    result: list[AgencyAnswers] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        if not any(cells):
            continue

        def cell(column: str, cells: list[str] = cells) -> str:
            i = index.get(column)
            return cells[i] if i is not None and i < len(cells) else ""

        agency = cell(agency_column)
        if not agency:
            problems.append(f"row {number}, column {agency_column}: empty agency code")
            continue
        if agency in seen:
            problems.append(
                f"row {number}, column {agency_column}: {agency!r} is already on row {seen[agency]}"
            )
            continue
        seen[agency] = number
        group = cell(group_column) or None
        if group is not None and groups and group not in groups:
            problems.append(
                f"row {number}, column {group_column}: {group!r} is not a peer group of "
                f"{framework.code}; use one of {', '.join(sorted(groups))}"
            )
        values: dict[str, AnswerValue] = {}
        for code, question in questions.items():
            if code not in index:
                continue
            raw = cell(code)
            try:
                value = parse_answer(question, raw)
            except InvalidAnswer as exc:
                problems.append(f"row {number}, column {code}: {exc.message}")
                continue
            if value is not None:
                values[code] = value
        result.append(
            AgencyAnswers(agency=agency, answers=values, group=group, name=cell(name_column) or None)
        )
    if problems:
        raise SpreadsheetError(source, problems)
    if not result:
        raise SpreadsheetError(source, ["no rows of answers; one row per agency is expected"])
    return result, ignored


def read_previous_file(
    path: Path,
    framework: Framework,
    *,
    agency_column: str = "agency",
    name_column: str = "name",
    group_column: str = "group",
) -> PreviousCycle:
    """An earlier RESULTS.csv (it has a ``total`` column) or the previous cycle's answers."""
    header, rows = _open(path)
    if "total" in header:
        # An earlier RESULTS.csv names agencies in "agency", whatever the answers used.
        column = agency_column if agency_column in header else "agency"
        if column not in header:
            raise SpreadsheetError(path.name, [f"missing column {agency_column!r}"])
        a, t = header.index(column), header.index("total")
        totals: dict[str, float] = {}
        problems: list[str] = []
        for number, cells in rows:
            if not any(cells):
                continue
            agency = cells[a] if a < len(cells) else ""
            raw = cells[t] if t < len(cells) else ""
            if not agency:
                problems.append(f"row {number}, column {agency_column}: empty agency code")
                continue
            if raw == "":
                continue
            try:
                totals[agency] = float(raw.replace(",", ""))
            except ValueError:
                problems.append(f"row {number}, column total: {raw!r} is not a number")
        if problems:
            raise SpreadsheetError(path.name, problems)
        return PreviousCycle(totals=totals, label=path.stem)
    answers, _ignored = _parse_answers(
        path.name, header, rows, framework, agency_column, name_column, group_column
    )
    return score_cycle(framework, answers).as_previous(label=path.stem)
