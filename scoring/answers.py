"""Answers: parsing and checking one answer.

One answer is an :data:`AnswerValue`: ``True``/``False`` for yes/no, an option code for a
single choice, a tuple of option codes (in the framework's option order) for a multiple
choice, a float for maturity levels, numbers and percentages, a string for text, URL and
file questions, or :data:`NOT_APPLICABLE`. ``None`` means unanswered.

:func:`scoring.matrix.encode_answers` turns the answers of every agency into an
``AnswerMatrix``, the numeric form the engine scores in one go.
"""

from __future__ import annotations

import enum
import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from scoring.model import SCORED_TYPES, Question, QuestionType


class NotApplicable(enum.Enum):
    """The type of :data:`NOT_APPLICABLE`; a one-member enum, so it pickles as itself."""

    NOT_APPLICABLE = "not_applicable"

    def __repr__(self) -> str:
        return "NOT_APPLICABLE"


NOT_APPLICABLE: Final = NotApplicable.NOT_APPLICABLE
"""The agency answered "not applicable" (only accepted where ``Question.allow_na``)."""

AnswerValue = bool | str | float | tuple[str, ...] | NotApplicable

# Words accepted in spreadsheet cells (compared after strip() and casefold()).
NA_WORDS: Final = frozenset({"na", "n/a", "n.a.", "n.a", "not applicable", "ไม่เกี่ยวข้อง"})
YES_WORDS: Final = frozenset({"yes", "y", "true", "t", "1", "ใช่", "มี"})
NO_WORDS: Final = frozenset({"no", "n", "false", "f", "0", "ไม่ใช่", "ไม่มี"})
# A multiple-choice cell holding one of these (when it is not an option code) means
# "answered, none of the options chosen"; an empty cell means unanswered.
NONE_CHOSEN_WORDS: Final = frozenset({"-", "none", "ไม่มี"})

MAX_MULTIPLE_OPTIONS: Final = 52  # a bitmask of option indexes must stay exact in float64

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f_]+")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_PLAIN = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_MULTI_SEPARATORS = re.compile(r"[;|,\n]")
_NOT_A_LEVEL: Final = "is not a maturity level; write a whole number from 0 to 5"


class InvalidAnswer(ValueError):
    """An answer that cannot be accepted; ``message`` says what to write instead."""

    def __init__(self, question: str, message: str, agency: str | None = None) -> None:
        self.question = question
        self.message = message
        self.agency = agency
        where = f"{agency}: {question}" if agency else question
        super().__init__(f"{where}: {message}")


def _fmt(x: float) -> str:
    return str(int(x)) if x == int(x) and abs(x) < 1e15 else f"{x:.10g}"


def _codes(question: Question) -> str:
    return ", ".join(o.code for o in question.options)


def _not_applicable(question: Question, raw: object) -> NotApplicable:
    if not question.allow_na:
        raise InvalidAnswer(
            question.code,
            f"{raw!r}: this question cannot be answered 'not applicable'; give an answer "
            "or leave the cell empty",
        )
    return NOT_APPLICABLE


def _parse_number(question: Question, raw: str) -> float:
    text = _SPACES.sub("", raw.translate(_THAI_DIGITS))
    if question.type is QuestionType.PERCENTAGE and text.endswith("%"):
        text = text[:-1]
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if _PLAIN.match(text):
        return float(text)
    if question.type is QuestionType.MATURITY:
        raise InvalidAnswer(question.code, f"{raw!r} {_NOT_A_LEVEL}")
    if "," in text:
        raise InvalidAnswer(
            question.code,
            f"{raw!r} is not a number; use '.' for decimals and ',' only between groups "
            "of three digits (1,234.5)",
        )
    what = "a percentage" if question.type is QuestionType.PERCENTAGE else "a number"
    raise InvalidAnswer(question.code, f"{raw!r} is not {what}; write digits only, like 1234.5")


def _check_number(question: Question, value: float, raw: object) -> float:
    if not math.isfinite(value):
        raise InvalidAnswer(question.code, f"{raw!r} is not a finite number")
    t = question.type
    if t is QuestionType.MATURITY:
        if value != int(value) or not 0 <= value <= 5:
            raise InvalidAnswer(question.code, f"{raw!r} {_NOT_A_LEVEL}")
        return float(value)
    if t is QuestionType.PERCENTAGE and not 0 <= value <= 100:
        raise InvalidAnswer(
            question.code, f"{_fmt(value)} is not a percentage; write a value from 0 to 100"
        )
    if question.whole and value != int(value):
        raise InvalidAnswer(
            question.code,
            f"{_fmt(value)} is not a whole number; this question counts whole units, so write "
            "a whole number without decimals",
        )
    if question.minimum is not None and value < question.minimum:
        raise InvalidAnswer(
            question.code,
            f"{_fmt(value)} is below the minimum {_fmt(question.minimum)}; check the value",
        )
    if question.maximum is not None and value > question.maximum:
        raise InvalidAnswer(
            question.code,
            f"{_fmt(value)} is above the maximum {_fmt(question.maximum)}; check the value",
        )
    return float(value)


