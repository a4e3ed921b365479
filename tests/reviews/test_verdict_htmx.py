"""The verdict form through htmx: one answer's section back, with the outcome in it, and the
scores swapped out of band; without htmx the same redirect as before."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from phrom.frameworks.models import Cycle
from phrom.reviews.models import Verdict
from phrom.reviews.services import reviewers_assign, verdict_save
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}

# Session, user, response, assignment (gate); the review's status before; the save of a first verdict (16: assignment,
# the review created and moved to "in progress", the claim, the verdict, two history rows,
# savepoints); this answer's answer, evidence and verdict, last cycle's response;
# assignments (may act); the review and an assignment (the status and its moves); the two
# scorings (response, answers; response, answers, verdicts). None of them grows with the
# number of answers.
VERDICT_HTMX_QUERIES = 33


def reviewer_client(world: Any, *, english: bool = True, persona: str = "reviewer") -> Client:
    reviewers_assign(cycle=world.cycle, reviewer=world.user("reviewer"),
                     by=world.user("administrator"), agencies=[world.agency_a])
    client = Client()
    if english:
        in_english(client)
    client.force_login(world.user(persona))
    return client


def url(world: Any, code: str = "POL-01-3") -> str:
    return f"/reviews/{world.response_a.pk}/questions/{code}/verdict"


def test_htmx_verdict_answers_with_its_section_and_the_scores(
    in_review: Any, django_assert_max_num_queries: Any,
) -> None:
    world = in_review
    client = reviewer_client(world)
    with django_assert_max_num_queries(VERDICT_HTMX_QUERIES):
        reply = client.post(url(world), {
            "verdict": "partly_verified", "set_value": "on", "verified_value": "40",
            "reason": "Half offline", "version": "0",
        }, **HTMX)
    assert reply.status_code == 200
    text = reply.content.decode()
    assert text.count('<section class="review-item"') == 1
    assert 'id="q-POL-01-3"' in text
    assert 'role="status" tabindex="-1" autofocus>Verdict on POL-01-3 saved.</p>' in text
    assert '<div id="review-scores" hx-swap-oob="true">' in text
    # The first verdict started the review: its status and moves are swapped too.
    assert '<div id="review-state" hx-swap-oob="true">' in text
    assert '<strong id="review-status">In progress</strong>' in text
    assert 'name="status" value="complete"' in text
    assert "Claimed and verified scores" in text
    assert "<html" not in text and "<h1" not in text
    # The form now holds the saved verdict's version, for the next save.
    assert 'name="version" value="1"' in text
    verdict = Verdict.objects.get()
    assert (verdict.verdict, verdict.verified_value) == ("partly_verified", 40.0)
    # The page's messages are not left for the next page.
    page = client.get(f"/reviews/{world.response_a.pk}/").content.decode()
    assert 'class="messages"' not in page


def test_htmx_verdict_leaves_the_status_form_alone_when_the_status_did_not_move(
    in_review: Any,
) -> None:
    """The second verdict does not move the review: its status form, where a note may be
    half typed, is not swapped."""
    world = in_review
    client = reviewer_client(world)
    client.post(url(world), {"verdict": "verified", "version": "0"}, **HTMX)
    reply = client.post(url(world, "POL-01-1"), {"verdict": "verified", "version": "0"}, **HTMX)
    text = reply.content.decode()
    assert "Verdict on POL-01-1 saved." in text
    assert '<div id="review-scores" hx-swap-oob="true">' in text
    assert 'id="review-state"' not in text


def test_htmx_verdict_message_is_in_thai_by_default(in_review: Any) -> None:
    world = in_review
    client = reviewer_client(world, english=False)
    reply = client.post(url(world), {"verdict": "verified", "version": "0"}, **HTMX)
    assert "บันทึกผลการตรวจสอบคำถาม POL-01-3 แล้ว" in reply.content.decode()
    assert Verdict.objects.get().verdict == "verified"


def test_htmx_scores_change_with_the_verdict(in_review: Any) -> None:
    world = in_review
    client = reviewer_client(world)
    before = client.post(url(world), {"verdict": "verified", "version": "0"},
                         **HTMX).content.decode()
    after = client.post(url(world), {
        "verdict": "partly_verified", "set_value": "on", "verified_value": "0",
        "reason": "None online", "version": "1",
    }, **HTMX).content.decode()
    scores = before[before.index('id="review-scores"'):]
    assert scores != after[after.index('id="review-scores"'):]
    assert "diff-down" not in scores and "diff-down" in after


def test_htmx_refusal_keeps_what_was_typed_and_stores_nothing(in_review: Any) -> None:
    world = in_review
    reply = reviewer_client(world).post(url(world), {
        "verdict": "partly_verified", "set_value": "on", "verified_value": "40",
        "comment": "see p. 3", "version": "0",
    }, **HTMX)
    assert reply.status_code == 200
    text = reply.content.decode()
    assert 'role="alert" tabindex="-1" autofocus>Question POL-01-3: the verified value' in text
    assert "give the reason." in text
    assert 'value="partly_verified" required checked' in text
    assert ">see p. 3</textarea>" in text
    assert 'name="verified_value" value="40"' in text
    assert not Verdict.objects.exists()


@pytest.mark.parametrize("value", ["abc", "-5", "1e999"])
def test_htmx_bad_value_is_refused_in_the_section(in_review: Any, value: str) -> None:
    world = in_review
    reply = reviewer_client(world).post(url(world), {
        "verdict": "partly_verified", "set_value": "on", "verified_value": value,
        "reason": "x", "version": "0",
    }, **HTMX)
    assert reply.status_code == 200
    assert f"“{value}” cannot be the verified value" in reply.content.decode()
    assert not Verdict.objects.exists()


def test_htmx_bad_verdict_and_missing_version_are_refused(in_review: Any) -> None:
    world = in_review
    client = reviewer_client(world)
    bad = client.post(url(world), {"verdict": "great", "version": "0"}, **HTMX)
    assert "is not a verdict" in bad.content.decode()
    missing = client.post(url(world), {"verdict": "verified"}, **HTMX)
    assert "The form is missing its version; reload the page." in missing.content.decode()
    assert not Verdict.objects.exists()


def test_htmx_stale_version_shows_the_verdict_saved_meanwhile(in_review: Any) -> None:
    world = in_review
    client = reviewer_client(world)
    verdict_save(response=world.response_a, question="POL-01-3", verdict="not_supported",
                 by=world.user("lead_reviewer"), base_version=0, comment="No plan found")
    reply = client.post(url(world), {"verdict": "verified", "comment": "mine",
                                     "version": "0"}, **HTMX)
    text = reply.content.decode()
    assert "since you opened the page" in text and 'role="alert"' in text
    assert "Theirs is shown now" in text
    assert 'value="not_supported" required checked' in text
    assert ">No plan found</textarea>" in text
    assert 'name="version" value="1"' in text
    verdict = Verdict.objects.get()
    assert (verdict.verdict, verdict.comment) == ("not_supported", "No plan found")


@pytest.mark.parametrize("persona", ["executive", "coordinator_a", "coordinator_b", "outsider"])
def test_htmx_verdict_is_refused_to_other_roles(in_review: Any, persona: str) -> None:
    world = in_review
    reply = reviewer_client(world, persona=persona).post(
        url(world), {"verdict": "verified", "version": "0"}, **HTMX
    )
    assert reply.status_code == 404
    assert not Verdict.objects.exists()


def test_htmx_verdict_on_another_agencys_response_is_refused(in_review: Any) -> None:
    world = in_review
    client = reviewer_client(world)  # assigned to A only
    reply = client.post(f"/reviews/{world.response_b.pk}/questions/POL-01-3/verdict",
                        {"verdict": "verified", "version": "0"}, **HTMX)
    assert reply.status_code == 404
    assert not Verdict.objects.exists()


def test_htmx_verdict_in_a_closed_cycle_is_refused_in_the_section(in_review: Any) -> None:
    world = in_review
    client = reviewer_client(world)
    Cycle.objects.filter(pk=world.cycle.pk).update(status="published")
    reply = client.post(url(world), {"verdict": "verified", "version": "0"}, **HTMX)
    assert reply.status_code == 200
    text = reply.content.decode()
    assert 'role="alert"' in text
    assert "Save verdict" not in text  # the form is gone, as on the page
    assert not Verdict.objects.exists()


def test_htmx_unknown_question_is_not_found(in_review: Any) -> None:
    world = in_review
    reply = reviewer_client(world).post(url(world, "NOPE-1"),
                                        {"verdict": "verified", "version": "0"}, **HTMX)
    assert reply.status_code == 404
    assert not Verdict.objects.exists()


def test_without_htmx_the_verdict_redirects_back_as_before(in_review: Any) -> None:
    world = in_review
    client = reviewer_client(world)
    reply = client.post(url(world), {"verdict": "verified", "version": "0"})
    assert reply.status_code == 302
    assert reply["Location"] == f"/reviews/{world.response_a.pk}/#q-POL-01-3"
    page = client.get(reply["Location"]).content.decode()
    assert "Verdict on POL-01-3 saved." in page
    refused = client.post(url(world), {"verdict": "verified", "version": "0"})
    assert refused.status_code == 302
    assert "since you opened the page" in client.get(refused["Location"]).content.decode()


def test_the_page_marks_the_verdict_form_for_htmx(in_review: Any) -> None:
    world = in_review
    page = reviewer_client(world).get(f"/reviews/{world.response_a.pk}/").content.decode()
    assert (f'hx-post="/reviews/{world.response_a.pk}/questions/POL-01-3/verdict" '
            'hx-target="closest .review-item" hx-swap="outerHTML"') in page
    assert '<div id="review-scores">' in page and '<div id="review-state">' in page
    assert "verdict-outcome" not in page


def test_htmx_verdict_after_the_session_ended_says_so_and_keeps_the_form(in_review: Any) -> None:
    """Through htmx a signed-out save gets the notice at the top of the answer's section
    (the form, with what was typed, stays); a plain post still goes to the sign-in page."""
    world = in_review
    client = reviewer_client(world)
    client.logout()
    in_english(client)
    reply = client.post(url(world), {"verdict": "verified", "version": "0"}, **HTMX,
                        HTTP_HX_CURRENT_URL=f"http://testserver/reviews/{world.response_a.pk}/")
    assert reply.status_code == 401
    assert reply["HX-Reswap"] == "afterbegin"
    text = reply.content.decode()
    assert 'role="alert"' in text and "You are signed out, so this was not saved." in text
    assert f"next=/reviews/{world.response_a.pk}/" in text.replace("%2F", "/")
    plain = client.post(url(world), {"verdict": "verified", "version": "0"})
    assert plain.status_code == 302 and plain["Location"].startswith("/accounts/login/")
    assert not Verdict.objects.exists()
