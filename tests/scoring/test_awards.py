"""Awards: winners, ties at the cut-off, floors, near misses and their reasons."""

from __future__ import annotations

import json

from scoring.awards import AwardResult, ordinal
from scoring.model import AwardRule, Bilingual
from scoring.result import PreviousCycle, score_cycle
from tests.scoring.reference import assert_awards_match
from tests.scoring.test_engine_support import (
    dimension,
    framework,
    indicator,
    percentage,
    totals_framework,
    with_totals,
)

NAME = Bilingual(th="รางวัล", en="Award")


def top_total(**kw: object) -> AwardRule:
    return AwardRule(code="top", name=NAME, kind="top_total", **kw)  # type: ignore[arg-type]


def top_gain(**kw: object) -> AwardRule:
    return AwardRule(
        code="outstanding_development",
        name=Bilingual(th="พัฒนาการดีเด่น", en="Outstanding Development"),
        kind="top_gain",
        **kw,  # type: ignore[arg-type]
    )


def award(
    rule: AwardRule,
    totals: list[float],
    previous: list[float | None] | None = None,
    groups: list[str | None] | None = None,
    n_groups: int = 0,
) -> tuple[AwardResult, ...]:
    fw = totals_framework(n_groups=n_groups, awards=[rule])
    prev = None
    if previous is not None:
        prev = PreviousCycle(
            totals={f"A{i + 1}": p for i, p in enumerate(previous) if p is not None},
            label="2563",
        )
    cycle = with_totals(totals, groups)
    result = score_cycle(fw, cycle, prev)
    assert_awards_match(result)
    return result.awards


def winners(result: AwardResult) -> list[tuple[str, int]]:
    return [(w.agency, w.place) for w in result.winners]


def test_top_total_gives_the_highest_published_totals() -> None:
    (result,) = award(top_total(top=2), [70.0, 95.5, 88.0, 60.0])
    assert winners(result) == [("A2", 1), ("A3", 2)]
    assert result.winners[0].why == "total 95.50, 1st highest of 4 eligible"
    assert result.eligible == 4
    assert [m.agency for m in result.near_misses] == ["A1", "A4"]
    assert (
        result.near_misses[0].why
        == "total 70.00, 3rd by total of 4 eligible; the award has 2 places"
    )


def test_top_total_per_group_gives_one_result_per_peer_group() -> None:
    results = award(
        top_total(top=1, per_group=True),
        [70.0, 95.0, 88.0, 60.0, 99.0],
        groups=["G2", "G1", "G2", "G1", None],
        n_groups=2,
    )
    assert [(r.group, winners(r)) for r in results] == [("G1", [("A2", 1)]), ("G2", [("A3", 1)])]
    assert results[1].winners[0].why == "total 88.00, 1st highest of 2 eligible in group G2"
    assert results[1].near_misses[0].why == (
        "total 70.00, 2nd by total of 2 eligible in group G2; the award has 1 place"
    )


def test_groups_limit_an_award_to_those_peer_groups() -> None:
    (result,) = award(
        top_total(top=1, groups=("G2",)), [70.0, 95.0, 88.0], groups=["G2", "G1", "G2"], n_groups=2
    )
    assert winners(result) == [("A3", 1)]
    assert result.eligible == 2


def test_ties_at_the_cut_off_share_the_place() -> None:
    (result,) = award(top_total(top=2), [90.0, 80.0, 80.0, 80.0, 70.0])
    assert winners(result) == [("A1", 1), ("A2", 2), ("A3", 2), ("A4", 2)]
    assert result.winners[1].why == "total 80.00, 2nd (shared) highest of 5 eligible"
    assert result.near_misses[0].place == 5


def test_ties_by_code_place_equal_agencies_by_agency_code() -> None:
    (result,) = award(top_total(top=2, ties="code"), [90.0, 80.0, 80.0, 70.0])
    assert winners(result) == [("A1", 1), ("A2", 2)]
    miss = result.near_misses[0]
    assert (miss.agency, miss.place) == ("A3", 3)
    assert miss.why.endswith("equal to A2 on every figure, placed after it by agency code")


def test_equal_published_totals_tie_even_when_full_precision_differs() -> None:
    (result,) = award(top_total(top=1), [80.001, 80.004, 79.0])
    assert winners(result) == [("A1", 1), ("A2", 1)]


