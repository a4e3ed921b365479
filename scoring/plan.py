"""A framework as arrays: the matrix columns, their weights, how an answer earns points,
the conditions and the shape of indicators and dimensions.

:func:`plan_for` makes a framework's :class:`Plan` once and keeps it on the framework
(``Framework.derived``). Two functions read a cycle's answers through it:
:func:`answer_scores` (each cell's score on 0..1 as answered; :func:`matrix_scores`
keeps them on the matrix) and :func:`shown` (whether each question with a condition is
shown to each agency; :func:`shown_for` reads one agency's answers through it for the
questionnaire). They are the one implementation of these rules: the engine, the
explanations and the questionnaire read them (the tests hold them to a brute-force definition).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from scoring.answers import MAX_MULTIPLE_OPTIONS, AgencyAnswers
from scoring.matrix import AnswerMatrix, encode_answers, matrix_questions
from scoring.model import Framework, Question, QuestionType

ConditionKind = Literal["equals", "in", "mask", "at_least"]


@dataclass(frozen=True, eq=False)
class PlanCondition:
    """Column ``column`` is shown where column ``gate`` passes the test (and the gate is
    itself shown, when it has a condition: ``gate_condition`` is its index, else -1)."""

    column: int
    gate: int
    kind: ConditionKind
    values: tuple[float, ...]  # equals/at_least: one value; in: option indexes; mask: one
    exclude: bool  # when_hidden: exclude
    gate_condition: int


@dataclass(frozen=True, eq=False)
class Points:
    """How the columns earn their score on 0..1, in four groups of columns."""

    # score = min(max((value - low) * inverse, 0), 1): yes/no, maturity, percentage and
    # number without thresholds
    linear: np.ndarray
    low: np.ndarray
    inverse: np.ndarray
    # single choice and multiple choice of up to 8 options: the score of each option
    # index or bitmask ``k`` of column ``lookup[m]`` is ``table[offset[m] + k]``, and
    # ``table[offset[m] - 1]`` is 0 for unanswered
    lookup: np.ndarray
    offset: np.ndarray
    table: np.ndarray
    # multiple choice of more options: points of each option, cap, 1 / max points
    bits: tuple[tuple[int, np.ndarray, float, float], ...]
    # thresholds: ascending levels and the score after reaching 0, 1, ... of them
    steps: tuple[tuple[int, np.ndarray, np.ndarray], ...]
    # where each column went among the columns of the four groups, one group after the other
    position: np.ndarray


@dataclass(frozen=True, eq=False)
class Plan:
    """One framework as arrays (columns are the matrix questions, framework order)."""

    framework: Framework
    questions: tuple[Question, ...]
    codes: tuple[str, ...]
    weight: np.ndarray  # (q,) question weight, 0 for weight <= 0
    indicator_of: np.ndarray  # (q,) indicator of each column
    ind_start: np.ndarray  # (i,) first column of each indicator
    ind_stop: np.ndarray  # (i,) one past its last column
    ind_weight_sum: np.ndarray  # (i,) summed weight of its columns
    ind_weight: np.ndarray  # (i,) indicator weight; 0 when it has no weighted question
    can_drop: np.ndarray  # (i,) whether a question of the indicator can drop out
    # each indicator that can lose questions, with its columns among ``excludable``
    drop_ranges: tuple[tuple[int, int, int], ...]
    # (q,) the question weight over its indicator's summed weight where no question of
    # the indicator can drop out (the weighted sum is then the indicator's score); the
    # question weight where one can
    sum_weight: np.ndarray
    dim_weight: np.ndarray  # (d,)
    dim_start: np.ndarray  # (d,) first indicator of each dimension
    dim_stop: np.ndarray  # (d,) one past its last indicator
    dimension_codes: tuple[str, ...]
    points: Points
    conditions: tuple[PlanCondition, ...]
    condition_columns: np.ndarray  # (c,) the column of each condition
    allow_na: np.ndarray  # columns that accept not applicable
    excludable: np.ndarray  # columns that can drop out of their indicator, ascending
    # (condition, its column's position in ``excludable``) of the excludable conditional
    # columns
    condition_excludable: tuple[tuple[int, int], ...]


def plan_for(framework: Framework) -> Plan:
    """The plan of ``framework``, made when first asked for and kept on it.

    Raises ``ValueError`` on what the loader would have refused (a condition on an
    unknown or later question, a linear number without bounds, too many options)."""
    plan = framework.derived.get("plan")
    if not isinstance(plan, Plan):
        plan = _make(framework)
        framework.derived["plan"] = plan
    return plan


def _make(framework: Framework) -> Plan:
    questions = matrix_questions(framework)
    column = {q.code: j for j, q in enumerate(questions)}
    if len(column) != len(questions):
        raise ValueError("question codes are not unique")
    indicators = framework.indicators
    indicator_of: list[int] = []
    ind_start: list[int] = []
    ind_stop: list[int] = []
    ind_dimension: list[int] = []
    for d, dimension in enumerate(framework.dimensions):
        for indicator in dimension.indicators:
            ind_start.append(len(indicator_of))
            for q in indicator.questions:
                if q.code in column:
                    indicator_of.append(len(ind_start) - 1)
            ind_stop.append(len(indicator_of))
            ind_dimension.append(d)
    weight = np.array([max(q.weight, 0.0) for q in questions], dtype=np.float64)
    ind_weight_sum = np.array(
        [weight[a:b].sum() for a, b in zip(ind_start, ind_stop, strict=True)], dtype=np.float64
    )
    ind_weight = np.array([max(i.weight, 0.0) for i in indicators], dtype=np.float64)
    ind_weight[ind_weight_sum <= 0] = 0.0
    conditions = _conditions(questions, column)
    allow_na = [j for j, q in enumerate(questions) if q.allow_na]
    hidden_out = [c.column for c in conditions if c.exclude]
    excludable = np.array(sorted(set(allow_na) | set(hidden_out)), dtype=np.int64)
    owner = np.array(indicator_of, dtype=np.int64)
    can_drop = np.zeros(len(indicators), dtype=np.bool_)
    can_drop[owner[excludable]] = True
    can_drop &= ind_weight_sum > 0
    excluded_of = owner[excludable]
    drop_ranges = tuple(
        (i, int(np.searchsorted(excluded_of, i)), int(np.searchsorted(excluded_of, i, "right")))
        for i in np.flatnonzero(can_drop).tolist()
    )
    fixed = ~can_drop[owner] & (ind_weight_sum[owner] > 0)
    sum_weight = weight.copy()
    sum_weight[fixed] /= ind_weight_sum[owner[fixed]]
    dims = np.array(ind_dimension, dtype=np.int64)
    n_dim = len(framework.dimensions)
    return Plan(
        framework=framework,
        questions=questions,
        codes=tuple(q.code for q in questions),
        weight=weight,
        indicator_of=owner,
        ind_start=np.array(ind_start, dtype=np.int64),
        ind_stop=np.array(ind_stop, dtype=np.int64),
        ind_weight_sum=ind_weight_sum,
        ind_weight=ind_weight,
        can_drop=can_drop,
        drop_ranges=drop_ranges,
        sum_weight=sum_weight,
        dim_weight=np.array([max(d.weight, 0.0) for d in framework.dimensions]),
        dim_start=np.searchsorted(dims, np.arange(n_dim), side="left"),
        dim_stop=np.searchsorted(dims, np.arange(n_dim), side="right"),
        dimension_codes=tuple(d.code for d in framework.dimensions),
        points=_points(questions),
        conditions=conditions,
        condition_columns=np.array([c.column for c in conditions], dtype=np.int64),
        allow_na=np.array(allow_na, dtype=np.int64),
        excludable=excludable,
        condition_excludable=tuple(
            (k, int(np.searchsorted(excludable, c.column)))
            for k, c in enumerate(conditions)
            if c.column in set(excludable.tolist())
        ),
    )


def _points(questions: Sequence[Question]) -> Points:
    linear: list[tuple[int, float, float]] = []
    lookup: list[tuple[int, list[float]]] = []
    bits: list[tuple[int, np.ndarray, float, float]] = []
    steps: list[tuple[int, np.ndarray, np.ndarray]] = []
    for j, q in enumerate(questions):
        t, top = q.type, q.max_points

        def share(points: float, top: float = top) -> float:
            return max(points, 0.0) / top if top > 0 else 0.0

        if t is QuestionType.YES_NO:
            linear.append((j, 0.0, 1.0))
        elif t is QuestionType.MATURITY:
            linear.append((j, 0.0, 1.0 / 5.0))
        elif t is QuestionType.SINGLE_CHOICE:
            lookup.append((j, [share(o.points) for o in q.options]))
        elif t is QuestionType.MULTIPLE_CHOICE:
            if len(q.options) > MAX_MULTIPLE_OPTIONS:
                raise ValueError(f"{q.code}: too many options for a bitmask")
            points = [o.points for o in q.options]
            cap = q.cap if q.cap is not None else math.inf
            if len(points) <= 8:
                table = [
                    share(min(sum(p for k, p in enumerate(points) if mask >> k & 1), cap))
                    for mask in range(1 << len(points))
                ]
                lookup.append((j, table))
            else:
                bits.append((j, np.array(points), cap, 1.0 / top if top > 0 else 0.0))
        elif q.thresholds:
            ordered = sorted(q.thresholds, key=lambda th: th.at_least)
            levels = np.array([th.at_least for th in ordered])
            steps.append((j, levels, np.array([0.0] + [share(th.points) for th in ordered])))
        elif t is QuestionType.PERCENTAGE:
            linear.append((j, 0.0, 1.0 / 100.0))
        else:
            if q.minimum is None or q.maximum is None:
                raise ValueError(f"{q.code}: a number without thresholds needs minimum and maximum")
            if q.maximum <= q.minimum:
                raise ValueError(f"{q.code}: maximum must exceed minimum")
            linear.append((j, q.minimum, 1.0 / (q.maximum - q.minimum)))
    flat: list[float] = []
    offset: list[int] = []
    for _, table in lookup:
        flat.append(0.0)  # unanswered
        offset.append(len(flat))
        flat.extend(table)
    order = [j for j, _, _ in linear] + [j for j, _ in lookup]
    order += [j for j, *_ in bits] + [j for j, *_ in steps]
    return Points(
        linear=np.array([j for j, _, _ in linear], dtype=np.int64),
        low=np.array([low for _, low, _ in linear], dtype=np.float64),
        inverse=np.array([inverse for _, _, inverse in linear], dtype=np.float64),
        lookup=np.array([j for j, _ in lookup], dtype=np.int64),
        offset=np.array(offset, dtype=np.float64),
        table=np.array(flat or [0.0], dtype=np.float64),
        bits=tuple(bits),
        steps=tuple(steps),
        position=np.argsort(np.array(order, dtype=np.int64)),
    )


def _conditions(
    questions: Sequence[Question], column: dict[str, int]
) -> tuple[PlanCondition, ...]:
    conditions: list[PlanCondition] = []
    index_of_column: dict[int, int] = {}
    for j, q in enumerate(questions):
        cond = q.condition
        if cond is None:
            continue
        g = column.get(cond.question)
        if g is None:
            raise ValueError(f"{q.code}: condition on {cond.question}, which is not a scored question")
        if g >= j:
            raise ValueError(f"{q.code}: condition on a later question {cond.question}")
        kind, values = _test(q, questions[g])
        index_of_column[j] = len(conditions)
        conditions.append(
            PlanCondition(j, g, kind, values, q.when_hidden == "exclude", index_of_column.get(g, -1))
        )
    return tuple(conditions)


def _test(question: Question, gate: Question) -> tuple[ConditionKind, tuple[float, ...]]:
    cond = question.condition
    assert cond is not None
    t = gate.type

    def index_of(code: str) -> int:
        for k, option in enumerate(gate.options):
            if option.code == code:
                return k
        raise ValueError(f"{question.code}: condition names unknown option {code!r} of {gate.code}")

    if cond.at_least is not None:
        if t not in (QuestionType.MATURITY, QuestionType.NUMBER, QuestionType.PERCENTAGE):
            raise ValueError(f"{question.code}: at_least needs a numeric gate, {gate.code} is {t.value}")
        return "at_least", (float(cond.at_least),)
    if t is QuestionType.YES_NO:
        if not isinstance(cond.equals, bool):
            raise ValueError(f"{question.code}: condition on yes/no {gate.code} needs equals: true|false")
        return "equals", (1.0 if cond.equals else 0.0,)
    codes = cond.any_of or ((cond.equals,) if isinstance(cond.equals, str) else ())
    if t is QuestionType.SINGLE_CHOICE:
        if not codes:
            raise ValueError(f"{question.code}: condition on {gate.code} needs equals or any_of")
        return "in", tuple(float(index_of(c)) for c in codes)
    if t is QuestionType.MULTIPLE_CHOICE:
        if not codes:
            raise ValueError(f"{question.code}: condition on {gate.code} needs any_of")
        return "mask", (float(sum(1 << index_of(c) for c in set(codes))),)
    raise ValueError(f"{question.code}: condition on {gate.code} ({t.value}) cannot be evaluated")


# --------------------------------------------------------------------------- answers


def answer_scores(plan: Plan, values: np.ndarray, not_applicable: np.ndarray) -> np.ndarray:
    """Each cell's score on 0..1 as answered (agencies x columns): points / max points, 0
    where unanswered or not applicable. Conditions are not applied.

    Each group of columns (see :class:`Points`) is scored at once; the groups are then put
    back in column order."""
    n = values.shape[0]
    p = plan.points
    na = not_applicable if plan.allow_na.size else None

    def cells(columns: np.ndarray) -> np.ndarray:
        """The values of ``columns``, NaN (unanswered) where not applicable."""
        out = values[:, columns]
        if na is not None:
            np.copyto(out, np.nan, where=na[:, columns])
        return out

    parts = []
    with np.errstate(invalid="ignore"):
        if p.linear.size:
            linear = cells(p.linear)
            linear -= p.low
            linear *= p.inverse
            np.minimum(linear, 1.0, out=linear)
            np.fmax(linear, 0.0, out=linear)  # NaN -> 0
            parts.append(linear)
        if p.lookup.size:
            index = cells(p.lookup)
            np.fmax(index, -1.0, out=index)  # NaN -> -1: the column's unanswered slot
            index += p.offset
            parts.append(np.take(p.table, index.astype(np.intp), mode="clip"))
        for j, option_points, cap, inverse in p.bits:
            mask = np.nan_to_num(cells(np.array([j]))[:, 0], nan=0.0).astype(np.int64)
            total = np.zeros(n)
            for k, points in enumerate(option_points.tolist()):
                total += ((mask >> k) & 1) * points
            parts.append((np.clip(total, 0.0, cap) * inverse)[:, None])
        for j, levels, table in p.steps:
            v = cells(np.array([j]))[:, 0]
            score = table[np.searchsorted(levels, v, side="right")]
            score[np.isnan(v)] = 0.0
            parts.append(score[:, None])
    if not parts:
        return np.zeros((n, 0), order="F")
    grouped = np.concatenate(parts, axis=1) if len(parts) > 1 else parts[0]
    # column-major: the engine sums each indicator's columns
    return np.asfortranarray(np.take(grouped, p.position, axis=1))


def matrix_scores(plan: Plan, matrix: AnswerMatrix) -> np.ndarray:
    """:func:`answer_scores` of a matrix (read-only), made once per matrix and plan and
    kept on the matrix (its arrays are read-only). Raises ``ValueError`` when a question
    that does not allow it is flagged not applicable."""
    kept = matrix.derived.get("scores")
    if isinstance(kept, tuple) and kept[0] is plan:
        scores: np.ndarray = kept[1]
        return scores
    allowed = np.zeros(len(plan.codes), dtype=np.bool_)
    allowed[plan.allow_na] = True
    bad = np.flatnonzero(matrix.not_applicable.any(axis=0) & ~allowed)
    if bad.size:
        raise ValueError(
            "not applicable given for questions that do not allow it: "
            + ", ".join(plan.codes[j] for j in bad[:10])
        )
    scores = answer_scores(plan, matrix.values, matrix.not_applicable)
    scores.flags.writeable = False
    matrix.derived["scores"] = (plan, scores)
    return scores


def passes(kind: ConditionKind, values: tuple[float, ...], gate: np.ndarray) -> np.ndarray:
    """Whether each gate cell passes a condition's test (NaN, unanswered, fails)."""
    ok: np.ndarray
    if kind == "equals":
        ok = gate == values[0]
    elif kind == "in":
        ok = np.isin(gate, values)
    elif kind == "mask":
        ok = (np.fmax(gate, 0.0).astype(np.int64) & int(values[0])) != 0
    else:
        ok = gate >= values[0]
    return ok


