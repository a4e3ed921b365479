"""Award reasons and rules are data: the command line writes them in English, the results
pages in the reader's language."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from scoring.model import AwardRule, Bilingual
from scoring.result import PreviousCycle, score_cycle
from tests.conftest import submit_yes_no_answers
from tests.scoring.test_engine_support import totals_framework, with_totals

NAME = Bilingual(th="รางวัล", en="Award")


def cycle():  # type: ignore[no-untyped-def]
    """Every kind of reason: winners shared and not, near misses, one placed after an
    equal winner by code, a gain under the floor, per group and for everyone."""
    rules = [
        AwardRule("total", NAME, "top_total", 1, ties="code", near_misses=2),
        AwardRule("gain", NAME, "top_gain", 1, floor=70.0, per_group=True, near_misses=3),
        AwardRule("best", NAME, "best_dimension", 2, tie_break=("total",), groups=("G1",)),
    ]
    fw = totals_framework(n_groups=2, awards=rules)
    answers = with_totals([90.0, 90.0, 80.0, 60.0, 75.0], groups=["G1", "G1", "G2", "G1", "G2"])
    previous = PreviousCycle({"A1": 80.0, "A2": 85.0, "A3": 60.0, "A4": 30.0, "A5": 74.0},
                             label="2563")
    return score_cycle(fw, answers, previous)


def render(result, language: str) -> str:  # type: ignore[no-untyped-def]
    with translation.override(language):
        return "\n".join(
            render_to_string("results/_rule.html", {"award": award})
            + "".join(
                render_to_string("results/_reason.html", {"r": entry.reason})
                for entry in (*award.winners, *award.near_misses)
            )
            for award in result.awards
        )


def test_every_kind_of_reason_occurs_in_the_cycle() -> None:
    kinds = {e.reason.kind for a in cycle().awards for e in (*a.winners, *a.near_misses)}
    assert kinds == {"winner", "near_miss", "below_floor"}


def test_thai_pages_show_thai_reasons_and_rules() -> None:
    page = render(cycle(), "th")
    assert "คะแนนรวม 90.00 อันดับที่ 1 จากหน่วยงานที่มีสิทธิ์ 5 แห่ง" in page
    assert "เท่ากับ A1 ทุกตัวเลข" in page
    assert "ต่ำกว่าเกณฑ์ขั้นต่ำ 70.00" in page
    assert "ในกลุ่ม G1" in page and "เทียบกับ 2563" in page
    # (the figures named by a rule's tie_break are the framework's codes)
    for english in ("place", "gain", "eligible", "floor", "highest", "agencies", "shared"):
        assert english not in page, english


def test_english_pages_show_the_same_figures() -> None:
    page = render(cycle(), "en")
    assert "total 90.00, place 1 of 5 eligible" in page
    assert "equal to A1 on every figure, placed after it by agency code" in page
    assert "gain +30.00 would take place 1 but total 60.00 is below the floor 70.00" in page
    assert "the largest gain in total over 2563 among agencies with a total of at least 70.00" in page


def test_the_command_line_keeps_its_english_sentences() -> None:
    total, *_ = cycle().awards
    assert total.winners[0].why == "total 90.00, 1st highest of 5 eligible"
    assert total.near_misses[0].why == (
        "total 90.00, 2nd by total of 5 eligible; the award has 1 place; "
        "equal to A1 on every figure, placed after it by agency code"
    )
    assert total.to_dict()["rule"] == (
        "the highest total; agencies still equal are ordered by agency code"
    )


@pytest.mark.django_db
def test_the_awards_page_gives_each_winner_its_reason_in_thai(client, world) -> None:  # type: ignore[no-untyped-def]
    from phrom.frameworks.models import Cycle
    submit_yes_no_answers(world)
    Cycle.objects.filter(pk=world.cycle.pk).update(status="published")
    page = client.get("/results/th-2564/awards/").content.decode()
    assert "อันดับที่ 1 จากหน่วยงานที่มีสิทธิ์" in page
    assert "คะแนนรวมสูงสุด" in page
    assert "highest of" not in page


def tie_broken_cycle():  # type: ignore[no-untyped-def]
    """Four gain places; A4 and A5 gain +10.00 alike, A5's lower total puts it 5th."""
    rules = [AwardRule("gain", NAME, "top_gain", 4, tie_break=("total",), near_misses=1)]
    fw = totals_framework(awards=rules)
    answers = with_totals([90.0, 80.0, 70.0, 60.0, 50.0])
    previous = PreviousCycle({"A1": 70.0, "A2": 65.0, "A3": 58.0, "A4": 50.0, "A5": 40.0},
                             label="2563")
    return score_cycle(fw, answers, previous)


def test_a_tie_broken_by_the_rules_tie_break_is_said_as_such_on_the_command_line() -> None:
    (award,) = tie_broken_cycle().awards
    assert [w.agency for w in award.winners] == ["A1", "A2", "A3", "A4"]
    (miss,) = award.near_misses
    assert miss.agency == "A5"
    assert miss.why == (
        "gain +10.00, 5th by gain of 5 eligible; the award has 4 places; equal gain to "
        "the 4th place, placed after it by the rule's tie-break (total 50.00 against 60.00)"
    )
    assert "tie-break" not in award.winners[3].why  # A4's gain is not A3's


def test_a_tie_broken_by_the_rules_tie_break_is_said_in_the_readers_language() -> None:
    page = " ".join(render(tie_broken_cycle(), "th").split())
    assert ("คะแนนที่เพิ่มขึ้นเท่ากับอันดับที่ 4 จัดไว้ถัดจากอันดับนั้นตามเกณฑ์ตัดสินเมื่อเสมอกัน"
            "ของรางวัล (total 50.00 เทียบกับ 60.00)") in page
    english = " ".join(render(tie_broken_cycle(), "en").split())
    assert ("equal gain to place 4, placed after it by the rule's tie-break "
            "(total 50.00 against 60.00)") in english


@pytest.mark.django_db
def test_the_awards_page_names_each_winner_and_links_to_its_scorecard(client, world) -> None:  # type: ignore[no-untyped-def]
    from phrom.frameworks.models import Cycle

    submit_yes_no_answers(world)
    spec = world.cycle.framework.spec()
    Cycle.objects.filter(pk=world.cycle.pk).update(status="published")
    page = client.get("/results/th-2564/awards/").content.decode()
    assert '<a href="/results/th-2564/mot-drr/">กรมทางหลวงชนบท</a>' in page
    assert ">mot-drr<" not in page
    groups = {g.code: g.name.th for g in spec.peer_groups}
    assert world.agency_a.group in groups and groups[world.agency_a.group] in page
    table = client.get("/results/th-2564/").content.decode()
    for dimension in spec.dimensions:
        assert f'<th scope="col" class="num">{dimension.name.th}</th>' in table
    assert re.search(r'<td class="num">\d+\.\d\d</td>', table)
    assert not re.search(r'<td class="num">\d+\.\d</td>', table)
