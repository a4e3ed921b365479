"""Answers and previous results read from spreadsheets, for ``phrom score-file``.

No Django here: scoring a spreadsheet needs no database. Answers are read column by
column (:class:`scoring.answers.ColumnParser`: each distinct cell text is read once for
the questions that read text alike) straight into the engine's :class:`AnswerMatrix`, so
that no Python object is made or kept per answer.
"""

from __future__ import annotations

import array
import collections
import difflib
import math
import operator
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from phrom.agencies.errors import extra_cells_problem
from phrom.core.tables import FORMULA_STARTS, TableError, iter_table
from scoring.answers import ColumnParser, ParsedColumn
from scoring.matrix import AnswerMatrix, matrix_questions
from scoring.model import Framework, QuestionType

if TYPE_CHECKING:
    from scoring.result import PreviousCycle

MAX_REPORTED = 20
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", re.ASCII)


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


@dataclass(frozen=True, eq=False)
class AnswersFile:
    """A file of answers: the checked answers, each agency's name and the columns that
    were not read; ``rows`` is each agency's row number in the file, in matrix order."""

    matrix: AnswerMatrix
    names: dict[str, str]
    ignored: list[str]
    rows: tuple[int, ...] = ()


def _open(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    try:
        return iter_table(path, strip=False)
    except TableError as exc:
        raise SpreadsheetError(path.name, [exc.message]) from None


def _rows(path: Path, rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """The rows that hold anything, a problem of the file found on the way reported."""
    try:
        for number, cells in rows:
            if any(cells) and any(map(str.strip, cells)):
                yield number, cells
    except TableError as exc:
        raise SpreadsheetError(path.name, [exc.message]) from None


def read_answers_file(
    path: Path,
    framework: Framework,
    *,
    agency_column: str = "agency",
    name_column: str = "name",
    group_column: str = "group",
) -> AnswersFile:
    """Answers, one row per agency, checked; every problem of the file reported at once."""
    header, rows = _open(path)
    return _read_answers(path, header, rows, framework, agency_column, name_column,
                         group_column)


def _header_problems(
    header: list[str],
    framework: Framework,
    agency_column: str,
    name_column: str = "name",
    group_column: str = "group",
) -> list[str]:
    problems: list[str] = []
    columns = set(header)
    if agency_column not in columns:
        hint = difflib.get_close_matches(agency_column, header[:1000], n=1)
        problems.append(
            f"missing column {agency_column!r} (the agency codes)"
            + (f"; did you mean {hint[0]!r}? pass --agency-column {hint[0]}" if hint else "")
        )
    # "name" and "group" may be left out; a column named otherwise was asked for, and
    # leaving it out would silently score every agency without its name or peer group.
    for column, default, what in ((name_column, "name", "names"),
                                  (group_column, "group", "peer groups")):
        if column != default and column not in columns:
            problems.append(_missing_optional(column, f"--{default}-column", what, header,
                                              framework))
    missing = [q.code for q in framework.questions if q.scored and q.code not in columns]
    if missing:
        shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
        problems.append(
            f"missing column(s) for question(s) {shown}; add one column per question code "
            "of the framework (leave a cell empty when unanswered)"
        )
    duplicated = sorted(h for h, n in collections.Counter(header).items() if h and n > 1)
    if duplicated:
        problems.append(f"column(s) {', '.join(duplicated)} appear more than once")
    return problems


def _missing_optional(
    column: str, option: str, what: str, header: list[str], framework: Framework
) -> str:
    """The problem of a column given with OPTION that the header does not have, naming the
    columns it has (question codes left out: they are the questions)."""
    codes = {q.code for q in framework.questions}
    others = [h for h in header if h and h not in codes]
    hint = difflib.get_close_matches(column, header[:1000], n=1)
    message = f"no column {column!r} (the agencies' {what}, {option})"
    if others:
        shown = ", ".join(repr(h) for h in others[:20]) + (" ..." if len(others) > 20 else "")
        message += f"; the file's columns other than question codes are {shown}"
    else:
        message += "; the file has no columns but the agencies' and question codes"
    if hint:
        message += f"; did you mean {hint[0]!r}?"
    return message


class _TextIds(dict[str, int]):
    """Each distinct cell text -> its index in the order first seen."""

    def __missing__(self, text: str) -> int:
        self[text] = found = len(self)
        return found


def _read_answers(
    path: Path,
    header: list[str],
    rows: Iterator[tuple[int, list[str]]],
    framework: Framework,
    agency_column: str,
    name_column: str,
    group_column: str,
) -> AnswersFile:
    source = path.name
    header_problems = _header_problems(header, framework, agency_column, name_column,
                                       group_column)
    if header_problems:
        raise SpreadsheetError(source, header_problems)
    codes = {q.code for q in framework.questions}
    special = {agency_column, name_column, group_column}
    ignored = [h for h in header if h and h not in codes and h not in special]
    index = {h: i for i, h in enumerate(header)}
    # the questions whose cells are read, in framework order (the order of their problems)
    read = [q for q in framework.questions if q.code in index and q.type is not QuestionType.TEXT]
    pick = operator.itemgetter(*(index[q.code] for q in read)) if read else None
    width = len(header)
    workbook = path.suffix.lower() == ".xlsx"
    a = index[agency_column]
    g = index.get(group_column)
    n = index.get(name_column)
    groups_known = {p.code for p in framework.peer_groups}

    agencies: list[str] = []
    groups: list[str | None] = []
    names: dict[str, str] = {}
    numbers: list[int] = []  # the row number of each agency
    seen: dict[str, int] = {}
    # (row number, place in the row, message): sorted, they read as a person reads the file
    problems: list[tuple[int, int, str]] = []
    # Each answer cell is kept as the index of its text among the file's distinct texts,
    # while its row is fresh in memory: a question's column is then read by indexing.
    text_ids = _TextIds()
    cells_read = array.array("i")
    keep = cells_read.extend
    as_id = text_ids.__getitem__

    for number, cells in _rows(path, rows):
        if len(cells) != width:
            if len(cells) > width:
                # a value with an unquoted comma shifts every later value: never cut
                extra = extra_cells_problem(cells, width, empty_ok=workbook)
                if extra is not None:
                    problems.append((number, -3, f"row {number}: {extra}"))
                    continue
                cells = cells[:width]
            else:
                cells = cells + [""] * (width - len(cells))
        agency = cells[a].strip()
        if not agency:
            problems.append((number, -2, f"row {number}, column {agency_column}: empty agency code"))
            continue
        if agency in seen:
            problems.append((
                number, -2,
                f"row {number}, column {agency_column}: {agency!r} is already on row {seen[agency]}",
            ))
            continue
        seen[agency] = number
        group = cells[g].strip() if g is not None else ""
        if group and groups_known and group not in groups_known:
            problems.append((
                number, -1,
                f"row {number}, column {group_column}: {group!r} is not a peer group of "
                f"{framework.code}; use one of {', '.join(sorted(groups_known))}",
            ))
        name = cells[n].strip() if n is not None else ""
        if name:
            names[agency] = name
        agencies.append(agency)
        groups.append(group or None)
        numbers.append(number)
        if pick is not None:
            keep(map(as_id, pick(cells) if len(read) > 1 else (pick(cells),)))

    ids = np.frombuffer(cells_read, dtype=np.int32).reshape(len(agencies), len(read)).T.copy()
    del cells_read
    columns_read = ColumnParser(list(text_ids)).parse_columns(read, ids)
    del text_ids, ids
    parsed: dict[str, ParsedColumn] = {}
    for k, (question, column) in enumerate(zip(read, columns_read, strict=True)):
        parsed[question.code] = column
        for position, message in column.problems:
            number = numbers[position]
            problems.append((number, k, f"row {number}, column {question.code}: {message}"))
    if problems:
        problems.sort(key=lambda p: (p[0], p[1]))
        raise SpreadsheetError(source, [message for _, _, message in problems])
    if not agencies:
        raise SpreadsheetError(source, ["no rows of answers; one row per agency is expected"])

    columns = matrix_questions(framework)
    values = np.full((len(agencies), len(columns)), np.nan, order="F")
    not_applicable = np.zeros((len(agencies), len(columns)), dtype=np.bool_, order="F")
    for j, question in enumerate(columns):
        found = parsed.get(question.code)
        if found is not None:
            values[:, j] = found.values
            not_applicable[:, j] = found.not_applicable
    matrix = AnswerMatrix(
        agencies=tuple(agencies),
        groups=tuple(groups),
        questions=tuple(q.code for q in columns),
        values=values,
        not_applicable=not_applicable,
    )
    return AnswersFile(matrix=matrix, names=names, ignored=ignored, rows=tuple(numbers))


def read_previous_file(
    path: Path,
    framework: Framework,
    *,
    agency_column: str = "agency",
    name_column: str = "name",
    group_column: str = "group",
) -> PreviousCycle:
    """An earlier RESULTS.csv (it has a ``total`` column) or the previous cycle's answers."""
    from scoring.result import PreviousCycle, score_cycle

    header, rows = _open(path)
    if "total" not in header:
        answers = _read_answers(
            path, header, rows, framework, agency_column, name_column, group_column
        )
        return score_cycle(framework, answers.matrix).as_previous(label=path.stem)
    # An earlier RESULTS.csv names agencies in "agency", whatever the answers used.
    column = agency_column if agency_column in header else "agency"
    if column not in header:
        raise SpreadsheetError(path.name, [f"missing column {agency_column!r}"])
    a, t = header.index(column), header.index("total")
    totals: dict[str, float] = {}
    seen: dict[str, int] = {}
    problems: list[str] = []
    width = len(header)
    workbook = path.suffix.lower() == ".xlsx"
    for number, cells in _rows(path, rows):
        extra = extra_cells_problem(cells, width, empty_ok=workbook)
        if extra is not None:
            problems.append(f"row {number}: {extra}")
            continue
        agency = _unquoted(cells[a].strip() if a < len(cells) else "")
        raw = cells[t].strip() if t < len(cells) else ""
        if not agency:
            problems.append(f"row {number}, column {agency_column}: empty agency code")
            continue
        if agency in seen:
            problems.append(
                f"row {number}, column {column}: {agency!r} is already on row {seen[agency]}; "
                "give each agency one row"
            )
            continue
        seen[agency] = number
        if raw == "":
            continue
        problem = _total_problem(raw)
        if problem:
            problems.append(f"row {number}, column total: {problem}")
            continue
        totals[agency] = float(raw.translate(_THAI_DIGITS))
    if problems:
        raise SpreadsheetError(path.name, problems)
    return PreviousCycle(totals=totals, label=path.stem)


def _total_problem(raw: str) -> str | None:
    """Why a previous total cannot be read, or None when it is a plain finite number."""
    text = raw.translate(_THAI_DIGITS)
    if _NUMBER.match(text):
        if math.isfinite(float(text)):
            return None
        return f"{raw!r} is too large; write the agency's total, like 76.5"
    try:
        value: float | None = float(text)
    except ValueError:
        value = None
    if value is not None and not math.isfinite(value):
        return (
            f"{raw!r} is not a finite number; write the agency's total, like 76.5, or leave "
            "the cell empty when it had none"
        )
    if "," in text:
        return (
            f"{raw!r} has a comma, which could be a decimal comma or a thousands separator; "
            "write the total with a decimal point and no separator, like 76.5"
        )
    return f"{raw!r} is not a number; write the total with digits and a decimal point, like 76.5"


def _unquoted(text: str) -> str:
    """An agency code as it was before Phrom wrote it safely into a CSV (see
    ``phrom.core.tables.safe_cell``), so that a RESULTS.csv reads back as it was."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
