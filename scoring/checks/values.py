"""Reading typed values out of the tree of a framework document, reporting what is wrong.

``Reader`` collects every problem of one document; its readers return ``None`` for a value
that is absent or wrong (wrong ones are reported with their line, path and how to fix them).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeAlias, TypeVar, get_args

from scoring.checks.yaml_tree import Map, Node, Scalar, Seq, join
from scoring.errors import FrameworkProblem
from scoring.model import AwardKind, Bilingual, QuestionType

FORMAT: Final = "phrom-framework/1"
# Larger numbers lose whole-number precision in a float and can make sums overflow.
MAX_NUMBER: Final = 1e15
_MAX_NUMBER_RULE: Final = (
    "numbers in a framework must be finite and between -1e15 and 1e15, so that no total can "
    "overflow"
)

_CODE_RE: Final = re.compile(r"[A-Za-z0-9_.-]+")
_NOT_CODE_RE: Final = re.compile(r"[^A-Za-z0-9_.-]+")

_T = TypeVar("_T")
# Codes already declared: code -> (line, path).
Seen: TypeAlias = dict[str, tuple[int, str]]

# How to fix a missing key, by key name.
_ADD: Final[dict[str, str]] = {
    "format": f'add "format: {FORMAT}" as the first line',
    "code": 'add "code: <code>"',
    "name": 'add "name: {th: ..., en: ...}"',
    "text": 'add "text: {th: ..., en: ...}"',
    "label": 'add "label: {th: ..., en: ...}"',
    "th": 'add "th: <Thai text>"',
    "en": 'add "en: <English text>"',
    "cycle": 'add "cycle: {year_be: <Buddhist Era year>, year_ce: <Common Era year>}"',
    "year_be": 'add "year_be: <Buddhist Era year>"',
    "year_ce": 'add "year_ce: <Common Era year>"',
    "dimensions": 'add "dimensions:" with at least one dimension',
    "indicators": 'add "indicators:" with at least one indicator',
    "questions": 'add "questions:" with at least one question',
    "type": 'add "type: <type>" (one of ' + ", ".join(QuestionType) + ")",
    "points": 'add "points: <number>"',
    "at_least": 'add "at_least: <number>"',
    "minimum": 'add "minimum: <number>"',
    "question": 'add "question: <code of an earlier question>"',
    "kind": 'add "kind: <kind>" (one of ' + ", ".join(get_args(AwardKind)) + ")",
    "top": 'add "top: <number of winners>"',
    "any_of": 'add "any_of: [<option code>, ...]"',
    "excludes_question": 'add "excludes_question: <question code>"',
    "excludes": 'add "excludes: [<option code>, ...]"',
}


def literal_choices(literal: Any) -> dict[str, Any]:
    """The values of a ``Literal`` type, by their text, for :meth:`Reader.choice`."""
    return {value: value for value in get_args(literal)}


def describe(node: Node | None) -> str:
    """How a value reads in a message: ``'abc'``, ``5``, ``a list``, ``nothing``."""
    if node is None:
        return "nothing"
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    if node.value is None:
        return "nothing"
    return repr(node.value) if isinstance(node.value, str) else node.raw


def fmt(value: float) -> str:
    """A number as a person would write it: ``20`` rather than ``20.0``."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def as_string(node: Node) -> str | None:
    """A scalar as text; unquoted numbers and booleans as written (``yes``, ``2564``)."""
    if not isinstance(node, Scalar) or node.value is None:
        return None
    return node.value if isinstance(node.value, str) else node.raw


def _as_number(node: Node) -> float | None:
    """The number a scalar holds, finite or not, or None. Unquoted texts such as ``1e3``
    count: YAML 1.1 reads them as strings, but they are plainly numbers."""
    if not isinstance(node, Scalar) or isinstance(node.value, bool):
        return None
    value = node.value
    try:
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str) and node.plain:
            return float(value)
    except OverflowError:  # a whole number too large for a float
        return math.inf
    except ValueError:
        return None
    return None