def _option_code(question: Question, code: str) -> str:
    if question.option(code) is not None:
        return code
    folded = code.casefold()
    matches = [o.code for o in question.options if o.code.casefold() == folded]
    if len(matches) == 1:
        return matches[0]
    if question.type is QuestionType.MULTIPLE_CHOICE:
        use = f"use codes from: {_codes(question)}, separated by ';'"
    else:
        use = f"use one of: {_codes(question)}"
    raise InvalidAnswer(question.code, f"{code!r} is not an option; {use}")


def _multiple(question: Question, codes: Iterable[str], raw: object) -> tuple[str, ...]:
    chosen: set[str] = set()
    for code in codes:
        if not isinstance(code, str):
            raise InvalidAnswer(question.code, f"{code!r} in {raw!r} is not an option code")
        code = code.strip()
        if not code:
            continue
        chosen.add(_option_code(question, code))
    return tuple(o.code for o in question.options if o.code in chosen)


def _check_url(question: Question, text: str) -> str:
    if question.type is QuestionType.URL and not re.match(r"^https?://\S+$", text):
        raise InvalidAnswer(question.code, f"{text!r} is not a web address; start it with https://")
    return text


def parse_answer(question: Question, raw: str) -> AnswerValue | None:
    """Read one spreadsheet or CSV cell. An empty cell is ``None`` (unanswered).

    Raises :class:`InvalidAnswer` saying what to write instead.
    """
    text = raw.strip()
    if not text:
        return None
    folded = text.casefold()
    t = question.type
    if folded in NA_WORDS and (question.allow_na or t not in (QuestionType.TEXT,)):
        return _not_applicable(question, text)
    if t is QuestionType.YES_NO:
        word = folded.translate(_THAI_DIGITS)
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        raise InvalidAnswer(question.code, f"{text!r} is not yes or no; write yes, no, ใช่ or ไม่ใช่")
    if t is QuestionType.SINGLE_CHOICE:
        return _option_code(question, text)
    if t is QuestionType.MULTIPLE_CHOICE:
        if question.option(text) is None and folded in NONE_CHOSEN_WORDS:
            return ()
        return _multiple(question, _MULTI_SEPARATORS.split(text), text)
    if t in (QuestionType.MATURITY, QuestionType.NUMBER, QuestionType.PERCENTAGE):
        return _check_number(question, _parse_number(question, text), text)
    return _check_url(question, text)


def check_answer(question: Question, value: object) -> AnswerValue | None:
    """Validate a typed value (from the database or JSON); strings are parsed as cells.

    Returns the normalised value (floats for numbers, option tuples in option order).
    """
    if value is None:
        return None
    if value is NOT_APPLICABLE:
        return _not_applicable(question, "not applicable")
    t = question.type
    if isinstance(value, str):
        if t in (QuestionType.TEXT, QuestionType.URL, QuestionType.FILE):
            text = value.strip()
            return _check_url(question, text) if text else None
        return parse_answer(question, value)
    if t is QuestionType.YES_NO:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise InvalidAnswer(question.code, f"{value!r} is not yes or no; use true or false")
    if t is QuestionType.MULTIPLE_CHOICE:
        if isinstance(value, (list, tuple, set, frozenset)):
            return _multiple(question, value, value)
        raise InvalidAnswer(
            question.code, f"{value!r} is not a list of option codes ({_codes(question)})"
        )
    if t in (QuestionType.MATURITY, QuestionType.NUMBER, QuestionType.PERCENTAGE):
        if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
            return _check_number(question, float(value), value)
        raise InvalidAnswer(question.code, f"{value!r} is not a number")
    if t is QuestionType.SINGLE_CHOICE:
        raise InvalidAnswer(
            question.code, f"{value!r} is not an option code; use one of: {_codes(question)}"
        )
    raise InvalidAnswer(question.code, f"{value!r} is not text")


@dataclass(frozen=True, eq=False)
class ParsedColumn:
    """One question's cells, read by :meth:`ColumnParser.parse_columns`.

    ``values`` is the :class:`AnswerMatrix` encoding (NaN unanswered, 0 where not
    applicable; NaN throughout for questions that are not matrix columns),
    ``not_applicable`` flags the cells answered so, and ``problems`` holds the position and
    message of each cell that :func:`parse_answer` refuses, in order.
    """

    values: np.ndarray
    not_applicable: np.ndarray
    problems: tuple[tuple[int, str], ...]


