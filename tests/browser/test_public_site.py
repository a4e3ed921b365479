"""The public site in a real browser, signed out: searching, filtering and sorting a
published cycle in Thai, opening a scorecard, downloading an open-data file, the 404 page,
and axe-core on every public page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import run_axe
from tests.results.public_world import publish_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CYCLE = "/results/th-2564/"


@pytest.fixture
def site(world, live_server):  # type: ignore[no-untyped-def]
    publish_world(world)
    return live_server.url


@pytest.fixture
def visitor(browser):  # type: ignore[no-untyped-def]
    """A signed-out Thai reader's page; every Content-Security-Policy refusal recorded."""
    context = browser.new_context(locale="th-TH", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.refused = []
    page.on("console", lambda m: page.refused.append(m.text)
            if "Content Security Policy" in m.text else None)
    yield page
    context.close()


def rows(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator(".results-table tbody tr td:nth-child(2) a").all_inner_texts()


def test_searching_and_filtering_the_table(visitor, site):
    page = visitor
    page.goto(site + CYCLE)
    expect(page.locator(".results-count")).to_contain_text("68 หน่วยงาน")
    page.get_by_label("ชื่อหรือรหัสหน่วยงาน").fill("ทางหลวง")
    page.get_by_label("ชื่อหรือรหัสหน่วยงาน").press("Enter")
    expect(page.locator(".results-table tbody tr")).to_have_count(2)
    assert sorted(rows(page)) == ["กรมทางหลวง", "กรมทางหลวงชนบท"]

    page.get_by_role("link", name="ล้างการค้นหา").click()
    page.get_by_label("กระทรวง", exact=True).select_option(label="กระทรวงคมนาคม")
    page.get_by_label("กลุ่มหน่วยงาน", exact=True).select_option("service")
    page.get_by_role("button", name="แสดง").click()
    expect(page.locator(".results-table tbody tr")).to_have_count(4)
    assert set(rows(page)) == {"กรมทางหลวง", "กรมทางหลวงชนบท", "กรมการขนส่งทางบก",
                               "กรมเจ้าท่า"}
    assert "ministry=mot" in page.url and "group=service" in page.url
    assert page.refused == []


def test_sorting_by_name_in_thai_order_and_back(visitor, site):
    page = visitor
    page.goto(site + CYCLE)
    page.locator(".results-table thead").get_by_role("link", name="หน่วยงาน").click()
    header = page.locator(".results-table th", has_text="หน่วยงาน").first
    expect(header).to_have_attribute("aria-sort", "ascending")
    assert rows(page)[:8] == [
        "กรมการขนส่งทางบก", "กรมเจ้าท่า", "กรมทางหลวง", "กรมทางหลวงชนบท", "กรมท่าอากาศยาน",
        "เทศบาลนครเชียงใหม่", "ไปรษณีย์ตัวอย่าง", "โรงพยาบาลตัวอย่าง"]
    page.locator(".results-table thead").get_by_role("link", name="หน่วยงาน").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert rows(page)[0].startswith("หน่วยงานทั่วไป 059")
    page.get_by_role("link", name="หน้าถัดไป").click()
    assert rows(page)[-1] == "กรมการขนส่งทางบก"


def test_opening_a_scorecard_from_the_table(visitor, site):
    page = visitor
    page.goto(site + CYCLE + "?q=mot-md")
    page.get_by_role("link", name="กรมเจ้าท่า").click()
    page.wait_for_url(site + CYCLE + "mot-md/")
    expect(page.locator("main")).to_contain_text("กรมเจ้าท่า")


def test_downloading_an_open_data_file(visitor, site, tmp_path: Path):
    page = visitor
    page.goto(site + "/results/")
    page.get_by_role("link", name="ดาวน์โหลด").first.click()
    page.wait_for_url(site + CYCLE + "downloads/")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="results.csv").first.click()
    saved = tmp_path / "results.csv"
    waiting.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("agency,group,total,")
    assert len(text.splitlines()) == 69
    assert page.refused == []


def test_the_404_page_leads_back_to_the_published_results(visitor, site):
    page = visitor
    reply = page.goto(site + "/results/no-such-cycle/")
    assert reply is not None and reply.status == 404
    expect(page.locator("h1")).to_have_text("ไม่พบหน้าที่ต้องการ")
    page.locator(".user-nav").get_by_role("link", name="ผลการประเมินที่ประกาศ").click()
    page.wait_for_url(site + "/results/")
    expect(page.locator("h1")).to_have_text("ผลการประเมินที่ประกาศ")


def test_the_public_pages_have_no_serious_accessibility_violation(visitor, site):
    page = visitor
    for path in ("/results/", CYCLE, CYCLE + "?sort=name&group=nope&page=2",
                 CYCLE + "?q=no-such-agency", CYCLE + "methodology/", CYCLE + "downloads/",
                 CYCLE + "data-dictionary/", "/results/no-such-cycle/"):
        page.goto(site + path)
        if path.endswith("methodology/"):
            page.locator("details.m-indicator summary").first.click()
        assert run_axe(page) == [], path
    page.set_viewport_size({"width": 640, "height": 900})  # the table scrolls sideways
    page.goto(site + CYCLE)
    assert page.evaluate("(() => { const d = document.querySelector('.table-scroll');"
                         " return d.scrollWidth > d.clientWidth; })()")
    assert run_axe(page) == []
    assert page.refused == []
