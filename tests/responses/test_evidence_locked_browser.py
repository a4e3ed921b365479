"""In a real browser: evidence added to a response submitted meanwhile says why it was
refused, in the widget (htmx swaps the 423 answer), not a generic failure note."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from phrom.responses.models import Evidence, Response, ResponseStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "POL-01-1"
SUBMITTED = "ส่งแบบสำรวจนี้แล้ว จึงเปลี่ยนหลักฐานไม่ได้อีก"


@pytest.mark.parametrize("script", [True, False], ids=["htmx", "without script"])
def test_a_web_address_added_after_the_submission_shows_the_reason(
    browser, login, live_server, world, script
):
    context = browser.new_context(java_script_enabled=script, locale="th-TH",
                                  viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, world.user("coordinator_a"), then=f"/responses/{world.response_a.pk}/policy/")
    page.wait_for_url(lambda u: "/accounts/login/" not in u)
    field = page.locator(f"#evidence-{QUESTION}-url")
    field.fill("https://www.drr.go.th/late.pdf")
    # Submitted in another window, after this page was shown.
    Response.objects.filter(pk=world.response_a.pk).update(
        status=ResponseStatus.SUBMITTED, submitted_at=timezone.now()
    )
    page.locator(f"#evidence-{QUESTION}-add-url").click()

    expect(page.locator(f"#evidence-{QUESTION}-status")).to_contain_text(SUBMITTED)
    expect(page.locator(f"#evidence-{QUESTION}-status")).to_contain_text("ผู้ดูแลระบบ")
    expect(page.locator(".htmx-failed")).to_have_count(0)
    expect(page.locator(f"#evidence-{QUESTION}-url")).to_have_count(0)  # no form to retry
    assert not Evidence.objects.exists()
    context.close()
