"""Answers: parsing and checking one answer, and encoding a whole cycle as arrays.

One answer is an :data:`AnswerValue`: ``True``/``False`` for yes/no, an option code for a
single choice, a tuple of option codes (in the framework's option order) for a multiple
choice, a float for maturity levels, numbers and percentages, a string for text, URL and
file questions, or :data:`NOT_APPLICABLE`. ``None`` means unanswered.

:func:`encode_answers` turns the answers of every agency into an :class:`AnswerMatrix`, the
numeric form the engine scores in one go.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from scoring.model import SCORED_TYPES, Framework, Question, QuestionType


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


class InvalidAnswer(ValueError):
    """An answer that cannot be accepted; ``message`` says what to write instead."""

    def __init__(self, question: str, message: str, agency: str | None = None) -> None:
        self.question = question
        self.message = message
        self.agency = agency
        where = f"{agency}: {question}" if agency else question
        super().__init__(f"{where}: {message}")


def _fmt(x: float) -> str:
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.10g}"


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
    elif "," in text:
        raise InvalidAnswer(
            question.code,
            f"{raw!r} is not a number; use '.' for decimals and ',' only between groups "
            "of three digits (1,234.5)",
        )
    if not _PLAIN.match(text):
        what = "a percentage" if question.type is QuestionType.PERCENTAGE else "a number"
        raise InvalidAnswer(question.code, f"{raw!r} is not {what}; write digits only, like 1234.5")
    return float(text)


def _check_number(question: Question, value: float, raw: object) -> float:
    if not math.isfinite(value):
        raise InvalidAnswer(question.code, f"{raw!r} is not a finite number")
    t = question.type
    if t is QuestionType.MATURITY:
        if value != int(value) or not 0 <= value <= 5:
            raise InvalidAnswer(
                question.code,
                f"{raw!r} is not a maturity level; write a whole number from 0 to 5",
            )
        return float(value)
    if t is QuestionType.PERCENTAGE and not 0 <= value <= 100:
        raise InvalidAnswer(
            question.code, f"{_fmt(value)} is not a percentage; write a value from 0 to 100"
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
    raise InvalidAnswer(question.code, f"{code!r} is not an option; use one of: {_codes(question)}")


def _multiple(question: Question, codes: Iterable[str], raw: object) -> tuple[str, ...]:
    chosen: set[str] = set()
    for code in codes:
        if not isinstance(code, str):
            raise InvalidAnswer(question.code, f"{code!r} in {raw!r} is not an option code")
        code = code.strip()
        if not code:
            continue
        try:
            chosen.add(_option_code(question, code))
        except InvalidAnswer:
            raise InvalidAnswer(
                question.code,
                f"{code!r} is not an option; use codes from: {_codes(question)}, separated by ';'",
            ) from None
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
    if t is QuestionType.MATURITY:
        try:
            value = _parse_number(question, text)
        except InvalidAnswer:
            raise InvalidAnswer(
                question.code,
                f"{text!r} is not a maturity level; write a whole number from 0 to 5",
            ) from None
        return _check_number(question, value, text)
    if t in (QuestionType.NUMBER, QuestionType.PERCENTAGE):
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
    """One question's cells, read by :meth:`ColumnParser.parse`.

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

    A text is read once for all the questions that read text alike (same type, options,
    bounds and not-applicable rule), by :func:`parse_answer`, so the answers and messages are
    those of reading cell by cell; plain numbers within the bounds skip the parser. A
    column then takes its values by indexing arrays.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self._texts = texts
        self._kinds: dict[tuple[object, ...], _Kind] = {}

    def parse(self, question: Question, ids: np.ndarray) -> ParsedColumn:
        """The cells of one question, ``ids`` indexing ``texts``."""
        n = len(ids)
        if question.type is QuestionType.TEXT:
            # any text is an answer, and text is not a matrix column
            return ParsedColumn(np.full(n, math.nan), np.zeros(n, dtype=np.bool_), ())
        key = (question.type, question.allow_na, tuple(o.code for o in question.options),
               question.minimum, question.maximum)
        kind = self._kinds.get(key)
        if kind is None:
            kind = self._kinds[key] = _Kind(question, len(self._texts))
        present = np.zeros(len(self._texts), dtype=np.bool_)
        present[ids] = True
        for i in np.flatnonzero(present & ~kind.known).tolist():
            kind.read(i, self._texts[i])
        refused = kind.problem[ids]
        problems = tuple(
            (int(k), kind.messages[refused[k]]) for k in np.flatnonzero(refused >= 0).tolist()
        )
        return ParsedColumn(kind.value[ids], kind.na[ids], problems)


