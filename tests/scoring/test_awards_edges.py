"""Award placing on the cases that once told two implementations apart: ties shared or
settled by agency code (not by position in the cycle), tie-breaks with NaN last, agencies
without a total, peer groups restricted, absent or unknown to the framework, floors met
or missed (also under float error), many agencies tied, empty cycles and random cycles
full of ties. Every result is also held to a brute-force sort of every eligible agency
(tests/scoring/reference.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from scoring.answers import NOT_APPLICABLE, AgencyAnswers, AnswerValue
from scoring.awards import AwardResult, evaluate_awards
from scoring.matrix import AnswerMatrix
from scoring.model import AwardRule, Bilingual, Framework
from scoring.result import PreviousCycle, score_cycle
from tests.scoring.reference import assert_awards_match
from tests.scoring.test_engine_support import dimension, framework, indicator, percentage
from tests.synthetic.cycles import synthetic_answers, synthetic_framework, synthetic_previous

NAME = Bilingual(th="รางวัล", en="Award")
Figures = tuple[float | None, ...]  # an agency's answer per dimension, None: not applicable


def rule(code: str, kind: str, top: int, **kw: object) -> AwardRule:
    return AwardRule(code=code, name=NAME, kind=kind, top=top, **kw)  # type: ignore[arg-type]


def cycle_framework(
    rules: Sequence[AwardRule],
    n_dimensions: int = 2,
    groups: Sequence[str] = (),
    weights: Sequence[float] = (),
) -> Framework:
    """One question per dimension, which may be answered not applicable: an agency's
    dimension score is its answer (NaN when not applicable), its total their mean (NaN
    when every answer is not applicable), weighted by ``weights`` (1 each by default: a
    dimension of weight 0 can have a score where the total is NaN)."""
    return framework(
        *(
            dimension(
                f"D{d + 1}",
                indicator(f"I{d + 1}", percentage(f"q{d + 1}", allow_na=True)),
                weight=weights[d] if weights else 1.0,
            )
            for d in range(n_dimensions)
        ),
        groups=groups,
        awards=rules,
    )


def answers(
    figures: Sequence[Figures],
    codes: Sequence[str] | None = None,
    groups: Sequence[str | None] | None = None,
) -> list[AgencyAnswers]:
    out = []
    for i, values in enumerate(figures):
        given: dict[str, AnswerValue] = {
            f"q{d + 1}": NOT_APPLICABLE if v is None else float(v) for d, v in enumerate(values)
        }
        code = codes[i] if codes is not None else f"A{i + 1}"
        out.append(AgencyAnswers(code, given, None if groups is None else groups[i]))
    return out


def previous_of(codes: Sequence[str], totals: Sequence[float | None]) -> PreviousCycle:
    return PreviousCycle(
        totals={c: t for c, t in zip(codes, totals, strict=True) if t is not None},
        label="2563",
    )


def both_ways(
    fw: Framework,
    cycle: AnswerMatrix | Sequence[AgencyAnswers],
    previous: PreviousCycle | None = None,
) -> tuple[AwardResult, ...]:
    """The awards of the cycle, held to the brute-force placing and to a second placing
    of the same published figures."""
    result = score_cycle(fw, cycle, previous)
    assert_awards_match(result)
    again = evaluate_awards(result.published, fw.awards, [g.code for g in fw.peer_groups])
    assert again == result.awards
    return result.awards


def places(result: AwardResult) -> list[tuple[str, int]]:
    return [(e.agency, e.place) for e in result.winners]


def misses(result: AwardResult) -> list[tuple[str, int]]:
    return [(e.agency, e.place) for e in result.near_misses]


def test_ties_share_a_place_or_go_by_agency_code_not_by_position() -> None:
    # codes out of order: "B10" < "B2" < "B9"; the cycle's order is B9, B2, B10, ...
    codes = ["B9", "B2", "B10", "A7", "C1", "A70", "A07"]
    totals = [80.0, 90.0, 80.0, 80.0, 70.0, 90.0, 80.0]
    fw = cycle_framework(
        [
            rule("share", "top_total", 2),
            rule("code", "top_total", 2, ties="code"),
            rule("code_no_misses", "top_total", 3, ties="code", near_misses=0),
            rule("share_one_miss", "top_total", 3, near_misses=1),
        ],
        n_dimensions=1,
    )
    share, code, no_misses, one_miss = both_ways(fw, answers([(t,) for t in totals], codes))
    assert places(share) == [("A70", 1), ("B2", 1)]
    assert misses(share) == [("A07", 3), ("A7", 3), ("B10", 3), ("B9", 3), ("C1", 7)]
    assert places(code) == [("A70", 1), ("B2", 2)]
    assert misses(code) == [("A07", 3), ("A7", 4), ("B10", 5), ("B9", 6), ("C1", 7)]
    assert places(no_misses) == [("A70", 1), ("B2", 2), ("A07", 3)]
    assert misses(no_misses) == []
    # more winners than places: four share the third
    assert places(one_miss) == [
        ("A70", 1),
        ("B2", 1),
        ("A07", 3),
        ("A7", 3),
        ("B10", 3),
        ("B9", 3),
    ]
    assert misses(one_miss) == []  # C1 is 7th: beyond the 3 + 1 places looked at


def test_an_agency_placed_after_an_equal_winner_by_code_says_so() -> None:
    fw = cycle_framework([rule("code", "top_total", 2, ties="code")], n_dimensions=1)
    (result,) = both_ways(fw, answers([(80.0,), (90.0,), (80.0,)], ["Z", "Y", "X"]))
    assert places(result) == [("Y", 1), ("X", 2)]
    assert result.near_misses[0].why.endswith(
        "equal to X on every figure, placed after it by agency code"
    )


def test_tie_breaks_order_equal_figures_nan_last() -> None:
    # equal totals (the mean of the two answers); D2 breaks the tie, NaN (D2 not
    # applicable) last, then the previous total, then the agency code
    figures: list[Figures] = [
        (80.0, 80.0),
        (90.0, 70.0),
        (85.0, 75.0),
        (80.0, None),
        (60.0, 100.0),
        (85.0, 75.0),
        (80.0, None),
        (70.0, 90.0),
        (50.0, 50.0),
    ]
    codes = [f"A{k}" for k in (5, 3, 8, 1, 9, 2, 7, 4, 6)]
    previous = previous_of(codes, [70.0, 70.0, 60.0, None, 75.0, 60.0, 71.0, None, 40.0])
    fw = cycle_framework(
        [
            rule("d2", "top_total", 3, tie_break=("dimension:D2",)),
            rule("d2_code", "top_total", 3, tie_break=("dimension:D2",), ties="code"),
            rule("three", "top_total", 4, tie_break=("dimension:D2", "previous_total", "gain")),
            rule("gain", "top_gain", 2, tie_break=("dimension:D1", "total"), near_misses=9),
        ]
    )
    d2, d2_code, three, gain = both_ways(fw, answers(figures, codes), previous)
    assert places(d2)[:2] == [("A9", 1), ("A4", 2)]
    assert places(d2_code)[:3] == [("A9", 1), ("A4", 2), ("A5", 3)]
    # A7 and A1 (D2 not applicable) come after every agency with a D2 score, A7 first:
    # A1 has no previous total either
    assert [e.agency for e in (*three.winners, *three.near_misses)][-3:] == ["A7", "A1", "A6"]
    assert gain.eligible == 7


def test_agencies_without_a_total_are_never_eligible() -> None:
    figures: list[Figures] = [(None, None), (90.0, None), (None, 70.0), (None, None), (60.0, 65.0)]
    codes = ["A1", "A2", "A3", "A4", "A5"]
    # gains: A2 +10, A3 +5, A5 +22.50 (under the floor)
    previous = previous_of(codes, [50.0, 80.0, 65.0, 10.0, 40.0])
    fw = cycle_framework(
        [
            rule("total", "top_total", 2),
            rule("gain", "top_gain", 1, floor=65.0),
            rule("gain_any", "top_gain", 5),
            rule("best", "best_dimension", 1),
        ]
    )
    total, gain, gain_any, best_d1, best_d2 = both_ways(fw, answers(figures, codes), previous)
    assert total.eligible == 3 and [e.agency for e in total.near_misses] == ["A5"]
    assert gain.eligible == 2 and places(gain) == [("A2", 1)]
    assert misses(gain) == [("A5", 1), ("A3", 2)]
    assert gain_any.eligible == 3
    assert (best_d1.eligible, best_d2.eligible) == (2, 2)


def test_peer_groups_restricted_absent_and_unknown_to_the_framework() -> None:
    # the framework declares G1..G4; the agencies are in G3, G1, X9 (a group the
    # framework does not name, reported after its own) or none; G4's only agency has no
    # total, G2 has no agency
    groups: list[str | None] = ["G3", "G1", "X9", None, "G3", "G1", "X9", "G4", None, "G1"]
    figures: list[Figures] = [
        (70.0, 80.0),
        (90.0, 90.0),
        (60.0, 65.0),
        (99.0, 99.0),
        (75.0, 70.0),
        (90.0, 80.0),
        (60.0, 60.0),
        (None, None),
        (50.0, 55.0),
        (85.0, 95.0),
    ]
    codes = [f"A{i + 1:02d}" for i in range(len(groups))]
    previous = previous_of(codes, [60.0, 80.0, 65.0, 70.0, None, 80.0, 50.0, 70.0, 40.0, 88.0])
    fw = cycle_framework(
        [
            rule("each", "top_total", 1, per_group=True),
            rule("some", "top_total", 1, per_group=True, groups=("G3", "X9", "G4", "G7")),
            rule("absent", "top_total", 2, groups=("G2",)),
            rule("two", "top_total", 2, groups=("G1", "X9"), ties="code"),
            rule("gain", "top_gain", 1, per_group=True, floor=70.0, near_misses=2),
            rule("best", "best_dimension", 1, per_group=True, dimensions=("D2",)),
            rule("gain_g1", "top_gain", 1, groups=("G1",), floor=70.0, near_misses=3),
        ],
        groups=["G1", "G2", "G3", "G4"],
    )
    results = both_ways(fw, answers(figures, codes, groups), previous)
    by_code: dict[str, list[AwardResult]] = {}
    for result in results:
        by_code.setdefault(result.code, []).append(result)
    assert [r.group for r in by_code["each"]] == ["G1", "G3", "X9"]
    assert [r.group for r in by_code["some"]] == ["G3", "X9"]
    (absent,) = by_code["absent"]
    assert absent.eligible == 0 and absent.winners == () and absent.near_misses == ()
    (two,) = by_code["two"]
    assert two.eligible == 5
    assert [r.group for r in by_code["gain"]] == ["G1", "G3", "X9"]
    assert [r.group for r in by_code["best"]] == ["G1", "G3", "X9"]
    # A07 (X9) and A09 (no group) gained more than the winner under the floor, but are
    # not of G1: not floor misses either
    (gain_g1,) = by_code["gain_g1"]
    assert places(gain_g1) == [("A02", 1)]
    assert misses(gain_g1) == [("A06", 2), ("A10", 3)]


def test_per_group_rules_of_a_cycle_without_groups_have_no_result() -> None:
    fw = cycle_framework(
        [rule("each", "top_total", 1, per_group=True), rule("all", "top_total", 1)],
        groups=["G1"],
    )
    results = both_ways(fw, answers([(80.0, 70.0), (60.0, 90.0)]))
    assert [r.code for r in results] == ["all"]


def test_a_gain_per_group_of_a_cycle_with_one_group() -> None:
    """One group, and agencies of none (A2, A4, with the largest gains): those are
    neither placed nor floor misses, nor do they push the group's own miss out."""
    groups: list[str | None] = ["G1", None, "G1", None, "G1"]
    totals = [90.0, 60.0, 85.0, 70.0, 65.0]
    codes = ["A1", "A2", "A3", "A4", "A5"]
    previous = previous_of(codes, [80.0, 10.0, 80.0, 20.0, 45.0])
    fw = cycle_framework(
        [
            rule("gain", "top_gain", 1, per_group=True, floor=80.0),
            rule("one_miss", "top_gain", 1, per_group=True, floor=80.0, near_misses=1),
        ],
        n_dimensions=1,
        groups=["G1"],
    )
    gain, one_miss = both_ways(fw, answers([(t,) for t in totals], codes, groups), previous)
    assert gain.group == "G1" and places(gain) == [("A1", 1)]
    assert misses(gain) == [("A5", 1), ("A3", 2)]
    assert misses(one_miss) == [("A5", 1)]


