"""Checks of a framework's structure: the top-level keys, the cycle, dimensions, indicators
and their weights and codes; then, once every question is known, conditions, peer groups,
bands and awards."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

from scoring.checks.award_rules import read_awards
from scoring.checks.bands import read_bands, read_peer_groups
from scoring.checks.conditions import read_conditions, with_conditions
from scoring.checks.consistency import read_consistency
from scoring.checks.questions import DEFAULT_WEIGHT, QuestionsSeen, read_question
from scoring.checks.values import (
    FORMAT,
    Reader,
    Seen,
    as_string,
    describe,
    fmt,
    literal_choices,
    positive,
)
from scoring.checks.yaml_tree import Map, Node, join
from scoring.model import Dimension, Framework, Indicator, Normalisation, Question

BUDDHIST_ERA_OFFSET: Final = 543
WEIGHTS_TOLERANCE: Final = 1e-9
MAX_PRECISION: Final = 6
SCALES: Final = (1.0, 100.0)
# Defaults of keys a framework may leave out (the same as scoring.model's).
DEFAULT_SCALE: Final = 100.0
DEFAULT_PRECISION: Final = 2

_NORMALISATIONS: Final[dict[str, Normalisation]] = literal_choices(Normalisation)
_DIMENSION_KEYS: Final = ("code", "name", "indicators")
_INDICATOR_KEYS: Final = ("code", "name", "questions")
_TOP_REQUIRED: Final = ("format", "code", "name", "cycle", "dimensions")
_TOP_OPTIONAL: Final = tuple(
    "note previous scale precision normalisation weights_total meta bands peer_groups awards "
    "consistency".split()
)


@dataclass(slots=True)
class _Declared:
    """Codes declared so far, for the checks that refer to them."""

    dimensions: Seen = field(default_factory=dict)
    indicators: Seen = field(default_factory=dict)
    questions: QuestionsSeen = field(default_factory=QuestionsSeen)
    # each code in an indicator's replaces: the code, its line and path, the indicator's code
    replaced: list[tuple[str, int, str, str | None]] = field(default_factory=list)


def read_framework(reader: Reader, root: Node | None) -> Framework | None:
    """The framework of a document's tree; None when it has any problem (all reported)."""
    if root is None:
        reader.report(1, "", f'the file is empty; start it with "format: {FORMAT}"')
        return None
    top = reader.expect_map(
        root, root.line, "", "the framework", "format: ..., code: ..., dimensions: [...]"
    )
    if top is None:
        return None
    reader.keys(top, "", "the framework", _TOP_REQUIRED, _TOP_OPTIONAL)
    _check_format(reader, top)
    code = reader.code(top, "code", "")
    if code is not None:
        _check_framework_code(reader, top, code)
    name = reader.text(top, "name", "")
    note = reader.text(top, "note", "")
    year_be, year_ce = _cycle(reader, top)
    previous = reader.code(top, "previous", "")
    if previous is not None and previous == code:
        reader.report(
            top.entries["previous"].key_line,
            "previous",
            f'previous names this framework itself ("{code}"); give the code of the earlier '
            "cycle or remove it",
        )
    scale = reader.number(top, "scale", "", rule="1 or 100", check=lambda value: value in SCALES)
    precision = reader.integer(
        top,
        "precision",
        "",
        rule=f"a whole number from 0 to {MAX_PRECISION}",
        check=lambda value: 0 <= value <= MAX_PRECISION,
    )
    normalisation = reader.choice(top, "normalisation", "", _NORMALISATIONS)
    weights_total = reader.number(
        top, "weights_total", "", rule="a positive number", check=positive
    )
    meta = _meta(reader, top)

    declared = _Declared()
    dimensions, weights = _dimensions(reader, top, declared)
    _check_weights_total(reader, top, weights_total, weights)
    conditions = read_conditions(reader, declared.questions)
    _check_replaces(reader, declared)
    _check_scored(reader, top, declared.questions)

    # Bounds that depend on the scale are checked only against a scale that is valid.
    bound: float | None = DEFAULT_SCALE if "scale" not in top.entries else scale
    groups, group_codes = read_peer_groups(reader, top)
    bands = read_bands(reader, top, bound)
    awards = read_awards(reader, top, bound, group_codes, declared.dimensions)
    consistency = read_consistency(reader, top, dimensions)

    if reader.problems:
        return None
    # Missing required keys were reported above, so these hold whenever nothing was.
    assert code is not None and name is not None
    assert year_be is not None and year_ce is not None
    return Framework(
        code=code,
        name=name,
        year_be=year_be,
        year_ce=year_ce,
        dimensions=with_conditions(dimensions, conditions),
        scale=DEFAULT_SCALE if scale is None else scale,
        precision=DEFAULT_PRECISION if precision is None else precision,
        normalisation=normalisation or "none",
        previous=previous,
        note=note,
        bands=tuple(bands),
        peer_groups=tuple(groups),
        awards=tuple(awards),
        meta=meta,
        consistency=tuple(consistency),
    )


