"""Property-based tests of the answers and previous-results importers of ``phrom score-file``:
any file ends in success or a :class:`SpreadsheetError`, never another exception, and the
column-by-column reader says what reading cell by cell says."""

from __future__ import annotations

import csv
import functools
import io
import math
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phrom.frameworks.shipped import resolve_framework_path
from phrom.results.spreadsheet import SpreadsheetError, read_answers_file, read_previous_file
from scoring.answers import NOT_APPLICABLE, ColumnParser, InvalidAnswer, parse_answer
from scoring.loader import load_framework
from scoring.matrix import decode_value
from scoring.model import SCORED_TYPES, Framework, Question, QuestionType

QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def th_2564() -> Framework:
    return load_framework(resolve_framework_path("th-2564"))


OPTION_CODES = sorted({o.code for q in th_2564().questions for o in q.options})
WORDS = [
    "", " ", "yes", "No", "Y", "ใช่", "ไม่ใช่", "มี", "ไม่มี", "n/a", "NA", "not applicable",
    "ไม่เกี่ยวข้อง", "none", "-", "0", "1", "5", "6", "3.0", "2.5", "-1", "100", "100%", "50 %",
    "87.5%", "%", "1,234", "1,23", "12,345.6", "1 234", "1_000", "๕", "๑๒.๕", "nan", "inf",
    "-inf", "1e999", "1e-999", ".5", "5.", "+3", "https://dga.or.th/a.pdf", "dga.or.th",
    "=1+1", " yes ", "a;b", "\n", '"', "ข้อความ",
]
# text that UTF-8 can hold (lone surrogates cannot be written; bad bytes are tested apart)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
CELLS = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(OPTION_CODES),
    st.lists(st.sampled_from(OPTION_CODES), max_size=4).map(";".join),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**7), 10**7).map(str),
    TEXT,
)


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def in_file(data: bytes, suffix: str = ".csv") -> tuple[tempfile.TemporaryDirectory[str], Path]:
    folder = tempfile.TemporaryDirectory()
    path = Path(folder.name) / f"answers{suffix}"
    path.write_bytes(data)
    return folder, path


# --- any bytes ------------------------------------------------------------------------------


@QUICK
@given(data=st.binary(max_size=400), previous=st.booleans())
def test_any_bytes_are_read_or_refused_with_a_spreadsheet_error(data, previous):
    folder, path = in_file(data)
    with folder:
        try:
            if previous:
                read_previous_file(path, th_2564())
            else:
                read_answers_file(path, th_2564())
        except SpreadsheetError as exc:
            assert str(exc)


@QUICK
@given(
    header=st.lists(st.one_of(st.sampled_from(["agency", "total", "name", "group"]), TEXT),
                    max_size=5),
    rows=st.lists(st.lists(CELLS, max_size=6), max_size=6),
)
def test_any_table_is_read_or_refused_with_a_spreadsheet_error(header, rows):
    folder, path = in_file(csv_bytes([header, *rows]))
    with folder:
        for read in (read_answers_file, read_previous_file):
            try:
                read(path, th_2564())
            except SpreadsheetError as exc:
                assert str(exc)


# --- answers ----------------------------------------------------------------------------------


@functools.cache
def valid_row() -> tuple[str, ...]:
    """A cell every question of th-2564 accepts, in framework order."""
    cells = {
        QuestionType.YES_NO: "yes", QuestionType.MATURITY: "3", QuestionType.PERCENTAGE: "50%",
        QuestionType.URL: "https://dga.or.th/a.pdf",
    }
    return tuple(
        q.options[-1].code if q.options
        else f"{q.minimum or 0:g}" if q.type is QuestionType.NUMBER
        else cells.get(q.type, "ข้อความ")
        for q in th_2564().questions
    )


@st.composite
def answer_tables(draw: st.DrawFn) -> list[list[str]]:
    """A th-2564 answers table: every question's column, a few rows, a few odd cells."""
    framework = th_2564()
    codes = [q.code for q in framework.questions]
    header = ["agency", "name", "group", *codes]
    if draw(st.booleans()):
        header.append(draw(st.sampled_from(["note", "agency", "POL-01-1", ""])))
    groups = [g.code for g in framework.peer_groups]
    rows = [header]
    for _ in range(draw(st.integers(0, 5))):
        agency = draw(st.sampled_from(["A", "B", "C", "", " A "]))
        group = draw(st.sampled_from(["", "nope", *groups]))
        answers = list(draw(st.sampled_from([valid_row(), [""] * len(codes)])))
        for _ in range(draw(st.integers(0, 4))):
            answers[draw(st.integers(0, len(codes) - 1))] = draw(CELLS)
        row = [agency, draw(TEXT), group, *answers]
        rows.append(row[: draw(st.integers(1, len(row)))] if draw(st.booleans()) else row)
    return rows