def test_best_dimension_in_some_dimensions_in_their_order() -> None:
    figures: list[Figures] = [
        (10.0, 20.0, 30.0),
        (30.0, 20.0, 10.0),
        (20.0, None, 20.0),
        (30.0, 25.0, None),
    ]
    fw = cycle_framework(
        [
            rule("one", "best_dimension", 1, dimensions=("D3", "D1")),
            rule("two", "best_dimension", 2, dimensions=("D2", "D3"), ties="code"),
            rule("all", "best_dimension", 1, tie_break=("total",)),
        ],
        n_dimensions=3,
    )
    results = both_ways(fw, answers(figures))
    assert [(r.code, r.dimension) for r in results] == [
        ("one", "D3"),
        ("one", "D1"),
        ("two", "D2"),
        ("two", "D3"),
        ("all", "D1"),
        ("all", "D2"),
        ("all", "D3"),
    ]
    assert places(results[1]) == [("A2", 1), ("A4", 1)]
    assert places(results[4]) == [("A4", 1)]  # the larger total of the two at 30
    assert misses(results[4])[0] == ("A2", 2)


def test_gains_with_and_without_a_floor_and_its_misses() -> None:
    # gains: A1 +30 (under the floor), A2 +10, A3 +30 (under), A4 +10, A5 +5, A6 +30
    # (under), A7 +20, A8 +10 (under)
    totals = [60.0, 90.0, 70.0, 85.0, 95.0, 50.0, 81.0, 79.0]
    before = [30.0, 80.0, 40.0, 75.0, 90.0, 20.0, 61.0, 69.0]
    codes = ["A6", "A2", "A1", "A4", "A5", "A3", "A7", "A8"]  # not in code order
    previous = previous_of(codes, before)
    fw = cycle_framework(
        [
            rule("floor", "top_gain", 2, floor=80.0, near_misses=2),
            rule("floor_code", "top_gain", 2, floor=80.0, ties="code", near_misses=4),
            rule("no_misses", "top_gain", 2, floor=80.0, near_misses=0),
            rule("no_floor", "top_gain", 2),
            rule("high_floor", "top_gain", 3, floor=99.0),
        ],
        n_dimensions=1,
    )
    floor, floor_code, no_misses, no_floor, high = both_ways(
        fw, answers([(t,) for t in totals], codes), previous
    )
    assert places(floor) == [("A7", 1), ("A2", 2), ("A4", 2)]
    # three agencies under the floor gained +30: the first two by code
    assert misses(floor) == [("A1", 1), ("A3", 1)]
    assert floor.near_misses[0].why == "gain +30.00 would place 1st but total 70.00 < floor 80.00"
    assert misses(floor_code) == [("A1", 1), ("A3", 1), ("A6", 1), ("A8", 2)]
    assert misses(no_misses) == []
    assert places(no_floor) == [("A1", 1), ("A3", 1), ("A6", 1)]
    # nobody reaches the floor: every gain under it would place
    assert high.eligible == 0 and places(high) == []
    assert misses(high) == [("A1", 1), ("A3", 1), ("A6", 1), ("A7", 1), ("A2", 1)]


