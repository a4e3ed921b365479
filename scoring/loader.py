"""Load framework files (``docs/framework-format.md``) into the objects of ``scoring.model``.

``load_framework`` reads one YAML file, checks everything the format requires and returns
an immutable ``Framework``; when anything is wrong it raises ``FrameworkError`` listing
every problem with its file, line and path, and nothing is returned.
``validate_framework_file`` returns the same problems as a list instead.

Pure Python: no Django.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final, Literal, TypeAlias, TypeVar

import yaml

from scoring.errors import FrameworkError, FrameworkProblem
from scoring.model import (
    MATURITY_LEVELS,
    SCORED_TYPES,
    AwardKind,
    AwardRule,
    Band,
    Bilingual,
    Condition,
    Dimension,
    Evidence,
    Framework,
    Indicator,
    Normalisation,
    Option,
    PeerGroup,
    Question,
    QuestionType,
    Threshold,
    WhenHidden,
)

__all__ = [
    "FORMAT",
    "FrameworkError",
    "FrameworkProblem",
    "load_framework",
    "load_framework_text",
    "validate_framework_file",
]

FORMAT: Final = "phrom-framework/1"
BUDDHIST_ERA_OFFSET: Final = 543
WEIGHTS_TOLERANCE: Final = 1e-9
MAX_PRECISION: Final = 6
SCALES: Final = (1.0, 100.0)
# Defaults of keys a framework may leave out (the same as scoring.model's).
DEFAULT_SCALE: Final = 100.0
DEFAULT_PRECISION: Final = 2
DEFAULT_WEIGHT: Final = 1.0
DEFAULT_NEAR_MISSES: Final = 5

_CODE_RE: Final = re.compile(r"[A-Za-z0-9_.-]+")
_NOT_CODE_RE: Final = re.compile(r"[^A-Za-z0-9_.-]+")
_LEVEL_KEY_RE: Final = re.compile(r"[0-9]+")

_T = TypeVar("_T")

_QUESTION_TYPES: Final[dict[str, QuestionType]] = {t.value: t for t in QuestionType}
_EVIDENCE: Final[dict[str, Evidence]] = {
    "required": "required",
    "optional": "optional",
    "none": "none",
}
_WHEN_HIDDEN: Final[dict[str, WhenHidden]] = {"zero": "zero", "exclude": "exclude"}
_NORMALISATIONS: Final[dict[str, Normalisation]] = {
    "none": "none",
    "minmax": "minmax",
    "zscore_minmax": "zscore_minmax",
}
_AWARD_KINDS: Final[dict[str, AwardKind]] = {
    "top_total": "top_total",
    "top_gain": "top_gain",
    "best_dimension": "best_dimension",
}
_TIES: Final[dict[str, Literal["share", "code"]]] = {"share": "share", "code": "code"}
_TIE_BREAKS: Final = ("total", "gain", "previous_total")
_DIMENSION_TIE_BREAK: Final = "dimension:"

_TOP_REQUIRED: Final = ("format", "code", "name", "cycle", "dimensions")
_TOP_OPTIONAL: Final = (
    "note",
    "previous",
    "scale",
    "precision",
    "normalisation",
    "weights_total",
    "meta",
    "bands",
    "peer_groups",
    "awards",
)
_QUESTION_OPTIONAL: Final = (
    "help",
    "weight",
    "evidence",
    "allow_na",
    "required",
    "when",
    "when_hidden",
)
# Keys that only some question types use.
_TYPE_KEYS: Final[dict[QuestionType, tuple[str, ...]]] = {
    QuestionType.YES_NO: (),
    QuestionType.SINGLE_CHOICE: ("options",),
    QuestionType.MULTIPLE_CHOICE: ("options", "cap"),
    QuestionType.MATURITY: ("levels",),
    QuestionType.NUMBER: ("minimum", "maximum", "unit", "thresholds"),
    QuestionType.PERCENTAGE: ("thresholds",),
    QuestionType.TEXT: (),
    QuestionType.URL: (),
    QuestionType.FILE: (),
}
_ALL_TYPE_KEYS: Final = ("options", "cap", "levels", "minimum", "maximum", "unit", "thresholds")
_CONDITION_TESTS: Final = ("equals", "any_of", "at_least")
# What a condition on each type of question may test, for messages.
_TESTS_FOR: Final[dict[QuestionType, str]] = {
    QuestionType.YES_NO: '"equals: true" or "equals: false"',
    QuestionType.SINGLE_CHOICE: '"equals: <option code>" or "any_of: [<option codes>]"',
    QuestionType.MULTIPLE_CHOICE: '"any_of: [<option codes>]"',
    QuestionType.MATURITY: '"at_least: <level 0-5>"',
    QuestionType.NUMBER: '"at_least: <number>"',
    QuestionType.PERCENTAGE: '"at_least: <percentage>"',
}
_TYPES_FOR_TEST: Final[dict[str, frozenset[QuestionType]]] = {
    "equals": frozenset({QuestionType.YES_NO, QuestionType.SINGLE_CHOICE}),
    "any_of": frozenset({QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE}),
    "at_least": frozenset({QuestionType.MATURITY, QuestionType.NUMBER, QuestionType.PERCENTAGE}),
}

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
    "type": 'add "type: <type>" (one of ' + ", ".join(_QUESTION_TYPES) + ")",
    "points": 'add "points: <number>"',
    "at_least": 'add "at_least: <number>"',
    "minimum": 'add "minimum: <number>"',
    "question": 'add "question: <code of an earlier question>"',
    "kind": 'add "kind: <kind>" (one of ' + ", ".join(_AWARD_KINDS) + ")",
    "top": 'add "top: <number of winners>"',
}


# --- the YAML document as a tree that remembers lines ------------------------------------


@dataclass(frozen=True, slots=True)
class _Scalar:
    """A scalar with the value SafeLoader gives it and the text as written."""

    line: int
    value: object
    raw: str
    plain: bool


@dataclass(frozen=True, slots=True)
class _Entry:
    """One key of a mapping: the line of the key and the value."""

    key_line: int
    value: _Node


@dataclass(slots=True)
class _Map:
    line: int
    entries: dict[str, _Entry] = field(default_factory=dict)


@dataclass(slots=True)
class _Seq:
    line: int
    items: list[_Node] = field(default_factory=list)


_Node: TypeAlias = "_Scalar | _Map | _Seq"
_Report: TypeAlias = Callable[[int | None, str, str], None]


def _join(path: str, key: str) -> str:
    """The path of ``key`` inside the mapping at ``path``."""
    return f"{path}.{key}" if path else key


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _TreeBuilder:
    """Turns composed YAML nodes into ``_Node`` trees, reporting duplicate keys."""

    _MERGE_TAG: Final = "tag:yaml.org,2002:merge"
    # YAML 1.1 gives a lone "=" this tag, which SafeLoader cannot construct; it is text.
    _VALUE_TAG: Final = "tag:yaml.org,2002:value"

    def __init__(self, report: _Report) -> None:
        self._report = report
        self._constructor = yaml.constructor.SafeConstructor()
        # Aliases share one node: build it once so its problems are reported once.
        self._built: dict[int, _Node] = {}

    def build(self, node: yaml.Node, path: str) -> _Node:
        known = self._built.get(id(node))
        if known is not None:
            return known
        if isinstance(node, yaml.SequenceNode):
            seq = _Seq(_line(node))
            self._built[id(node)] = seq
            for index, child in enumerate(node.value):
                seq.items.append(self.build(child, f"{path}[{index}]"))
            return seq
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        plain = isinstance(node, yaml.ScalarNode) and not node.style  # None (pure) or "" (libyaml) for plain
        scalar = _Scalar(_line(node), self._scalar_value(node, path), str(node.value), plain)
        self._built[id(node)] = scalar
        return scalar

    def _scalar_value(self, node: yaml.Node, path: str) -> object:
        if node.tag == self._VALUE_TAG:
            return str(node.value)
        try:
            return self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError):
            self._report(
                _line(node),
                path,
                f"cannot read {node.value!r} as {node.tag}; remove the tag or fix the value",
            )
            return str(node.value)

    def _mapping(self, node: yaml.MappingNode, path: str) -> _Map:
        mapping = _Map(_line(node))
        self._built[id(node)] = mapping
        merged: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == self._MERGE_TAG:
                merged.append(value_node)
                continue
            key_line = _line(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                self._report(key_line, path, "a key must be a plain name, not a list or mapping")
                continue
            key = str(key_node.value)
            key_path = _join(path, key)
            first = mapping.entries.get(key)
            if first is not None:
                self._report(
                    key_line,
                    key_path,
                    f'duplicate key "{key}" (first at line {first.key_line}); YAML keeps only '
                    "the last one, so remove or rename one of them",
                )
            mapping.entries[key] = _Entry(key_line, self.build(value_node, key_path))
        # Merge keys ("<<: *base") fill in only what the mapping does not set itself; the
        # first merged mapping wins over later ones.
        for value_node in merged:
            sources = (
                value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            )
            for source in sources:
                built = self.build(source, path)
                if not isinstance(built, _Map):
                    self._report(_line(source), path, '"<<" must refer to a mapping')
                    continue
                for key, entry in built.entries.items():
                    mapping.entries.setdefault(key, entry)
        return mapping


# --- reading values ----------------------------------------------------------------------


def _describe(node: _Node | None) -> str:
    """How a value reads in a message: ``'abc'``, ``5``, ``a list``, ``nothing``."""
    if node is None:
        return "nothing"
    if isinstance(node, _Map):
        return "a mapping"
    if isinstance(node, _Seq):
        return "a list"
    if node.value is None:
        return "nothing"
    if isinstance(node.value, str):
        return repr(node.value)
    return node.raw


def _fmt(value: float) -> str:
    """A number as a person would write it: ``20`` rather than ``20.0``."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _as_string(node: _Node) -> str | None:
    """A scalar as text; unquoted numbers and booleans as written (``yes``, ``2564``)."""
    if not isinstance(node, _Scalar) or node.value is None:
        return None
    if isinstance(node.value, str):
        return node.value
    return node.raw


