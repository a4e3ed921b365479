"""Load framework files (``docs/framework-format.md``) into the objects of ``scoring.model``.

``load_framework`` reads one YAML file, checks everything the format requires and returns
an immutable ``Framework``; when anything is wrong it raises ``FrameworkError`` listing
every problem with its file, line and path, and nothing is returned.
``validate_framework_file`` returns the same problems as a list instead. The checks
themselves live in ``scoring.checks``, one module for each part of the format.

Pure Python: no Django.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import yaml

from scoring.checks.structure import read_framework
from scoring.checks.values import FORMAT, Reader
from scoring.checks.yaml_tree import Refused, read_tree, yaml_problem
from scoring.errors import FrameworkError, FrameworkProblem
from scoring.model import Framework

__all__ = [
    "FORMAT",
    "MAX_FILE_BYTES",
    "FrameworkError",
    "FrameworkProblem",
    "load_framework",
    "load_framework_text",
    "read_framework_text",
    "validate_framework_file",
]

# The largest shipped framework is about 125 kB; a file 80 times that is not a framework.
MAX_FILE_BYTES: Final = 10_000_000
_TOO_LARGE: Final = (
    f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB, far beyond any framework; "
    "check that this is the framework file"
)


def _check(text: str, source: str) -> tuple[Framework | None, list[FrameworkProblem]]:
    """The framework in ``text`` (None when there is any problem) and every problem found."""
    reader = Reader(source)
    if len(text) > MAX_FILE_BYTES:
        reader.report(None, "", _TOO_LARGE)
        return None, reader.problems
    try:
        root, found = read_tree(text)
    except Refused as refused:
        reader.report(refused.line, "", refused.message)
        return None, reader.problems
    except yaml.YAMLError as error:
        line, message = yaml_problem(error, text)
        reader.report(line, "", message)
        return None, reader.problems
    for line, path, message in found:
        reader.report(line, path, message)
    framework = read_framework(reader, root)
    # Conditions and references are checked after the walk: list problems in file order.
    problems = sorted(reader.problems, key=lambda problem: problem.line or 0)
    if problems:
        return None, problems
    return framework, problems


def _read(path: str | Path) -> tuple[str | None, FrameworkProblem | None]:
    """The text of a framework file, or the problem that kept it from being read."""
    source = str(path)
    try:
        with Path(path).open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        return None, FrameworkProblem(
            source, None, "", f"cannot read the file ({reason}); check the path"
        )
    if len(data) > MAX_FILE_BYTES:
        return None, FrameworkProblem(source, None, "", _TOO_LARGE)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, FrameworkProblem(
            source, line, "", "the file is not UTF-8 text; save it as UTF-8"
        )


def load_framework_text(text: str, source: str = "<string>") -> Framework:
    """The framework described by the YAML ``text``; ``source`` names it in problems.

    Raises ``FrameworkError`` listing every problem when anything is wrong.
    """
    framework, problems = _check(text, source)
    if framework is None:
        raise FrameworkError(problems, source)
    return framework


def read_framework_text(path: str | Path) -> str:
    """The text of the framework file at ``path``, read as UTF-8 and at most
    ``MAX_FILE_BYTES`` long (so that a device such as /dev/zero is refused, not read).

    Raises ``FrameworkError`` when the file cannot be read, is too large or is not UTF-8.
    """
    text, problem = _read(path)
    if problem is not None:
        raise FrameworkError([problem], str(path))
    assert text is not None
    return text


def load_framework(path: str | Path) -> Framework:
    """The framework in the YAML file at ``path``.

    Raises ``FrameworkError`` listing every problem (file, line, path, message) when
    anything is wrong; nothing is loaded then.
    """
    return load_framework_text(read_framework_text(path), str(path))


def validate_framework_file(path: str | Path) -> list[FrameworkProblem]:
    """Every problem with the framework file at ``path``, in file order; empty when it is fine."""
    text, problem = _read(path)
    if problem is not None:
        return [problem]
    assert text is not None
    return _check(text, str(path))[1]