def test_many_agencies_tied_are_ordered_by_code() -> None:
    """More than a handful of candidates: 100 agencies at 80, half of them (50) with a
    previous total of 60, the others 50 or none."""
    rng = np.random.default_rng(7)
    n = 150
    codes = [f"K{int(k)}" for k in rng.permutation(n)]
    figures: list[Figures] = [(80.0, 80.0) if k % 3 else (70.0, 70.0) for k in range(n)]
    before = [60.0 if k % 2 else (50.0 if k % 4 else None) for k in range(n)]
    fw = cycle_framework(
        [
            rule("share", "top_total", 3, near_misses=40),
            rule("code", "top_total", 3, ties="code", near_misses=40),
            rule("tie", "top_total", 3, tie_break=("previous_total",), near_misses=60),
        ]
    )
    share, code, tie = both_ways(fw, answers(figures, codes), previous_of(codes, before))
    top = sorted(codes[k] for k in range(n) if k % 3)
    assert [e.agency for e in share.winners] == top and {e.place for e in share.winners} == {1}
    assert places(code) == [(top[0], 1), (top[1], 2), (top[2], 3)]
    assert [e.place for e in code.near_misses] == list(range(4, 44))
    assert len(tie.winners) == 50 and {e.place for e in tie.winners} == {1}
    assert [e.agency for e in tie.winners] == sorted(codes[k] for k in range(n) if k % 3 and k % 2)