def _check_framework_code(reader: Reader, top: Map, code: str) -> None:
    """A framework's code names its cycle on the command line and in web addresses: not
    digits alone (``phrom score 2564`` reads a Buddhist Era year), not starting with a sign."""
    line = top.entries["code"].key_line
    if code.isdigit():
        reader.report(
            line,
            "code",
            f'code "{code}" is only digits, which the phrom command reads as a Buddhist Era '
            f'year (phrom score {code}); add letters, e.g. "fw-{code}"',
        )
    elif not code[0].isalnum():
        fixed = code.lstrip("-_.")
        hint = f'; e.g. "{fixed}"' if fixed and not fixed.isdigit() else ""
        reader.report(
            line,
            "code",
            f'code "{code}" must start with a letter or a digit: it names the cycle on the '
            f"command line and in web addresses{hint}",
        )


def _check_format(reader: Reader, top: Map) -> None:
    entry = top.entries.get("format")
    if entry is None or as_string(entry.value) == FORMAT:
        return
    reader.report(
        entry.key_line,
        "format",
        f'format must be "{FORMAT}", got {describe(entry.value)}; this loader reads '
        "version 1 of the framework format",
    )


def _cycle(reader: Reader, top: Map) -> tuple[int | None, int | None]:
    entry = top.entries.get("cycle")
    if entry is None:
        return None, None
    cycle = reader.expect_map(
        entry.value, entry.key_line, "cycle", "cycle", "{year_be: 2564, year_ce: 2021}"
    )
    if cycle is None:
        return None, None
    reader.keys(cycle, "cycle", "cycle", ("year_be", "year_ce"), ())
    year_be = reader.integer(
        cycle, "year_be", "cycle", rule="a Buddhist Era year such as 2564", check=lambda v: v > 0
    )
    year_ce = reader.integer(
        cycle, "year_ce", "cycle", rule="a Common Era year such as 2021", check=lambda v: v > 0
    )
    if year_be is not None and year_ce is not None and year_be != year_ce + BUDDHIST_ERA_OFFSET:
        reader.report(
            cycle.entries["year_be"].key_line,
            "cycle.year_be",
            f"year_be {year_be} does not match year_ce {year_ce}: year_be must be year_ce + "
            f"{BUDDHIST_ERA_OFFSET} = {year_ce + BUDDHIST_ERA_OFFSET}; correct whichever "
            "year is wrong",
        )
    return year_be, year_ce


def _meta(reader: Reader, top: Map) -> dict[str, str]:
    entry = top.entries.get("meta")
    if entry is None:
        return {}
    meta = reader.expect_map(
        entry.value, entry.key_line, "meta", "meta", "{source: ..., licence: ...}"
    )
    if meta is None:
        return {}
    result: dict[str, str] = {}
    for key, item in meta.entries.items():
        text = as_string(item.value)
        if text is None:
            reader.report(
                item.key_line,
                join("meta", key),
                f"meta values must be texts, got {describe(item.value)}; write a text or "
                "remove the key",
            )
            continue
        result[key] = text
    return result


