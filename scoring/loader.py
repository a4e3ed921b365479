"""Load framework files (``docs/framework-format.md``) into the objects of ``scoring.model``.

``load_framework`` reads one YAML file, checks everything the format requires and returns
an immutable ``Framework``; when anything is wrong it raises ``FrameworkError`` listing
every problem with its file, line and path, and nothing is returned. The checks
themselves live in ``scoring.checks``, one module for each part of the format.

Pure Python: no Django.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import yaml

from scoring.checks.structure import read_framework
from scoring.checks.values import Reader
from scoring.checks.yaml_tree import Refused, read_tree, yaml_problem
from scoring.errors import FrameworkError, FrameworkProblem
from scoring.model import Framework

__all__ = [
    "MAX_FILE_BYTES",
    "FrameworkError",
    "FrameworkProblem",
    "load_framework",
    "load_framework_text",
    "read_framework_text",
]

# The largest shipped framework is about 125 kB; a file 80 times that is not a framework.
MAX_FILE_BYTES: Final = 10_000_000
_TOO_LARGE: Final = (
    f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB, far beyond any framework; "
    "check that this is the framework file"
)


def load_framework_text(text: str, source: str = "<string>") -> Framework:
    """The framework described by the YAML ``text``; ``source`` names it in problems.

    Raises ``FrameworkError`` listing every problem when there is any."""
    reader = Reader(source)
    if len(text) > MAX_FILE_BYTES:
        reader.report(None, "", _TOO_LARGE)
        raise FrameworkError(reader.problems, source)
    try:
        root, found = read_tree(text)
    except Refused as refused:
        reader.report(refused.line, "", refused.message)
        raise FrameworkError(reader.problems, source) from None
    except yaml.YAMLError as error:
        line, message = yaml_problem(error, text)
        reader.report(line, "", message)
        raise FrameworkError(reader.problems, source) from None
    for line, path, message in found:
        reader.report(line, path, message)
    framework = read_framework(reader, root)  # None when there is any problem
    if framework is None:
        # Conditions and references are checked after the walk: list problems in file order.
        raise FrameworkError(sorted(reader.problems, key=lambda problem: problem.line or 0), source)
    return framework


def read_framework_text(path: str | Path) -> str:
    """The text of the framework file at ``path``, read as UTF-8 and at most
    ``MAX_FILE_BYTES`` long (so that a device such as /dev/zero is refused, not read).

    Raises ``FrameworkError`` when the file cannot be read, is too large or is not UTF-8.
    """
    source = str(path)

    def refused(line: int | None, message: str) -> FrameworkError:
        return FrameworkError([FrameworkProblem(source, line, "", message)], source)

    try:
        with Path(path).open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        raise refused(None, f"cannot read the file ({reason}); check the path") from None
    if len(data) > MAX_FILE_BYTES:
        raise refused(None, _TOO_LARGE)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise refused(line, "the file is not UTF-8 text; save it as UTF-8") from None


def load_framework(path: str | Path) -> Framework:
    return load_framework_text(read_framework_text(path), str(path))