def _is_quoted_number(node: Node) -> bool:
    if not isinstance(node, Scalar) or not isinstance(node.value, str):
        return False
    try:
        return math.isfinite(float(node.value))
    except ValueError:
        return False


def count(number: int, noun: str) -> str:
    return f"one {noun}" if number == 1 else f"{number} {noun}s"


def suggest(word: str, choices: Sequence[str]) -> str | None:
    """The choice nearest to ``word``, ignoring case when none is near as written."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if close:
        return close[0]
    lowered = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None


def nearest_or(word: str, choices: Sequence[str], otherwise: str) -> str:
    """``did you mean "<nearest choice>"?``, or ``otherwise`` when none is near."""
    nearest = suggest(word, choices)
    return f'did you mean "{nearest}"?' if nearest is not None else otherwise


def positive(value: float) -> bool:
    return value > 0


def not_negative(value: float) -> bool:
    return value >= 0


def on_scale(scale: float | None) -> tuple[str, Callable[[float], bool]]:
    """The rule and check of a figure on the output scale (any scale when it is unknown)."""
    if scale is None:
        return "a number, 0 or more", not_negative
    return (
        f"a number from 0 to {fmt(scale)} (the output scale)",
        lambda value: 0 <= value <= scale,
    )


class Reader:
    """Reads the values of one framework document, collecting every problem."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[FrameworkProblem] = []

    def report(self, line: int | None, path: str, message: str) -> None:
        self.problems.append(FrameworkProblem(self.source, line, path, message))

    def keys(
        self,
        mapping: Map,
        path: str,
        what: str,
        required: Sequence[str],
        optional: Sequence[str],
        misplaced: Mapping[str, str] | None = None,
    ) -> None:
        """Report unknown keys (suggesting the nearest known one) and missing ones."""
        known = [*required, *optional]
        for key, entry in mapping.entries.items():
            if key in known:
                continue
            if misplaced is not None and key in misplaced:
                message = misplaced[key]
            else:
                message = f'unknown key "{key}"; ' + nearest_or(
                    key, known, f"remove it or use one of: {', '.join(known)}"
                )
            self.report(entry.key_line, join(path, key), message)
        for key in required:
            if key not in mapping.entries:
                self.report(mapping.line, path, f"{what} has no {key}; {_ADD[key]}")

    def coded(
        self,
        mapping: Map,
        path: str,
        what: str,
        seen: Seen,
        required: Sequence[str],
        optional: Sequence[str] = (),
        name: str = "name",
        misplaced: Mapping[str, str] | None = None,
    ) -> tuple[str | None, Bilingual | None]:
        """The keys of a ``what`` checked, its code (unique among ``seen``) and its name."""
        self.keys(mapping, path, what, required, optional, misplaced)
        code = self.code(mapping, "code", path)
        self.unique(mapping, code, path, what, seen)
        return code, self.text(mapping, name, path)

    def expect_map(self, node: Node, line: int, path: str, what: str, example: str) -> Map | None:
        if isinstance(node, Map):
            return node
        self.report(line, path, f"{what} must be a mapping like {example}, got {describe(node)}")
        return None

    def listed(self, mapping: Map, key: str, path: str, like: str) -> Seq | None:
        """The list under ``key``; None when absent, and reported when it is not a list."""
        if (entry := mapping.entries.get(key)) is None:
            return None
        if not isinstance(entry.value, Seq):
            self.report(
                entry.key_line,
                join(path, key),
                f"{key} must be a list {like}, got {describe(entry.value)}",
            )
            return None
        return entry.value

    def once(self, seen: dict[str, int], text: str, line: int, path: str) -> bool:
        """Whether ``text`` is new to a list; a repeat is reported."""
        if text in seen:
            self.report(
                line, path, f'"{text}" is listed twice (also at line {seen[text]}); remove one'
            )
            return False
        seen[text] = line
        return True

    def items(
        self, mapping: Map, key: str, path: str, what: str, minimum: int = 0
    ) -> list[tuple[str, Map]]:
        """The mappings listed under ``key``, with their paths; reports what is not one."""
        if (entry := mapping.entries.get(key)) is None:
            return []
        key_path = join(path, key)
        empty = isinstance(entry.value, Scalar) and entry.value.value is None
        node = None if empty else self.listed(mapping, key, path, f"of {what}s")
        found = node.items if node is not None else []
        if (empty or node is not None) and len(found) < minimum:
            if found:
                message = f"{key} has only {count(len(found), what)}; add at least {minimum}"
            else:
                message = f"{key} is empty; add at least {count(minimum, what)}"
            self.report(entry.key_line, key_path, message)
        result: list[tuple[str, Map]] = []
        for index, item in enumerate(found):
            item_path = f"{key_path}[{index}]"
            if isinstance(item, Map):
                result.append((item_path, item))
            else:
                self.report(
                    item.line,
                    item_path,
                    f"each {what} must be a mapping of keys, got {describe(item)}",
                )
        return result

    def number(
        self,
        mapping: Map,
        key: str,
        path: str,
        rule: str = "a number",
        check: Callable[[float], bool] | None = None,
    ) -> float | None:
        """The number under ``key``; None when absent or wrong (wrong is reported)."""
        if (entry := mapping.entries.get(key)) is None:
            return None
        value = _as_number(entry.value)
        if value is None:
            hint = "; remove the quotes" if _is_quoted_number(entry.value) else ""
        elif not math.isfinite(value) or abs(value) > MAX_NUMBER:
            hint = f"; {_MAX_NUMBER_RULE}"
        elif check is not None and not check(value):
            hint = ""
        else:
            return value
        # A number as written: YAML 1.1 reads 1e16 as a text, but it is not one.
        got = (
            entry.value.raw
            if isinstance(entry.value, Scalar) and value is not None
            else describe(entry.value)
        )
        self.report(entry.key_line, join(path, key), f"{key} must be {rule}, got {got}{hint}")
        return None

    def integer(
        self,
        mapping: Map,
        key: str,
        path: str,
        rule: str,
        check: Callable[[int], bool] | None = None,
    ) -> int | None:
        """The whole number under ``key``, as :meth:`number` reads and reports it."""
        value = self.number(
            mapping, key, path, rule, lambda v: v.is_integer() and (check is None or check(int(v)))
        )
        return None if value is None else int(value)

    def boolean(self, mapping: Map, key: str, path: str) -> bool | None:
        if (entry := mapping.entries.get(key)) is None:
            return None
        node = entry.value
        if isinstance(node, Scalar) and isinstance(node.value, bool):
            return node.value
        self.report(
            entry.key_line, join(path, key), f"{key} must be true or false, got {describe(node)}"
        )
        return None

    def choice(self, mapping: Map, key: str, path: str, choices: Mapping[str, _T]) -> _T | None:
        if (entry := mapping.entries.get(key)) is None:
            return None
        text = as_string(entry.value)
        if text is not None and text in choices:
            return choices[text]
        message = f"{key} must be one of {', '.join(choices)}, got {describe(entry.value)}"
        nearest = suggest(text, list(choices)) if text is not None else None
        if nearest is not None:
            message += f'; did you mean "{nearest}"?'
        self.report(entry.key_line, join(path, key), message)
        return None

    def code_value(self, node: Node, line: int, path: str, key: str) -> str | None:
        text = as_string(node)
        if text is None:
            self.report(
                line,
                path,
                f'{key} must be a code (letters, digits, "-", "_", "."), got {describe(node)}',
            )
            return None
        if not _CODE_RE.fullmatch(text):
            fixed = _NOT_CODE_RE.sub("-", text).strip("-")
            hint = f'; e.g. "{fixed}"' if fixed and _CODE_RE.fullmatch(fixed) else ""
            self.report(
                line,
                path,
                f'{key} "{text}" may contain only letters A-Z and a-z, digits, "-", "_" '
                f'and "."{hint}',
            )
            return None
        return text

    def code(self, mapping: Map, key: str, path: str) -> str | None:
        if (entry := mapping.entries.get(key)) is None:
            return None
        return self.code_value(entry.value, entry.key_line, join(path, key), key)

    def codes(self, mapping: Map, key: str, path: str) -> list[tuple[str, int, str]]:
        """A list of codes with the line and path of each; duplicates are reported."""
        entry = mapping.entries.get(key)
        if entry is None or (isinstance(entry.value, Scalar) and entry.value.value is None):
            return []
        node = self.listed(mapping, key, path, "of codes like [A, B]")
        if node is None:
            return []
        result: list[tuple[str, int, str]] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(node.items):
            item_path = f"{join(path, key)}[{index}]"
            code = self.code_value(item, item.line, item_path, "each entry")
            if code is not None and self.once(seen, code, item.line, item_path):
                result.append((code, item.line, item_path))
        return result

    def bilingual(self, node: Node, line: int, path: str, what: str) -> Bilingual | None:
        """``{th, en}`` or one text for both languages."""
        if isinstance(node, Map):
            self.keys(node, path, what, ("th", "en"), ())
            texts: list[str] = []
            for language in ("th", "en"):
                if (entry := node.entries.get(language)) is None:
                    continue
                text = as_string(entry.value)
                if text is None or not text.strip():
                    name = "Thai" if language == "th" else "English"
                    if isinstance(entry.value, Scalar):
                        message = f"the {name} text of {what} is empty; write it"
                    else:
                        message = f"{language} must be a text, got {describe(entry.value)}"
                    self.report(entry.key_line, join(path, language), message)
                    continue
                texts.append(text)
            return Bilingual(texts[0], texts[1]) if len(texts) == 2 else None
        text = as_string(node)
        if text is None or not text.strip():
            self.report(
                line, path, f"{what} must be a text or {{th: ..., en: ...}}, got {describe(node)}"
            )
            return None
        return Bilingual(text, text)

    def text(self, mapping: Map, key: str, path: str) -> Bilingual | None:
        if (entry := mapping.entries.get(key)) is None:
            return None
        return self.bilingual(entry.value, entry.key_line, join(path, key), key)

    def unique(self, mapping: Map, code: str | None, path: str, what: str, seen: Seen) -> None:
        """Report ``code`` when an earlier ``what`` already has it."""
        if code is None:
            return
        line = mapping.entries["code"].key_line
        first = seen.get(code)
        if first is None:
            seen[code] = (line, path)
            return
        self.report(
            line,
            join(path, "code"),
            f'{what} code "{code}" is already used at line {first[0]} ({first[1]}); '
            f"give each {what} its own code",
        )

    def references(
        self, refs: Sequence[tuple[str, int, str]], known: Seen, what: str, where: str
    ) -> bool:
        """Whether each referenced code is declared; each that no ``what`` declares is reported."""
        found = True
        for code, line, path in refs:
            if code in known:
                continue
            otherwise = (
                f"use one of: {', '.join(known)}" if known else f"declare it under {where}"
            )
            self.report(
                line,
                path,
                f'no {what} has code "{code}"; ' + nearest_or(code, list(known), otherwise),
            )
            found = False
        return found

    def some_points(self, line: int, path: str, what: str, points: list[float | None]) -> None:
        """Report a list of ``what`` in which nothing earns points (a points value that is
        None, missing or wrong, is reported already)."""
        if points and None not in points and max(p for p in points if p is not None) <= 0:
            self.report(
                line,
                path,
                f"no {what} earns points, so this question could never score; give at least one "
                f"{what} positive points",
            )
