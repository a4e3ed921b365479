"""What the review pages say they did: the assign form's outcome (what was assigned and
what was not, and why), and a clarification request past its deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from phrom.reviews.clarifications import clarification_request
from phrom.reviews.models import ClarificationRequest, ReviewAssignment
from phrom.reviews.services import reviewers_assign
from tests.conftest import in_english

pytestmark = pytest.mark.django_db


def client_of(world: Any, persona: str, *, english: bool = True) -> Client:
    client = Client()
    if english:
        in_english(client)
    client.force_login(world.user(persona))
    return client


def assign(world: Any, persona: str = "reviewer") -> None:
    reviewers_assign(cycle=world.cycle, reviewer=world.user(persona),
                     by=world.user("administrator"), agencies=[world.agency_a])


# --- the assign form ------------------------------------------------------------------------


def post_assign(world: Any, **fields: Any) -> str:
    data = {"cycle": world.cycle.code, "reviewer": world.user("reviewer").pk, **fields}
    reply = client_of(world, "administrator").post("/reviews/assign/", data, follow=True)
    assert reply.status_code == 200
    return reply.content.decode()


def test_an_unknown_group_is_refused_by_name(in_review: Any) -> None:
    text = post_assign(in_review, group="nope")
    assert "There is no peer group “nope”" in text and "assigned," not in text
    assert not ReviewAssignment.objects.exists()


def test_a_ministry_and_a_group_together_are_refused(in_review: Any) -> None:
    world = in_review
    text = post_assign(world, ministry=world.agency_a.ministry_id, group="service")
    assert "Choose only one of these" in text and "Nothing was assigned" in text
    assert not ReviewAssignment.objects.exists()


def test_an_agency_without_a_submitted_response_is_named_not_assigned(in_review: Any) -> None:
    from phrom.agencies.models import Agency

    Agency.objects.create(code="mot-x", name_th="กรมเอ็กซ์", kind="department",
                          ministry=in_review.agency_a.ministry, group="service")
    text = post_assign(in_review, agencies="mot-x")
    assert "Nothing was assigned to reviewer@example.go.th" in text
    assert "no submitted response in cycle th-2564: mot-x" in text
    text = post_assign(in_review, agencies="mot-x mot-drr")
    assert "1 responses assigned" in text and "mot-x" in text
    text = post_assign(in_review, agencies="mot-drr")
    assert "Nothing new was assigned" in text and "1 of the responses chosen" in text


# --- a clarification request past its deadline ---------------------------------------------


def test_after_the_deadline_the_page_says_so_and_offers_nothing_to_do(in_review: Any) -> None:
    world = in_review
    assign(world)
    request = clarification_request(
        response=world.response_a, questions=["POL-01-1"],
        deadline=timezone.localdate() + dt.timedelta(days=3), message="Send the plan.",
        by=world.user("reviewer"),
    )
    ClarificationRequest.objects.filter(pk=request.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    client = client_of(world, "coordinator_a")
    url = f"/reviews/clarifications/{request.pk}/"
    page = client.get(url).content.decode()
    assert "has passed" in page
    assert 'value="answered"' not in page and 'name="url"' not in page
    reply = client.post(url, {"action": "url", "question": "POL-01-1",
                              "url": "https://example.go.th/late"}, follow=True)
    text = reply.content.decode()
    assert "The deadline of this clarification request" in text and "has passed" in text
    assert "reopen" not in text
