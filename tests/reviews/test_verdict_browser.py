"""A verdict saved in a real browser through htmx: no page reload, the outcome in the answer's
section with the focus on it, and the scores brought up to date."""

from __future__ import annotations

from typing import Any

import pytest

from phrom.reviews.models import Verdict
from phrom.reviews.services import reviewers_assign
from tests.conftest import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def verified_total(page: Any) -> str:
    row = page.locator("#review-scores table.data tbody tr").first
    return str(row.locator("td").nth(1).inner_text())


def focus_on_outcome(page: Any) -> None:
    """The focus moves to the outcome (htmx focuses [autofocus] once the swap settles)."""
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'q-POL-01-3-outcome'"
    )


def review_page(browser: Any, live_server: Any, login: Any, world: Any) -> tuple[Any, Any]:
    """An English browser page of agency A's review, signed in as its assigned reviewer."""
    reviewers_assign(cycle=world.cycle, reviewer=world.user("reviewer"),
                     by=world.user("administrator"), agencies=[world.agency_a])
    context = browser.new_context(locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    review_path = f"/reviews/{world.response_a.pk}/"
    login(page, world.user("reviewer"), then=review_path)
    page.wait_for_url(f"{live_server.url}{review_path}")
    return context, page


def test_a_verdict_is_saved_without_reloading_the_page(
    browser: Any, live_server: Any, in_review: Any, login: Any
) -> None:
    world = in_review
    context, page = review_page(browser, live_server, login, world)
    page.evaluate("window.marker = 1")
    before = verified_total(page)

    section = page.locator("#q-POL-01-3")
    section.get_by_label("Partly verified").check()
    section.get_by_label("Set the verified value").check()
    section.locator("input[name=verified_value]").fill("20")
    section.get_by_role("button", name="Save verdict").click()
    # Refused (no reason): the message in the section, what was typed kept.
    alert = page.locator("#q-POL-01-3 [role=alert]")
    alert.wait_for()
    assert "give the reason" in alert.inner_text()
    focus_on_outcome(page)
    assert section.locator("input[name=verified_value]").input_value() == "20"
    assert not Verdict.objects.exists()

    section.get_by_label("Reason, when the verified value differs from the answer").fill(
        "Only a fifth of the services are online."
    )
    section.get_by_role("button", name="Save verdict").click()
    page.wait_for_selector("#q-POL-01-3 [role=status] >> text=Verdict on POL-01-3 saved.")
    assert page.evaluate("window.marker") == 1  # the same page, not a new one
    focus_on_outcome(page)
    assert Verdict.objects.get().verified_value == 20.0
    assert float(verified_total(page)) < float(before)
    # The next save of the same form carries the new version.
    section.get_by_label("Verified", exact=True).check()
    section.get_by_label("Set the verified value").uncheck()
    section.get_by_role("button", name="Save verdict").click()
    page.wait_for_function(
        "() => document.querySelector('#review-scores table.data tbody tr td:nth-of-type(2)')"
        f".innerText === {before!r}"
    )
    assert Verdict.objects.get().version == 2
    assert page.evaluate("window.marker") == 1
    assert run_axe(page) == []
    context.close()


def test_a_verdict_after_the_session_ended_says_so_and_keeps_what_was_typed(
    browser: Any, live_server: Any, in_review: Any, login: Any
) -> None:
    world = in_review
    context, page = review_page(browser, live_server, login, world)
    review_path = f"/reviews/{world.response_a.pk}/"
    context.clear_cookies(name="sessionid")  # the session ends behind the page

    section = page.locator("#q-POL-01-3")
    section.get_by_label("Verified", exact=True).check()
    section.locator("textarea[name=comment]").fill("Checked against the plan")
    section.get_by_role("button", name="Save verdict").click()
    notice = section.locator(".signed-out[role=alert]")
    notice.wait_for()
    assert "You are signed out, so this was not saved." in notice.inner_text()
    assert notice.get_by_role("link", name="Sign in again").get_attribute("href") == (
        f"/accounts/login/?next=/reviews/{world.response_a.pk}/"
    )
    # The form is still there with what was typed; nothing was saved.
    assert section.locator("textarea[name=comment]").input_value() == "Checked against the plan"
    assert page.url == f"{live_server.url}{review_path}"
    assert not Verdict.objects.exists()
    context.close()


def test_a_refused_htmx_request_says_so_instead_of_nothing(
    browser: Any, live_server: Any, in_review: Any, login: Any
) -> None:
    """A verdict sent after the reviewer lost the review (403) is not swapped in, but the page
    says that it did not go through, beside the form (any htmx request of any page)."""
    from phrom.reviews.models import ReviewAssignment

    world = in_review
    context, page = review_page(browser, live_server, login, world)
    ReviewAssignment.objects.filter(reviewer=world.user("reviewer")).delete()
    section = page.locator("#q-POL-01-3")
    section.get_by_label("Verified", exact=True).check()
    section.get_by_role("button", name="Save verdict").click()
    note = section.locator(".htmx-failed[role=alert]")
    note.wait_for()
    assert "This did not go through" in note.inner_text()
    assert section.get_by_role("button", name="Save verdict").count() == 1  # the form stays
    assert not Verdict.objects.exists()
    # Assigned again, the same form goes through, and the note goes.
    reviewers_assign(cycle=world.cycle, reviewer=world.user("reviewer"),
                     by=world.user("administrator"), agencies=[world.agency_a])
    section.get_by_role("button", name="Save verdict").click()
    page.wait_for_selector("#q-POL-01-3 [role=status] >> text=Verdict on POL-01-3 saved.")
    assert page.locator(".htmx-failed").count() == 0
    assert Verdict.objects.get().verdict == "verified"
    context.close()