class ColumnParser:
    """Reads whole columns of spreadsheet cells, each cell given as the index of its text in
    ``texts`` (the distinct texts of a file).

    The questions that read text alike (same type, options, bounds and rules) are read
    together: each distinct text among their cells is read once, by :func:`parse_answer`,
    so the answers and messages are those of reading cell by cell (plain numbers within the
    bounds skip the parser); each column then takes its values by indexing arrays.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self._texts = texts

    def parse_columns(self, questions: Sequence[Question], ids: np.ndarray) -> list[ParsedColumn]:
        """The cells of each question, row ``k`` of ``ids`` (questions x cells) holding
        the cells of ``questions[k]``."""
        n = ids.shape[1]
        parsed: list[ParsedColumn | None] = [None] * len(questions)
        alike: dict[tuple[object, ...], list[int]] = {}
        for k, question in enumerate(questions):
            if question.type is QuestionType.TEXT:
                # any text is an answer, and text is not a matrix column
                parsed[k] = ParsedColumn(np.full(n, math.nan), np.zeros(n, dtype=np.bool_), ())
                continue
            key = (question.type, question.allow_na, tuple(o.code for o in question.options),
                   question.minimum, question.maximum, question.whole)
            alike.setdefault(key, []).append(k)
        for ks in alike.values():
            kind = ids[ks]
            present = np.zeros(len(self._texts), dtype=np.bool_)
            present[kind] = True
            distinct = np.flatnonzero(present)
            del present
            value, na, problem, messages = _read_texts(
                questions[ks[0]], [self._texts[i] for i in distinct.tolist()]
            )
            for k, cells in zip(ks, kind, strict=True):
                at = np.searchsorted(distinct, cells)
                refused = problem[at]
                problems = tuple(
                    (int(c), messages[refused[c]]) for c in np.flatnonzero(refused >= 0).tolist()
                )
                parsed[k] = ParsedColumn(value[at], na[at], problems)
        return [p for p in parsed if p is not None]


def _read_texts(
    question: Question, texts: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Each text's matrix value and not-applicable flag for ``question``, and the index in
    the returned messages of the problem of each text that is refused (-1: none)."""
    value = np.full(len(texts), math.nan)
    na = np.zeros(len(texts), dtype=np.bool_)
    problem = np.full(len(texts), -1, dtype=np.int32)
    messages: list[str] = []
    matrix = question.type in SCORED_TYPES
    rest: Iterable[int] = range(len(texts))
    if number_bounds(question) is not None:
        done = _plain_numbers(question, texts, value)
        rest = np.flatnonzero(~done).tolist()
    for i in rest:
        try:
            answer = parse_answer(question, texts[i])
        except InvalidAnswer as exc:
            problem[i] = len(messages)
            messages.append(exc.message)
            continue
        if answer is NOT_APPLICABLE:
            value[i] = 0.0
            na[i] = True
        elif answer is not None and matrix:
            value[i] = _encode_one(question, answer)
    return value, na, problem, messages


def _plain_numbers(question: Question, texts: Sequence[str], value: np.ndarray) -> np.ndarray:
    """The texts written as plain numbers (no grouping, spaces or Thai digits) within the
    question's bounds, their values put in ``value``; the others are left to the parser."""
    bounds = number_bounds(question)
    assert bounds is not None
    low, high, whole = bounds
    cleaned: Sequence[str] = texts
    if question.type is QuestionType.PERCENTAGE:
        cleaned = [t[:-1] if t.endswith("%") else t for t in texts]
    plain = np.fromiter(map(bool, map(_PLAIN.match, cleaned)), dtype=np.bool_, count=len(texts))
    at = np.flatnonzero(plain)
    numbers = np.fromiter(map(float, itertools.compress(cleaned, plain)), dtype=np.float64,
                          count=len(at))
    with np.errstate(invalid="ignore"):
        fits = np.isfinite(numbers) & (numbers >= low) & (numbers <= high)
        if whole:
            fits &= numbers == np.trunc(numbers)
    value[at[fits]] = numbers[fits]
    plain[at[~fits]] = False
    return plain


def number_bounds(question: Question) -> tuple[float, float, bool] | None:
    """Lowest and highest value and whether it must be whole, for number-like questions."""
    t = question.type
    if t not in (QuestionType.MATURITY, QuestionType.NUMBER, QuestionType.PERCENTAGE):
        return None
    low, high = -math.inf, math.inf
    if t is QuestionType.MATURITY:
        low, high = 0.0, 5.0
    elif t is QuestionType.PERCENTAGE:
        low, high = 0.0, 100.0
    if question.minimum is not None:
        low = max(low, question.minimum)
    if question.maximum is not None:
        high = min(high, question.maximum)
    return low, high, t is QuestionType.MATURITY or question.whole


@dataclass(frozen=True)
class AgencyAnswers:
    """One agency's answers for one cycle, keyed by question code."""

    agency: str
    answers: Mapping[str, AnswerValue]
    group: str | None = None
    name: str | None = None


def _encode_one(question: Question, value: AnswerValue) -> float:
    """The matrix cell of a checked answer (not None, not NOT_APPLICABLE)."""
    t = question.type
    if t is QuestionType.YES_NO:
        return 1.0 if value is True else 0.0
    codes = [option.code for option in question.options]
    if t is QuestionType.SINGLE_CHOICE:
        return float(codes.index(str(value)))
    if t is QuestionType.MULTIPLE_CHOICE:
        assert isinstance(value, tuple)
        return float(sum(1 << k for k, code in enumerate(codes) if code in value))
    assert isinstance(value, float)
    return value