def cell_by_cell(data: bytes, framework: Framework) -> list[str]:
    """The problems that reading the file one cell at a time finds, in reading order."""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    header = [h.strip() for h in next(reader)]
    index = {h: i for i, h in enumerate(header)}
    groups = {g.code for g in framework.peer_groups}
    problems: list[str] = []
    seen: dict[str, int] = {}
    for raw in reader:
        number = reader.line_num
        cells = [c.strip() for c in raw]
        if not any(cells):
            continue

        def cell(column: str, cells: list[str] = cells) -> str:
            i = index.get(column)
            return cells[i] if i is not None and i < len(cells) else ""

        agency = cell("agency")
        if not agency:
            problems.append(f"row {number}, column agency: empty agency code")
            continue
        if agency in seen:
            problems.append(f"row {number}, column agency: {agency!r} is already on row {seen[agency]}")
            continue
        seen[agency] = number
        group = cell("group")
        if group and group not in groups:
            problems.append(
                f"row {number}, column group: {group!r} is not a peer group of {framework.code}; "
                f"use one of {', '.join(sorted(groups))}"
            )
        for question in framework.questions:
            if question.code in index:
                try:
                    parse_answer(question, cell(question.code))
                except InvalidAnswer as exc:
                    problems.append(f"row {number}, column {question.code}: {exc.message}")
    return problems


@QUICK
@given(rows=answer_tables())
def test_answers_are_refused_exactly_where_reading_cell_by_cell_refuses_them(rows):
    framework = th_2564()
    data = csv_bytes(rows)
    folder, path = in_file(data)
    with folder:
        try:
            read = read_answers_file(path, framework)
        except SpreadsheetError as exc:
            problems = exc.problems
        else:
            problems = []
            assert len(read.matrix.agencies) == len({r[0].strip() for r in rows[1:] if any(c.strip() for c in r)})
    if b"\0" in data:
        assert len(problems) == 1 and "holds a NUL byte" in problems[0]
        return
    if any(rows[0].count(h) > 1 for h in rows[0] if h):
        assert any("appear more than once" in p for p in problems)
        return
    expected = cell_by_cell(data, framework)
    if not expected and not problems:
        return
    if not expected:
        assert problems == ["no rows of answers; one row per agency is expected"]
    else:
        assert problems == expected


NUMBER_LIKE = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.floats(-200, 200).map(lambda x: f"{x:.3f}"),
    st.integers(-(10**9), 10**9).map(str),
    st.integers(-(10**9), 10**9).map(lambda x: f"{x:,}"),
    st.decimals(-1000, 1000, places=2).map(lambda x: f"{x}%"),
    st.sampled_from(["5\n", " 5", "5.", ".5", "1e2", "1E-2", "+0", "-0", "๕", "٣", "1_0", "0x10"]),
)
NUMBER_TYPES = (QuestionType.NUMBER, QuestionType.PERCENTAGE, QuestionType.MATURITY)


@QUICK
@given(data=st.data(), texts=st.lists(CELLS, min_size=1, max_size=30, unique=True))
def test_a_column_reads_each_cell_as_parse_answer_reads_it(data, texts):
    framework = th_2564()
    question = data.draw(st.sampled_from(framework.questions))
    check_column(question, texts, data)


@QUICK
@given(data=st.data(), texts=st.lists(NUMBER_LIKE, min_size=1, max_size=30, unique=True))
def test_a_number_column_reads_each_number_as_parse_answer_reads_it(data, texts):
    questions = [q for q in th_2564().questions if q.type in NUMBER_TYPES]
    question = data.draw(st.sampled_from(questions))
    if data.draw(st.booleans()):
        question = replace(question, whole=True, type=QuestionType.NUMBER)
    check_column(question, texts, data)


def check_column(question: Question, texts: list[str], data: st.DataObject) -> None:
    ids = np.array(data.draw(st.lists(st.integers(0, len(texts) - 1), max_size=40)), dtype=np.intp)
    (column,) = ColumnParser(texts).parse_columns([question], ids.reshape(1, -1))
    problems = dict(column.problems)
    in_matrix = question.type in SCORED_TYPES
    for k, i in enumerate(ids.tolist()):
        try:
            expected = parse_answer(question, texts[i])
        except InvalidAnswer as exc:
            assert problems.pop(k) == exc.message
            continue
        if question.type is QuestionType.TEXT:
            continue
        assert bool(column.not_applicable[k]) == (expected is NOT_APPLICABLE)
        if expected is NOT_APPLICABLE:
            assert column.values[k] == 0.0
        elif expected is None or not in_matrix:
            assert math.isnan(column.values[k])
        else:
            assert decode_value(question, float(column.values[k])) == expected
    assert not problems


# --- previous results -------------------------------------------------------------------------


@QUICK
@given(rows=st.lists(st.tuples(st.sampled_from(["A", "B", "C", "", "'=A"]), CELLS), max_size=8))
def test_previous_totals_are_finite_numbers_or_the_file_is_refused(rows):
    folder, path = in_file(csv_bytes([["agency", "total"], *map(list, rows)]))
    with folder:
        try:
            previous = read_previous_file(path, th_2564())
        except SpreadsheetError as exc:
            assert all(p.startswith(("row ", "line ")) for p in exc.problems)
            return
    assert all(math.isfinite(v) for v in previous.totals.values())
    given_agencies = [a for a, _ in rows if a]
    assert len(given_agencies) == len(set(given_agencies))
