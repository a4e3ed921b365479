"""Excel workbooks written row by row (openpyxl's write-only mode: each row goes to the
file as it comes, never a whole sheet in memory), and every scorecard PDF of a cycle
written into a ZIP archive one at a time."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from phrom.core.tables import safe_cell
from phrom.exports.selectors import Sheet

MAX_CELL_TEXT = 32_767
"""The most characters Excel keeps in a cell."""
# What XML 1.0 (and so an .xlsx file) cannot hold: C0 controls but tab and newlines.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Progress = Callable[[int], None]
"""Called with the number of rows (or scorecards) written so far."""


def cell(value: object) -> object:
    """VALUE as a cell no spreadsheet runs as a formula (``safe_cell``), with what XML
    cannot hold removed and text cut to what Excel keeps; booleans as text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    safe = safe_cell(value)
    if isinstance(safe, str):
        if not safe:
            return None
        if _ILLEGAL.search(safe):
            safe = _ILLEGAL.sub("", safe)
            # removing a control character may uncover a formula start
            safe = safe_cell(safe)
        if len(safe) > MAX_CELL_TEXT:  # type: ignore[arg-type]
            safe = safe[: MAX_CELL_TEXT - 1] + "…"  # type: ignore[index]
    return safe


def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def write_workbook(path: Path, sheets: Iterable[Sheet], progress: Progress,
                   every: int = 2000) -> int:
    """Write SHEETS to the .xlsx file PATH, calling PROGRESS with the rows written so far
    every EVERY rows and at the end; return the number of rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    written = 0
    for sheet in sheets:
        worksheet: Any = workbook.create_sheet(title=_title(sheet.title))
        for i, width in enumerate(sheet.widths, start=1):
            worksheet.column_dimensions[_column(i)].width = width
        worksheet.freeze_panes = "A2"
        header = []
        for text in sheet.headers:
            head = WriteOnlyCell(worksheet, value=cell(text))
            head.font, head.alignment = bold, wrap
            header.append(head)
        worksheet.append(header)
        for row in sheet.rows:
            worksheet.append([cell(v) for v in row])
            written += 1
            if written % every == 0:
                progress(written)
    workbook.save(str(path))
    progress(written)
    return written


def _title(text: str) -> str:
    """A worksheet title Excel accepts: at most 31 characters, none of ``[]:*?/\\``."""
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31] or "Sheet"


def write_scorecards(path: Path, pages: Iterable[tuple[str, bytes | None, str]],
                     progress: Progress) -> list[tuple[str, str]]:
    """Write each (file name, PDF, error) of PAGES into the ZIP file PATH as it comes (each
    PDF let go before the next is read), calling PROGRESS after each; return the (file
    name, error) of those without a PDF. The archive lists them in ``ERRORS.txt``."""
    failed: list[tuple[str, str]] = []
    done = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, pdf, error in pages:
            if pdf is None:
                failed.append((name, error))
            else:
                # PDF streams are compressed already: stored as they are
                archive.writestr(name, pdf, compress_type=zipfile.ZIP_STORED)
            del pdf
            done += 1
            progress(done)
        if failed:
            archive.writestr("ERRORS.txt", "".join(f"{n}: {e}\n" for n, e in failed))
    return failed
