"""Issue 14, point 2: the award page shows each award's rule in the reader's language, the
winners by name with links to their scorecards and the figures that made them, the near
misses with why they missed, and ties and tie-breaks said plainly."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from phrom.agencies.models import Agency
from phrom.awards.selectors import award_sections
from phrom.results.adapter import ScoredCycle
from scoring.model import AwardRule, Bilingual
from scoring.result import PreviousCycle, score_cycle
from tests.awards.world import answer_cycle, publish
from tests.conftest import in_english
from tests.scoring.test_engine_support import totals_framework, with_totals


def text(page: str) -> str:
    """The page's main content as plain text, spaces squeezed."""
    main = page[page.find("<main"):]
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", main, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


@pytest.fixture
def published(world):  # type: ignore[no-untyped-def]
    answer_cycle(world)
    publish(world)
    return world


@pytest.mark.django_db
def test_a_thai_page_names_the_winners_with_their_figures_and_thai_reasons(client, published) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/results/th-2564/awards/").content.decode()
    plain = text(page)
    # the winner by name, linked to its scorecard, its total beside it, the reason in Thai
    assert '<a href="/results/th-2564/mot-dav/">กรมท่าอากาศยาน</a>' in page
    assert re.search(r"กรมท่าอากาศยาน \d+\.\d\d คะแนนรวม \d+\.\d\d อันดับที่ 1 จากหน่วยงานที่มีสิทธิ์ 2 แห่ง", plain)
    # the rule and the framework's description in Thai
    assert "คะแนนรวมสูงสุด 3 อันดับ ในแต่ละกลุ่ม" in plain
    assert "หน่วยงานระดับกรมที่มีคะแนนรวมสูงสุด 3 อันดับแรกในแต่ละกลุ่มหน่วยงาน" in plain
    # the near miss and why
    assert re.search(r"4 กรมทางหลวง 0\.00 คะแนนรวม 0\.00 อันดับที่ 4 .*รางวัลนี้มี 3 อันดับ", plain)
    # a gain under the floor: the gain, the previous total and the total beside it
    assert re.search(r"กรมเจ้าท่า \+\d+\.\d\d 0\.00 \d+\.\d\d คะแนนที่เพิ่มขึ้น \+\d+\.\d\d จะได้อันดับที่ 1 "
                     r"แต่คะแนนรวม \d+\.\d\d ต่ำกว่าเกณฑ์ขั้นต่ำ 80\.00", plain)
    assert "ไม่มีผู้ได้รับรางวัล: ไม่มีหน่วยงานที่มีคะแนนเพิ่มขึ้นและมีคะแนนรวมถึงเกณฑ์ขั้นต่ำ" in plain
    for english in ("place", "eligible", "Winners", "Why", "share", "Decision", "floor"):
        assert english not in plain, english


@pytest.mark.django_db
def test_agencies_sharing_a_place_are_said_to_share_it(client, published) -> None:  # type: ignore[no-untyped-def]
    plain = text(client.get("/results/th-2564/awards/").content.decode())
    assert re.search(r"กรมการขนส่งทางบก, กรมทางหลวงชนบท มีคะแนนรวมเท่ากัน \(\d+\.\d\d\) "
                     r"จึงได้อันดับที่ 1 ร่วมกัน", plain)
    # best in dimension has one place: both win, which the page says
    assert "ทุกหน่วยงานได้รับรางวัล รางวัลนี้จึงมีผู้ได้รับรางวัลมากกว่า 1 อันดับที่กำหนด" in plain
    english = text(in_english(client).get("/results/th-2564/awards/").content.decode())
    assert re.search(r"Department of Land Transport, Department of Rural Roads have the same "
                     r"total \(\d+\.\d\d\) and share place 1\.", english)
    assert "All of them win, so this award has more winners than its 1 place." in english


