"""Synthetic frameworks and answers, for tests, benchmarks and demonstrations.

``synthetic_framework`` mixes every scored question type with not-applicable answers,
conditions (both ``when_hidden`` modes), optional questions, unequal weights, bands, peer
groups and the three kinds of award. ``synthetic_answers`` draws answers from a simple
item-response model (each agency has an ability, each question a difficulty), so totals
spread like a real cycle's: most agencies in the middle bands, a few above 80.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from scoring.matrix import AnswerMatrix, matrix_questions
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
    WhenHidden,
)
from scoring.result import CycleResult, PreviousCycle

_TYPES = (
    (QuestionType.YES_NO, 0.28),
    (QuestionType.SINGLE_CHOICE, 0.18),
    (QuestionType.MULTIPLE_CHOICE, 0.10),
    (QuestionType.MATURITY, 0.20),
    (QuestionType.NUMBER, 0.12),
    (QuestionType.PERCENTAGE, 0.12),
)


def _text(en: str) -> Bilingual:
    return Bilingual(th=f"[th] {en}", en=en)


def _question(
    rng: np.random.Generator, code: str, qtype: QuestionType, gate: Question | None
) -> Question:
    weight = float(rng.choice([1.0, 1.0, 1.0, 2.0, 3.0]))
    allow_na = bool(rng.random() < 0.15)
    required = bool(rng.random() > 0.05)
    condition = None
    when_hidden: WhenHidden = "zero"
    if gate is not None and rng.random() < 0.35:
        condition = Condition(question=gate.code, equals=True)
        when_hidden = "exclude" if rng.random() < 0.3 else "zero"
    base = Question(
        code=code,
        type=qtype,
        text=_text(f"Question {code}"),
        weight=weight,
        allow_na=allow_na,
        required=required,
        condition=condition,
        when_hidden=when_hidden,
    )
    if qtype is QuestionType.SINGLE_CHOICE:
        k = int(rng.integers(3, 6))
        points = list(range(k)) if rng.random() < 0.8 else list(rng.permutation(k))
        options = tuple(
            Option(code=chr(ord("a") + i), label=_text(f"option {i}"), points=float(points[i]))
            for i in range(k)
        )
        return replace(base, options=options)
    if qtype is QuestionType.MULTIPLE_CHOICE:
        k = int(rng.integers(3, 8))
        options = tuple(
            Option(
                code=chr(ord("a") + i),
                label=_text(f"option {i}"),
                points=float(rng.choice([1.0, 1.0, 2.0, 0.5])),
            )
            for i in range(k)
        )
        total = sum(o.points for o in options)
        cap = float(np.floor(total * 0.75)) if rng.random() < 0.4 else None
        return replace(base, options=options, cap=cap)
    if qtype is QuestionType.MATURITY:
        levels = tuple(_text(f"level {i}") for i in range(6))
        return replace(base, levels=levels)
    if qtype is QuestionType.NUMBER:
        top = float(rng.choice([10.0, 50.0, 100.0, 1000.0]))
        if rng.random() < 0.5:
            thresholds = tuple(
                Threshold(at_least=top * f, points=float(p))
                for f, p in ((0.1, 1), (0.3, 2), (0.6, 3), (0.9, 4))
            )
            return replace(base, minimum=0.0, maximum=top, thresholds=thresholds)
        low = 0.0 if rng.random() < 0.7 else top * 0.1
        return replace(base, minimum=low, maximum=top, unit=_text("items"))
    if qtype is QuestionType.PERCENTAGE:
        if rng.random() < 0.5:
            thresholds = tuple(
                Threshold(at_least=a, points=float(p)) for a, p in ((25, 1), (50, 2), (75, 3))
            )
            return replace(base, thresholds=thresholds)
        return base
    return base


def synthetic_framework(n_questions: int = 200, n_dimensions: int = 6, seed: int = 0) -> Framework:
    """A framework of ``n_questions`` scored questions (plus one unscored URL question per
    dimension) in ``n_dimensions`` dimensions of indicators with 3 to 7 questions."""
    rng = np.random.default_rng(seed)
    types = [t for t, _ in _TYPES]
    shares = np.array([s for _, s in _TYPES])
    per_dimension = np.full(n_dimensions, n_questions // n_dimensions)
    per_dimension[: n_questions % n_dimensions] += 1
    dimensions = []
    for d in range(n_dimensions):
        indicators = []
        left = int(per_dimension[d])
        i = 0
        while left > 0:
            size = min(left, int(rng.integers(3, 8)))
            if 0 < left - size < 3:
                size = left
            left -= size
            i += 1
            questions: list[Question] = []
            gate: Question | None = None
            for k in range(size):
                code = f"D{d + 1}-I{i:02d}-Q{k + 1}"
                qtype = types[int(rng.choice(len(types), p=shares / shares.sum()))]
                question = _question(rng, code, qtype, gate)
                if question.type is QuestionType.YES_NO and question.condition is None:
                    gate = question
                questions.append(question)
            indicators.append(
                Indicator(
                    code=f"D{d + 1}-I{i:02d}",
                    name=_text(f"Indicator {d + 1}.{i}"),
                    questions=tuple(questions),
                    weight=float(rng.choice([1.0, 1.0, 2.0])),
                )
            )
        indicators[0] = Indicator(
            code=indicators[0].code,
            name=indicators[0].name,
            questions=indicators[0].questions
            + (
                Question(
                    code=f"D{d + 1}-EVIDENCE",
                    type=QuestionType.URL,
                    text=_text("Link to the evidence"),
                    required=False,
                ),
            ),
            weight=indicators[0].weight,
        )
        dimensions.append(
            Dimension(
                code=f"D{d + 1}",
                name=_text(f"Dimension {d + 1}"),
                indicators=tuple(indicators),
                weight=float(rng.choice([15.0, 15.0, 20.0])),
            )
        )
    groups = tuple(PeerGroup(code=f"G{k + 1}", name=_text(f"Group {k + 1}")) for k in range(5))
    return Framework(
        code=f"synthetic-{seed}",
        name=_text(f"Synthetic framework {seed}"),
        year_be=2564,
        year_ce=2021,
        dimensions=tuple(dimensions),
        scale=100.0,
        precision=2,
        previous=f"synthetic-{seed}-previous",
        note=_text("synthetic data for tests and benchmarks"),
        bands=(
            Band("advanced", _text("Advanced"), 80.0),
            Band("intermediate", _text("Intermediate"), 60.0),
            Band("basic", _text("Basic"), 40.0),
            Band("beginner", _text("Beginner"), 0.0),
        ),
        peer_groups=groups,
        awards=(
            AwardRule(
                code="highest_readiness",
                name=_text("Highest readiness"),
                kind="top_total",
                top=3,
                per_group=True,
            ),
            AwardRule(
                code="outstanding_development",
                name=Bilingual(th="พัฒนาการดีเด่น", en="Outstanding Development"),
                kind="top_gain",
                top=4,
                floor=80.0,
                tie_break=("total",),
            ),
            AwardRule(
                code="best_dimension", name=_text("Best dimension"), kind="best_dimension", top=1
            ),
        ),
        meta={"source": "tests.synthetic.cycles"},
    )


def synthetic_answers(
    framework: Framework, n_agencies: int, seed: int = 0, groups: int = 5
) -> AnswerMatrix:
    """Answers of ``n_agencies`` agencies ("A00001", ...) in ``groups`` peer groups.

    About 10% of cells of questions that allow it are not applicable, optional questions
    are skipped 30% of the time, hidden questions are left unanswered, and one agency in
    ten left its response incomplete (5-40% of answers missing).
    """
    rng = np.random.default_rng(seed)
    questions = matrix_questions(framework)
    n, q = n_agencies, len(questions)
    group_codes = [g.code for g in framework.peer_groups][:groups]
    group_codes += [f"G{k + 1}" for k in range(len(group_codes), groups)]
    group_of = rng.integers(0, max(groups, 1), n)
    group_shift = rng.normal(0.0, 0.4, max(groups, 1))
    ability = rng.normal(0.6, 1.0, n) + group_shift[group_of]
    difficulty = rng.normal(0.0, 0.8, q)
    p = 1.0 / (1.0 + np.exp(-1.6 * (ability[:, None] - difficulty[None, :])))
    values = np.empty((n, q), dtype=np.float64, order="F")
    for j, question in enumerate(questions):
        pj = p[:, j]
        t = question.type
        if t is QuestionType.YES_NO:
            values[:, j] = rng.random(n) < pj
        elif t is QuestionType.SINGLE_CHOICE:
            k = len(question.options)
            order = np.argsort([o.points for o in question.options], kind="stable")
            values[:, j] = order[rng.binomial(k - 1, pj)]
        elif t is QuestionType.MULTIPLE_CHOICE:
            k = len(question.options)
            chosen = rng.random((n, k)) < pj[:, None]
            values[:, j] = chosen @ (2.0 ** np.arange(k))
        elif t is QuestionType.MATURITY:
            values[:, j] = rng.binomial(5, pj)
        else:
            share = np.clip(pj + rng.normal(0.0, 0.12, n), 0.0, 1.0)
            if t is QuestionType.PERCENTAGE:
                values[:, j] = np.round(share * 100.0, 1)
            else:
                lo = question.minimum or 0.0
                hi = question.maximum if question.maximum is not None else 100.0
                # whole numbers for counts (``whole``) and wide ranges; a few decimals for
                # small ranges (indexes 0-1)
                places = 0 if question.whole or hi - lo >= 100 else 4
                values[:, j] = np.round(lo + share * (hi - lo), places)
    na = np.zeros((n, q), dtype=np.bool_, order="F")
    for j, question in enumerate(questions):
        if question.allow_na:
            na[:, j] = rng.random(n) < 0.10
        elif not question.required:
            values[rng.random(n) < 0.30, j] = np.nan
    incomplete = rng.random(n) < 0.10
    missing = rng.random((n, q)) < rng.uniform(0.05, 0.40, n)[:, None]
    values[incomplete[:, None] & missing] = np.nan
    na &= ~np.isnan(values)
    column = {qq.code: j for j, qq in enumerate(questions)}
    for j, question in enumerate(questions):
        cond = question.condition
        if cond is None or cond.question not in column:
            continue
        g = column[cond.question]
        hidden = (values[:, g] != (1.0 if cond.equals else 0.0)) | na[:, g]
        values[hidden, j] = np.nan
        na[hidden, j] = False
    values[na] = 0.0
    return AnswerMatrix(
        agencies=tuple(f"A{i + 1:05d}" for i in range(n)),
        groups=tuple(group_codes[g] for g in group_of),
        questions=tuple(qq.code for qq in questions),
        values=values,
        not_applicable=na,
    )


def synthetic_previous(result: CycleResult, seed: int = 0) -> PreviousCycle:
    """A previous cycle for ``result``: each agency's total lower by a gain drawn around
    +2.5 points (standard deviation 4, a few large ones), one agency in twenty new this
    cycle (no previous total)."""
    rng = np.random.default_rng(seed)
    scale = result.framework.scale
    n = len(result.agencies)
    gain = rng.normal(0.025, 0.04, n) * scale
    gain[rng.random(n) < 0.02] += 0.15 * scale
    previous = np.clip(result.published.total - gain, 0.0, scale)
    factor = 10.0**result.published.precision
    previous = np.floor(previous * factor + 0.5) / factor
    keep = (rng.random(n) >= 0.05) & ~np.isnan(previous)
    totals = {a: float(v) for a, v, k in zip(result.agencies, previous, keep, strict=True) if k}
    return PreviousCycle(
        totals=totals,
        framework_code=result.framework.previous,
        label=str(result.framework.year_be - 1),
    )
