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


def extra_cells_problem(cells: Sequence[str], width: int) -> str | None:
    """Why a row with more filled cells than its header has columns cannot be read, or
    None. Such a row is almost always a value with an unquoted comma, which shifts every
    later value into the wrong column; empty cells past the header (a trailing comma) are
    harmless. The agencies, answers and ``score-file`` readers all refuse such a row."""
    if len(cells) <= width or not any(cell.strip() for cell in cells[width:]):
        return None
    return (
        f"{len(cells)} cells but the header has {width}; quote values that contain commas "
        '(as in "Bangkok, Thailand"), or add the missing column to the header'
    )
