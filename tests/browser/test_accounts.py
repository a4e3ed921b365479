"""Accounts in a real browser: invitation to first login, logout and login, display switches."""

import pytest

from phrom.accounts.models import Profile

NEW_PASSWORD = "Rural-roads-2564-ready"


def log_in(page, live_server, email, password):
    """Log in through the form with any password (the ``login`` fixture knows only the
    personas' one)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("main input[name=username]", email)
    page.fill("main input[name=password]", password)
    page.click("main form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_invited_coordinator_joins_logs_out_and_in_and_sets_language_and_text_size(
    browser, live_server, world, login
):
    # A Thai browser: without a choice of theirs, pages follow the Accept-Language header.
    admin_context = browser.new_context(locale="th-TH")
    admin = admin_context.new_page()
    login(admin, world.user("administrator"))
    admin.wait_for_url(f"{live_server.url}/")
    admin.goto(f"{live_server.url}/accounts/invite/")
    admin.fill("input[name=email]", "somchai@drr.go.th")
    admin.select_option("select[name=role]", "coordinator")
    # Part of the agency's name brings it to the suggestions; choosing it puts its code in.
    admin.fill("input[name=agency]", "ทางหลวงชนบท")
    admin.wait_for_selector(f"datalist option[value='{world.agency_a.code}']", state="attached")
    admin.fill("input[name=agency]", world.agency_a.code)
    admin.click("main form.stacked button[type=submit]")
    link = admin.input_value("#invitation-link")
    assert link.startswith(f"{live_server.url}/accounts/invitation/")
    admin_context.close()

    # The invitee opens the link in another browser.
    context = browser.new_context(locale="th-TH")
    page = context.new_page()
    page.goto(link)
    assert "somchai@drr.go.th" in page.content()
    page.fill("input[name=name]", "สมชาย ทางดี")
    page.fill("input[name=password]", NEW_PASSWORD)
    page.fill("input[name=password_again]", NEW_PASSWORD)
    page.click("main form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "สมชาย ทางดี" in page.inner_text(".user-nav")
    assert page.locator(".user-nav a[href='/responses/']").count() == 1
    assert page.locator(".user-nav a[href='/accounts/colleagues/']").count() == 1

    # Log out, then log in again through the form.
    page.click(".user-nav form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert "ออกจากระบบแล้ว" in page.inner_text("main")
    log_in(page, live_server, "somchai@drr.go.th", NEW_PASSWORD)
    assert "สมชาย ทางดี" in page.inner_text(".user-nav")

    # Language: Thai by default, English after the switch.
    assert page.get_attribute("html", "lang") == "th"
    page.click("form.language button")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert "Log out" in page.inner_text(".user-nav")

    # Text size from the keyboard: focus the lg button and press Enter.
    page.focus("form.text-size button[value=lg]")
    page.keyboard.press("Enter")
    page.wait_for_function("document.documentElement.classList.contains('text-lg')")
    page.reload()
    assert "text-lg" in page.get_attribute("html", "class")
    assert page.get_attribute("form.text-size button[value=lg]", "aria-pressed") == "true"
    assert Profile.objects.get(user__username="somchai@drr.go.th").text_size == "lg"
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_text_size_control_works_without_javascript(browser, live_server, world):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("form.text-size button[value=sm]")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert "text-sm" in page.get_attribute("html", "class")
    page.reload()
    assert "text-sm" in page.get_attribute("html", "class")
    context.close()
