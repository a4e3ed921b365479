"""Property-based tests of the agency importer: any CSV or XLSX file is imported whole or
refused whole with :class:`ImportRejected` naming each problem, never another exception,
and what is imported is what the file says."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phrom.agencies.models import Agency
from phrom.agencies.services import COLUMNS, ImportRejected, import_agencies

pytestmark = pytest.mark.django_db

# The database is the test's own (one transaction), so each example runs in a savepoint.
QUICK = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Text that UTF-8 can hold (lone surrogates cannot be written); NUL and other controls in.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
CODES = ["mot", "mot-drr", "mot-doh", "moi", "x.1", "a_b", "", " ", "x y", "กรม", "mot\x00"]
CELLS = {
    "code": st.one_of(st.sampled_from(CODES), TEXT, st.just("c" * 65)),
    "name_th": st.one_of(st.sampled_from(["กรมทางหลวง", "", "ก" * 256]), TEXT),
    "name_en": st.one_of(st.sampled_from(["Department of Highways", "", "e" * 256]), TEXT),
    "kind": st.one_of(st.sampled_from(["ministry", "department", "agency", "galaxy", ""]), TEXT),
    "ministry": st.one_of(st.sampled_from(["", "mot", "moi", "nowhere"]), TEXT),
    "group": st.one_of(st.sampled_from(["", "service", "g" * 65]), TEXT),
}


@st.composite
def tables(draw: st.DrawFn) -> list[list[str]]:
    """A header of known (and sometimes unknown or missing) columns, and a few rows."""
    header = list(COLUMNS)
    if draw(st.booleans()):
        header = draw(st.permutations(header))[: draw(st.integers(1, len(header)))]
    if draw(st.integers(0, 4)) == 0:
        header.append(draw(st.sampled_from(["note", "", "code"])))
    rows = [header]
    for _ in range(draw(st.integers(0, 5))):
        row = [draw(CELLS[c]) if c in CELLS else draw(TEXT) for c in header]
        if draw(st.integers(0, 5)) == 0:
            row = row[: draw(st.integers(0, len(row)))] + draw(st.lists(TEXT, max_size=2))
        rows.append(row)
    return rows


@contextmanager
def in_file(data: bytes, suffix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"agencies{suffix}"
        path.write_bytes(data)
        yield path


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        # A workbook cannot hold control characters; openpyxl refuses to write them.
        sheet.append(["".join(ch for ch in cell if ch >= " " or ch in "\t\n\r") for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def imports_or_refuses(path: Path) -> None:
    """Import PATH in a savepoint: success stores each row as written; a refusal names
    its problems and stores nothing."""
    with transaction.atomic():
        before = set(Agency.objects.values_list("code", "name_th", "name_en", "kind", "group"))
        try:
            summary = import_agencies(path=path)
        except ImportRejected as refused:
            assert refused.problems and str(refused).startswith(path.name)
            after = set(
                Agency.objects.values_list("code", "name_th", "name_en", "kind", "group")
            )
            assert after == before  # all or nothing
        else:
            assert Agency.objects.count() == len(before) + summary.created
            for agency in Agency.objects.all():
                agency.full_clean()  # within every column's limits, as PostgreSQL demands
        transaction.set_rollback(True)


@pytest.fixture
def registered(db: None) -> None:
    """One ministry already registered, so that rows may name it without a row of its own,
    and th-2564 stored, whose peer groups (service, ...) a row's group may name."""
    from phrom.frameworks.services import load_framework
    from tests.conftest import FRAMEWORKS

    load_framework(path=FRAMEWORKS / "th-2564.yaml")
    Agency.objects.create(code="moi", name_th="กระทรวงมหาดไทย", kind="ministry")


@QUICK
@given(rows=tables())
def test_any_csv_table_is_imported_or_refused_whole(registered, rows):
    with in_file(csv_bytes(rows), ".csv") as path:
        imports_or_refuses(path)


@QUICK
@given(rows=tables())
def test_any_xlsx_table_is_imported_or_refused_whole(registered, rows):
    with in_file(xlsx_bytes(rows), ".xlsx") as path:
        imports_or_refuses(path)


@QUICK
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_any_bytes_are_imported_or_refused_whole(registered, data, suffix):
    with in_file(data, suffix) as path:
        imports_or_refuses(path)


def test_a_value_longer_than_its_column_is_refused_before_writing(db, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(
        "code,name_th,name_en,kind,ministry,group\n"
        f"mot,{'ก' * 256},Ministry of Transport,ministry,,{'g' * 65}\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as caught:
        import_agencies(path=path)
    text = str(caught.value)
    assert "row 2, column name_th: 256 characters; at most 255 fit" in text
    assert "row 2, column group: 65 characters; at most 64 fit" in text
    assert not Agency.objects.exists()


def test_a_nul_character_is_refused_with_its_row_and_column(db, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_text(
        "code,name_th,kind\nmot,กระทรวง\x00คมนาคม,ministry\n", encoding="utf-8"
    )
    with pytest.raises(ImportRejected) as caught:
        import_agencies(path=path)
    assert "row 2" in str(caught.value) and "NUL" in str(caught.value)
    assert not Agency.objects.exists()
