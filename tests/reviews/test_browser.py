"""A review in a real browser: the reviewer works from the keyboard, the lead signs off."""

import pytest

from phrom.reviews.models import Review, Verdict
from phrom.reviews.services import reviewers_assign


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reviewer_adjusts_a_value_from_the_keyboard_and_lead_signs_off(
    browser, live_server, in_review, login
):
    world = in_review
    reviewers_assign(cycle=world.cycle, reviewer=world.user("reviewer"),
                     by=world.user("administrator"), agencies=[world.agency_a])
    context = browser.new_context(locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    login(page, world.user("reviewer"))
    page.wait_for_url(f"{live_server.url}/")
    page.click("nav >> text=Reviews")
    page.fill("input[name=q]", "Rural")
    page.keyboard.press("Enter")
    page.click("text=Department of Rural Roads")
    section = page.locator("#q-POL-01-3")
    section.get_by_label("Partly verified").focus()
    page.keyboard.press("Space")
    section.get_by_label("Set the verified value").check()
    section.locator("input[name=verified_value]").fill("40")
    section.get_by_label("Reason, when the verified value differs from the answer").fill(
        "Only 40% of services are online."
    )
    section.get_by_role("button", name="Save verdict").press("Enter")
    page.wait_for_selector("text=Verdict on POL-01-3 saved.")
    assert Verdict.objects.get().verified_value == 40.0
    page.get_by_role("radio", name="Complete", exact=True).check()
    page.get_by_role("button", name="Change status").click()
    page.wait_for_selector("text=Review status changed.")
    claimed = page.locator("table.data tbody tr").first.locator("td").nth(0).inner_text()
    verified = page.locator("table.data tbody tr").first.locator("td").nth(1).inner_text()
    assert float(verified) < float(claimed)
    context.close()

    lead_context = browser.new_context(locale="en-GB")
    lead_context.add_cookies([{"name": "django_language", "value": "en",
                               "url": live_server.url}])
    lead = lead_context.new_page()
    login(lead, world.user("lead_reviewer"))
    lead.wait_for_url(f"{live_server.url}/")
    lead.goto(f"{live_server.url}/reviews/{world.response_a.pk}/")
    lead.get_by_role("radio", name="Signed off", exact=True).check()
    lead.get_by_role("button", name="Change status").click()
    lead.wait_for_selector("text=Review status changed.")
    assert Review.objects.get().status == "signed_off"
    lead_context.close()