def _dimensions(
    reader: Reader, top: Map, declared: _Declared
) -> tuple[list[Dimension], list[float] | None]:
    """The dimensions, and their weights (None when one of them is unusable)."""
    dimensions: list[Dimension] = []
    weights: list[float] | None = []
    for path, mapping in reader.items(top, "dimensions", "", "dimension", minimum=1):
        code, name = reader.coded(
            mapping, path, "dimension", declared.dimensions, _DIMENSION_KEYS, ("weight",)
        )
        weight = reader.number(mapping, "weight", path, rule="a positive number", check=positive)
        if weight is None and "weight" in mapping.entries:
            weights = None
        elif weights is not None:
            weights.append(DEFAULT_WEIGHT if weight is None else weight)
        indicators = _indicators(reader, mapping, path, declared)
        if code is not None and name is not None:
            dimensions.append(
                Dimension(
                    code=code,
                    name=name,
                    indicators=tuple(indicators),
                    weight=DEFAULT_WEIGHT if weight is None else weight,
                )
            )
    return dimensions, weights


def _check_weights_total(
    reader: Reader, top: Map, total: float | None, weights: list[float] | None
) -> None:
    if total is None or not weights:
        return
    found = math.fsum(weights)
    if abs(found - total) <= WEIGHTS_TOLERANCE:
        return
    reader.report(
        top.entries["weights_total"].key_line,
        "weights_total",
        f"dimension weights add up to {fmt(found)}, not weights_total {fmt(total)}; "
        "adjust the dimension weights or weights_total",
    )


def _indicators(
    reader: Reader, dimension: Map, dimension_path: str, declared: _Declared
) -> list[Indicator]:
    result: list[Indicator] = []
    for path, mapping in reader.items(
        dimension, "indicators", dimension_path, "indicator", minimum=1
    ):
        code, name = reader.coded(
            mapping,
            path,
            "indicator",
            declared.indicators,
            _INDICATOR_KEYS,
            ("description", "weight", "replaces"),
        )
        description = reader.text(mapping, "description", path)
        weight = reader.number(mapping, "weight", path, rule="a positive number", check=positive)
        replaces = reader.codes(mapping, "replaces", path)
        declared.replaced.extend((old, line, where, code) for old, line, where in replaces)
        questions: list[Question] = []
        for question_path, question_map in reader.items(
            mapping, "questions", path, "question", minimum=1
        ):
            question = read_question(reader, question_map, question_path, declared.questions)
            if question is not None:
                questions.append(question)
        if code is not None and name is not None:
            result.append(
                Indicator(
                    code=code,
                    name=name,
                    questions=tuple(questions),
                    weight=DEFAULT_WEIGHT if weight is None else weight,
                    description=description,
                    replaces=tuple(old for old, _, _ in replaces),
                )
            )
    return result


def _check_replaces(reader: Reader, declared: _Declared) -> None:
    for code, line, path, owner in declared.replaced:
        if code == owner:
            reader.report(
                line,
                path,
                f'indicator "{code}" cannot replace itself; remove "{code}" from replaces',
            )
            continue
        other = declared.indicators.get(code)
        if other is not None:
            reader.report(
                line,
                path,
                f'"{code}" is the code of another indicator of this framework (line '
                f"{other[0]}, {other[1]}); replaces may only list codes that are no longer in "
                "use, so remove it here or rename that indicator",
            )


def _check_scored(reader: Reader, top: Map, questions: QuestionsSeen) -> None:
    infos = questions.infos
    if not infos or any(info.type is None for info in infos) or any(i.scored for i in infos):
        return
    reader.report(
        top.entries["dimensions"].key_line,
        "dimensions",
        "the framework has no scored question; add at least one yes_no, single_choice, "
        "multiple_choice, maturity, number or percentage question with a positive weight",
    )