class _Kind:
    """What each text means for the questions that read text alike."""

    def __init__(self, question: Question, size: int) -> None:
        self.question = question
        self.known = np.zeros(size, dtype=np.bool_)
        self.value = np.full(size, math.nan)
        self.na = np.zeros(size, dtype=np.bool_)
        self.problem = np.full(size, -1, dtype=np.int32)
        self.messages: list[str] = []
        self._plain = _plain_number(question)
        self._matrix = question.type in SCORED_TYPES

    def read(self, i: int, raw: str) -> None:
        self.known[i] = True
        plain = self._plain(raw) if self._plain is not None else None
        if plain is not None:
            self.value[i] = plain
            return
        try:
            answer = parse_answer(self.question, raw)
        except InvalidAnswer as exc:
            self.problem[i] = len(self.messages)
            self.messages.append(exc.message)
            return
        if answer is NOT_APPLICABLE:
            self.value[i] = 0.0
            self.na[i] = True
        elif answer is not None and self._matrix:
            self.value[i] = _encode_one(self.question, answer)


def _plain_number(question: Question) -> Callable[[str], float | None] | None:
    """For number-like questions: the value of a cell written as a plain number within the
    question's bounds, else None (the cell then goes through :func:`parse_answer`)."""
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
    whole = t is QuestionType.MATURITY
    percent = "%" if t is QuestionType.PERCENTAGE else None
    match = _PLAIN.match
    grouped = _GROUPED.match
    isfinite = math.isfinite

    def plain(raw: str) -> float | None:
        # the steps of _parse_number for text without spaces, underscores or Thai digits
        if percent is not None and raw.endswith(percent):
            raw = raw[:-1]
        if match(raw):
            value = float(raw)
        elif "," in raw and grouped(raw):
            value = float(raw.replace(",", ""))
        else:
            return None
        if not (isfinite(value) and low <= value <= high) or (whole and value != int(value)):
            return None
        return value

    return plain


@dataclass(frozen=True)
class AgencyAnswers:
    """One agency's answers for one cycle, keyed by question code."""

    agency: str
    answers: Mapping[str, AnswerValue]
    group: str | None = None
    name: str | None = None


def matrix_questions(framework: Framework) -> tuple[Question, ...]:
    """The questions that are columns of an :class:`AnswerMatrix`, in framework order.

    These are the questions of a scored type; a gate question of weight 0 stays a column
    so that the conditions that depend on it can be evaluated.
    """
    return _IdentityCache.get(framework)


class _IdentityCache:
    """Per-framework derived data, keyed on identity.

    ``Framework`` holds a dict (``meta``) and is not hashable; the entry keeps the
    framework itself so that its ``id`` cannot be reused while it is cached.
    """

    _entries: dict[int, tuple[Framework, tuple[Question, ...]]] = {}

    @classmethod
    def get(cls, framework: Framework) -> tuple[Question, ...]:
        entry = cls._entries.get(id(framework))
        if entry is not None and entry[0] is framework:
            return entry[1]
        questions = tuple(q for q in framework.questions if q.type in SCORED_TYPES)
        if len(cls._entries) > 64:
            cls._entries.clear()
        cls._entries[id(framework)] = (framework, questions)
        return questions