def tie_broken() -> ScoredCycle:
    """Gains: A1 +40, A2 +25, A3, A4 and A5 +10; three gain places, ordered by total then
    agency code: A3 (total 70) wins, A4 (60) misses by the tie-break, A5 equals A4 on
    every figure and follows it by agency code. Four total places, ordered by agency
    code: A4 (60) is the fourth, A5 (60) misses by its code alone."""
    rules = [
        AwardRule("gain", Bilingual(th="รางวัลพัฒนาการ", en="Development"), "top_gain", 3,
                  tie_break=("total",), ties="code", near_misses=3),
        AwardRule("total", Bilingual(th="คะแนนสูงสุด", en="Highest"), "top_total", 4,
                  ties="code", near_misses=2),
    ]
    fw = totals_framework(awards=rules)
    result = score_cycle(fw, with_totals([90.0, 80.0, 70.0, 60.0, 60.0]), PreviousCycle(
        {"A1": 50.0, "A2": 55.0, "A3": 60.0, "A4": 50.0, "A5": 50.0}, label="2563"))
    names = {"A1": "กรมหนึ่ง", "A2": "กรมสอง", "A3": "กรมสาม", "A4": "กรมสี่", "A5": "กรมห้า"}
    agencies = {code: Agency(code=code, name_th=th, name_en=f"Dept {code}")
                for code, th in names.items()}
    return ScoredCycle(cycle=None, spec=fw, result=result, answers={}, agencies=agencies,  # type: ignore[arg-type]
                       skipped=[])


def ties_of(language: str) -> list[str]:
    """Each award's ties and near misses' reasons, as the page writes them."""
    scored = tie_broken()
    pages = []
    with translation.override(language):
        for section in award_sections(scored=scored, language=language):
            award = section["award"]
            page = render_to_string("awards/_ties.html", {
                "ties": section["ties"], "top": award.award_rule.top, "award": award})
            page += "".join(render_to_string("results/_reason.html", {
                "r": row["entry"].reason, "agency_names": section["agency_names"]})
                for row in section["miss_rows"])
            pages.append(" ".join(page.split()))
    return pages


def test_a_tie_break_names_both_agencies_and_the_figure_that_decided() -> None:
    gain, total = ties_of("th")
    assert ("กรมสี่ มีคะแนนที่เพิ่มขึ้นเท่ากับ กรมสาม (+10.00) เกณฑ์ตัดสินเมื่อเสมอกันของรางวัลเทียบ"
            "คะแนนรวม: กรมสาม ได้ 70.00 เทียบกับ 60.00 จึงจัด กรมสาม ไว้ก่อน "
            "การตัดสินนี้เป็นตัวกำหนดผู้ได้รับรางวัล") in gain
    assert ("กรมห้า มีคะแนนเท่ากับ กรมสี่ ทุกตัวเลข รางวัลนี้เรียงหน่วยงานที่เท่ากันตามรหัสหน่วยงาน "
            "จึงจัด กรมสี่ ไว้ก่อน</li>") in gain  # A4 did not win: the code decided nothing
    assert ("จึงจัด กรมสี่ ไว้ก่อน รหัสหน่วยงานเป็นตัวกำหนดผู้ได้รับรางวัล") in total
    assert "เท่ากับ กรมสี่ ทุกตัวเลข" in total  # the near miss's reason names, not codes
    assert "A4" not in total
    gain, total = ties_of("en")
    assert ("Dept A4 has the same gain (+10.00) as Dept A3; the rule's tie-break compares "
            "total: 70.00 for Dept A3 against 60.00, so Dept A3 is placed first. "
            "This tie-break decided who won.") in gain
    assert ("Dept A5 is equal to Dept A4 on every figure; this award orders such agencies by "
            "agency code, so Dept A4 is placed first. The agency code decided who won.") in total


def test_the_figures_beside_a_gain_winner_are_its_gain_previous_total_and_total() -> None:
    with translation.override("en"):
        gain, _total = award_sections(scored=tie_broken(), language="en")
    assert [heading for _key, heading in gain["columns"]] == ["gain", "Total 2563", "total"]
    assert [(row["name"], row["figures"]) for row in gain["winner_rows"]] == [
        ("Dept A1", ["+40.00", "50.00", "90.00"]), ("Dept A2", ["+25.00", "55.00", "80.00"]),
        ("Dept A3", ["+10.00", "60.00", "70.00"])]


@pytest.mark.django_db
def test_the_award_pages_keep_to_the_content_security_policy(client, published) -> None:  # type: ignore[no-untyped-def]
    client.force_login(published.user("administrator"))
    for path in ("/results/th-2564/awards/", "/results/th-2564/awards/what-if/",
                 "/results/th-2564/awards/what-if/?preview=1&highest_readiness-top=1"):
        reply = client.get(path)
        nonce = re.search(r"'nonce-([^']+)'", reply["Content-Security-Policy"]).group(1)
        page = reply.content.decode()
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", page):
            assert "src=" in tag or f'nonce="{nonce}"' in tag, (path, tag)
        assert not re.search(r"<[^>]+\s(style|on[a-z]+)\s*=", page), path
