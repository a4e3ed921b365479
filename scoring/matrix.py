"""A whole cycle's answers as arrays: :class:`AnswerMatrix`, made by
:func:`encode_answers` from every agency's checked answers, the numeric form the engine
scores in one go.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from scoring.answers import (
    NOT_APPLICABLE,
    AgencyAnswers,
    AnswerValue,
    InvalidAnswer,
    _encode_one,
    check_answer,
    number_bounds,
)
from scoring.model import SCORED_TYPES, Framework, Question, QuestionType


def matrix_questions(framework: Framework) -> tuple[Question, ...]:
    """The questions that are columns of an :class:`AnswerMatrix`, in framework order.

    These are the questions of a scored type; a gate question of weight 0 stays a column
    so that the conditions that depend on it can be evaluated.
    """
    return tuple(q for q in framework.questions if q.type in SCORED_TYPES)


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

    ``group_names`` are the groups by code and ``group_ids`` index them (-1: no group). The
    matrix keeps read-only views of ``values`` and ``not_applicable``: what is derived from them
    once (``scoring.plan`` keeps the answers' scores in ``derived``) cannot go stale.
    """

    agencies: tuple[str, ...]
    groups: tuple[str | None, ...]
    questions: tuple[str, ...]
    values: np.ndarray
    not_applicable: np.ndarray
    group_ids: np.ndarray = field(init=False)
    group_names: tuple[str, ...] = field(init=False)
    derived: dict[str, object] = field(default_factory=dict, init=False, repr=False)

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
        self.group_names = tuple(sorted({g for g in self.groups if g is not None}))
        ids: dict[str | None, int] = {g: i for i, g in enumerate(self.group_names)}
        ids[None] = -1
        self.group_ids = np.fromiter(map(ids.__getitem__, self.groups), dtype=np.int32, count=n)
        # views of their own, read-only (converted to float64 and bool first when needed)
        self.values = self.values.astype(np.float64, copy=False).view()
        self.values.flags.writeable = False
        self.not_applicable = self.not_applicable.astype(np.bool_, copy=False).view()
        self.not_applicable.flags.writeable = False

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
    bounds = number_bounds(question)
    assert bounds is not None  # matrix columns are scored, so the rest are number-like
    low, high, whole = bounds

    def numeric(raw: object) -> float | None:
        if type(raw) is not float or not low <= raw <= high:  # NaN fails too
            return None
        return None if whole and raw != int(raw) else raw

    return numeric


def encode_answers(framework: Framework, rows: Sequence[AgencyAnswers]) -> AnswerMatrix:
    """Check every answer and build the cycle's :class:`AnswerMatrix`.

    Answers to questions that are not matrix columns (text, URL, file) and to codes the
    framework does not know are ignored. Raises :class:`InvalidAnswer` (with the agency) on
    the first invalid answer, ``ValueError`` on a repeated agency. A multiple choice with
    too many options for a bitmask is refused by ``plan_for``, which the callers run first.
    """
    questions = matrix_questions(framework)
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
    return AnswerMatrix(
        agencies=tuple(r.agency for r in rows),
        groups=tuple(r.group for r in rows),
        questions=tuple(q.code for q in questions),
        values=np.asfortranarray(values),
        not_applicable=np.asfortranarray(na),
    )