def _as_number(node: _Node) -> float | None:
    """A finite number, or None. Unquoted texts such as ``1e3`` count: YAML 1.1 reads them
    as strings, but they are plainly numbers."""
    if not isinstance(node, _Scalar):
        return None
    value = node.value
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            number = float(value)
        elif isinstance(value, str) and node.plain:
            number = float(value)
        else:
            return None
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _is_quoted_number(node: _Node) -> bool:
    if not isinstance(node, _Scalar) or not isinstance(node.value, str):
        return False
    try:
        return math.isfinite(float(node.value))
    except ValueError:
        return False


def _count(number: int, noun: str) -> str:
    if number == 1:
        return f"one {noun}"
    return f"{number} {noun}s"


def _suggest(word: str, choices: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close:
        lowered = {choice.lower(): choice for choice in choices}
        close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        return lowered[close[0]] if close else None
    return close[0]


def _one_of(choices: Sequence[str]) -> str:
    return ", ".join(choices)


def _positive(value: float) -> bool:
    return value > 0


def _not_negative(value: float) -> bool:
    return value >= 0


_Seen: TypeAlias = dict[str, tuple[int, str]]


@dataclass(frozen=True, slots=True)
class _QuestionInfo:
    """What conditions need to know about a question, even one with other problems."""

    code: str
    type: QuestionType | None
    options: tuple[str, ...]
    position: int
    line: int
    scored: bool


@dataclass(frozen=True, slots=True)
class _PendingCondition:
    """A ``when`` to check once every question is known."""

    position: int
    entry: _Entry
    path: str


@dataclass(frozen=True, slots=True)
class _Replaced:
    """One code in an indicator's ``replaces``."""

    code: str
    line: int
    path: str
    owner: str | None


class _Checker:
    """Reads the tree of one framework document, collecting every problem."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[FrameworkProblem] = []
        self.questions: list[_QuestionInfo] = []
        self.questions_by_code: dict[str, _QuestionInfo] = {}
        self.pending: list[_PendingCondition] = []
        self.question_codes: _Seen = {}
        self.indicator_codes: _Seen = {}
        self.dimension_codes: _Seen = {}
        self.group_codes: _Seen = {}
        self.question_count = 0
        self.replaced: list[_Replaced] = []

    def report(self, line: int | None, path: str, message: str) -> None:
        self.problems.append(FrameworkProblem(self.source, line, path, message))

    # generic readers

    def keys(
        self,
        mapping: _Map,
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
            key_path = _join(path, key)
            if misplaced is not None and key in misplaced:
                self.report(entry.key_line, key_path, misplaced[key])
                continue
            nearest = _suggest(key, known)
            if nearest is not None:
                message = f'unknown key "{key}"; did you mean "{nearest}"?'
            else:
                message = f'unknown key "{key}"; remove it or use one of: {_one_of(known)}'
            self.report(entry.key_line, key_path, message)
        for key in required:
            if key not in mapping.entries:
                self.report(mapping.line, path, f"{what} has no {key}; {_ADD[key]}")

    def expect_map(self, node: _Node, line: int, path: str, what: str, example: str) -> _Map | None:
        if isinstance(node, _Map):
            return node
        self.report(line, path, f"{what} must be a mapping like {example}, got {_describe(node)}")
        return None

    def items(
        self, mapping: _Map, key: str, path: str, what: str, minimum: int = 0
    ) -> list[tuple[str, _Map]]:
        """The mappings listed under ``key``, with their paths; reports what is not one."""
        entry = mapping.entries.get(key)
        if entry is None:
            return []
        key_path = _join(path, key)
        node = entry.value
        if isinstance(node, _Scalar) and node.value is None:
            if minimum:
                self.report(
                    entry.key_line,
                    key_path,
                    f"{key} is empty; add at least {_count(minimum, what)}",
                )
            return []
        if not isinstance(node, _Seq):
            self.report(
                entry.key_line, key_path, f"{key} must be a list of {what}s, got {_describe(node)}"
            )
            return []
        if len(node.items) < minimum:
            if node.items:
                message = f"{key} has only {_count(len(node.items), what)}; add at least {minimum}"
            else:
                message = f"{key} is empty; add at least {_count(minimum, what)}"
            self.report(entry.key_line, key_path, message)
        result: list[tuple[str, _Map]] = []
        for index, item in enumerate(node.items):
            item_path = f"{key_path}[{index}]"
            if isinstance(item, _Map):
                result.append((item_path, item))
            else:
                self.report(
                    item.line,
                    item_path,
                    f"each {what} must be a mapping of keys, got {_describe(item)}",
                )
        return result

    def number(
        self,
        mapping: _Map,
        key: str,
        path: str,
        rule: str = "a number",
        check: Callable[[float], bool] | None = None,
    ) -> float | None:
        """The number under ``key``; None when absent or wrong (wrong is reported)."""
        entry = mapping.entries.get(key)
        if entry is None:
            return None
        value = _as_number(entry.value)
        if value is None or (check is not None and not check(value)):
            message = f"{key} must be {rule}, got {_describe(entry.value)}"
            if value is None and _is_quoted_number(entry.value):
                message += "; remove the quotes"
            self.report(entry.key_line, _join(path, key), message)
            return None
        return value

    def integer(
        self,
        mapping: _Map,
        key: str,
        path: str,
        rule: str,
        check: Callable[[int], bool] | None = None,
    ) -> int | None:
        """The whole number under ``key``, as :meth:`number` reads and reports it."""
        value = self.number(
            mapping,
            key,
            path,
            rule,
            lambda v: v.is_integer() and (check is None or check(int(v))),
        )
        return None if value is None else int(value)

    def boolean(self, mapping: _Map, key: str, path: str) -> bool | None:
        entry = mapping.entries.get(key)
        if entry is None:
            return None
        node = entry.value
        if isinstance(node, _Scalar) and isinstance(node.value, bool):
            return node.value
        self.report(
            entry.key_line, _join(path, key), f"{key} must be true or false, got {_describe(node)}"
        )
        return None

    def choice(self, mapping: _Map, key: str, path: str, choices: Mapping[str, _T]) -> _T | None:
        entry = mapping.entries.get(key)
        if entry is None:
            return None
        text = _as_string(entry.value)
        if text is not None and text in choices:
            return choices[text]
        message = f"{key} must be one of {_one_of(list(choices))}, got {_describe(entry.value)}"
        nearest = _suggest(text, list(choices)) if text is not None else None
        if nearest is not None:
            message += f'; did you mean "{nearest}"?'
        self.report(entry.key_line, _join(path, key), message)
        return None

    def code_value(self, node: _Node, line: int, path: str, key: str) -> str | None:
        text = _as_string(node)
        if text is None:
            self.report(
                line,
                path,
                f'{key} must be a code (letters, digits, "-", "_", "."), got {_describe(node)}',
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

    def code(self, mapping: _Map, key: str, path: str) -> str | None:
        entry = mapping.entries.get(key)
        if entry is None:
            return None
        return self.code_value(entry.value, entry.key_line, _join(path, key), key)

    def codes(self, mapping: _Map, key: str, path: str) -> list[tuple[str, int, str]]:
        """A list of codes with the line and path of each; duplicates are reported."""
        entry = mapping.entries.get(key)
        if entry is None:
            return []
        key_path = _join(path, key)
        node = entry.value
        if isinstance(node, _Scalar) and node.value is None:
            return []
        if not isinstance(node, _Seq):
            self.report(
                entry.key_line,
                key_path,
                f"{key} must be a list of codes like [A, B], got {_describe(node)}",
            )
            return []
        result: list[tuple[str, int, str]] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(node.items):
            item_path = f"{key_path}[{index}]"
            code = self.code_value(item, item.line, item_path, "each entry")
            if code is None:
                continue
            if code in seen:
                self.report(
                    item.line,
                    item_path,
                    f'"{code}" is listed twice (also at line {seen[code]}); remove one',
                )
                continue
            seen[code] = item.line
            result.append((code, item.line, item_path))
        return result

    def bilingual(self, node: _Node, line: int, path: str, what: str) -> Bilingual | None:
        """``{th, en}`` or one text for both languages."""
        if isinstance(node, _Map):
            self.keys(node, path, what, ("th", "en"), ())
            texts: list[str] = []
            for language in ("th", "en"):
                entry = node.entries.get(language)
                if entry is None:
                    continue
                text = _as_string(entry.value)
                if text is None or not text.strip():
                    name = "Thai" if language == "th" else "English"
                    if isinstance(entry.value, _Scalar):
                        message = f"the {name} text of {what} is empty; write it"
                    else:
                        message = f"{language} must be a text, got {_describe(entry.value)}"
                    self.report(entry.key_line, _join(path, language), message)
                    continue
                texts.append(text)
            return Bilingual(texts[0], texts[1]) if len(texts) == 2 else None
        text = _as_string(node)
        if text is None or not text.strip():
            self.report(
                line,
                path,
                f"{what} must be a text or {{th: ..., en: ...}}, got {_describe(node)}",
            )
            return None
        return Bilingual(text, text)

    def text(self, mapping: _Map, key: str, path: str, what: str | None = None) -> Bilingual | None:
        entry = mapping.entries.get(key)
        if entry is None:
            return None
        return self.bilingual(entry.value, entry.key_line, _join(path, key), what or key)

    def unique(self, mapping: _Map, code: str | None, path: str, what: str, seen: _Seen) -> None:
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
            _join(path, "code"),
            f'{what} code "{code}" is already used at line {first[0]} ({first[1]}); '
            f"give each {what} its own code",
        )

    def references(
        self, refs: Sequence[tuple[str, int, str]], known: _Seen, what: str, where: str
    ) -> None:
        """Report each referenced code that no ``what`` declares."""
        for code, line, path in refs:
            if code in known:
                continue
            nearest = _suggest(code, list(known))
            if nearest is not None:
                hint = f'did you mean "{nearest}"?'
            elif known:
                hint = f"use one of: {_one_of(list(known))}"
            else:
                hint = f"declare it under {where}"
            self.report(line, path, f'no {what} has code "{code}"; {hint}')

    # the framework

    def framework(self, root: _Node | None) -> Framework | None:
        if root is None:
            self.report(1, "", f'the file is empty; start it with "format: {FORMAT}"')
            return None
        top = self.expect_map(
            root, root.line, "", "the framework", "format: ..., code: ..., dimensions: [...]"
        )
        if top is None:
            return None
        self.keys(top, "", "the framework", _TOP_REQUIRED, _TOP_OPTIONAL)
        self.check_format(top)
        code = self.code(top, "code", "")
        name = self.text(top, "name", "")
        note = self.text(top, "note", "")
        year_be, year_ce = self.cycle(top)
        previous = self.code(top, "previous", "")
        if previous is not None and previous == code:
            self.report(
                top.entries["previous"].key_line,
                "previous",
                f'previous names this framework itself ("{code}"); give the code of the earlier '
                "cycle or remove it",
            )
        scale = self.number(top, "scale", "", rule="1 or 100", check=lambda value: value in SCALES)
        precision = self.integer(
            top,
            "precision",
            "",
            rule=f"a whole number from 0 to {MAX_PRECISION}",
            check=lambda value: 0 <= value <= MAX_PRECISION,
        )
        normalisation = self.choice(top, "normalisation", "", _NORMALISATIONS)
        weights_total = self.number(
            top, "weights_total", "", rule="a positive number", check=_positive
        )
        meta = self.meta(top)

        dimensions, weights = self.dimensions(top)
        self.check_weights_total(top, weights_total, weights)
        conditions = self.conditions()
        self.check_replaces()
        self.check_scored(top)

        # Bounds that depend on the scale are checked only against a scale that is valid.
        bound: float | None = DEFAULT_SCALE if "scale" not in top.entries else scale
        groups = self.peer_groups(top)
        bands = self.bands(top, bound)
        awards = self.awards(top, bound)

        if self.problems:
            return None
        # Missing required keys were reported above, so these hold whenever nothing was.
        assert code is not None and name is not None
        assert year_be is not None and year_ce is not None
        return Framework(
            code=code,
            name=name,
            year_be=year_be,
            year_ce=year_ce,
            dimensions=_with_conditions(dimensions, conditions),
            scale=DEFAULT_SCALE if scale is None else scale,
            precision=DEFAULT_PRECISION if precision is None else precision,
            normalisation=normalisation or "none",
            previous=previous,
            note=note,
            bands=tuple(bands),
            peer_groups=tuple(groups),
            awards=tuple(awards),
            meta=meta,
        )

    def check_format(self, top: _Map) -> None:
        entry = top.entries.get("format")
        if entry is None or _as_string(entry.value) == FORMAT:
            return
        self.report(
            entry.key_line,
            "format",
            f'format must be "{FORMAT}", got {_describe(entry.value)}; this loader reads '
            "version 1 of the framework format",
        )

    def cycle(self, top: _Map) -> tuple[int | None, int | None]:
        entry = top.entries.get("cycle")
        if entry is None:
            return None, None
        cycle = self.expect_map(
            entry.value, entry.key_line, "cycle", "cycle", "{year_be: 2564, year_ce: 2021}"
        )
        if cycle is None:
            return None, None
        self.keys(cycle, "cycle", "cycle", ("year_be", "year_ce"), ())
        year_be = self.integer(
            cycle,
            "year_be",
            "cycle",
            rule="a Buddhist Era year such as 2564",
            check=lambda v: v > 0,
        )
        year_ce = self.integer(
            cycle, "year_ce", "cycle", rule="a Common Era year such as 2021", check=lambda v: v > 0
        )
        if year_be is not None and year_ce is not None and year_be != year_ce + BUDDHIST_ERA_OFFSET:
            self.report(
                cycle.entries["year_be"].key_line,
                "cycle.year_be",
                f"year_be {year_be} does not match year_ce {year_ce}: year_be must be year_ce + "
                f"{BUDDHIST_ERA_OFFSET} = {year_ce + BUDDHIST_ERA_OFFSET}; correct whichever "
                "year is wrong",
            )
        return year_be, year_ce

    def meta(self, top: _Map) -> dict[str, str]:
        entry = top.entries.get("meta")
        if entry is None:
            return {}
        meta = self.expect_map(
            entry.value, entry.key_line, "meta", "meta", "{source: ..., licence: ...}"
        )
        if meta is None:
            return {}
        result: dict[str, str] = {}
        for key, item in meta.entries.items():
            text = _as_string(item.value)
            if text is None:
                self.report(
                    item.key_line,
                    _join("meta", key),
                    f"meta values must be texts, got {_describe(item.value)}; write a text or "
                    "remove the key",
                )
                continue
            result[key] = text
        return result

    # dimensions, indicators, questions

    def dimensions(self, top: _Map) -> tuple[list[Dimension], list[float] | None]:
        """The dimensions, and their weights (None when one of them is unusable)."""
        dimensions: list[Dimension] = []
        weights: list[float] | None = []
        for path, mapping in self.items(top, "dimensions", "", "dimension", minimum=1):
            self.keys(mapping, path, "dimension", ("code", "name", "indicators"), ("weight",))
            code = self.code(mapping, "code", path)
            self.unique(mapping, code, path, "dimension", self.dimension_codes)
            name = self.text(mapping, "name", path)
            weight = self.number(mapping, "weight", path, rule="a positive number", check=_positive)
            if weight is None and "weight" in mapping.entries:
                weights = None
            elif weights is not None:
                weights.append(DEFAULT_WEIGHT if weight is None else weight)
            indicators = self.indicators(mapping, path)
            if code is not None and name is not None:
                dimensions.append(
                    Dimension(
                        code=code,
                        name=name,
                        indicators=tuple(indicators),
                        weight=DEFAULT_WEIGHT if weight is None else weight,
                    )
                )
        return dimensions, weights

    def check_weights_total(
        self, top: _Map, total: float | None, weights: list[float] | None
    ) -> None:
        if total is None or not weights:
            return
        found = math.fsum(weights)
        if abs(found - total) <= WEIGHTS_TOLERANCE:
            return
        self.report(
            top.entries["weights_total"].key_line,
            "weights_total",
            f"dimension weights add up to {_fmt(found)}, not weights_total {_fmt(total)}; "
            "adjust the dimension weights or weights_total",
        )

    def indicators(self, dimension: _Map, dimension_path: str) -> list[Indicator]:
        result: list[Indicator] = []
        for path, mapping in self.items(
            dimension, "indicators", dimension_path, "indicator", minimum=1
        ):
            self.keys(
                mapping,
                path,
                "indicator",
                ("code", "name", "questions"),
                ("description", "weight", "replaces"),
            )
            code = self.code(mapping, "code", path)
            self.unique(mapping, code, path, "indicator", self.indicator_codes)
            name = self.text(mapping, "name", path)
            description = self.text(mapping, "description", path)
            weight = self.number(mapping, "weight", path, rule="a positive number", check=_positive)
            replaces = self.codes(mapping, "replaces", path)
            self.replaced.extend(_Replaced(old, line, where, code) for old, line, where in replaces)
            questions: list[Question] = []
            for question_path, question_map in self.items(
                mapping, "questions", path, "question", minimum=1
            ):
                question = self.question(question_map, question_path)
                if question is not None:
                    questions.append(question)
            if code is not None and name is not None:
                result.append(
                    Indicator(
                        code=code,
                        name=name,
                        questions=tuple(questions),
                        weight=DEFAULT_WEIGHT if weight is None else weight,
                        description=description,
                        replaces=tuple(old for old, _, _ in replaces),
                    )
                )
        return result

    def check_replaces(self) -> None:
        for item in self.replaced:
            if item.code == item.owner:
                self.report(
                    item.line,
                    item.path,
                    f'indicator "{item.code}" cannot replace itself; remove "{item.code}" from '
                    "replaces",
                )
                continue
            other = self.indicator_codes.get(item.code)
            if other is not None:
                self.report(
                    item.line,
                    item.path,
                    f'"{item.code}" is the code of another indicator of this framework (line '
                    f"{other[0]}, {other[1]}); replaces may only list codes that are no longer in "
                    "use, so remove it here or rename that indicator",
                )

    @staticmethod
    def misplaced(key: str, question_type: QuestionType) -> str:
        users = " and ".join(t.value for t, keys in _TYPE_KEYS.items() if key in keys)
        return (
            f'"{key}" is not used by {question_type.value} questions (only by {users}); '
            "remove it or change the type"
        )

    def question(self, mapping: _Map, path: str) -> Question | None:
        position = self.question_count
        self.question_count += 1
        question_type = self.choice(mapping, "type", path, _QUESTION_TYPES)
        misplaced: dict[str, str] | None = None
        extra: tuple[str, ...] = _ALL_TYPE_KEYS
        if question_type is not None:
            extra = _TYPE_KEYS[question_type]
            misplaced = {
                key: self.misplaced(key, question_type)
                for key in _ALL_TYPE_KEYS
                if key not in extra
            }
        self.keys(
            mapping,
            path,
            "question",
            ("code", "type", "text"),
            (*_QUESTION_OPTIONAL, *extra),
            misplaced,
        )
        code = self.code(mapping, "code", path)
        self.unique(mapping, code, path, "question", self.question_codes)
        text = self.text(mapping, "text", path)
        help_text = self.text(mapping, "help", path)
        weight = self.number(
            mapping, "weight", path, rule="a number, 0 or more", check=_not_negative
        )
        evidence = self.choice(mapping, "evidence", path, _EVIDENCE)
        allow_na = self.boolean(mapping, "allow_na", path)
        required = self.boolean(mapping, "required", path)
        when_hidden = self.choice(mapping, "when_hidden", path, _WHEN_HIDDEN)

        options: list[Option] = []
        option_codes: list[str] = []
        cap: float | None = None
        levels: tuple[Bilingual, ...] = ()
        thresholds: tuple[Threshold, ...] = ()
        minimum: float | None = None
        maximum: float | None = None
        unit: Bilingual | None = None
        if question_type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
            assert question_type is not None
            options, option_codes = self.options(mapping, path, question_type)
        if question_type is QuestionType.MULTIPLE_CHOICE:
            cap = self.number(mapping, "cap", path, rule="a positive number", check=_positive)
        elif question_type is QuestionType.MATURITY:
            levels = self.levels(mapping, path)
        elif question_type is QuestionType.NUMBER:
            minimum, maximum, unit = self.bounds(mapping, path)
            thresholds = self.thresholds(mapping, path, question_type, maximum)
        elif question_type is QuestionType.PERCENTAGE:
            thresholds = self.thresholds(mapping, path, question_type, None)

        if code is not None:
            # An unusable weight counts as scored so that it is not reported twice.
            scored = question_type in SCORED_TYPES and (weight is None or weight > 0)
            info = _QuestionInfo(
                code, question_type, tuple(option_codes), position, mapping.line, scored
            )
            self.questions.append(info)
            self.questions_by_code.setdefault(code, info)
        when = mapping.entries.get("when")
        if when is not None:
            self.pending.append(_PendingCondition(position, when, _join(path, "when")))

        if code is None or question_type is None or text is None:
            return None
        return Question(
            code=code,
            type=question_type,
            text=text,
            help=help_text,
            weight=DEFAULT_WEIGHT if weight is None else weight,
            evidence=evidence or "optional",
            allow_na=bool(allow_na),
            required=True if required is None else required,
            when_hidden=when_hidden or "zero",
            options=tuple(options),
            cap=cap,
            levels=levels,
            thresholds=thresholds,
            minimum=minimum,
            maximum=maximum,
            unit=unit,
        )

    def options(
        self, question: _Map, path: str, question_type: QuestionType
    ) -> tuple[list[Option], list[str]]:
        """The options of a choice question, and the codes of all options with a valid code."""
        entry = question.entries.get("options")
        if entry is None:
            self.report(
                question.line,
                path,
                f'{question_type.value} question has no options; add "options:" with at least 2 '
                "options, each {code, label, points}",
            )
            return [], []
        seen: _Seen = {}
        options: list[Option] = []
        codes: list[str] = []
        points_found: list[float] = []
        complete = True
        items = self.items(question, "options", path, "option", minimum=2)
        for option_path, mapping in items:
            self.keys(mapping, option_path, "option", ("code", "label", "points"), ())
            code = self.code(mapping, "code", option_path)
            self.unique(mapping, code, option_path, "option", seen)
            label = self.text(mapping, "label", option_path)
            points = self.number(mapping, "points", option_path)
            if code is not None:
                codes.append(code)
            if points is None:
                complete = False
            else:
                points_found.append(points)
            if code is not None and label is not None and points is not None:
                options.append(Option(code=code, label=label, points=points))
        if complete and points_found and max(points_found) <= 0:
            self.report(
                entry.key_line,
                _join(path, "options"),
                "no option earns points, so this question could never score; give at least one "
                "option positive points",
            )
        return options, codes

    def levels(self, question: _Map, path: str) -> tuple[Bilingual, ...]:
        """The six level descriptions of a maturity question, or () when any is wrong."""
        entry = question.entries.get("levels")
        if entry is None:
            self.report(
                question.line,
                path,
                'maturity question has no levels; add "levels:" with a description for each '
                "level 0 to 5",
            )
            return ()
        levels_path = _join(path, "levels")
        found: dict[int, Bilingual] = {}
        node = entry.value
        if isinstance(node, _Map):
            present: set[int] = set()
            for key, item in node.entries.items():
                item_path = f"{levels_path}[{key}]"
                level = int(key) if _LEVEL_KEY_RE.fullmatch(key) else None
                if level is None or level >= MATURITY_LEVELS or level in present:
                    self.report(
                        item.key_line,
                        item_path,
                        f'"{key}" is not a maturity level; number the levels 0 to 5, once each',
                    )
                    continue
                present.add(level)
                text = self.bilingual(item.value, item.key_line, item_path, f"level {level}")
                if text is not None:
                    found[level] = text
            missing = [level for level in range(MATURITY_LEVELS) if level not in present]
            if missing:
                noun = "level" if len(missing) == 1 else "levels"
                listed = ", ".join(str(level) for level in missing)
                self.report(
                    entry.key_line,
                    levels_path,
                    f"maturity question has no description for {noun} {listed}; add "
                    f'"{missing[0]}: {{th: ..., en: ...}}" under levels for each',
                )
        elif isinstance(node, _Seq):
            if len(node.items) != MATURITY_LEVELS:
                self.report(
                    entry.key_line,
                    levels_path,
                    f"levels lists {len(node.items)} descriptions; a maturity question needs "
                    f"exactly {MATURITY_LEVELS}, for levels 0 to 5",
                )
            for level, described in enumerate(node.items[:MATURITY_LEVELS]):
                text = self.bilingual(
                    described, described.line, f"{levels_path}[{level}]", f"level {level}"
                )
                if text is not None:
                    found[level] = text
        else:
            self.report(
                entry.key_line,
                levels_path,
                "levels must be a mapping like {0: ..., 1: ..., 5: ...}, got " + _describe(node),
            )
        if len(found) < MATURITY_LEVELS:
            return ()
        return tuple(found[level] for level in range(MATURITY_LEVELS))

    def bounds(
        self, question: _Map, path: str
    ) -> tuple[float | None, float | None, Bilingual | None]:
        """``minimum``, ``maximum`` and ``unit`` of a number question."""
        minimum = self.number(question, "minimum", path)
        maximum = self.number(question, "maximum", path)
        unit = self.text(question, "unit", path)
        if minimum is not None and maximum is not None and minimum >= maximum:
            self.report(
                question.entries["maximum"].key_line,
                _join(path, "maximum"),
                f"maximum ({_fmt(maximum)}) must be greater than minimum ({_fmt(minimum)}); "
                "fix one of them",
            )
        if "thresholds" not in question.entries:
            missing = [key for key in ("minimum", "maximum") if key not in question.entries]
            if missing:
                adds = " and ".join(f'"{key}: <number>"' for key in missing)
                self.report(
                    question.line,
                    path,
                    f"number question has no {' or '.join(missing)}; without thresholds it is "
                    f"scored linearly from minimum to maximum, so add {adds}, or add thresholds",
                )
        return minimum, maximum, unit

    def thresholds(
        self, question: _Map, path: str, question_type: QuestionType, maximum: float | None
    ) -> tuple[Threshold, ...]:
        entry = question.entries.get("thresholds")
        if entry is None:
            return ()
        percent = question_type is QuestionType.PERCENTAGE
        rule = "a percentage from 0 to 100" if percent else "a number"
        check: Callable[[float], bool] | None = (lambda v: 0 <= v <= 100) if percent else None
        result: list[Threshold] = []
        points_found: list[float] = []
        complete = True
        highest: tuple[float, int] | None = None
        for threshold_path, mapping in self.items(
            question, "thresholds", path, "threshold", minimum=1
        ):
            self.keys(mapping, threshold_path, "threshold", ("at_least", "points"), ())
            at_least = self.number(mapping, "at_least", threshold_path, rule=rule, check=check)
            points = self.number(mapping, "points", threshold_path)
            if points is None:
                complete = False
            else:
                points_found.append(points)
            if at_least is not None:
                line = mapping.entries["at_least"].key_line
                at_path = _join(threshold_path, "at_least")
                if highest is not None and at_least == highest[0]:
                    self.report(
                        line,
                        at_path,
                        f"at_least {_fmt(at_least)} is repeated (also at line {highest[1]}); "
                        "give each threshold its own at_least",
                    )
                elif highest is not None and at_least < highest[0]:
                    self.report(
                        line,
                        at_path,
                        f"thresholds must go from lowest to highest at_least, but {_fmt(at_least)} "
                        f"comes after {_fmt(highest[0])} (line {highest[1]}); reorder them",
                    )
                else:
                    highest = (at_least, line)
                if maximum is not None and at_least > maximum:
                    self.report(
                        line,
                        at_path,
                        f"at_least {_fmt(at_least)} is above maximum {_fmt(maximum)}, so this "
                        "threshold can never be reached; lower it or raise maximum",
                    )
            if at_least is not None and points is not None:
                result.append(Threshold(at_least=at_least, points=points))
        if complete and points_found and max(points_found) <= 0:
            self.report(
                entry.key_line,
                _join(path, "thresholds"),
                "no threshold earns points, so this question could never score; give at least "
                "one threshold positive points",
            )
        return tuple(result)

    # conditions

    def conditions(self) -> dict[int, Condition]:
        """The condition of each question that has a valid one, by question position."""
        result: dict[int, Condition] = {}
        for pending in self.pending:
            condition = self.condition(pending)
            if condition is not None:
                result[pending.position] = condition
        return result

    def condition(self, pending: _PendingCondition) -> Condition | None:
        path = pending.path
        when = self.expect_map(
            pending.entry.value,
            pending.entry.key_line,
            path,
            "when",
            "{question: POL-01-0, equals: true}",
        )
        if when is None:
            return None
        self.keys(when, path, "condition", ("question",), _CONDITION_TESTS)
        tests = [test for test in _CONDITION_TESTS if test in when.entries]
        if not tests:
            self.report(
                when.line,
                path,
                'condition has no test; add "equals: ...", "any_of: [...]" or "at_least: <number>"',
            )
        elif len(tests) > 1:
            self.report(
                when.entries[tests[1]].key_line,
                _join(path, tests[1]),
                f"condition has both {tests[0]} and {tests[1]}; keep only one",
            )
        code = self.code(when, "question", path)
        if code is None:
            return None
        target = self.target(when, code, pending.position, path)
        if target is None or target.type is None or len(tests) != 1:
            return None
        return self.condition_test(when, tests[0], target, target.type, path)

    def target(self, when: _Map, code: str, position: int, path: str) -> _QuestionInfo | None:
        """The question a condition refers to, when it exists and comes earlier."""
        line = when.entries["question"].key_line
        question_path = _join(path, "question")
        target = self.questions_by_code.get(code)
        if target is None:
            nearest = _suggest(code, list(self.questions_by_code))
            hint = (
                f'did you mean "{nearest}"?' if nearest else "give the code of an earlier question"
            )
            self.report(line, question_path, f'no question has code "{code}"; {hint}')
            return None
        if target.position == position:
            self.report(
                line,
                question_path,
                "a question cannot depend on itself; refer to an earlier question",
            )
            return None
        if target.position > position:
            self.report(
                line,
                question_path,
                f'question "{code}" comes later (line {target.line}); a condition may only refer to '
                f'an earlier question, so move "{code}" above this one',
            )
            return None
        return target

    def condition_test(
        self, when: _Map, test: str, target: _QuestionInfo, target_type: QuestionType, path: str
    ) -> Condition | None:
        entry = when.entries[test]
        test_path = _join(path, test)
        if target_type not in SCORED_TYPES:
            self.report(
                when.entries["question"].key_line,
                _join(path, "question"),
                f'question "{target.code}" is a {target_type.value} question, which cannot be a '
                "condition; refer to a yes_no, choice, maturity, number or percentage question",
            )
            return None
        if target_type not in _TYPES_FOR_TEST[test]:
            self.report(
                entry.key_line,
                test_path,
                f'{test} does not apply to {target_type.value} question "{target.code}"; use '
                f"{_TESTS_FOR[target_type]}",
            )
            return None
        if test == "equals":
            if target_type is QuestionType.YES_NO:
                node = entry.value
                if isinstance(node, _Scalar) and isinstance(node.value, bool):
                    return Condition(question=target.code, equals=node.value)
                self.report(
                    entry.key_line,
                    test_path,
                    f'question "{target.code}" is yes_no, so equals must be true or false, got '
                    f"{_describe(node)}",
                )
                return None
            option = self.code_value(entry.value, entry.key_line, test_path, "equals")
            if option is None or not self.known_option(option, target, entry.key_line, test_path):
                return None
            return Condition(question=target.code, equals=option)
        if test == "any_of":
            before = len(self.problems)
            codes = self.codes(when, "any_of", path)
            if not codes:
                if len(self.problems) == before:
                    self.report(
                        entry.key_line, test_path, "any_of is empty; list at least one option code"
                    )
                return None
            known = [self.known_option(code, target, line, where) for code, line, where in codes]
            if not all(known):
                return None
            return Condition(question=target.code, any_of=tuple(code for code, _, _ in codes))
        if target_type is QuestionType.MATURITY:
            at_least = self.number(
                when, "at_least", path, rule="a level from 0 to 5", check=lambda v: 0 <= v <= 5
            )
        elif target_type is QuestionType.PERCENTAGE:
            at_least = self.number(
                when,
                "at_least",
                path,
                rule="a percentage from 0 to 100",
                check=lambda v: 0 <= v <= 100,
            )
        else:
            at_least = self.number(when, "at_least", path)
        if at_least is None:
            return None
        return Condition(question=target.code, at_least=at_least)

    def known_option(self, option: str, target: _QuestionInfo, line: int, path: str) -> bool:
        if option in target.options:
            return True
        # A target without usable options has its own problem already.
        if target.options:
            nearest = _suggest(option, target.options)
            hint = (
                f'did you mean "{nearest}"?'
                if nearest
                else f"use one of: {_one_of(target.options)}"
            )
            self.report(line, path, f'question "{target.code}" has no option "{option}"; {hint}')
        return False

    def check_scored(self, top: _Map) -> None:
        if not self.questions or any(info.type is None for info in self.questions):
            return
        if any(info.scored for info in self.questions):
            return
        self.report(
            top.entries["dimensions"].key_line,
            "dimensions",
            "the framework has no scored question; add at least one yes_no, single_choice, "
            "multiple_choice, maturity, number or percentage question with a positive weight",
        )

    # peer groups, bands, awards

    def peer_groups(self, top: _Map) -> list[PeerGroup]:
        result: list[PeerGroup] = []
        for path, mapping in self.items(top, "peer_groups", "", "peer group"):
            self.keys(mapping, path, "peer group", ("code", "name"), ())
            code = self.code(mapping, "code", path)
            self.unique(mapping, code, path, "peer group", self.group_codes)
            name = self.text(mapping, "name", path)
            if code is not None and name is not None:
                result.append(PeerGroup(code=code, name=name))
        return result

    def bands(self, top: _Map, scale: float | None) -> list[Band]:
        seen: _Seen = {}
        minima: dict[float, int] = {}
        result: list[Band] = []
        complete = True
        if scale is None:
            rule = "a number, 0 or more"
        else:
            rule = f"a number from 0 to {_fmt(scale)} (the output scale)"
        items = self.items(top, "bands", "", "band")
        for path, mapping in items:
            self.keys(mapping, path, "band", ("code", "name", "minimum"), ())
            code = self.code(mapping, "code", path)
            self.unique(mapping, code, path, "band", seen)
            name = self.text(mapping, "name", path)
            minimum = self.number(
                mapping,
                "minimum",
                path,
                rule=rule,
                check=lambda v: v >= 0 and (scale is None or v <= scale),
            )
            if minimum is None:
                complete = False
            else:
                line = mapping.entries["minimum"].key_line
                first = minima.get(minimum)
                if first is not None:
                    self.report(
                        line,
                        _join(path, "minimum"),
                        f"another band (line {first}) already has minimum {_fmt(minimum)}; give "
                        "each band its own minimum",
                    )
                else:
                    minima[minimum] = line
            if code is not None and name is not None and minimum is not None:
                result.append(Band(code=code, name=name, minimum=minimum))
        if items and complete and 0.0 not in minima:
            self.report(
                top.entries["bands"].key_line,
                "bands",
                "no band has minimum 0, so a low total would fall in no band; give the lowest "
                'band "minimum: 0"',
            )
        return result

    def awards(self, top: _Map, scale: float | None) -> list[AwardRule]:
        seen: _Seen = {}
        result: list[AwardRule] = []
        declared = top.entries.get("peer_groups")
        groups_declared = (
            declared is not None and isinstance(declared.value, _Seq) and bool(declared.value.items)
        )
        if scale is None:
            floor_rule = "a number, 0 or more"
        else:
            floor_rule = f"a number from 0 to {_fmt(scale)} (the output scale)"
        for path, mapping in self.items(top, "awards", "", "award"):
            self.keys(
                mapping,
                path,
                "award",
                ("code", "kind", "top"),
                (
                    "name",
                    "description",
                    "per_group",
                    "groups",
                    "floor",
                    "dimensions",
                    "tie_break",
                    "ties",
                    "near_misses",
                ),
            )
            code = self.code(mapping, "code", path)
            self.unique(mapping, code, path, "award", seen)
            name = self.text(mapping, "name", path)
            description = self.text(mapping, "description", path)
            kind = self.choice(mapping, "kind", path, _AWARD_KINDS)
            top_count = self.integer(
                mapping, "top", path, rule="a whole number, 1 or more", check=lambda v: v >= 1
            )
            per_group = self.boolean(mapping, "per_group", path)
            if per_group and not groups_declared:
                self.report(
                    mapping.entries["per_group"].key_line,
                    _join(path, "per_group"),
                    "per_group needs peer groups, but the framework declares none; add "
                    "peer_groups or remove per_group",
                )
            groups = self.codes(mapping, "groups", path)
            self.references(groups, self.group_codes, "peer group", "peer_groups")
            floor = self.number(
                mapping,
                "floor",
                path,
                rule=floor_rule,
                check=lambda v: v >= 0 and (scale is None or v <= scale),
            )
            dimensions = self.codes(mapping, "dimensions", path)
            if "dimensions" in mapping.entries and kind is not None and kind != "best_dimension":
                self.report(
                    mapping.entries["dimensions"].key_line,
                    _join(path, "dimensions"),
                    f'"dimensions" is only used by best_dimension awards, not {kind}; remove it',
                )
            else:
                self.references(dimensions, self.dimension_codes, "dimension", "dimensions")
            tie_break = self.tie_breaks(mapping, path)
            ties = self.choice(mapping, "ties", path, _TIES)
            near_misses = self.integer(
                mapping,
                "near_misses",
                path,
                rule="a whole number, 0 or more",
                check=lambda v: v >= 0,
            )
            if code is None or kind is None or top_count is None:
                continue
            result.append(
                AwardRule(
                    code=code,
                    # The format's own example leaves out an award's name: show the code.
                    name=name or Bilingual(code, code),
                    kind=kind,
                    top=top_count,
                    per_group=bool(per_group),
                    groups=tuple(group for group, _, _ in groups),
                    floor=floor,
                    dimensions=tuple(dimension for dimension, _, _ in dimensions),
                    tie_break=tuple(tie_break),
                    ties=ties or "share",
                    near_misses=DEFAULT_NEAR_MISSES if near_misses is None else near_misses,
                    description=description,
                )
            )
        return result

    def tie_breaks(self, award: _Map, path: str) -> list[str]:
        entry = award.entries.get("tie_break")
        if entry is None:
            return []
        key_path = _join(path, "tie_break")
        node = entry.value
        if not isinstance(node, _Seq):
            self.report(
                entry.key_line,
                key_path,
                f"tie_break must be a list like [total, gain], got {_describe(node)}",
            )
            return []
        allowed = f"{_one_of(_TIE_BREAKS)} or {_DIMENSION_TIE_BREAK}<code>"
        result: list[str] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(node.items):
            item_path = f"{key_path}[{index}]"
            text = _as_string(item)
            if text is None:
                self.report(
                    item.line, item_path, f"each tie-break must be {allowed}, got {_describe(item)}"
                )
                continue
            if text in seen:
                self.report(
                    item.line,
                    item_path,
                    f'"{text}" is listed twice (also at line {seen[text]}); remove one',
                )
                continue
            seen[text] = item.line
            if text in _TIE_BREAKS:
                result.append(text)
                continue
            if text.startswith(_DIMENSION_TIE_BREAK):
                dimension = text[len(_DIMENSION_TIE_BREAK) :]
                before = len(self.problems)
                self.references(
                    [(dimension, item.line, item_path)],
                    self.dimension_codes,
                    "dimension",
                    "dimensions",
                )
                if len(self.problems) == before:
                    result.append(text)
                continue
            choices = [
                *_TIE_BREAKS,
                *(_DIMENSION_TIE_BREAK + code for code in self.dimension_codes),
            ]
            nearest = _suggest(text, choices)
            hint = f'did you mean "{nearest}"?' if nearest else f"use {allowed}"
            self.report(item.line, item_path, f'unknown tie-break "{text}"; {hint}')
        return result


def _with_conditions(
    dimensions: Sequence[Dimension], conditions: Mapping[int, Condition]
) -> tuple[Dimension, ...]:
    """The dimensions with each question's condition set, questions counted in file order."""
    if not conditions:
        return tuple(dimensions)
    position = 0
    result: list[Dimension] = []
    for dimension in dimensions:
        indicators: list[Indicator] = []
        for indicator in dimension.indicators:
            questions: list[Question] = []
            for question in indicator.questions:
                condition = conditions.get(position)
                questions.append(
                    question if condition is None else replace(question, condition=condition)
                )
                position += 1
            indicators.append(replace(indicator, questions=tuple(questions)))
        result.append(replace(dimension, indicators=tuple(indicators)))
    return tuple(result)


# --- entry points ------------------------------------------------------------------------


def _syntax_problem(error: yaml.MarkedYAMLError) -> tuple[int | None, str]:
    """The line and message for a YAML syntax error."""
    mark = error.problem_mark or error.context_mark
    line = int(mark.line) + 1 if mark is not None else None
    problem = error.problem or ""
    context = error.context or ""
    if problem.startswith("but ") and context:
        # The composer splits one sentence: "expected a single document", "but found ...".
        message = f"YAML syntax error: {context}, {problem}"
    else:
        message = f"YAML syntax error: {problem or context or 'invalid YAML'}"
        if problem and context and error.context_mark is not None:
            message += f" ({context} at line {int(error.context_mark.line) + 1})"
    if "\\t" in problem:
        message += "; indent with spaces, not tabs"
    elif "another document" in problem:
        message += '; a framework file holds one document, so remove the extra "---"'
    else:
        message += "; check the indentation, colons and quotes on this line and the one before"
    return line, message


def _check(text: str, source: str) -> tuple[Framework | None, list[FrameworkProblem]]:
    """The framework in ``text`` (None when there is any problem) and every problem found."""
    checker = _Checker(source)
    try:
        document = _compose(text)
    except yaml.MarkedYAMLError as error:
        line, message = _syntax_problem(error)
        checker.report(line, "", message)
        return None, checker.problems
    except yaml.YAMLError as error:
        checker.report(None, "", f"the file is not valid YAML: {error}")
        return None, checker.problems
    root = None if document is None else _TreeBuilder(checker.report).build(document, "")
    framework = checker.framework(root)
    # Conditions and references are checked after the walk: list problems in file order.
    problems = sorted(checker.problems, key=lambda problem: problem.line or 0)
    if problems:
        return None, problems
    return framework, problems


def _read(path: str | Path) -> tuple[str | None, FrameworkProblem | None]:
    """The text of a framework file, or the problem that kept it from being read."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        return None, FrameworkProblem(
            source, None, "", f"cannot read the file ({reason}); check the path"
        )
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, FrameworkProblem(
            source, line, "", "the file is not UTF-8 text; save it as UTF-8"
        )


# libyaml's composer is about ten times faster than the pure-Python one and gives the same
# nodes and marks; PyYAML's wheels ship it, a source build may not.
_COMPOSER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_COMPOSER)
    except yaml.YAMLError:
        if _COMPOSER is yaml.SafeLoader:
            raise
        # The pure-Python composer words syntax errors better: let it raise.
        return yaml.compose(text, Loader=yaml.SafeLoader)


def load_framework_text(text: str, source: str = "<string>") -> Framework:
    """The framework described by the YAML ``text``; ``source`` names it in problems.

    Raises ``FrameworkError`` listing every problem when anything is wrong.
    """
    framework, problems = _check(text, source)
    if framework is None:
        raise FrameworkError(problems, source)
    return framework


def load_framework(path: str | Path) -> Framework:
    """The framework in the YAML file at ``path``.

    Raises ``FrameworkError`` listing every problem (file, line, path, message) when
    anything is wrong; nothing is loaded then.
    """
    text, problem = _read(path)
    if text is None:
        assert problem is not None
        raise FrameworkError([problem], str(path))
    return load_framework_text(text, str(path))


def validate_framework_file(path: str | Path) -> list[FrameworkProblem]:
    """Every problem with the framework file at ``path``, in file order; empty when it is fine."""
    text, problem = _read(path)
    if text is None:
        assert problem is not None
        return [problem]
    return _check(text, str(path))[1]