def _group_ids(groups: Sequence[str | None]) -> tuple[np.ndarray, tuple[str, ...]]:
    names = tuple(sorted({g for g in groups if g is not None}))
    codes: dict[str | None, int] = {g: i for i, g in enumerate(names)}
    codes[None] = -1
    ids = np.fromiter(map(codes.__getitem__, groups), dtype=np.int32, count=len(groups))
    return ids, names


@dataclass(eq=False)
class AnswerMatrix:
    """A whole cycle's answers in numeric form.

    ``values`` (agencies x matrix questions, float64): yes/no 1 or 0, single choice the
    option's index, multiple choice a bitmask of option indexes (bit ``k`` = option ``k``),
    maturity the level, number and percentage the value; NaN = unanswered. Cells answered
    not-applicable are flagged in ``not_applicable`` and hold 0 in ``values``.
    ``encode_answers`` and ``synthetic_answers`` lay ``values`` out column by column
    (Fortran order): the engine works question by question, so this is faster; any layout
    is accepted.

    ``group_ids``/``group_names`` are derived from ``groups`` when not given.

    ``scores`` (optional, same shape, column-major) is a second encoding of the same
    answers made for the engine: each cell's question score on 0..1 as answered
    (points / max points of ``scores_framework``), 0 where unanswered or not applicable,
    before any condition is applied (conditions, not-applicable and all weighting are left
    to the engine). ``encode_answers`` and ``synthetic_answers`` fill it while they check
    the answers, and then make ``values``, ``not_applicable`` and ``scores`` read-only so
    that the two encodings cannot drift apart. The engine uses ``scores`` only when it
    scores with that very framework object; otherwise it computes them from ``values``.
    """

    agencies: tuple[str, ...]
    groups: tuple[str | None, ...]
    questions: tuple[str, ...]
    values: np.ndarray
    not_applicable: np.ndarray
    group_ids: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))
    group_names: tuple[str, ...] = ()
    scores: np.ndarray | None = field(default=None, repr=False)
    scores_framework: Framework | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        n, q = len(self.agencies), len(self.questions)
        if self.values.shape != (n, q):
            raise ValueError(f"values has shape {self.values.shape}, expected {(n, q)}")
        if self.not_applicable.shape != (n, q):
            raise ValueError(
                f"not_applicable has shape {self.not_applicable.shape}, expected {(n, q)}"
            )
        if len(self.groups) != n:
            raise ValueError(f"{len(self.groups)} groups for {n} agencies")
        if self.values.dtype != np.float64:
            self.values = self.values.astype(np.float64)
        if self.not_applicable.dtype != np.bool_:
            self.not_applicable = self.not_applicable.astype(np.bool_)
        if len(self.group_ids) != n:
            self.group_ids, self.group_names = _group_ids(self.groups)
        if self.scores is not None and (
            self.scores.shape != (n, q) or self.scores.dtype != np.float64
        ):
            raise ValueError(f"scores must be float64 of shape {(n, q)}")

    def attach_scores(self, framework: Framework) -> None:
        """Compute ``scores`` for ``framework`` and freeze the arrays (see the class)."""
        from scoring.engine import answer_scores, compile_framework

        self.scores = answer_scores(compile_framework(framework), self.values, self.not_applicable)
        self.scores_framework = framework
        for array in (self.values, self.not_applicable, self.scores):
            array.flags.writeable = False

    @property
    def n_agencies(self) -> int:
        return len(self.agencies)

    def index(self, agency: str) -> int:
        try:
            return self.agencies.index(agency)
        except ValueError:
            raise KeyError(agency) from None

    def answers_of(self, framework: Framework, agency: str) -> AgencyAnswers:
        """Decode one agency's row back into answers (for explanations and exports)."""
        row = self.index(agency)
        by_code = {q.code: q for q in matrix_questions(framework)}
        answers: dict[str, AnswerValue] = {}
        for j, code in enumerate(self.questions):
            question = by_code.get(code)
            if question is None:
                continue
            if self.not_applicable[row, j]:
                answers[code] = NOT_APPLICABLE
                continue
            decoded = decode_value(question, float(self.values[row, j]))
            if decoded is not None:
                answers[code] = decoded
        return AgencyAnswers(agency, answers, self.groups[row])