@pytest.mark.parametrize("seed", range(40))
def test_random_cycles_with_many_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 90))
    n_dimensions = int(rng.integers(1, 4))
    values = np.round(rng.choice([40.0, 60.0, 60.0, 80.0, 100.0], size=(n, n_dimensions)), 0)
    figures: list[Figures] = [
        tuple(None if rng.random() < 0.12 else float(v) for v in row) for row in values
    ]
    names = ["G1", "G2", "G3", "Q1"][: int(rng.integers(1, 5))]
    groups: list[str | None] = [
        None if rng.random() < 0.25 else str(rng.choice(names)) for _ in range(n)
    ]
    codes = [f"{rng.choice(list('ABC'))}{int(k)}" for k in rng.permutation(n)]
    before = [
        None if rng.random() < 0.15 else float(rng.choice([40.0, 50.0, 60.0])) for _ in range(n)
    ]
    rules = random_rules(rng, names, n_dimensions)
    fw = cycle_framework(rules, n_dimensions=n_dimensions, groups=["G2", "G1"])
    both_ways(fw, answers(figures, codes, groups), previous_of(codes, before))


def random_rules(
    rng: np.random.Generator, names: Sequence[str], n_dimensions: int, n_rules: int = 6
) -> list[AwardRule]:
    """Rules of every kind, drawn at random: per group or not, some groups, floors, some
    dimensions, tie-breaks, ties by code, near misses."""
    dims = [f"dimension:D{d + 1}" for d in range(n_dimensions)]
    ties = ["total", "gain", "previous_total", *dims]
    rules = []
    for k in range(n_rules):
        kind = str(rng.choice(["top_total", "top_gain", "best_dimension"]))
        some = rng.choice(names, size=min(2, len(names)), replace=False)
        rules.append(
            rule(
                f"r{k}",
                kind,
                int(rng.integers(1, 7)),
                per_group=bool(rng.random() < 0.4),
                groups=tuple(str(g) for g in some) if rng.random() < 0.25 else (),
                floor=float(rng.choice([50.0, 70.0, 90.0, 101.0])) if rng.random() < 0.6 else None,
                dimensions=(
                    (str(rng.choice([d[10:] for d in dims])),)
                    if kind == "best_dimension" and rng.random() < 0.4
                    else ()
                ),
                tie_break=tuple(
                    str(t) for t in rng.choice(ties, size=int(rng.integers(0, 3)), replace=False)
                ),
                ties=str(rng.choice(["share", "code"])),
                near_misses=int(rng.integers(0, 8)),
            )
        )
    return rules


