"""Formulas as data: each step of an explanation, with its figures, and its English text.

A :class:`Formula` is what kind of step it is and its figures, written as a person writes
them (up to 6 decimals, no trailing zeros), with the names of answer options beside their
codes. :func:`formula_text` writes it in English for the command line and JSON; the results
pages write the same figures in the reader's language. :func:`answer_points` says how one
answer earns its points.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from scoring.answers import NOT_APPLICABLE, AnswerValue
from scoring.model import Bilingual, Condition, Question, QuestionType


def number_text(x: float | None) -> str:
    """A number as a person would write it: up to 6 decimals, no trailing zeros."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# --------------------------------------------------------------------------- formulas

FormulaKind = Literal[
    # how an answer earns points
    "unanswered_points", "yes_no", "option", "choices", "level", "below_thresholds",
    "threshold", "percentage", "range",
    # a question's score, or why it has none
    "question_scored", "hidden", "not_applicable", "unanswered",
    # weighted means, exclusions, normalisation and rounding
    "mean", "indicator_excluded", "dimension_excluded", "no_total", "same_score", "minmax",
    "rounding", "no_rounding",
    # the condition that shows a question
    "condition_at_least", "condition_yes_no", "condition_any_of", "condition_equals",
    # an answer as shown
    "answer_yes_no", "answer_not_applicable", "answer_choices", "answer_value",
]


@dataclass(frozen=True)
class Chosen:
    """An answer option named in a formula: its code, its name and its points."""

    code: str
    name: Bilingual
    points: str

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "name": as_data(self.name), "points": self.points}


@dataclass(frozen=True)
class Formula:
    """One step of an explanation as data: its ``kind`` and its ``figures``.

    Figures are numbers written as a person writes them (:func:`number_text`), yes/no as a bool,
    names as :class:`Bilingual`, chosen options as :class:`Chosen`, and the steps a step
    is made of as nested formulas. Every language writes the same figures."""

    kind: FormulaKind
    figures: Mapping[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return formula_text(self)

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "figures": {k: as_data(v) for k, v in self.figures.items()}}


