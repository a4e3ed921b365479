"""Without JavaScript in a real browser: a refused save returns to its question with what was
typed and the reason beside it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from phrom.responses.models import Answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_save_returns_to_the_question_with_what_was_typed(browser, login,
                                                                   live_server, world):
    context = browser.new_context(java_script_enabled=False, locale="th-TH",
                                  viewport={"width": 1280, "height": 700})
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, world.user("coordinator_a"), then=f"/responses/{world.response_a.pk}/capability/")
    page.wait_for_url(lambda u: "/accounts/login/" not in u)
    block = page.locator("#q-CAP-07-1")
    block.locator("input[name=value]").fill("11")
    block.locator("textarea[name=explanation]").fill("นับจากรายงานประจำปี หน้า 12")
    block.get_by_role("button", name="บันทึกข้อ CAP-07-1").click()
    page.wait_for_load_state()

    assert page.url.endswith("/answer/CAP-07-1/#q-CAP-07-1")  # back at the question
    expect(block.locator("#q-CAP-07-1-err")).to_have_text("ค่าสูงสุดที่รับได้คือ 10")
    expect(block.locator("input[name=value]")).to_have_value("11")
    expect(block.locator("textarea[name=explanation]")).to_have_value("นับจากรายงานประจำปี หน้า 12")
    expect(block).to_be_in_viewport()
    expect(page.locator(".qn-refused")).to_contain_text("CAP-07-1")

    block.locator("input[name=value]").fill("10")
    block.get_by_role("button", name="บันทึกข้อ CAP-07-1").click()
    page.wait_for_url(lambda u: u.endswith("/capability/#q-CAP-07-1"))
    answer = Answer.objects.get(response=world.response_a, question="CAP-07-1")
    assert (answer.value, answer.explanation) == (10, "นับจากรายงานประจำปี หน้า 12")
    context.close()
