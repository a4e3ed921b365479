"""The whole review in a real browser: verify, adjust, ask, answer, close, sign off, publish.

The reviewer verifies one answer, lowers another with a reason and asks the agency about a
third; the coordinator answers with a new PDF; the reviewer sees it previewed, closes the
request and completes; the lead signs off; the administrator publishes; the coordinator then
sees the claimed and the verified scores.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from phrom.core.thai import format_input, today
from phrom.frameworks.models import CycleStatus
from phrom.responses.models import Evidence, Response, ResponseStatus
from phrom.reviews.models import ClarificationRequest, Review, Verdict
from phrom.reviews.selectors import claimed_and_verified
from phrom.reviews.services import reviewers_assign
from tests.reviews.conftest import in_review  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def english_page(browser: Any, live_server: Any, login: Any, user: Any, then: str = "/") -> Any:
    """A new English page signed in as USER, landed on THEN."""
    context = browser.new_context(locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    login(page, user, then=None if then == "/" else then)
    page.wait_for_url(f"{live_server.url}{then}")
    return page


def give_verdict(page: Any, code: str, verdict: str, value: str = "", reason: str = "") -> None:
    section = page.locator(f"#q-{code}")
    section.get_by_label(verdict, exact=True).check()
    if value:
        section.get_by_label("Set the verified value").check()
        section.locator("input[name=verified_value]").fill(value)
        section.get_by_label("Reason, when the verified value differs from the answer").fill(
            reason
        )
    section.get_by_role("button", name="Save verdict").click()
    page.wait_for_selector(f"text=Verdict on {code} saved.")


def total_row(page: Any) -> tuple[float, float]:
    row = page.locator("table.data tbody tr").first
    assert row.locator("th").inner_text() == "Total"
    return float(row.locator("td").nth(0).inner_text()), float(
        row.locator("td").nth(1).inner_text()
    )


def test_review_from_first_verdict_to_the_agency_seeing_its_verified_scores(
    browser: Any, full_browser: Any, live_server: Any, in_review: Any, login: Any  # noqa: F811
) -> None:
    world = in_review
    # Only agency A submitted, so signing its review off lets the cycle be published.
    Response.objects.filter(pk=world.response_b.pk).update(status=ResponseStatus.IN_PROGRESS)
    reviewers_assign(cycle=world.cycle, reviewer=world.user("reviewer"),
                     by=world.user("administrator"), agencies=[world.agency_a])
    review_path = f"/reviews/{world.response_a.pk}/"
    review_url = f"{live_server.url}{review_path}"

    # The reviewer: verifies, adjusts a value with a reason, asks for clarification.
    reviewer = english_page(browser, live_server, login, world.user("reviewer"), review_path)
    give_verdict(reviewer, "POL-01-1", "Verified")
    give_verdict(reviewer, "POL-01-3", "Partly verified", "40",
                 "Only 40% of the services are online.")
    give_verdict(reviewer, "POL-02-2", "Needs clarification")
    reviewer.get_by_role("link", name="Clarification requests").click()
    reviewer.get_by_label("Answers to clarify (question codes, separated by commas)").fill(
        "POL-02-2"
    )
    reviewer.get_by_role("textbox", name="Deadline").fill(format_input(today() + dt.timedelta(days=14)))
    reviewer.get_by_label("What the agency should clarify").fill(
        "Send the appointment orders of the four committees."
    )
    reviewer.get_by_role("button", name="Send the request").click()
    request = ClarificationRequest.objects.get()
    assert request.questions == ["POL-02-2"]
    assert Review.objects.get().status == "awaiting_agency"

    # The coordinator: finds the request on the home page and answers with a new file.
    coordinator = english_page(browser, live_server, login, world.user("coordinator_a"))
    coordinator.locator(f"a[href='/reviews/clarifications/{request.pk}/']").click()
    coordinator.wait_for_selector("text=Send the appointment orders of the four committees.")
    section = coordinator.locator("#q-POL-02-2").locator("xpath=..")
    section.get_by_label("New evidence file").set_input_files({
        "name": "committee-orders.pdf", "mimeType": "application/pdf", "buffer": PDF,
    })
    section.get_by_role("button", name="Upload").click()
    coordinator.wait_for_selector("text=committee-orders.pdf")
    coordinator.get_by_role("button", name="Mark the request answered").click()
    coordinator.wait_for_selector("text=Mark the request answered", state="detached")
    evidence = Evidence.objects.get(original_name="committee-orders.pdf")
    assert evidence.response_id == world.response_a.pk and evidence.question == "POL-02-2"
    # Nothing but the requested answer was unlocked: the answer itself stays as claimed.
    assert coordinator.locator("textarea[name=text]").count() == 0

    # The reviewer: sees the new PDF previewed beside its download link,
    # gives the final verdict, closes the request and completes the review.
    # (in the whole Chromium: the headless shell has no PDF viewer)
    viewer = english_page(full_browser, live_server, login, world.user("reviewer"), review_path)
    frame = viewer.get_by_title("Preview of the PDF committee-orders.pdf")
    assert frame.count() == 1
    frame.scroll_into_view_if_needed()
    # The lazy frame has loaded its document, or been refused (then its document is the
    # browser's error page, which the page cannot read).
    viewer.wait_for_function(
        """title => {
            const frame = document.querySelector(`iframe[title="${title}"]`);
            const shown = frame && frame.contentDocument;
            return frame !== null && (shown === null
                || (shown.URL !== "about:blank" && shown.readyState === "complete"));
        }""",
        arg="Preview of the PDF committee-orders.pdf",
    )
    # Framed, not refused: a refused frame holds the browser's error page (text/html).
    shown = frame.element_handle().content_frame()
    assert shown is not None and shown.evaluate("document.contentType") == "application/pdf"
    preview = viewer.request.get(f"{live_server.url}{frame.get_attribute('src')}")
    assert preview.status == 200
    assert preview.headers["content-type"] == "application/pdf"
    assert preview.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in preview.headers["content-security-policy"]
    assert preview.body() == PDF
    assert viewer.locator("#q-POL-02-2").get_by_role(
        "link", name="committee-orders.pdf").count() == 1
    reviewer.goto(review_url)
    give_verdict(reviewer, "POL-02-2", "Verified")
    reviewer.goto(f"{live_server.url}/reviews/clarifications/{request.pk}/")
    reviewer.get_by_role("button", name="Close the request").click()
    reviewer.wait_for_selector("text=The clarification request is closed.")
    request.refresh_from_db()
    assert request.status == "closed"
    reviewer.get_by_role("radio", name="Complete", exact=True).check()
    reviewer.get_by_role("button", name="Change status").click()
    reviewer.wait_for_selector("text=Review status changed.")
    assert Review.objects.get().status == "complete"
    # Only POL-01-3 was lowered (80 -> 40): the verified total is lower, and the difference
    # is all in its indicator.
    claimed, verified = total_row(reviewer)
    assert verified < claimed
    expected = claimed_and_verified(response=world.response_a)
    assert (claimed, verified) == (float(expected.total.claimed), float(expected.total.verified))
    changed = [row.code for row in expected.indicators if row.difference != 0]
    assert changed == ["POL-01"]
    assert {v.question: v.verdict for v in Verdict.objects.all()} == {
        "POL-01-1": "verified", "POL-01-3": "partly_verified", "POL-02-2": "verified",
    }
    reviewer.context.close()

    # The lead reviewer signs off.
    lead = english_page(browser, live_server, login, world.user("lead_reviewer"), review_path)
    lead.get_by_role("radio", name="Signed off", exact=True).check()
    lead.get_by_role("button", name="Change status").click()
    lead.wait_for_selector("text=Review status changed.")
    assert Review.objects.get().status == "signed_off"
    lead.context.close()

    # The administrator publishes through the confirmation page.
    admin = english_page(browser, live_server, login, world.user("administrator"),
                         "/reviews/assign/")
    admin.get_by_role("link", name=f"Publish cycle {world.cycle.code}").click()
    admin.wait_for_selector("text=Every submitted response is signed off.")
    admin.get_by_role("button", name="Publish").click()
    admin.wait_for_selector(f"text=Cycle {world.cycle.code} is published.")
    world.cycle.refresh_from_db()
    assert world.cycle.status == CycleStatus.PUBLISHED
    admin.context.close()

    # The agency: from its response page to both scores.
    coordinator.goto(f"{live_server.url}/responses/{world.response_a.pk}/")
    coordinator.get_by_role("link", name="Claimed and verified scores").click()
    coordinator.wait_for_url(f"{live_server.url}/reviews/{world.response_a.pk}/scores/")
    assert total_row(coordinator) == (claimed, verified)
    coordinator.context.close()
