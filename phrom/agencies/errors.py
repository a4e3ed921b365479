"""Import problems of the agency registry (no Django import: the CLI catches them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RowProblem:
    source: str
    row: int  # the spreadsheet row number, header = 1
    column: str | None
    message: str

    def __str__(self) -> str:
        # row 0 is the file itself (missing, a folder, unreadable): no row to name
        where = f"{self.source}: row {self.row}" if self.row > 0 else self.source
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class ImportRejected(ValueError):
    """Raised when any row is bad; nothing was imported."""

    def __init__(self, source: str, problems: Sequence[RowProblem]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = [f"{source}: {len(self.problems)} problem(s); nothing was imported"]
        lines += [str(p) for p in self.problems]
        super().__init__("\n".join(lines))


def extra_cells_problem(cells: Sequence[str], width: int, *, empty_ok: bool = False) -> str | None:
    """Why a row with more cells than its header has columns cannot be read, or None.

    In a CSV such a row is almost always a value with an unquoted comma, which shifts every
    later value into the wrong column, even when the cell pushed past the last column is
    empty (an unanswered last question). EMPTY_OK lets empty cells past the header through:
    a workbook has no commas to shift, and keeps formatted empty cells. The agencies,
    answers and ``score-file`` readers all refuse such a row with this message.
    """
    if len(cells) <= width:
        return None
    filled = any(cell.strip() for cell in cells[width:])
    if empty_ok and not filled:
        return None
    message = (
        f"{len(cells)} cells but the header has {width}; quote values that contain commas "
        '(as in "Bangkok, Thailand"), or add the missing column to the header'
    )
    if not filled:
        message += ", or remove the comma that ends the row"
    return message
