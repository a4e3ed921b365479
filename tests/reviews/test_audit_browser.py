"""The audit sample planner in a real browser: the lead reviewer draws a reproducible sample
from the queue, downloads it, and the administrator assigns it to a second reviewer."""

from __future__ import annotations

import csv
import io

import pytest

from phrom.reviews.models import ReviewAssignment
from tests.conftest import run_axe


def english_page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-GB", accept_downloads=True)
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    return context, context.new_page()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_lead_draws_the_same_sample_again_downloads_it_and_admin_assigns_it(
    browser, live_server, in_review, login
):
    world = in_review
    context, page = english_page(browser, live_server)
    login(page, world.user("lead_reviewer"))
    page.wait_for_url(f"{live_server.url}/")
    page.click("nav >> text=Reviews")
    page.select_option("select[name=cycle]", "th-2564")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="Audit sample of th-2564").click()
    page.get_by_label("Random share of the rest (0 to 1)").fill("1")
    page.get_by_label("Seed").fill("2564")
    page.get_by_role("button", name="Draw").click()
    table = page.locator("#audit-sample")
    assert "Department of Rural Roads" in table.inner_text()
    assert "Department of Highways" in table.inner_text()
    first = table.inner_text()
    page.get_by_role("button", name="Draw").click()  # the same share and seed: the same sample
    assert page.locator("#audit-sample").inner_text() == first
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text("utf-8-sig"))))
    assert rows[0][3] == "agency"
    assert {r[3] for r in rows[1:]} == {world.agency_a.code, world.agency_b.code}
    assert run_axe(page) == []
    # lead reviewers plan the sample; only administrators assign it
    assert page.get_by_role("button", name="Assign the sample").count() == 0
    context.close()

    context, page = english_page(browser, live_server)
    login(page, world.user("administrator"))
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/reviews/audit/th-2564/?share=1&seed=2564")
    page.get_by_label("Reviewer", exact=True).select_option(label="reviewer@example.go.th")
    page.get_by_role("button", name="Assign the sample").click()
    page.wait_for_url("**/audit/th-2564/?share=1&seed=2564")
    assigned = set(ReviewAssignment.objects.filter(reviewer=world.user("reviewer"))
                   .values_list("response__agency__code", flat=True))
    assert assigned == {world.agency_a.code, world.agency_b.code}
    context.close()