@pytest.mark.parametrize("seed", range(30))
def test_random_cycles_of_many_blocks(seed: int) -> None:
    """Cycles of a few hundred agencies: one to ten peer groups, agencies of none,
    figures from a few values (ties at the bar), and either no NaN at all (every agency
    has a total, and every figure) or NaN figures, totals among them; rules of every
    kind, in random order."""
    rng = np.random.default_rng(1000 + seed)
    n = int(rng.integers(65, 700))
    n_dimensions = int(rng.integers(1, 4))
    values = rng.choice([40.0, 55.0, 60.0, 60.0, 75.0, 80.0, 90.0, 100.0], size=(n, n_dimensions))
    nan_rate = [0.0, 0.0, 0.02, 0.15][seed % 4]
    figures: list[Figures] = [
        tuple(None if rng.random() < nan_rate else float(v) for v in row) for row in values
    ]
    if nan_rate:
        for k in rng.choice(n, size=3, replace=False).tolist():  # no total at all
            figures[k] = (None,) * n_dimensions
    names = [f"G{k}" for k in range(int(rng.integers(1, 11)))]
    none_rate = 0.0 if seed % 3 == 0 else 0.1
    groups: list[str | None] = [
        None if rng.random() < none_rate else str(rng.choice(names)) for _ in range(n)
    ]
    codes = [f"{rng.choice(list('ABC'))}{int(k)}" for k in rng.permutation(n)]
    before = [
        None if rng.random() < nan_rate else float(rng.choice([40.0, 50.0, 60.0, 70.0]))
        for _ in range(n)
    ]
    rules = random_rules(rng, names, n_dimensions)
    # (some with a last dimension that weighs nothing: scores of agencies without a total)
    weights = [1.0] * (n_dimensions - 1) + [0.0] if seed % 4 == 3 and n_dimensions > 1 else []
    fw = cycle_framework(rules, n_dimensions=n_dimensions, groups=names[::-1], weights=weights)
    both_ways(fw, answers(figures, codes, groups), previous_of(codes, before))