def decode_value(question: Question, value: float) -> AnswerValue | None:
    """The answer a matrix cell stands for (``None`` for NaN)."""
    if math.isnan(value):
        return None
    t = question.type
    if t is QuestionType.YES_NO:
        return value >= 0.5
    if t is QuestionType.SINGLE_CHOICE:
        k = int(value)
        return question.options[k].code if 0 <= k < len(question.options) else None
    if t is QuestionType.MULTIPLE_CHOICE:
        mask = int(value)
        return tuple(o.code for k, o in enumerate(question.options) if mask >> k & 1)
    return float(value)


def _encode_one(question: Question, value: AnswerValue) -> float:
    """The matrix cell of a checked answer (not None, not NOT_APPLICABLE)."""
    t = question.type
    if t is QuestionType.YES_NO:
        return 1.0 if value is True else 0.0
    if t is QuestionType.SINGLE_CHOICE:
        for k, option in enumerate(question.options):
            if option.code == value:
                return float(k)
        raise AssertionError(value)
    if t is QuestionType.MULTIPLE_CHOICE:
        assert isinstance(value, tuple)
        mask = 0
        for k, option in enumerate(question.options):
            if option.code in value:
                mask |= 1 << k
        return float(mask)
    assert isinstance(value, float)
    return value


def _fast_encoder(question: Question) -> Callable[[object], float | None]:
    """The matrix cell of the commonest well-formed answers, or None: then the answer goes
    through :func:`check_answer` (which also produces the error message)."""
    t = question.type
    if t is QuestionType.YES_NO:
        table: dict[object, float] = {True: 1.0, False: 0.0}

        def yes_no(raw: object) -> float | None:
            return table.get(raw) if type(raw) is bool else None

        return yes_no
    if t is QuestionType.SINGLE_CHOICE:
        index = {o.code: float(k) for k, o in enumerate(question.options)}

        def single(raw: object) -> float | None:
            return index.get(raw) if type(raw) is str else None

        return single
    if t is QuestionType.MULTIPLE_CHOICE:
        bits = {o.code: 1 << k for k, o in enumerate(question.options)}

        def multiple(raw: object) -> float | None:
            if type(raw) is not tuple:
                return None
            mask = 0
            for code in raw:
                bit = bits.get(code)
                if bit is None:
                    return None
                mask |= bit
            return float(mask)

        return multiple
    low, high = -math.inf, math.inf
    if t is QuestionType.MATURITY:
        low, high = 0.0, 5.0
    elif t is QuestionType.PERCENTAGE:
        low, high = 0.0, 100.0
    if question.minimum is not None:
        low = max(low, question.minimum)
    if question.maximum is not None:
        high = min(high, question.maximum)
    whole = t is QuestionType.MATURITY

    def numeric(raw: object) -> float | None:
        if type(raw) is not float or not low <= raw <= high:  # NaN fails too
            return None
        if whole and raw != int(raw):
            return None
        return raw

    return numeric


