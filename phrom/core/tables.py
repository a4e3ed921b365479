"""Reading CSV and XLSX tables row by row, with spreadsheet row numbers. No Django.

Only regular files are read (a FIFO or a device such as ``/dev/zero`` is refused before it
is opened) and only up to :data:`MAX_TABLE_BYTES` (a workbook's parts up to
:data:`MAX_UNPACKED_BYTES` once unpacked). A CSV must be UTF-8 text without NUL
bytes, each field within the csv module's field size limit. Every such problem is a
:class:`TableError` naming the file and, where there is one, the row.
"""

from __future__ import annotations

import csv
import io
import numbers
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MAX_TABLE_BYTES = 200 * 1024 * 1024
"""The largest table read: a cycle of tens of thousands of agencies fits many times over."""
MAX_LINE_BYTES = 16 * 1024 * 1024
"""The longest line of a CSV read (a row of thousands of columns is far shorter)."""
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
"""The most a workbook's parts may unpack to (an .xlsx file is a zip archive)."""


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may run as a formula when a text cell starts with it."""


def safe_cell(value: object) -> object:
    """A value for a cell of a CSV or Excel file that Phrom writes, which no spreadsheet
    runs as a formula: text (anything but a number) that starts with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return gets a leading single quote. Numbers stay numbers,
    so a negative gain written as a number is written as it is; ``None`` is an empty cell.
    """
    kind = type(value)
    if kind is float or kind is int:  # the common cases first: files have many
        return value
    if value is None:
        return ""
    if kind is not str and isinstance(value, numbers.Number) and kind is not bool:
        return value
    text = value if kind is str else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class TableError(ValueError):
    def __init__(self, source: str, row: int, message: str) -> None:
        self.source = source
        self.row = row
        self.message = message
        super().__init__(f"{source}: {message}")


Rows = Iterator[tuple[int, list[str]]]


def read_table(path: Path) -> tuple[list[str], Rows]:
    """Header and numbered rows of a CSV (UTF-8, with or without BOM) or XLSX file.

    Cells are stripped of surrounding spaces. The whole file is read and checked before
    this returns, so that iterating the rows raises nothing.
    """
    header, rows = iter_table(path)
    return header, iter(list(rows))


def iter_table(path: Path, *, strip: bool = True) -> tuple[list[str], Rows]:
    """Like :func:`read_table`, but rows are read as they are iterated, and iterating
    them may raise :class:`TableError`. ``strip=False`` leaves the cells of a CSV as
    written (faster when the reader strips only the cells it uses)."""
    _check_file(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _xlsx(path)
    if suffix in (".csv", ".txt", ""):
        return _csv(path, strip)
    raise TableError(path.name, 1, f"unsupported file type {suffix!r}; use .csv or .xlsx")


def _check_file(path: Path) -> None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise TableError(path.name, 0, f"no such file: {path}") from None
    except OSError as exc:
        raise TableError(path.name, 0, f"cannot read {path}: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise TableError(path.name, 0, f"{path} is a folder; give a CSV or XLSX file")
    if not stat.S_ISREG(info.st_mode):
        raise TableError(
            path.name, 0, f"{path} is not a regular file (a device or a pipe); give a CSV or "
            "XLSX file saved on disk"
        )
    if info.st_size > MAX_TABLE_BYTES:
        raise TableError(
            path.name, 0, f"the file has {info.st_size:,} bytes, more than the "
            f"{MAX_TABLE_BYTES // 2**20} MB a table may have; check that it is the right file"
        )


def _xlsx(path: Path) -> tuple[list[str], Rows]:
    import zipfile

    import openpyxl

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableError(
            path.name, 1, f"cannot read the workbook: it is not an .xlsx file ({exc})"
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise TableError(
            path.name, 1, f"the workbook unpacks to {unpacked:,} bytes, more than the "
            f"{MAX_UNPACKED_BYTES // 2**20} MB a table may have; save it again as CSV UTF-8"
        )
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [_cell(c) for c in next(rows, None) or ()]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableError(path.name, 1, f"cannot read the workbook: {exc}") from None

    def numbered() -> Rows:
        number = 1
        try:
            for number, cells in enumerate(rows, start=2):
                yield number, [_cell(c) for c in cells]
        except Exception as exc:  # a damaged sheet is found while it is read
            raise TableError(
                path.name, number + 1, f"row {number + 1}: cannot read the workbook: {exc}"
            ) from None

    return header, numbered()


def _csv(path: Path, strip: bool) -> tuple[list[str], Rows]:
    try:
        raw = _NoNulBytes(path)
    except OSError as exc:
        raise TableError(path.name, 0, f"cannot read {path}: {exc.strerror}") from None
    text = io.TextIOWrapper(io.BufferedReader(raw, 1 << 16), encoding="utf-8-sig", newline="")
    reader = csv.reader(text)

    def rows() -> Rows:
        start = 1  # the line on which the row being read starts
        try:
            for cells in reader:
                yield reader.line_num, [c.strip() for c in cells] if strip else cells
                start = reader.line_num + 1
        except csv.Error as exc:
            raise TableError(path.name, start, _csv_problem(start, exc)) from None
        except UnicodeDecodeError:
            raise TableError(path.name, start, _not_utf8(path)) from None
        finally:
            text.close()

    numbered = rows()
    try:
        first = next(numbered, None)
    except TableError:
        text.close()
        raise
    header = [h.strip() for h in first[1]] if first is not None else []
    return header, numbered


def _csv_problem(row: int, exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return (
            f"row {row}: a cell is longer than {csv.field_size_limit():,} characters; "
            "check the quotes around it (a quote left open runs on to the end of the file)"
        )
    return f"row {row}: cannot read the CSV ({text})"


def _not_utf8(path: Path) -> str:
    """Where a file that is not UTF-8 first fails to decode, said to a person."""
    data = path.read_bytes()[:MAX_TABLE_BYTES]
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return f"the file is not UTF-8 (byte {exc.start}, line {line}); save it as CSV UTF-8"
    return "the file is not UTF-8; save it as CSV UTF-8"


class _NoNulBytes(io.RawIOBase):
    """A file's bytes, refusing a NUL byte (which no CSV text holds) and a line longer than
    :data:`MAX_LINE_BYTES` (the csv module would hold a whole row of it in memory) with a
    :class:`TableError` naming the line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fh = path.open("rb", buffering=0)
        self.lines = 0
        self.run = 0  # bytes of the current line read so far

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.fh.read(len(buffer))
        nul = data.find(b"\0")
        if nul >= 0:
            line = self.lines + data.count(b"\n", 0, nul) + 1
            raise TableError(
                self.path.name, line,
                f"line {line} holds a NUL byte: this is not a CSV text file; save it as CSV UTF-8",
            )
        parts = data.split(b"\n")
        self.run += len(parts[0])
        for k, part in enumerate(parts[1:], start=1):
            self._check_line(self.lines + k)
            self.run = len(part)
        self._check_line(self.lines + len(parts))
        self.lines += len(parts) - 1
        buffer[: len(data)] = data
        return len(data)

    def _check_line(self, line: int) -> None:
        if self.run > MAX_LINE_BYTES:
            raise TableError(
                self.path.name, line,
                f"line {line} is longer than {MAX_LINE_BYTES // 2**20} MB: this is not a "
                "table of answers; check that it is the right file",
            )

    def close(self) -> None:
        self.fh.close()
        super().close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
