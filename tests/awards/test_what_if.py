"""Issue 14, point 2: administrators preview other award rules (the number of places, the
floor, the grouping) on a cycle's figures, beside the current winners; nothing is stored."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from phrom.awards.models import AwardDecision
from phrom.publications.models import Publication
from tests.awards.world import answer_cycle, publish

pytestmark = pytest.mark.django_db

WHAT_IF = "/results/th-2564/awards/what-if/"
# the framework's own settings (th-2564.yaml), as the form sends them back
SAME = {
    "preview": "1",
    "highest_readiness-top": "3", "highest_readiness-grouping": "each",
    "highest_readiness-groups": ["service", "policy", "support", "security"],
    "outstanding_development-top": "4", "outstanding_development-floor": "80",
    "outstanding_development-grouping": "together",
    "best_dimension-top": "1", "best_dimension-grouping": "together",
}


def text(page: str) -> str:
    main = page[page.find("<main"):]
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", main, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


@pytest.fixture
def answered(world):  # type: ignore[no-untyped-def]
    answer_cycle(world)
    return world


@pytest.mark.parametrize("persona", ["respondent_a", "coordinator_a", "reviewer",
                                     "lead_reviewer", "executive"])
def test_only_administrators_preview(client, answered, persona) -> None:  # type: ignore[no-untyped-def]
    client.force_login(answered.user(persona))
    assert client.get(WHAT_IF).status_code == 403
    assert client.get(WHAT_IF, SAME).status_code == 403
    assert "what-if" not in client.get("/results/th-2564/awards/").content.decode()


def test_a_visitor_is_sent_to_log_in(client, answered) -> None:  # type: ignore[no-untyped-def]
    reply = client.get(WHAT_IF)
    assert reply.status_code == 302 and reply["Location"].startswith("/accounts/login/")


def test_the_framework_settings_give_the_current_winners(client, answered) -> None:  # type: ignore[no-untyped-def]
    client.force_login(answered.user("administrator"))
    assert 'href="/results/th-2564/awards/what-if/"' in client.get(
        "/results/th-2564/awards/").content.decode()
    form = client.get(WHAT_IF).content.decode()
    assert 'name="highest_readiness-top" value="3"' in form
    assert 'name="outstanding_development-floor" value="80"' in form
    plain = text(client.get(WHAT_IF, SAME).content.decode())
    assert plain.count("หน่วยงานเดิมได้รับรางวัล") == 3  # every rule: the same winners
    assert "ใหม่" not in plain.split("ผู้ได้รับรางวัลตามเกณฑ์ปัจจุบัน")[1]


def test_a_lower_floor_and_fewer_places_change_the_winners_and_store_nothing(
    client, answered
) -> None:  # type: ignore[no-untyped-def]
    publish(answered)  # on the stored figures of a published cycle too
    client.force_login(answered.user("administrator"))
    counts = (Publication.objects.count(), AwardDecision.objects.count())
    asked = {**SAME, "outstanding_development-floor": "20", "highest_readiness-top": "1"}
    with CaptureQueriesContext(connection) as queries:
        reply = client.get(WHAT_IF, asked)
    assert reply.status_code == 200
    writes = [q["sql"] for q in queries.captured_queries
              if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]
    assert writes == []
    assert (Publication.objects.count(), AwardDecision.objects.count()) == counts
    plain = text(reply.content.decode())
    development = plain.split("รางวัลพัฒนาการดีเด่น")[-1].split("ดีเด่นรายด้าน")[0]
    # under a floor of 20 the Rural Roads and Marine departments win Outstanding Development
    assert re.search(r"ตามเกณฑ์ที่ทดลอง .*กรมทางหลวงชนบท \(\+\d+\.\d\d\) ใหม่", development)
    assert re.search(r"กรมเจ้าท่า \(\+\d+\.\d\d\) ใหม่", development)
    assert "เฉพาะหน่วยงานที่มีคะแนนรวมไม่ต่ำกว่า 20.00" in development
    readiness = plain.split("ผู้ได้รับรางวัลตามเกณฑ์ปัจจุบันและตามเกณฑ์ที่ทดลอง")[1].split(
        "รางวัลพัฒนาการดีเด่น")[0]
    assert "ไม่ได้รับรางวัลอีกต่อไป: กรมการแพทย์, กรมเจ้าท่า" in readiness
    # the award page is as it was
    page = text(client.get("/results/th-2564/awards/").content.decode())
    assert "ไม่มีผู้ได้รับรางวัล: ไม่มีหน่วยงานที่มีคะแนนเพิ่มขึ้นและมีคะแนนรวมถึงเกณฑ์ขั้นต่ำ" in page


def test_grouping_all_agencies_together_gives_one_list(client, answered) -> None:  # type: ignore[no-untyped-def]
    client.force_login(answered.user("administrator"))
    asked = {**SAME, "highest_readiness-grouping": "together", "highest_readiness-groups": []}
    plain = text(client.get(WHAT_IF, asked).content.decode())
    readiness = plain.split("ตามเกณฑ์ที่ทดลอง")[2].split("รางวัลพัฒนาการดีเด่น")[0]
    assert "ในแต่ละกลุ่ม" not in readiness
    assert re.search(r"คะแนนรวมสูงสุด 3 อันดับ; .*กรมการขนส่งทางบก .*กรมทางหลวงชนบท .*กรมเจ้าท่า", readiness)
    assert "ไม่ได้รับรางวัลอีกต่อไป: กรมการแพทย์, กรมท่าอากาศยาน" in plain


@pytest.mark.parametrize(("field", "value", "message"), [
    ("highest_readiness-top", "0", "อย่างน้อย 1 อันดับ"),
    ("highest_readiness-top", "51", "ไม่เกิน 50 อันดับ"),
    ("highest_readiness-top", "สาม", "จำนวนอันดับเป็นจำนวนเต็ม เช่น 3"),
    ("outstanding_development-floor", "abc", "ตัวเลข เช่น 80 หรือ 72.5"),
    ("outstanding_development-floor", "101", "เกณฑ์ขั้นต่ำต้องไม่เกิน 100"),
    ("highest_readiness-grouping", "ministry", "เลือกตัวเลือกที่ถูกต้อง"),
    ("highest_readiness-groups", "nowhere", "“nowhere” ไม่ใช่กลุ่มหน่วยงานของกรอบการประเมินนี้"),
])
def test_a_setting_that_cannot_be_is_refused_saying_why(client, answered, field, value, message) -> None:  # type: ignore[no-untyped-def]
    client.force_login(answered.user("administrator"))
    reply = client.get(WHAT_IF, {**SAME, field: value})
    assert reply.status_code == 400
    assert message in reply.content.decode()
    assert "ผู้ได้รับรางวัลตามเกณฑ์ปัจจุบันและตามเกณฑ์ที่ทดลอง" not in reply.content.decode()


def test_a_cycle_without_scores_says_so(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.user("administrator"))
    page = client.get(WHAT_IF, SAME).content.decode()
    assert "ยังไม่มีคะแนน: ยังไม่มีหน่วยงานใดส่งแบบสำรวจของรอบนี้" in page
