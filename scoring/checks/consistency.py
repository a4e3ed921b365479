"""Checks of consistency rules: answers that must not go together (screened by
``scoring.integrity``, never scored)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from scoring.checks.values import Reader, Seen
from scoring.checks.yaml_tree import Map, join
from scoring.model import ConsistencyRule, Dimension, Question, QuestionType

_REQUIRED: Final = ("code", "question", "any_of", "excludes_question", "excludes")
_OPTIONAL: Final = ("message",)
_CHOICE_TYPES: Final = (
    QuestionType.YES_NO,
    QuestionType.SINGLE_CHOICE,
    QuestionType.MULTIPLE_CHOICE,
)
YES_NO_OPTIONS: Final = ("yes", "no")


def _side(
    reader: Reader,
    mapping: Map,
    path: str,
    question_key: str,
    options_key: str,
    questions: Mapping[str, Question],
) -> tuple[str, tuple[str, ...]] | None:
    """One side of a rule: a choice question's code and some of its option codes."""
    code = reader.code(mapping, question_key, path)
    options = reader.codes(mapping, options_key, path)
    if code is None:
        return None
    entry = mapping.entries[question_key]
    question = questions.get(code)
    if question is None:
        reader.report(
            entry.key_line,
            join(path, question_key),
            f'no question has code "{code}"; give the code of a yes/no, single or multiple '
            "choice question of this framework",
        )
        return None
    if question.type not in _CHOICE_TYPES:
        reader.report(
            entry.key_line,
            join(path, question_key),
            f'question "{code}" is {question.type.value}; a consistency rule compares the '
            "options of yes/no, single and multiple choice questions",
        )
        return None
    allowed = (
        YES_NO_OPTIONS
        if question.type is QuestionType.YES_NO
        else tuple(o.code for o in question.options)
    )
    if not options and options_key in mapping.entries:
        reader.report(
            mapping.entries[options_key].key_line,
            join(path, options_key),
            f"{options_key} lists no option; give at least one of {', '.join(allowed)}",
        )
        return None
    good = True
    for option, line, option_path in options:
        if option not in allowed:
            quoted = ' (write "yes" and "no" in quotes)' if allowed == YES_NO_OPTIONS else ""
            reader.report(
                line,
                option_path,
                f'question "{code}" has no option "{option}"; its options are '
                f"{', '.join(allowed)}{quoted}",
            )
            good = False
    return (code, tuple(o for o, _, _ in options)) if good and options else None


def read_consistency(
    reader: Reader, top: Map, dimensions: list[Dimension]
) -> list[ConsistencyRule]:
    questions = {q.code: q for d in dimensions for i in d.indicators for q in i.questions}
    seen: Seen = {}
    rules: list[ConsistencyRule] = []
    for path, mapping in reader.items(top, "consistency", "", "consistency rule"):
        reader.keys(mapping, path, "consistency rule", _REQUIRED, _OPTIONAL)
        code = reader.code(mapping, "code", path)
        reader.unique(mapping, code, path, "consistency rule", seen)
        first = _side(reader, mapping, path, "question", "any_of", questions)
        second = _side(reader, mapping, path, "excludes_question", "excludes", questions)
        message = reader.text(mapping, "message", path)
        if code is None or first is None or second is None:
            continue
        rules.append(
            ConsistencyRule(
                code=code,
                question=first[0],
                options=first[1],
                excludes_question=second[0],
                excludes=second[1],
                message=message,
            )
        )
    return rules