def test_outstanding_development_is_largest_gain_among_totals_at_least_the_floor() -> None:
    totals = [86.40, 95.00, 78.90, 81.00, 90.00, 80.00, 85.00]
    previous = [74.05, 90.00, 63.70, 70.00, 85.00, 79.00, None]
    (result,) = award(top_gain(top=2, floor=80.0, tie_break=("total",)), totals, previous)
    assert winners(result) == [("A1", 1), ("A4", 2)]
    assert result.winners[0].gain == 12.35
    assert result.winners[0].value == 12.35
    assert result.winners[0].why == (
        "total 86.40 >= floor 80.00; gain +12.35 over 2563 (74.05), 1st largest of 5 eligible"
    )
    assert result.eligible == 5  # A3 below the floor, A7 without a previous total
    # A3 gained most but is below the floor: reported first among the near misses
    first = result.near_misses[0]
    assert (first.agency, first.place) == ("A3", 1)
    assert first.why == "gain +15.20 would place 1st but total 78.90 < floor 80.00"
    assert [m.agency for m in result.near_misses[1:]] == ["A2", "A5", "A6"]
    assert (
        result.near_misses[1].why == "gain +5.00, 3rd by gain of 5 eligible; the award has 2 places"
    )


def test_floor_compares_the_published_total() -> None:
    (result,) = award(top_gain(top=1, floor=80.0), [79.995, 79.994], [50.0, 40.0])
    assert winners(result) == [("A1", 1)]  # 79.995 is published as 80.00
    assert result.near_misses[0].why.startswith("gain +39.99 would place 1st but total 79.99")


def test_tie_break_orders_equal_gains_by_total() -> None:
    totals = [90.0, 95.0, 85.0]
    previous = [80.0, 85.0, 75.0]  # every gain is +10
    (result,) = award(top_gain(top=2, floor=80.0, tie_break=("total",)), totals, previous)
    assert winners(result) == [("A2", 1), ("A1", 2)]
    (shared,) = award(top_gain(top=2, floor=80.0), totals, previous)
    assert winners(shared) == [("A1", 1), ("A2", 1), ("A3", 1)]


def test_ties_at_the_gain_cut_off_share_or_go_by_code() -> None:
    totals = [90.0, 91.0, 92.0, 93.0, 94.0]
    previous = [70.0, 81.0, 82.0, 83.0, 84.0]  # gains 20, 10, 10, 10, 10
    (shared,) = award(top_gain(top=2, floor=80.0), totals, previous)
    assert winners(shared) == [("A1", 1), ("A2", 2), ("A3", 2), ("A4", 2), ("A5", 2)]
    (by_code,) = award(top_gain(top=2, floor=80.0, ties="code"), totals, previous)
    assert winners(by_code) == [("A1", 1), ("A2", 2)]


def test_top_gain_without_previous_cycle_has_no_eligible_agency() -> None:
    (result,) = award(top_gain(top=4, floor=80.0), [90.0, 85.0])
    assert result.winners == () and result.eligible == 0


def test_near_misses_are_limited() -> None:
    (result,) = award(top_total(top=1, near_misses=2), [float(v) for v in range(50, 60)])
    assert len(result.near_misses) == 2


def test_best_dimension_gives_one_result_per_dimension() -> None:
    fw = framework(
        dimension("D1", indicator("I1", percentage("a"))),
        dimension("D2", indicator("I2", percentage("b"))),
        awards=[AwardRule(code="best", name=NAME, kind="best_dimension", top=1)],
    )
    from tests.scoring.test_engine_support import agencies

    result = score_cycle(fw, agencies({"a": 90.0, "b": 10.0}, {"a": 20.0, "b": 70.0}))
    assert [(r.dimension, winners(r)) for r in result.awards] == [
        ("D1", [("A1", 1)]),
        ("D2", [("A2", 1)]),
    ]
    assert result.awards[1].winners[0].why == "D2 70.00, 1st highest of 2 eligible"
    assert result.awards[1].winners[0].value == 70.0


def test_award_results_are_json_ready() -> None:
    (result,) = award(top_gain(top=1, floor=80.0), [90.0, 70.0], [60.0, 20.0])
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["name"] == {"th": "พัฒนาการดีเด่น", "en": "Outstanding Development"}
    assert data["winners"][0]["agency"] == "A1"
    assert data["rule"].startswith("the largest gain in total over 2563")


def test_ordinals() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "101st",
        "111th",
    ]