@pytest.mark.parametrize("n_groups", [1, 2, 8, 9])
@pytest.mark.parametrize("totals_nan", [False, True])
def test_the_total_then_the_dimensions_by_group_and_for_everyone(
    n_groups: int, totals_nan: bool
) -> None:
    """A total award before dimension awards (or none), per group and for everyone, on
    300 agencies: a dimension's eligible agencies are those with a total, which the
    total's pass finds out whether every agency has (or a pass of the dimensions' own).
    D2 weighs nothing: an agency without D1 has no total but may have a D2 score, the
    largest even, and is not eligible. NaN D2 scores in blocks whose other figures are
    all below the bar."""
    rng = np.random.default_rng(n_groups + 20 * totals_nan)
    n = 300
    figures: list[Figures] = [
        (float(rng.integers(0, 60)), None if k % 7 == 3 else float(rng.integers(0, 60)))
        for k in range(n)
    ]
    figures[17] = (99.0, 98.0)
    figures[250] = (97.0, 99.0)
    if totals_nan:
        for k in (5, 130, 131, 299):
            figures[k] = (None, 100.0)  # no total, the largest D2
        figures[7] = (None, None)
    names = [f"G{k}" for k in range(n_groups)]
    groups: list[str | None] = [None if k % 11 == 0 else names[k % n_groups] for k in range(n)]
    for rules in (
        [
            rule("total", "top_total", 3, per_group=True),
            rule("best", "best_dimension", 2, near_misses=3),
            rule("best_g", "best_dimension", 1, per_group=True),
        ],
        [
            rule("total", "top_total", 4),
            rule("best_g", "best_dimension", 2, per_group=True, near_misses=1),
            rule("best", "best_dimension", 1),
        ],
        [rule("best", "best_dimension", 3), rule("best_g", "best_dimension", 1, per_group=True)],
    ):
        fw = cycle_framework(rules, groups=names, weights=(1.0, 0.0))
        results = both_ways(fw, answers(figures, None, groups))
        best = [r for r in results if r.code == "best"]
        assert [r.eligible for r in best] == [
            sum(1 for f in figures if f[d] is not None and f[0] is not None) for d in range(2)
        ]
        assert all(w.agency != "A6" for r in results for w in r.winners)


