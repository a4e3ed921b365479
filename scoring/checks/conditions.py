"""Checks of conditions (``when``): the question they test exists, comes earlier, and the
test suits its type."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Final

from scoring.checks.questions import PendingCondition, QuestionInfo, QuestionsSeen
from scoring.checks.values import Reader, describe, nearest_or
from scoring.checks.yaml_tree import Map, Scalar, join
from scoring.model import SCORED_TYPES, Condition, Dimension, Indicator, Question, QuestionType

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
# The rule of at_least by the type of question tested; others take any number.
_AT_LEAST: Final[dict[QuestionType, tuple[str, Callable[[float], bool]]]] = {
    QuestionType.MATURITY: ("a level from 0 to 5", lambda v: 0 <= v <= 5),
    QuestionType.PERCENTAGE: ("a percentage from 0 to 100", lambda v: 0 <= v <= 100),
}


def read_conditions(reader: Reader, seen: QuestionsSeen) -> dict[int, Condition]:
    """The condition of each question that has a valid one, by question position."""
    read = {pending.position: _condition(reader, pending, seen) for pending in seen.pending}
    return {position: c for position, c in read.items() if c is not None}


def _condition(reader: Reader, pending: PendingCondition, seen: QuestionsSeen) -> Condition | None:
    path = pending.path
    when = reader.expect_map(
        pending.entry.value,
        pending.entry.key_line,
        path,
        "when",
        "{question: POL-01-0, equals: true}",
    )
    if when is None:
        return None
    reader.keys(when, path, "condition", ("question",), _CONDITION_TESTS)
    tests = [test for test in _CONDITION_TESTS if test in when.entries]
    if not tests:
        reader.report(
            when.line,
            path,
            'condition has no test; add "equals: ...", "any_of: [...]" or "at_least: <number>"',
        )
    elif len(tests) > 1:
        reader.report(
            when.entries[tests[1]].key_line,
            join(path, tests[1]),
            f"condition has both {tests[0]} and {tests[1]}; keep only one",
        )
    code = reader.code(when, "question", path)
    if code is None:
        return None
    target = _target(reader, when, code, pending.position, path, seen)
    if target is None or target.type is None or len(tests) != 1:
        return None
    return _test(reader, when, tests[0], target, target.type, path)


def _target(
    reader: Reader, when: Map, code: str, position: int, path: str, seen: QuestionsSeen
) -> QuestionInfo | None:
    """The question a condition refers to, when it exists and comes earlier."""
    line = when.entries["question"].key_line
    question_path = join(path, "question")
    target = seen.by_code.get(code)
    if target is None:
        hint = nearest_or(code, list(seen.by_code), "give the code of an earlier question")
        reader.report(line, question_path, f'no question has code "{code}"; {hint}')
    elif target.position == position:
        reader.report(
            line, question_path, "a question cannot depend on itself; refer to an earlier question"
        )
    elif target.position > position:
        reader.report(
            line,
            question_path,
            f'question "{code}" comes later (line {target.line}); a condition may only refer to '
            f'an earlier question, so move "{code}" above this one',
        )
    else:
        return target
    return None


def _test(
    reader: Reader, when: Map, test: str, target: QuestionInfo, target_type: QuestionType, path: str
) -> Condition | None:
    entry = when.entries[test]
    test_path = join(path, test)
    if target_type not in SCORED_TYPES:
        reader.report(
            when.entries["question"].key_line,
            join(path, "question"),
            f'question "{target.code}" is a {target_type.value} question, which cannot be a '
            "condition; refer to a yes_no, choice, maturity, number or percentage question",
        )
        return None
    if target_type not in _TYPES_FOR_TEST[test]:
        reader.report(
            entry.key_line,
            test_path,
            f'{test} does not apply to {target_type.value} question "{target.code}"; use '
            f"{_TESTS_FOR[target_type]}",
        )
        return None
    if test == "equals" and target_type is QuestionType.YES_NO:
        node = entry.value
        if isinstance(node, Scalar) and isinstance(node.value, bool):
            return Condition(question=target.code, equals=node.value)
        reader.report(
            entry.key_line,
            test_path,
            f'question "{target.code}" is yes_no, so equals must be true or false, got '
            f"{describe(node)}",
        )
        return None
    if test == "equals":
        option = reader.code_value(entry.value, entry.key_line, test_path, "equals")
        if option is None or not _known_option(reader, option, target, entry.key_line, test_path):
            return None
        return Condition(question=target.code, equals=option)
    if test == "any_of":
        before = len(reader.problems)
        codes = reader.codes(when, "any_of", path)
        if not codes:
            if len(reader.problems) == before:
                reader.report(
                    entry.key_line, test_path, "any_of is empty; list at least one option code"
                )
            return None
        known = [_known_option(reader, code, target, line, where) for code, line, where in codes]
        return Condition(target.code, any_of=tuple(c for c, _, _ in codes)) if all(known) else None
    rule, check = _AT_LEAST.get(target_type, ("a number", None))
    at_least = reader.number(when, "at_least", path, rule, check)
    return None if at_least is None else Condition(question=target.code, at_least=at_least)


def _known_option(reader: Reader, option: str, target: QuestionInfo, line: int, path: str) -> bool:
    if option in target.options:
        return True
    # A target without usable options has its own problem already.
    if target.options:
        hint = nearest_or(option, target.options, f"use one of: {', '.join(target.options)}")
        reader.report(line, path, f'question "{target.code}" has no option "{option}"; {hint}')
    return False


def with_conditions(
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
