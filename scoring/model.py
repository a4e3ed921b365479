"""The framework model: the immutable description of one assessment cycle.

A framework is data (see ``docs/framework-format.md``); ``scoring.loader`` builds these
objects from YAML and validates them. The engine only ever reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A text in Thai (the default) and English."""

    th: str
    en: str

    def get(self, language: str) -> str:
        return (self.en or self.th) if language.startswith("en") else (self.th or self.en)


class QuestionType(StrEnum):
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    MATURITY = "maturity"
    NUMBER = "number"
    PERCENTAGE = "percentage"
    TEXT = "text"
    URL = "url"
    FILE = "file"


SCORED_TYPES: frozenset[QuestionType] = frozenset(QuestionType) - {
    QuestionType.TEXT,
    QuestionType.URL,
    QuestionType.FILE,
}

MATURITY_LEVELS = 6  # levels 0..5

Evidence = Literal["required", "optional", "none"]
WhenHidden = Literal["zero", "exclude"]
Normalisation = Literal["none", "minmax", "zscore_minmax"]
AwardKind = Literal["top_total", "top_gain", "best_dimension"]


@dataclass(frozen=True, slots=True)
class Option:
    code: str
    label: Bilingual
    points: float


@dataclass(frozen=True, slots=True)
class Threshold:
    """``points`` are earned when the value is at least ``at_least``."""

    at_least: float
    points: float


@dataclass(frozen=True, slots=True)
class Condition:
    """Question ``question`` must hold one of these for the owner to be shown and scored.

    Exactly one of ``equals`` (yes/no: True/False; single choice: option code),
    ``any_of`` (single choice: option codes; multiple choice: any selected),
    ``at_least`` (maturity, number, percentage) is set.
    """

    question: str
    equals: bool | str | None = None
    any_of: tuple[str, ...] = ()
    at_least: float | None = None


@dataclass(frozen=True, slots=True)
class Question:
    code: str
    type: QuestionType
    text: Bilingual
    help: Bilingual | None = None
    weight: float = 1.0
    evidence: Evidence = "optional"
    allow_na: bool = False
    required: bool = True
    condition: Condition | None = None
    when_hidden: WhenHidden = "zero"
    # single_choice / multiple_choice
    options: tuple[Option, ...] = ()
    # multiple_choice: points counted at most (score = min(sum, cap) / cap)
    cap: float | None = None
    # maturity: one description for each level 0..5
    levels: tuple[Bilingual, ...] = ()
    # number / percentage: points by threshold; without thresholds the score is linear
    # between ``minimum`` and ``maximum``
    thresholds: tuple[Threshold, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unit: Bilingual | None = None
    # number: answers are whole counts; decimals are refused
    whole: bool = False

    @property
    def scored(self) -> bool:
        return self.type in SCORED_TYPES and self.weight > 0

    @property
    def max_points(self) -> float:
        """Points of a perfect answer; a question's score is points / max_points on 0..1."""
        t = self.type
        if t is QuestionType.YES_NO:
            return 1.0
        if t is QuestionType.SINGLE_CHOICE:
            return max((o.points for o in self.options), default=0.0)
        if t is QuestionType.MULTIPLE_CHOICE:
            total = sum(o.points for o in self.options if o.points > 0)
            return min(total, self.cap) if self.cap is not None else total
        if t is QuestionType.MATURITY:
            return float(MATURITY_LEVELS - 1)
        if t in (QuestionType.NUMBER, QuestionType.PERCENTAGE):
            return max(th.points for th in self.thresholds) if self.thresholds else 1.0
        return 0.0

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True, slots=True)
class Indicator:
    code: str
    name: Bilingual
    questions: tuple[Question, ...]
    weight: float = 1.0
    description: Bilingual | None = None
    # codes this indicator had in earlier cycles (renamed, merged or split from)
    replaces: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Dimension:
    code: str
    name: Bilingual
    indicators: tuple[Indicator, ...]
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Band:
    """Totals at or above ``minimum`` (on the output scale) fall in this band."""

    code: str
    name: Bilingual
    minimum: float


@dataclass(frozen=True, slots=True)
class PeerGroup:
    code: str
    name: Bilingual


@dataclass(frozen=True, slots=True)
class AwardRule:
    """One award.

    - ``top_total``: the ``top`` highest totals, per peer group when ``per_group``.
    - ``top_gain``: among agencies whose total is at least ``floor``, the ``top`` largest
      gains over the previous cycle.
    - ``best_dimension``: the ``top`` highest scores in each dimension (or only in
      ``dimensions`` when given).
    ``groups`` limits the award to agencies of those peer groups. ``tie_break`` lists the
    figures that order equal values (``total``, ``gain``, ``previous_total``,
    ``dimension:<code>``); agencies still equal at the cut-off all win when ``ties`` is
    ``share``, or only the first by agency code when ``ties`` is ``code``.
    """

    code: str
    name: Bilingual
    kind: AwardKind
    top: int
    per_group: bool = False
    groups: tuple[str, ...] = ()
    floor: float | None = None
    dimensions: tuple[str, ...] = ()
    tie_break: tuple[str, ...] = ()
    ties: Literal["share", "code"] = "share"
    near_misses: int = 5
    description: Bilingual | None = None


@dataclass(frozen=True, slots=True)
class ConsistencyRule:
    """Answers that contradict each other: when question ``question`` holds any of
    ``options``, question ``excludes_question`` must hold none of ``excludes`` (option
    codes; ``yes``/``no`` for a yes/no question). Screened by :mod:`scoring.integrity`;
    the score is unaffected. ``message``: why they do not go together, in both languages
    (the integrity page shows the reader's, the command line the English)."""

    code: str
    question: str
    options: tuple[str, ...]
    excludes_question: str
    excludes: tuple[str, ...]
    message: Bilingual | None = None


@dataclass(frozen=True, slots=True)
class Framework:
    code: str
    name: Bilingual
    year_be: int
    year_ce: int
    dimensions: tuple[Dimension, ...]
    scale: float = 100.0
    precision: int = 2
    normalisation: Normalisation = "none"
    previous: str | None = None
    note: Bilingual | None = None
    bands: tuple[Band, ...] = ()
    peer_groups: tuple[PeerGroup, ...] = ()
    awards: tuple[AwardRule, ...] = ()
    # free-form metadata kept for display (source, licence, ...)
    meta: Mapping[str, str] = field(default_factory=dict)
    # answers that must not go together (screened, not scored)
    consistency: tuple[ConsistencyRule, ...] = ()
    # what is derived from the framework once (scoring.plan keeps its plan here); not an
    # argument, so that ``dataclasses.replace`` gives a copy an empty one of its own
    derived: dict[str, object] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for d in self.dimensions for i in d.indicators)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for d in self.dimensions for i in d.indicators for q in i.questions)

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)
