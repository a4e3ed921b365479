"""Builders for small frameworks and answer sets used by the scoring tests.

The frameworks are built with the model's dataclasses directly (no loader), so each test
states exactly the structure it relies on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

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


def every_kind_of_condition(n: int) -> tuple[Framework, np.ndarray, np.ndarray]:
    """A framework with every kind of condition (equals, any_of on single and multiple
    choice, at_least), conditions on conditional gates, hidden questions kept and
    excluded, not-applicable allowed or not; and ``n`` agencies' random answers to it
    (values, not applicable), a fifth unanswered."""
    from scoring.plan import plan_for

    fw = framework(
        dimension(
            "D1",
            indicator(
                "I1",
                yes_no("a", allow_na=True),
                yes_no("b", condition=when("a", equals=True), allow_na=True),
                maturity("c", condition=when("b", equals=True), when_hidden="exclude"),
                yes_no("c0", condition=when("a", equals=False), allow_na=True),
            ),
            indicator(
                "I2",
                single("s", {"x": 0, "y": 2, "z": 1}, allow_na=True),
                yes_no("d", condition=when("s", any_of=("y", "z")), when_hidden="exclude"),
                yes_no("d2", condition=when("s", equals="x"), allow_na=True),
            ),
            # no question of I6 or I5 can drop out: hidden ones score 0 and keep their weight
            indicator(
                "I6",
                yes_no("p1"),
                maturity("p2"),
                yes_no("p3", condition=when("a", equals=True)),
                yes_no("p4"),
                number("p5", minimum=0, maximum=10),
                yes_no("p6"),
            ),
        ),
        dimension(
            "D2",
            indicator(
                "I3",
                multiple("m", {"p": 1, "q": 2, "r": 1}, allow_na=True),
                percentage("e", condition=when("m", any_of=("q", "r")), when_hidden="exclude"),
                maturity("lvl", allow_na=True),
            ),
            indicator(
                "I4",
                number("f", minimum=0, maximum=10, condition=when("lvl", at_least=3)),
                number(
                    "g",
                    minimum=0,
                    maximum=10,
                    condition=when("f", at_least=5),
                    when_hidden="exclude",
                    allow_na=True,
                ),
            ),
            indicator(
                "I5",
                yes_no("h1", condition=when("b", equals=True)),
                maturity("h2"),
                yes_no("h3", condition=when("s", any_of=("x", "y"))),
            ),
        ),
    )
    cf = plan_for(fw)
    rng = np.random.default_rng(11)
    values = np.empty((n, len(cf.codes)))
    for j, q in enumerate(cf.questions):
        t = q.type.value
        if t == "yes_no":
            values[:, j] = rng.integers(0, 2, n)
        elif t == "single_choice":
            values[:, j] = rng.integers(0, len(q.options), n)
        elif t == "multiple_choice":
            values[:, j] = rng.integers(0, 2 ** len(q.options), n)
        elif t == "maturity":
            values[:, j] = rng.integers(0, 6, n)
        elif t == "percentage":
            values[:, j] = rng.uniform(0, 100, n)
        else:
            values[:, j] = rng.uniform(0, 10, n)
    values[rng.random(values.shape) < 0.2] = np.nan
    na = np.zeros(values.shape, dtype=np.bool_)
    for j in cf.allow_na.tolist():
        na[:, j] = rng.random(n) < 0.25
    values[na] = 0.0
    return fw, values, na