def encode_answers(framework: Framework, rows: Sequence[AgencyAnswers]) -> AnswerMatrix:
    """Check every answer and build the cycle's :class:`AnswerMatrix`.

    Answers to questions that are not matrix columns (text, URL, file) and to codes the
    framework does not know are ignored. Raises :class:`InvalidAnswer` (with the agency) on
    the first invalid answer, ``ValueError`` on a repeated agency.
    """
    questions = matrix_questions(framework)
    for q in questions:
        if q.type is QuestionType.MULTIPLE_CHOICE and len(q.options) > MAX_MULTIPLE_OPTIONS:
            raise ValueError(
                f"{q.code}: {len(q.options)} options; at most {MAX_MULTIPLE_OPTIONS} fit "
                "in a bitmask"
            )
    n, m = len(rows), len(questions)
    column = {q.code: j for j, q in enumerate(questions)}
    fast = [_fast_encoder(q) for q in questions]
    # filled row by row in a C-ordered array (cheap element writes), laid out by column
    # at the end
    values = np.full((n, m), np.nan, dtype=np.float64)
    na = np.zeros((n, m), dtype=np.bool_)
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if row.agency in seen:
            raise ValueError(f"agency {row.agency!r} appears twice")
        seen.add(row.agency)
        out = values[i]
        for code, raw in row.answers.items():
            j = column.get(code)
            if j is None or raw is None:
                continue
            encoded = fast[j](raw)
            if encoded is not None:
                out[j] = encoded
                continue
            question = questions[j]
            try:
                value = check_answer(question, raw)
            except InvalidAnswer as error:
                raise InvalidAnswer(error.question, error.message, row.agency) from None
            if value is None:
                continue
            if value is NOT_APPLICABLE:
                na[i, j] = True
                out[j] = 0.0
            else:
                out[j] = _encode_one(question, value)
    matrix = AnswerMatrix(
        agencies=tuple(r.agency for r in rows),
        groups=tuple(r.group for r in rows),
        questions=tuple(q.code for q in questions),
        values=np.asfortranarray(values),
        not_applicable=np.asfortranarray(na),
    )
    try:
        matrix.attach_scores(framework)
    except ValueError:
        pass  # a framework the engine refuses: score_cycle reports it
    return matrix


def check_matrix(framework: Framework, matrix: AnswerMatrix) -> None:
    """Check a matrix built elsewhere (not by :func:`encode_answers`) column by column.

    Raises :class:`InvalidAnswer` naming the first agency and question with a value the
    framework does not allow, or ``ValueError`` when the columns do not match.
    """
    questions = matrix_questions(framework)
    if matrix.questions != tuple(q.code for q in questions):
        raise ValueError(
            f"matrix columns do not match framework {framework.code}: expected "
            f"{[q.code for q in questions]}"
        )
    for j, q in enumerate(questions):
        col = matrix.values[:, j]
        answered = ~np.isnan(col) & ~matrix.not_applicable[:, j]
        v = col[answered]
        bad: np.ndarray
        t = q.type
        if t is QuestionType.YES_NO:
            bad = (v != 0) & (v != 1)
        elif t is QuestionType.SINGLE_CHOICE:
            bad = (v != np.floor(v)) | (v < 0) | (v >= len(q.options))
        elif t is QuestionType.MULTIPLE_CHOICE:
            bad = (v != np.floor(v)) | (v < 0) | (v >= 2.0 ** len(q.options))
        elif t is QuestionType.MATURITY:
            bad = (v != np.floor(v)) | (v < 0) | (v > 5)
        else:
            bad = ~np.isfinite(v)
            if t is QuestionType.PERCENTAGE:
                bad |= (v < 0) | (v > 100)
            if q.minimum is not None:
                bad |= v < q.minimum
            if q.maximum is not None:
                bad |= v > q.maximum
        if bad.any():
            row = int(np.flatnonzero(answered)[int(np.argmax(bad))])
            raise InvalidAnswer(
                q.code, f"value {float(matrix.values[row, j])!r} is not valid", matrix.agencies[row]
            )
        if not q.allow_na and matrix.not_applicable[:, j].any():
            row = int(np.argmax(matrix.not_applicable[:, j]))
            raise InvalidAnswer(
                q.code, "not applicable is not allowed for this question", matrix.agencies[row]
            )
