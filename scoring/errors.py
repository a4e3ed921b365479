"""Problems found in a framework file, and the error that carries all of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FrameworkProblem:
    """One thing wrong with a framework file.

    ``source`` names the file, ``line`` is 1-based (``None`` when no line applies, e.g. an
    unreadable file), ``path`` locates the value inside the document
    (``dimensions[2].indicators[0].questions[1].options[2]``; empty for the whole file) and
    ``message`` says what is wrong and how to fix it.
    """

    source: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class FrameworkError(ValueError):
    """A framework file could not be loaded; ``problems`` lists everything wrong with it."""

    problems: list[FrameworkProblem]

    def __init__(self, problems: Iterable[FrameworkProblem], source: str | None = None) -> None:
        self.problems = list(problems)
        if source is None:
            source = self.problems[0].source if self.problems else "<framework>"
        self.source = source
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{source}: {count} {noun}; nothing was loaded", *map(str, self.problems)]
        super().__init__("\n".join(lines))

    def __reduce__(self) -> tuple[type[FrameworkError], tuple[list[FrameworkProblem], str]]:
        # ValueError would rebuild from the rendered text alone; keep the problems instead.
        return (type(self), (self.problems, self.source))