def as_data(value: object) -> object:
    """A figure or node as plain data for JSON: what has ``to_dict`` by it, names as
    ``{th, en}``, tuples as lists."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, Bilingual):
        return {"th": value.th, "en": value.en}
    return [as_data(v) for v in value] if isinstance(value, tuple) else value


def _s(f: Formula, name: str) -> str:
    value = f.figures[name]
    assert isinstance(value, str), (f.kind, name)
    return value


def _sub(f: Formula, name: str) -> Formula:
    value = f.figures[name]
    assert isinstance(value, Formula), (f.kind, name)
    return value


def _chosen(f: Formula) -> tuple[Chosen, ...]:
    value = f.figures["chosen"]
    assert isinstance(value, tuple)
    return tuple(c for c in value if isinstance(c, Chosen))


# The kinds whose English is a pattern filled with their figures ("yes" filled in as a word).
_PATTERNS: Final[dict[str, str]] = {
    "unanswered_points": "unanswered: 0 points",
    "yes_no": "{yes} -> {points} of 1",
    "option": "option {option} -> {points} of {max} points",
    "level": "level {level} of 5",
    "below_thresholds": "{value} below every threshold -> 0 of {max} points",
    "threshold": "{value} >= {at_least} -> {points} of {max} points",
    "percentage": "{value} / 100",
    "range": "({value} - {low}) / ({high} - {low})",
    "not_applicable": "not applicable: excluded",
    "unanswered": "unanswered: scores 0, keeps its weight",
    "indicator_excluded": "no question included: the indicator leaves its dimension",
    "dimension_excluded": "no indicator included: the dimension leaves the total",
    "no_total": "no dimension included: no total",
    "same_score": "every agency has the same score: half the scale, {score}",
    "rounding": "{total} rounded half up to {precision} decimals = {published}",
    "no_rounding": "-",
    "condition_at_least": "{question} >= {value}",
    "condition_yes_no": "{question} = {yes}",
    "condition_equals": "{question} = {value}",
    "answer_yes_no": "{yes}",
    "answer_not_applicable": "not applicable",
    "answer_value": "{value}",
}


def formula_text(f: Formula) -> str:
    """A formula in plain English, as the command line and ``to_dict`` write it."""
    k, g = f.kind, f.figures
    pattern = _PATTERNS.get(k)
    if pattern is not None:
        return pattern.format_map({**g, "yes": "yes" if g.get("yes") else "no"})
    if k == "choices":
        how = " + ".join(f"{c.code} {c.points}" for c in _chosen(f)) or "nothing chosen"
        how = f"{how} = {_s(f, 'sum')}"
        if g.get("cap") is not None:
            how += f", capped at {_s(f, 'cap')}"
        if g.get("zero"):
            how += ", counted as 0"
        return f"{how} of {_s(f, 'max')} points"
    if k == "question_scored":
        return f"{formula_text(_sub(f, 'how'))} = {_s(f, 'score')}"
    if k == "hidden":
        why = f"hidden ({formula_text(_sub(f, 'condition'))} not met)"
        return f"{why}: excluded" if g["excluded"] else f"{why}: scores 0, keeps its weight"
    if k == "mean":
        mean = _s(f, "mean")
        if not mean:
            return f"nothing included = {_s(f, 'result')}"
        times = f" × {_s(f, 'times')}" if g.get("times") else ""
        return f"{mean}{times} = {_s(f, 'result')}"
    if k == "minmax":
        z = ""
        if g.get("z") is not None:
            z = f"z = ({_s(f, 'raw')} - {_s(f, 'mean')}) / {_s(f, 'std')} = {_s(f, 'z')}; "
        lo = _s(f, "low")
        return (
            f"{z}({_s(f, 'x')} - {lo}) / ({_s(f, 'high')} - {lo}) × {_s(f, 'scale')} "
            f"= {_s(f, 'score')}"
        )
    if k == "condition_any_of":
        return f"{_s(f, 'question')} is any of {', '.join(c.code for c in _chosen(f))}"
    if k == "answer_choices":
        return "; ".join(c.code for c in _chosen(f)) if _chosen(f) else "(none chosen)"
    raise ValueError(f"unknown formula kind {k!r}")


# --------------------------------------------------------------------------- points


def _option(question: Question | None, code: str, points: float | None = None) -> Chosen:
    """An option named by its code: its name and points (the code and 0 when unknown)."""
    option = question.option(code) if question is not None else None
    name = option.label if option is not None else Bilingual(th=code, en=code)
    if points is None:
        points = option.points if option is not None else 0.0
    return Chosen(code, name, number_text(points))


def answer_points(question: Question, value: AnswerValue | None) -> tuple[float, float, Formula]:
    """(points, max_points, how) of one answer, ``how`` as a :class:`Formula`."""
    t = question.type
    top = question.max_points
    if value is None or value is NOT_APPLICABLE:
        return 0.0, top, Formula("unanswered_points")
    if t is QuestionType.YES_NO:
        points = 1.0 if value is True else 0.0
        return points, top, Formula("yes_no", {"yes": value is True, "points": number_text(points)})
    if t is QuestionType.SINGLE_CHOICE:
        option = question.option(str(value))
        points = option.points if option is not None else 0.0
        return points, top, Formula(
            "option",
            {"option": str(value), "name": _option(question, str(value)).name,
             "points": number_text(points), "max": number_text(top)},
        )
    if t is QuestionType.MULTIPLE_CHOICE:
        assert isinstance(value, tuple)
        chosen = [o for o in question.options if o.code in value]
        raw = sum(o.points for o in chosen)
        cap = question.cap if question.cap is not None and raw > question.cap else None
        points = raw if cap is None else cap
        figures: dict[str, object] = {
            "chosen": tuple(Chosen(o.code, o.label, number_text(o.points)) for o in chosen),
            "sum": number_text(raw), "cap": None if cap is None else number_text(cap),
            "zero": points < 0, "max": number_text(top),
        }
        return (0.0 if points < 0 else points), top, Formula("choices", figures)
    assert isinstance(value, float)
    if t is QuestionType.MATURITY:
        return value, top, Formula("level", {"level": number_text(value)})
    if question.thresholds:
        ordered = sorted(question.thresholds, key=lambda th: th.at_least)
        best = next((th for th in reversed(ordered) if value >= th.at_least), None)
        if best is None:
            return 0.0, top, Formula("below_thresholds", {"value": number_text(value), "max": number_text(top)})
        return best.points, top, Formula(
            "threshold",
            {"value": number_text(value), "at_least": number_text(best.at_least), "points": number_text(best.points),
             "max": number_text(top)},
        )
    if t is QuestionType.PERCENTAGE:
        return value / 100.0, 1.0, Formula("percentage", {"value": number_text(value)})
    assert question.minimum is not None and question.maximum is not None
    lo, hi = question.minimum, question.maximum
    points = min(max((value - lo) / (hi - lo), 0.0), 1.0)
    return points, 1.0, Formula("range", {"value": number_text(value), "low": number_text(lo), "high": number_text(hi)})


def condition_formula(condition: Condition, owner: Question | None) -> Formula:
    """The condition that shows a question; ``owner``: the question it reads."""
    q = condition.question
    if condition.at_least is not None:
        return Formula("condition_at_least", {"question": q, "value": number_text(condition.at_least)})
    if isinstance(condition.equals, bool):
        return Formula("condition_yes_no", {"question": q, "yes": condition.equals})
    if condition.any_of:
        chosen = tuple(_option(owner, c, 0.0) for c in condition.any_of)
        return Formula("condition_any_of", {"question": q, "chosen": chosen})
    equals = str(condition.equals)
    name = _option(owner, equals).name
    return Formula("condition_equals", {"question": q, "value": equals, "name": name})


def display(value: AnswerValue | None) -> str | None:
    shown = answer_shown(None, value)
    return None if shown is None else shown.text


def answer_shown(question: Question | None, value: AnswerValue | None) -> Formula | None:
    """An answer as shown: yes/no, not applicable, the options chosen (by name), a value."""
    if value is None:
        return None
    if value is NOT_APPLICABLE:
        return Formula("answer_not_applicable")
    if isinstance(value, bool):
        return Formula("answer_yes_no", {"yes": value})
    if isinstance(value, tuple):
        return Formula("answer_choices", {"chosen": tuple(_option(question, c) for c in value)})
    if isinstance(value, float):
        return Formula("answer_value", {"value": number_text(value)})
    if question is not None and question.type is QuestionType.SINGLE_CHOICE:
        return Formula("answer_choices", {"chosen": (_option(question, str(value)),)})
    return Formula("answer_value", {"value": str(value)})
