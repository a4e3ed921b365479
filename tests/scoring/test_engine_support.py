"""Builders for small frameworks and answer sets used by the scoring tests.

The frameworks are built with the model's dataclasses directly (no loader), so each test
states exactly the structure it relies on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from scoring.answers import AgencyAnswers, AnswerValue
from scoring.model import (
    AwardRule,
    Band,
    Bilingual,
    Condition,
    Dimension,
    Framework,
    Indicator,
    Option,
    PeerGroup,
    Question,
    QuestionType,
    Threshold,
)


def text(en: str) -> Bilingual:
    return Bilingual(th=en, en=en)


def yes_no(code: str, **kw: object) -> Question:
    return Question(code=code, type=QuestionType.YES_NO, text=text(code), **kw)  # type: ignore[arg-type]


def single(code: str, points: Mapping[str, float], **kw: object) -> Question:
    options = tuple(Option(c, text(c), float(p)) for c, p in points.items())
    return Question(
        code=code,
        type=QuestionType.SINGLE_CHOICE,
        text=text(code),
        options=options,
        **kw,  # type: ignore[arg-type]
    )


def multiple(
    code: str, points: Mapping[str, float], cap: float | None = None, **kw: object
) -> Question:
    options = tuple(Option(c, text(c), float(p)) for c, p in points.items())
    return Question(
        code=code,
        type=QuestionType.MULTIPLE_CHOICE,
        text=text(code),
        options=options,
        cap=cap,
        **kw,  # type: ignore[arg-type]
    )


def maturity(code: str, **kw: object) -> Question:
    levels = tuple(text(f"level {i}") for i in range(6))
    return Question(code=code, type=QuestionType.MATURITY, text=text(code), levels=levels, **kw)  # type: ignore[arg-type]


def number(
    code: str,
    minimum: float | None = None,
    maximum: float | None = None,
    thresholds: Sequence[tuple[float, float]] = (),
    **kw: object,
) -> Question:
    return Question(
        code=code,
        type=QuestionType.NUMBER,
        text=text(code),
        minimum=minimum,
        maximum=maximum,
        thresholds=tuple(Threshold(a, p) for a, p in thresholds),
        **kw,  # type: ignore[arg-type]
    )


def percentage(code: str, thresholds: Sequence[tuple[float, float]] = (), **kw: object) -> Question:
    return Question(
        code=code,
        type=QuestionType.PERCENTAGE,
        text=text(code),
        thresholds=tuple(Threshold(a, p) for a, p in thresholds),
        **kw,  # type: ignore[arg-type]
    )


def url(code: str) -> Question:
    return Question(code=code, type=QuestionType.URL, text=text(code), required=False)


def when(question: str, **kw: object) -> Condition:
    return Condition(question=question, **kw)  # type: ignore[arg-type]


def indicator(
    code: str, *questions: Question, weight: float = 1.0, replaces: tuple[str, ...] = ()
) -> Indicator:
    return Indicator(
        code=code, name=text(code), questions=questions, weight=weight, replaces=replaces
    )


def dimension(code: str, *indicators: Indicator, weight: float = 1.0) -> Dimension:
    return Dimension(code=code, name=text(code), indicators=indicators, weight=weight)


BANDS = (
    Band("advanced", text("Advanced"), 80.0),
    Band("intermediate", text("Intermediate"), 60.0),
    Band("basic", text("Basic"), 0.0),
)


def framework(
    *dimensions: Dimension,
    scale: float = 100.0,
    precision: int = 2,
    normalisation: str = "none",
    bands: tuple[Band, ...] = BANDS,
    groups: Sequence[str] = (),
    awards: Sequence[AwardRule] = (),
    code: str = "test",
) -> Framework:
    return Framework(
        code=code,
        name=text(code),
        year_be=2564,
        year_ce=2021,
        dimensions=dimensions,
        scale=scale,
        precision=precision,
        normalisation=normalisation,  # type: ignore[arg-type]
        previous="test-2563",
        bands=bands,
        peer_groups=tuple(PeerGroup(g, text(g)) for g in groups),
        awards=tuple(awards),
    )


def one_question(question: Question, **kw: object) -> Framework:
    """A framework of one dimension, one indicator, one question."""
    return framework(dimension("D", indicator("I", question)), **kw)  # type: ignore[arg-type]


def agencies(
    *answers: Mapping[str, AnswerValue], groups: Sequence[str | None] | None = None
) -> list[AgencyAnswers]:
    """Agencies A1, A2, ... with these answers (and groups)."""
    return [
        AgencyAnswers(
            agency=f"A{i + 1}",
            answers=dict(a),
            group=None if groups is None else groups[i],
        )
        for i, a in enumerate(answers)
    ]


def totals_framework(
    n_groups: int = 0, awards: Sequence[AwardRule] = (), precision: int = 2
) -> Framework:
    """One percentage question "p": an agency's total is exactly its answer (0-100)."""
    return framework(
        dimension("D", indicator("I", percentage("p"))),
        groups=[f"G{k + 1}" for k in range(n_groups)],
        awards=awards,
        precision=precision,
    )


def with_totals(
    values: Sequence[float], groups: Sequence[str | None] | None = None
) -> list[AgencyAnswers]:
    return agencies(*({"p": float(v)} for v in values), groups=groups)