@pytest.mark.parametrize("floor", [None, 60.0, 95.0, 101.0])
def test_gains_with_a_floor_over_many_blocks(floor: float | None) -> None:
    """A gain award with a floor on 400 agencies, for everyone (its floor misses noted by
    the pass over the gains) and per group: the largest gains under the floor spread over
    the blocks, before and after the bar settles; with a floor nobody reaches, every gain
    under it would place."""
    rng = np.random.default_rng(5)
    n = 400
    totals = np.round(rng.uniform(30.0, 100.0, size=n), 0)
    before = np.round(totals - rng.choice([-5.0, 0.0, 5.0, 10.0, 20.0, 30.0], size=n), 0)
    codes = [f"A{k:03d}" for k in range(n)]
    groups: list[str | None] = [None if k % 13 == 0 else f"G{k % 3}" for k in range(n)]
    previous = previous_of(codes, [None if k % 17 == 0 else float(b) for k, b in enumerate(before)])
    fw = cycle_framework(
        [
            rule("gain", "top_gain", 3, floor=floor, near_misses=4),
            rule("gain_code", "top_gain", 2, floor=floor, near_misses=6, ties="code"),
            rule("gain_g", "top_gain", 2, floor=floor, near_misses=3, per_group=True),
            rule("gain_tie", "top_gain", 1, floor=floor, near_misses=2, tie_break=("total",)),
        ],
        n_dimensions=1,
        groups=["G0", "G1", "G2"],
    )
    both_ways(fw, answers([(float(t),) for t in totals], codes, groups), previous)


def test_no_agencies_and_fewer_agencies_than_places() -> None:
    rules = [
        rule("total", "top_total", 3),
        rule("gain", "top_gain", 2, floor=50.0, near_misses=2),
        rule("best_g", "best_dimension", 5, per_group=True),
    ]
    fw = cycle_framework(rules, groups=["G1", "G2"])
    results = both_ways(fw, answers([]), previous_of([], []))
    assert [(r.code, r.eligible, r.winners, r.near_misses) for r in results] == [
        ("total", 0, (), ()),
        ("gain", 0, (), ()),
    ]
    figures: list[Figures] = [(80.0, 70.0), (None, None), (60.0, None)]
    results = both_ways(
        fw,
        answers(figures, ["A1", "A2", "A3"], ["G1", None, "G1"]),
        previous_of(["A1", "A2", "A3"], [10.0, 20.0, 30.0]),
    )
    total = results[0]
    assert places(total) == [("A1", 1), ("A3", 2)] and total.eligible == 2
    assert [(r.code, r.group, r.dimension, r.eligible) for r in results[2:]] == [
        ("best_g", "G1", "D1", 2),
        ("best_g", "G1", "D2", 1),
    ]


def with_more_rules(fw: Framework, precision: int) -> Framework:
    """The synthetic framework's three awards and more: ties by code, tie-breaks, gains
    per group, groups, some dimensions, no near misses."""
    extra = (
        rule("code", "top_total", 3, ties="code", tie_break=("dimension:D2", "gain")),
        rule("gain_groups", "top_gain", 2, per_group=True, floor=60.0, tie_break=("total",)),
        rule("some", "best_dimension", 2, dimensions=("D3", "D1"), groups=("G2", "G4")),
        rule("bare", "top_gain", 1, near_misses=0, ties="code"),
        rule("g1", "top_total", 4, groups=("G1",), per_group=True, near_misses=8),
    )
    return replace(fw, awards=fw.awards + extra, precision=precision)


@pytest.mark.parametrize(
    ("agencies", "seed", "precision"),
    [(20, 0, 2), (600, 1, 1), (3000, 2, 0), (5000, 3, 2), (12000, 4, 2)],
)
def test_synthetic_cycles_award_as_defined(agencies: int, seed: int, precision: int) -> None:
    fw = with_more_rules(synthetic_framework(n_questions=40, n_dimensions=4, seed=seed), precision)
    matrix = synthetic_answers(fw, agencies, seed=seed + 10, groups=6)
    previous = synthetic_previous(score_cycle(fw, matrix), seed=seed + 20)
    results = both_ways(fw, matrix, previous)
    assert sum(len(r.winners) for r in results) >= len(results)


