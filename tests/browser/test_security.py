"""The Content-Security-Policy in a real browser: pages work and nothing on them is refused."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watched_page(browser):
    """A page that records every Content-Security-Policy refusal the browser reports."""
    context = browser.new_context(locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text)
        if "Content Security Policy" in message.text else None,
    )
    return context, page, refused


def test_signing_in_and_answering_raise_no_policy_refusal(browser, live_server, world, login):
    context, page, refused = watched_page(browser)
    try:
        login(page, world.user("coordinator_a"))
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/responses/{world.response_a.pk}/policy/")
        page.get_by_label("ใช่", exact=True).first.check()
        expect(page.locator("#q-POL-01-1-status")).to_have_attribute("data-state", "saved")
        page.goto(f"{live_server.url}/accounts/colleagues/")
        assert refused == []
    finally:
        context.close()


def test_staff_pages_and_the_admin_raise_no_policy_refusal(browser, live_server, world, login):
    admin = world.user("administrator")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    context, page, refused = watched_page(browser)
    try:
        login(page, admin)
        page.wait_for_url(f"{live_server.url}/")
        for path in (f"/cycles/{world.cycle.code}/", "/admin/",
                     "/admin/accounts/invitation/add/", "/admin/axes/accessattempt/"):
            page.goto(f"{live_server.url}{path}")
        # The progress page's styles (inline, with the page's nonce) are applied.
        page.goto(f"{live_server.url}/cycles/{world.cycle.code}/")
        assert refused == []
        display = page.evaluate(
            "getComputedStyle(document.querySelector('.progress-bar')).display"
        )
        assert display == "flex"
    finally:
        context.close()


def test_the_paused_sign_in_page_raises_no_policy_refusal(browser, live_server, world):
    context, page, refused = watched_page(browser)
    try:
        for _ in range(6):
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("main input[name=username]", "reviewer@example.go.th")
            page.fill("main input[name=password]", "wrong-guess")
            page.click("main form.stacked button[type=submit]")
        assert "ระบบพักการเข้าสู่ระบบไว้จนถึงเวลา" in page.inner_text("main")
        assert refused == []
    finally:
        context.close()
