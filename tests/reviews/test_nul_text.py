"""Text with a NUL character, which PostgreSQL cannot store, is refused on every review
form with the answers' own Thai words, and nothing of it is saved (on SQLite too)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from phrom.frameworks.models import Cycle, CycleStatus
from phrom.responses.models import AnswerChange
from phrom.reviews.clarifications import clarification_request
from phrom.reviews.models import (
    ClarificationRequest,
    PublishOverride,
    Review,
    ReviewAssignment,
    ReviewStatus,
    Verdict,
)
from phrom.reviews.services import reviewers_assign

pytestmark = pytest.mark.django_db

# The Thai of the answers' refusal (phrom/responses/services.py).
NUL_THAI = "คำตอบมีอักขระควบคุมที่มองไม่เห็น (NUL)"


def thai_client(world: Any, persona: str) -> Client:
    client = Client()  # Thai: the site's language
    client.force_login(world.user(persona))
    return client


def assigned(world: Any) -> Any:
    reviewers_assign(cycle=world.cycle, reviewer=world.user("reviewer"),
                     by=world.user("administrator"), agencies=[world.agency_a])
    return world


def history(world: Any) -> int:
    return AnswerChange.objects.filter(response=world.response_a).count()


@pytest.mark.parametrize(
    ("question", "post"),
    [
        ("POL-01-1", {"verdict": "verified", "comment": "a\x00b"}),
        ("POL-01-3", {"verdict": "partly_verified", "set_value": "on", "verified_value": "50",
                      "reason": "r\x00"}),
        ("POL-03-2", {"verdict": "partly_verified", "set_value": "on",
                      "verified_value": "text\x00x", "reason": "r"}),
        ("POL-01-1", {"verdict": "verified\x00"}),
    ],
)
def test_a_verdict_with_nul_is_refused_in_thai_and_nothing_is_saved(
    in_review: Any, question: str, post: dict[str, str]
) -> None:
    world = assigned(in_review)
    before = history(world)
    url = f"/reviews/{world.response_a.pk}/questions/{question}/verdict"
    reply = thai_client(world, "reviewer").post(url, {"version": "0", **post}, follow=True)
    assert reply.status_code == 200
    text = reply.content.decode()
    assert f"คำถาม {question}" in text and NUL_THAI in text
    assert not Verdict.objects.exists()
    assert history(world) == before


def test_a_verdict_with_nul_through_htmx_is_refused_in_its_section(in_review: Any) -> None:
    world = assigned(in_review)
    reply = thai_client(world, "reviewer").post(
        f"/reviews/{world.response_a.pk}/questions/POL-01-1/verdict",
        {"version": "0", "verdict": "verified", "comment": "ok\x00"}, HTTP_HX_REQUEST="true",
    )
    assert reply.status_code == 200
    assert NUL_THAI in reply.content.decode()
    assert not Verdict.objects.exists()


def test_a_status_note_with_nul_is_refused_and_the_status_stays(in_review: Any) -> None:
    world = assigned(in_review)
    reply = thai_client(world, "reviewer").post(
        f"/reviews/{world.response_a.pk}/status",
        {"status": "awaiting_agency", "reason": "x\x00"}, follow=True,
    )
    assert NUL_THAI in reply.content.decode()
    assert not Review.objects.filter(response=world.response_a).exclude(
        status=ReviewStatus.NOT_STARTED
    ).exists()


def test_an_explanation_with_nul_is_refused_and_not_stored(in_review: Any) -> None:
    world = assigned(in_review)
    request = clarification_request(
        response=world.response_a, questions=["POL-01-1"],
        deadline=timezone.localdate() + dt.timedelta(days=7), message="Why?",
        by=world.user("reviewer"),
    )
    before = history(world)
    reply = thai_client(world, "coordinator_a").post(
        f"/reviews/clarifications/{request.pk}/",
        {"action": "explain", "question": "POL-01-1", "text": "abc\x00def"}, follow=True,
    )
    assert NUL_THAI in reply.content.decode()
    request.refresh_from_db()
    assert request.explanations == {}
    assert history(world) == before


def test_a_clarification_message_with_nul_is_refused(in_review: Any) -> None:
    world = assigned(in_review)
    reply = thai_client(world, "reviewer").post(
        f"/reviews/{world.response_a.pk}/clarify/",
        {"questions": "POL-01-1", "deadline": "", "message": "why\x00"},
    )
    assert reply.status_code == 400 and NUL_THAI in reply.content.decode()
    assert not ClarificationRequest.objects.exists()


def test_a_publication_reason_with_nul_is_refused_and_the_cycle_stays_in_review(
    in_review: Any,
) -> None:
    world = in_review
    reply = thai_client(world, "administrator").post(
        f"/reviews/publish/{world.cycle.code}/", {"reason": "x\x00"}, follow=True
    )
    assert NUL_THAI in reply.content.decode()
    assert Cycle.objects.get(pk=world.cycle.pk).status == CycleStatus.IN_REVIEW
    assert not PublishOverride.objects.exists()


@pytest.mark.parametrize("field", ["agencies", "group"])
def test_assigning_with_nul_is_refused(in_review: Any, field: str) -> None:
    world = in_review
    reply = thai_client(world, "administrator").post("/reviews/assign/", {
        "cycle": world.cycle.code, "reviewer": world.user("reviewer").pk,
        field: "mot-drr\x00",
    }, follow=True)
    assert reply.status_code == 200 and NUL_THAI in reply.content.decode()
    assert not ReviewAssignment.objects.exists()