def shown(plan: Plan, values: np.ndarray, not_applicable: np.ndarray) -> np.ndarray:
    """Whether each question with a condition is shown to each agency (agencies x
    conditions, in ``plan.conditions`` order): its gate answered (not "not applicable"),
    passing the test, and itself shown when it has a condition. Unanswered fails every
    test."""
    out = np.empty((values.shape[0], len(plan.conditions)), dtype=np.bool_)
    with np.errstate(invalid="ignore"):
        for k, c in enumerate(plan.conditions):
            ok = passes(c.kind, c.values, values[:, c.gate])
            ok &= ~not_applicable[:, c.gate]
            if c.gate_condition >= 0:
                ok &= out[:, c.gate_condition]
            out[:, k] = ok
    return out


def shown_for(framework: Framework, answers: AgencyAnswers) -> dict[str, bool]:
    """Whether each question of ``framework`` is shown to one agency (code -> shown),
    by the rule of :func:`shown`: ``answers`` become a one-row matrix. A question outside
    the matrix (text, URL, file) is tested on its gate's column the same way.

    Raises :class:`~scoring.answers.InvalidAnswer` on an answer the framework refuses.
    """
    plan = plan_for(framework)
    matrix = encode_answers(framework, [answers])
    values, not_applicable = matrix.values, matrix.not_applicable
    column = {code: j for j, code in enumerate(plan.codes)}
    passed = shown(plan, values, not_applicable)[0]
    of_column = {c.column: bool(passed[k]) for k, c in enumerate(plan.conditions)}
    out: dict[str, bool] = {}
    with np.errstate(invalid="ignore"):
        for q in framework.questions:
            cond = q.condition
            if cond is None:
                out[q.code] = True
            elif q.code in column:
                out[q.code] = of_column[column[q.code]]
            else:
                g = column.get(cond.question)
                if g is None:
                    raise ValueError(f"{q.code}: condition on {cond.question}, which is not a scored question")
                kind, test = _test(q, plan.questions[g])
                ok = bool(passes(kind, test, values[:1, g])[0]) and not not_applicable[0, g]
                out[q.code] = ok and out.get(cond.question, False)
    return out
