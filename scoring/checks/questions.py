"""Checks of questions: their type, keys, options, maturity levels, bounds and thresholds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from scoring.checks.values import (
    Reader,
    Seen,
    describe,
    fmt,
    literal_choices,
    not_negative,
    positive,
)
from scoring.checks.yaml_tree import Entry, Map, Seq, join
from scoring.model import (
    MATURITY_LEVELS,
    SCORED_TYPES,
    Bilingual,
    Evidence,
    Option,
    Question,
    QuestionType,
    Threshold,
    WhenHidden,
)

DEFAULT_WEIGHT: Final = 1.0

_QUESTION_TYPES: Final[dict[str, QuestionType]] = {t.value: t for t in QuestionType}
_EVIDENCE: Final[dict[str, Evidence]] = literal_choices(Evidence)
_WHEN_HIDDEN: Final[dict[str, WhenHidden]] = literal_choices(WhenHidden)
_LEVEL_KEY_RE: Final = re.compile(r"[0-9]+")
# Column names of the answers files (phrom score-file, phrom answers import) and of a
# RESULTS.csv read as --previous: a question of that code would be read twice or not at all.
RESERVED_QUESTION_CODES: Final = ("agency", "name", "group", "total")

_QUESTION_OPTIONAL: Final = tuple("help weight evidence allow_na required when when_hidden".split())
# Keys that only some question types use (the other types use none of them).
_TYPE_KEYS: Final[dict[QuestionType, tuple[str, ...]]] = {
    QuestionType.SINGLE_CHOICE: ("options",),
    QuestionType.MULTIPLE_CHOICE: ("options", "cap"),
    QuestionType.MATURITY: ("levels",),
    QuestionType.NUMBER: ("minimum", "maximum", "unit", "thresholds", "whole"),
    QuestionType.PERCENTAGE: ("thresholds",),
}
_ALL_TYPE_KEYS: Final = tuple(dict.fromkeys(key for keys in _TYPE_KEYS.values() for key in keys))


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """What conditions need to know about a question, even one with other problems."""

    code: str
    type: QuestionType | None
    options: tuple[str, ...]
    position: int
    line: int
    scored: bool


@dataclass(frozen=True, slots=True)
class PendingCondition:
    """A ``when`` to check once every question is known."""

    position: int
    entry: Entry
    path: str


@dataclass(slots=True)
class QuestionsSeen:
    """The questions read so far, in file order, and their conditions still to check."""

    infos: list[QuestionInfo] = field(default_factory=list)
    by_code: dict[str, QuestionInfo] = field(default_factory=dict)
    codes: Seen = field(default_factory=dict)
    pending: list[PendingCondition] = field(default_factory=list)
    count: int = 0


def _misplaced(key: str, question_type: QuestionType) -> str:
    users = " and ".join(t.value for t, keys in _TYPE_KEYS.items() if key in keys)
    return (
        f'"{key}" is not used by {question_type.value} questions (only by {users}); '
        "remove it or change the type"
    )


def read_question(reader: Reader, mapping: Map, path: str, seen: QuestionsSeen) -> Question | None:
    """The question at ``path``; None when it has a problem (reported)."""
    position = seen.count
    seen.count += 1
    question_type = reader.choice(mapping, "type", path, _QUESTION_TYPES)
    misplaced: dict[str, str] | None = None
    extra: tuple[str, ...] = _ALL_TYPE_KEYS
    if question_type is not None:
        extra = _TYPE_KEYS.get(question_type, ())
        misplaced = {
            key: _misplaced(key, question_type) for key in _ALL_TYPE_KEYS if key not in extra
        }
    code, text = reader.coded(
        mapping, path, "question", seen.codes, ("code", "type", "text"),
        (*_QUESTION_OPTIONAL, *extra), "text", misplaced,
    )
    if code in RESERVED_QUESTION_CODES:
        reader.report(
            mapping.entries["code"].key_line,
            join(path, "code"),
            f'question code "{code}" is the name of a column of answers and results files '
            f"({', '.join(RESERVED_QUESTION_CODES)}), so its answers could not be told "
            f'apart; choose another code, e.g. "{code}-1"',
        )
    help_text = reader.text(mapping, "help", path)
    weight = reader.number(mapping, "weight", path, rule="a number, 0 or more", check=not_negative)
    evidence = reader.choice(mapping, "evidence", path, _EVIDENCE)
    allow_na = reader.boolean(mapping, "allow_na", path)
    required = reader.boolean(mapping, "required", path)
    when_hidden = reader.choice(mapping, "when_hidden", path, _WHEN_HIDDEN)

    options: list[Option] = []
    option_codes: list[str] = []
    cap: float | None = None
    levels: tuple[Bilingual, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unit: Bilingual | None = None
    whole: bool | None = None
    if question_type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        assert question_type is not None
        options, option_codes = _options(reader, mapping, path, question_type)
    if question_type is QuestionType.MULTIPLE_CHOICE:
        cap = reader.number(mapping, "cap", path, rule="a positive number", check=positive)
    elif question_type is QuestionType.MATURITY:
        levels = _levels(reader, mapping, path)
    elif question_type is QuestionType.NUMBER:
        minimum, maximum, unit = _bounds(reader, mapping, path)
        thresholds = _thresholds(reader, mapping, path, question_type, maximum)
        whole = reader.boolean(mapping, "whole", path)
    elif question_type is QuestionType.PERCENTAGE:
        thresholds = _thresholds(reader, mapping, path, question_type, None)

    if code is not None:
        # An unusable weight counts as scored so that it is not reported twice.
        scored = question_type in SCORED_TYPES and (weight is None or weight > 0)
        info = QuestionInfo(
            code, question_type, tuple(option_codes), position, mapping.line, scored
        )
        seen.infos.append(info)
        seen.by_code.setdefault(code, info)
    when = mapping.entries.get("when")
    if when is not None:
        seen.pending.append(PendingCondition(position, when, join(path, "when")))

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
        whole=bool(whole),
    )


def _options(
    reader: Reader, question: Map, path: str, question_type: QuestionType
) -> tuple[list[Option], list[str]]:
    """The options of a choice question, and the codes of all options with a valid code."""
    entry = question.entries.get("options")
    if entry is None:
        reader.report(
            question.line,
            path,
            f'{question_type.value} question has no options; add "options:" with at least 2 '
            "options, each {code, label, points}",
        )
        return [], []
    seen: Seen = {}
    options: list[Option] = []
    codes: list[str] = []
    points_found: list[float | None] = []
    for option_path, mapping in reader.items(question, "options", path, "option", minimum=2):
        code, label = reader.coded(
            mapping, option_path, "option", seen, ("code", "label", "points"), name="label"
        )
        points = reader.number(mapping, "points", option_path)
        points_found.append(points)
        if code is not None:
            codes.append(code)
        if code is not None and label is not None and points is not None:
            options.append(Option(code=code, label=label, points=points))
    reader.some_points(entry.key_line, join(path, "options"), "option", points_found)
    return options, codes


def _levels(reader: Reader, question: Map, path: str) -> tuple[Bilingual, ...]:
    """The six level descriptions of a maturity question, or () when any is wrong."""
    entry = question.entries.get("levels")
    if entry is None:
        reader.report(
            question.line,
            path,
            'maturity question has no levels; add "levels:" with a description for each '
            "level 0 to 5",
        )
        return ()
    levels_path = join(path, "levels")
    found: dict[int, Bilingual] = {}
    node = entry.value
    if isinstance(node, Map):
        present: set[int] = set()
        for key, item in node.entries.items():
            item_path = f"{levels_path}[{key}]"
            level = int(key) if _LEVEL_KEY_RE.fullmatch(key) else None
            if level is None or level >= MATURITY_LEVELS or level in present:
                reader.report(
                    item.key_line,
                    item_path,
                    f'"{key}" is not a maturity level; number the levels 0 to 5, once each',
                )
                continue
            present.add(level)
            text = reader.bilingual(item.value, item.key_line, item_path, f"level {level}")
            if text is not None:
                found[level] = text
        missing = [level for level in range(MATURITY_LEVELS) if level not in present]
        if missing:
            noun = "level" if len(missing) == 1 else "levels"
            listed = ", ".join(str(level) for level in missing)
            reader.report(
                entry.key_line,
                levels_path,
                f"maturity question has no description for {noun} {listed}; add "
                f'"{missing[0]}: {{th: ..., en: ...}}" under levels for each',
            )
    elif isinstance(node, Seq):
        if len(node.items) != MATURITY_LEVELS:
            reader.report(
                entry.key_line,
                levels_path,
                f"levels lists {len(node.items)} descriptions; a maturity question needs "
                f"exactly {MATURITY_LEVELS}, for levels 0 to 5",
            )
        for level, described in enumerate(node.items[:MATURITY_LEVELS]):
            text = reader.bilingual(
                described, described.line, f"{levels_path}[{level}]", f"level {level}"
            )
            if text is not None:
                found[level] = text
    else:
        reader.report(
            entry.key_line,
            levels_path,
            "levels must be a mapping like {0: ..., 1: ..., 5: ...}, got " + describe(node),
        )
    if len(found) < MATURITY_LEVELS:
        return ()
    return tuple(found[level] for level in range(MATURITY_LEVELS))


def _bounds(
    reader: Reader, question: Map, path: str
) -> tuple[float | None, float | None, Bilingual | None]:
    minimum = reader.number(question, "minimum", path)
    maximum = reader.number(question, "maximum", path)
    unit = reader.text(question, "unit", path)
    if minimum is not None and maximum is not None and minimum >= maximum:
        reader.report(
            question.entries["maximum"].key_line,
            join(path, "maximum"),
            f"maximum ({fmt(maximum)}) must be greater than minimum ({fmt(minimum)}); "
            "fix one of them",
        )
    if "thresholds" not in question.entries:
        missing = [key for key in ("minimum", "maximum") if key not in question.entries]
        if missing:
            adds = " and ".join(f'"{key}: <number>"' for key in missing)
            reader.report(
                question.line,
                path,
                f"number question has no {' or '.join(missing)}; without thresholds it is "
                f"scored linearly from minimum to maximum, so add {adds}, or add thresholds",
            )
    return minimum, maximum, unit


def _thresholds(
    reader: Reader, question: Map, path: str, question_type: QuestionType, maximum: float | None
) -> tuple[Threshold, ...]:
    entry = question.entries.get("thresholds")
    if entry is None:
        return ()
    percent = question_type is QuestionType.PERCENTAGE
    rule = "a percentage from 0 to 100" if percent else "a number"
    result: list[Threshold] = []
    points_found: list[float | None] = []
    highest: tuple[float, int] | None = None
    for threshold_path, mapping in reader.items(
        question, "thresholds", path, "threshold", minimum=1
    ):
        reader.keys(mapping, threshold_path, "threshold", ("at_least", "points"), ())
        at_least = reader.number(
            mapping,
            "at_least",
            threshold_path,
            rule=rule,
            check=(lambda v: 0 <= v <= 100) if percent else None,
        )
        points = reader.number(mapping, "points", threshold_path)
        points_found.append(points)
        if at_least is not None:
            line = mapping.entries["at_least"].key_line
            at_path = join(threshold_path, "at_least")
            if highest is not None and at_least == highest[0]:
                reader.report(
                    line,
                    at_path,
                    f"at_least {fmt(at_least)} is repeated (also at line {highest[1]}); "
                    "give each threshold its own at_least",
                )
            elif highest is not None and at_least < highest[0]:
                reader.report(
                    line,
                    at_path,
                    f"thresholds must go from lowest to highest at_least, but {fmt(at_least)} "
                    f"comes after {fmt(highest[0])} (line {highest[1]}); reorder them",
                )
            else:
                highest = (at_least, line)
            if maximum is not None and at_least > maximum:
                reader.report(
                    line,
                    at_path,
                    f"at_least {fmt(at_least)} is above maximum {fmt(maximum)}, so this "
                    "threshold can never be reached; lower it or raise maximum",
                )
        if at_least is not None and points is not None:
            result.append(Threshold(at_least=at_least, points=points))
    reader.some_points(entry.key_line, join(path, "thresholds"), "threshold", points_found)
    return tuple(result)
