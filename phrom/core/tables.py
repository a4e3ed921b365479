"""Reading CSV and XLSX tables row by row, with spreadsheet row numbers. No Django."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path


class TableError(ValueError):
    def __init__(self, source: str, row: int, message: str) -> None:
        self.source = source
        self.row = row
        self.message = message
        super().__init__(f"{source}: {message}")


def read_table(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Header and numbered rows of a CSV (UTF-8, with or without BOM) or XLSX file."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise TableError(path.name, 1, f"cannot read the workbook: {exc}") from None
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_cells = next(rows, None) or ()
        header = [_cell(c) for c in header_cells]

        def numbered_xlsx() -> Iterator[tuple[int, list[str]]]:
            for number, cells in enumerate(rows, start=2):
                yield number, [_cell(c) for c in cells]

        return header, numbered_xlsx()
    if suffix in (".csv", ".txt", ""):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TableError(
                path.name, 1, f"the file is not UTF-8 (byte {exc.start}); save it as CSV UTF-8"
            ) from None
        reader = csv.reader(io.StringIO(text))
        header = [h.strip() for h in next(reader, [])]

        def numbered_csv() -> Iterator[tuple[int, list[str]]]:
            for cells in reader:
                yield reader.line_num, [c.strip() for c in cells]

        return header, numbered_csv()
    raise TableError(path.name, 1, f"unsupported file type {suffix!r}; use .csv or .xlsx")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
