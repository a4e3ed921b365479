"""The award page and the what-if preview in a browser (issue 14, point 2): a reader finds
the winners, their scorecards, the ties and the near misses; an administrator previews
other award rules, then confirms the awards and gets a certificate."""

from __future__ import annotations

import re

import pytest

from phrom.awards.models import AwardDecision
from tests.awards.world import answer_cycle, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_policy(page):  # type: ignore[no-untyped-def]
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    return refused


def test_a_reader_finds_the_winners_their_figures_ties_and_near_misses(browser, live_server, world) -> None:  # type: ignore[no-untyped-def]
    answer_cycle(world)
    publish(world)
    context = browser.new_context(locale="th-TH")
    page = context.new_page()
    refused = watch_policy(page)
    page.goto(f"{live_server.url}/results/th-2564/awards/")

    assert page.locator("h1").inner_text().startswith("รางวัล")
    def award(heading: str):  # type: ignore[no-untyped-def]
        return page.locator("section.award").filter(
            has=page.locator("h2", has_text=heading)).first

    policy = award("คะแนนความพร้อมสูงสุด · กรมด้านนโยบายและกำกับดูแล")
    winners = policy.locator("table.data").first
    assert winners.locator("tbody tr").count() == 2
    first = winners.locator("tbody tr").first
    assert re.search(r"กรมท่าอากาศยาน\s+\d+\.\d\d", first.inner_text())
    assert "อันดับที่ 1 จากหน่วยงานที่มีสิทธิ์ 2 แห่ง" in first.inner_text()
    # ties said plainly, in the service group's section
    service = award("คะแนนความพร้อมสูงสุด · กรมที่ให้บริการประชาชนเป็นหลัก")
    assert "จึงได้อันดับที่ 1 ร่วมกัน" in service.locator("ul.ties").inner_text()
    # near misses open on request, with why they missed
    misses = service.locator("details")
    assert not misses.locator("table").is_visible()
    misses.locator("summary").click()
    assert "กรมทางหลวง" in misses.locator("table").inner_text()
    assert "รางวัลนี้มี 3 อันดับ" in misses.locator("table").inner_text()
    # a winner's name leads to its scorecard
    first.get_by_role("link", name="กรมท่าอากาศยาน").click()
    page.wait_for_url(f"{live_server.url}/results/th-2564/mot-dav/")
    assert "กรมท่าอากาศยาน" in page.locator("h1").inner_text()
    assert not refused
    context.close()


def test_an_administrator_previews_other_rules_then_confirms_the_awards(browser, live_server, world, login) -> None:  # type: ignore[no-untyped-def]
    answer_cycle(world)
    publish(world)
    context = browser.new_context(locale="th-TH")
    page = context.new_page()
    refused = watch_policy(page)
    login(page, world.user("administrator"))
    page.goto(f"{live_server.url}/results/th-2564/awards/")
    page.get_by_role("link", name="ทดลองปรับเกณฑ์รางวัล").click()
    page.wait_for_url(re.compile(r".*/awards/what-if/$"))

    page.fill("input[name=highest_readiness-top]", "1")
    page.fill("input[name=outstanding_development-floor]", "20")
    page.get_by_role("button", name="ดูผู้ได้รับรางวัล").click()
    page.wait_for_url(re.compile(r".*/awards/what-if/\?preview=1.*"))

    assert page.locator("input[name=highest_readiness-top]").input_value() == "1"
    compared = page.locator("main").inner_text()
    assert "ไม่ได้รับรางวัลอีกต่อไป: กรมการแพทย์, กรมเจ้าท่า" in compared
    new = page.locator(".compare .new")
    assert new.count() == 2  # Rural Roads and the Marine Department, under a floor of 20
    assert not AwardDecision.objects.exists()

    page.get_by_role("link", name="รางวัล", exact=True).click()
    page.wait_for_url(f"{live_server.url}/results/th-2564/awards/")
    assert "ไม่มีผู้ได้รับรางวัล" in page.locator("main").inner_text()  # nothing changed
    page.fill("textarea[name=note]", "มติคณะกรรมการ ครั้งที่ 1/2565")
    page.get_by_role("button", name="ยืนยันผลรางวัลของฉบับที่ 1 ในนามของข้าพเจ้า").click()
    page.wait_for_url(f"{live_server.url}/results/th-2564/awards/")
    decision = page.locator("section.decision").inner_text()
    assert "ผลรางวัลของผลการประเมินฉบับที่ 1 ได้รับการยืนยันโดย administrator" in decision
    assert "มติคณะกรรมการ ครั้งที่ 1/2565" in decision
    link = page.locator("a[href$='/mot-dav/certificate.pdf']")
    reply = page.request.get(live_server.url + link.get_attribute("href"))
    assert reply.status == 200 and reply.body().startswith(b"%PDF")
    assert not refused
    context.close()