def test_the_benchmark_cycle_awards_as_defined() -> None:
    fw = synthetic_framework(n_questions=200, n_dimensions=6, seed=0)
    matrix = synthetic_answers(fw, 10000, seed=1)
    previous = synthetic_previous(score_cycle(fw, matrix), seed=2)
    results = both_ways(fw, matrix, previous)
    assert len(results) == 12  # five groups, one gain award, six dimensions


def test_a_rule_with_an_unknown_tie_break_is_refused() -> None:
    fw = cycle_framework([rule("bad", "top_total", 1, tie_break=("dimension:D9",))])
    cycle = answers([(80.0, 70.0)] * 3)
    with pytest.raises(ValueError, match="unknown tie_break figure 'dimension:D9'"):
        score_cycle(fw, cycle)


def test_an_award_of_no_places_has_only_near_misses() -> None:
    fw = cycle_framework([rule("none", "top_total", 0), rule("one", "top_total", 1)])
    results = both_ways(fw, answers([(80.0, 70.0), (90.0, 60.0)]))
    assert [r.code for r in results] == ["none", "one"]


def test_a_scored_cycle_is_freed_when_no_longer_used_and_its_awards_still_read() -> None:
    """Award results hold figures, not the cycle: without the garbage collector, a cycle
    (megabytes of arrays at 10,000 agencies) is freed as soon as it is dropped, and the
    awards kept from it still read."""
    import gc
    import weakref

    fw = synthetic_framework(n_questions=40, n_dimensions=3, seed=61)
    matrix = synthetic_answers(fw, 600, seed=62)
    previous = synthetic_previous(score_cycle(fw, matrix), seed=63)
    expected = [a.to_dict() for a in score_cycle(fw, matrix, previous).awards]
    gc.collect()
    gc.disable()
    try:
        result = score_cycle(fw, matrix, previous)
        awards = result.awards
        alive = weakref.ref(result)
        del result
        assert alive() is None
        assert [a.to_dict() for a in awards] == expected
        assert any(a.winners for a in awards)
    finally:
        gc.enable()


def test_a_floor_is_met_by_the_published_total_under_float_error() -> None:
    """Totals a hair under the floor that publish at the floor reach it; a total that
    publishes under it does not (the floor is a published decimal)."""
    # the mean of 79.99 and 80.02 is 80.005 in decimals, 80.00499999999999 in floats:
    # it publishes at 80.01
    fw = cycle_framework([rule("gain", "top_gain", 3, floor=80.01)])
    figures: list[Figures] = [(79.99, 80.02), (80.0, 80.01), (79.999, 80.0), (90.0, 90.0)]
    codes = ["A1", "A2", "A3", "A4"]
    result = score_cycle(fw, answers(figures, codes), previous_of(codes, [50.0, 50.0, 49.0, 50.0]))
    assert result.published.total.tolist() == [80.01, 80.01, 80.0, 90.0]
    (gain,) = result.awards
    assert [(e.agency, e.place) for e in gain.winners] == [("A4", 1), ("A1", 2), ("A2", 2)]
    assert [e.agency for e in gain.near_misses] == ["A3"]
    assert gain.near_misses[0].why == "gain +31.00 would place 2nd but total 80.00 < floor 80.01"
    assert_awards_match(result)


def test_totals_equal_once_published_share_a_place() -> None:
    """Ties are decided at the publication precision, not on the unrounded totals."""
    fw = cycle_framework([rule("top", "top_total", 1, near_misses=3)], n_dimensions=1)
    result = score_cycle(fw, answers([(80.004,), (80.001,), (79.996,), (79.994,)]))
    (top,) = result.awards
    assert [(e.agency, e.place) for e in top.winners] == [("A1", 1), ("A2", 1), ("A3", 1)]
    assert [(e.agency, e.place) for e in top.near_misses] == [("A4", 4)]
    assert_awards_match(result)
