"""The rules that protect verified figures hold for every role and every path: no review is
complete or signed off while an answer needs clarification or a clarification request is
not closed; a request is answered only while its review and cycle may still change; expiry
never rewrites a signed-off review or a published cycle; a cycle is not published while a
request is not closed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from phrom.frameworks.models import Cycle, CycleStatus
from phrom.frameworks.services import LifecycleRefused, cycle_set_status
from phrom.responses.evidence import EvidenceRejected, evidence_add_url
from phrom.responses.models import AnswerChange
from phrom.reviews.clarifications import (
    clarification_close,
    clarification_explain,
    clarification_mark_answered,
    clarification_request,
    clarifications_expire,
    open_for_question,
    pending_for_agency,
)
from phrom.reviews.models import (
    ClarificationRequest,
    ClarificationStatus,
    Review,
    ReviewStatus,
    Verdict,
    VerdictKind,
)
from phrom.reviews.services import (
    ReviewRefused,
    review_set_status,
    reviewers_assign,
    verdict_save,
)
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

ASKED = "POL-01-1"


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def today() -> dt.date:
    return timezone.localdate()


def assigned(world: Any) -> Any:
    reviewers_assign(cycle=world.cycle, reviewer=world.user("reviewer"),
                     by=world.user("administrator"), agencies=[world.agency_a])
    return world


def ask(world: Any, **kwargs: Any) -> ClarificationRequest:
    kwargs.setdefault("deadline", today() + dt.timedelta(days=7))
    return clarification_request(response=world.response_a, questions=[ASKED],
                                 message="Send the signed plan.", by=world.user("reviewer"),
                                 **kwargs)


def verdict(world: Any, kind: str, persona: str = "reviewer", code: str = ASKED) -> Verdict:
    current = Verdict.objects.filter(response=world.response_a, question=code).first()
    return verdict_save(response=world.response_a, question=code, verdict=kind,
                        by=world.user(persona), base_version=current.version if current else 0)


def status(world: Any, persona: str, to: str) -> Review:
    return review_set_status(response=world.response_a, status=to, by=world.user(persona))


def review_status(world: Any) -> str:
    return Review.objects.get(response=world.response_a).status


# --- finding 2: "complete" and "signed off" -------------------------------------------------


def test_a_needs_clarification_verdict_takes_a_complete_review_back_to_work(
    in_review: Any,
) -> None:
    world = assigned(in_review)
    verdict(world, VerdictKind.VERIFIED)
    status(world, "reviewer", ReviewStatus.COMPLETE)
    verdict(world, VerdictKind.NEEDS_CLARIFICATION)
    assert review_status(world) == ReviewStatus.IN_PROGRESS
    moved = AnswerChange.objects.filter(response=world.response_a, kind="review_status").last()
    assert moved.new_value == {"status": "in_progress"} and ASKED in moved.reason
    with pytest.raises(ReviewRefused, match="before signing off"):
        status(world, "administrator", ReviewStatus.SIGNED_OFF)


def test_the_page_says_the_review_went_back_to_work(in_review: Any) -> None:
    world = assigned(in_review)
    verdict(world, VerdictKind.VERIFIED)
    status(world, "reviewer", ReviewStatus.COMPLETE)
    client = in_english(Client())
    client.force_login(world.user("reviewer"))
    reply = client.post(f"/reviews/{world.response_a.pk}/questions/{ASKED}/verdict",
                        {"version": "1", "verdict": "needs_clarification"}, follow=True)
    assert "the review is back in progress" in reply.content.decode()


@pytest.mark.parametrize("persona", ["lead_reviewer", "administrator"])
def test_sign_off_is_refused_while_an_answer_needs_clarification(
    in_review: Any, persona: str
) -> None:
    world = assigned(in_review)
    verdict(world, VerdictKind.NEEDS_CLARIFICATION)
    if persona == "lead_reviewer":
        # a review left "complete" from before this rule
        Review.objects.filter(response=world.response_a).update(status=ReviewStatus.COMPLETE)
    with pytest.raises(ReviewRefused, match=f"{ASKED}.*before signing off"):
        status(world, persona, ReviewStatus.SIGNED_OFF)
    assert review_status(world) != ReviewStatus.SIGNED_OFF


# --- finding 3: administrators move reviews, but not past the rules --------------------------


def test_an_administrator_cannot_sign_off_or_complete_with_a_request_open(
    in_review: Any,
) -> None:
    world = assigned(in_review)
    ask(world)
    verdict(world, VerdictKind.VERIFIED)  # a final verdict, but the request is still open
    for to in (ReviewStatus.SIGNED_OFF, ReviewStatus.COMPLETE):
        with pytest.raises(ReviewRefused, match="clarification request about POL-01-1"):
            status(world, "administrator", to)
    assert review_status(world) == ReviewStatus.AWAITING_AGENCY
    # back and forth is still theirs
    assert status(world, "administrator", ReviewStatus.IN_PROGRESS).status == "in_progress"


def test_an_administrator_signs_off_once_requests_are_closed(in_review: Any) -> None:
    world = assigned(in_review)
    request = ask(world)
    verdict(world, VerdictKind.VERIFIED)
    clarification_close(request=request, by=world.user("reviewer"))
    assert status(world, "administrator", ReviewStatus.SIGNED_OFF).status == "signed_off"


def _signed_off_with_open_request(world: Any) -> ClarificationRequest:
    """The state an administrator's sign-off could leave before the rule (data of then)."""
    request = ask(world)
    verdict(world, VerdictKind.VERIFIED)
    Review.objects.filter(response=world.response_a).update(
        status=ReviewStatus.SIGNED_OFF, signed_off_at=timezone.now()
    )
    return request


def test_a_signed_off_review_takes_no_clarification_answers(in_review: Any) -> None:
    world = assigned(in_review)
    request = _signed_off_with_open_request(world)
    coordinator = world.user("coordinator_a")
    with pytest.raises(ReviewRefused, match="signed off"):
        clarification_explain(request=request, question=ASKED, text="late", by=coordinator)
    with pytest.raises(ReviewRefused, match="signed off"):
        clarification_mark_answered(request=request, by=coordinator)
    assert not open_for_question(world.response_a, ASKED)
    with pytest.raises(EvidenceRejected):
        evidence_add_url(response=world.response_a, question=ASKED,
                         url="https://example.go.th/late", by=coordinator)
    assert pending_for_agency(agency_id=world.agency_a.pk) == []


def test_expiry_never_changes_a_signed_off_reviews_verdicts(in_review: Any) -> None:
    world = assigned(in_review)
    request = _signed_off_with_open_request(world)
    ClarificationRequest.objects.filter(pk=request.pk).update(
        deadline=today() - dt.timedelta(days=1)
    )
    assert clarifications_expire() == 1
    request.refresh_from_db()
    assert request.status == ClarificationStatus.EXPIRED
    kept = Verdict.objects.get(response=world.response_a, question=ASKED)
    assert kept.verdict == VerdictKind.VERIFIED and kept.version == 2
    assert review_status(world) == ReviewStatus.SIGNED_OFF
    expired = AnswerChange.objects.get(new_value__event="expired")
    assert "signed off" in expired.new_value["verdicts"]
    assert clarifications_expire() == 0


# --- finding 4: publication ------------------------------------------------------------------


def test_a_cycle_is_not_published_while_a_request_is_not_closed(in_review: Any) -> None:
    world = assigned(in_review)
    request = ask(world)
    admin = world.user("administrator")
    with pytest.raises(LifecycleRefused, match="1 clarification requests are not closed"):
        cycle_set_status(cycle=world.cycle, status=CycleStatus.PUBLISHED, by=admin,
                         override_reason="Cabinet meets tomorrow")
    assert Cycle.objects.get(pk=world.cycle.pk).status == CycleStatus.IN_REVIEW
    clarification_explain(request=request, question=ASKED, text="Signed.",
                          by=world.user("coordinator_a"))
    clarification_mark_answered(request=request, by=world.user("coordinator_a"))
    with pytest.raises(LifecycleRefused, match="not closed"):  # answered is not closed
        cycle_set_status(cycle=world.cycle, status=CycleStatus.PUBLISHED, by=admin,
                         override_reason="Cabinet meets tomorrow")
    verdict(world, VerdictKind.VERIFIED)
    clarification_close(request=request, by=world.user("reviewer"))
    cycle_set_status(cycle=world.cycle, status=CycleStatus.PUBLISHED, by=admin,
                     override_reason="Cabinet meets tomorrow")
    assert Cycle.objects.get(pk=world.cycle.pk).status == CycleStatus.PUBLISHED


def test_the_publish_page_lists_the_requests_not_closed_and_offers_no_button(
    in_review: Any,
) -> None:
    world = assigned(in_review)
    request = ask(world)
    client = in_english(Client())
    client.force_login(world.user("administrator"))
    page = client.get(f"/reviews/publish/{world.cycle.code}/").content.decode()
    assert "1 clarification request is not closed." in page
    assert f'href="/reviews/clarifications/{request.pk}/"' in page
    assert 'name="reason"' not in page and ">Publish</button>" not in page
    refused = client.post(f"/reviews/publish/{world.cycle.code}/", {"reason": "anyway"},
                          follow=True)
    assert "clarification requests are not closed" in refused.content.decode()


def _published_with_open_request(world: Any, **kwargs: Any) -> ClarificationRequest:
    """A cycle published while a request was open (possible before publication refused it)."""
    request = ask(world, **kwargs)
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.PUBLISHED)
    world.cycle.refresh_from_db()
    world.response_a.refresh_from_db()
    request.refresh_from_db()
    return request


def test_a_published_cycle_takes_no_clarification_answers(in_review: Any) -> None:
    world = assigned(in_review)
    request = _published_with_open_request(world)
    coordinator = world.user("coordinator_a")
    with pytest.raises(ReviewRefused, match="published"):
        clarification_explain(request=request, question=ASKED, text="after", by=coordinator)
    with pytest.raises(ReviewRefused, match="published"):
        clarification_mark_answered(request=request, by=coordinator)
    request.refresh_from_db()
    assert request.explanations == {} and request.status == ClarificationStatus.OPEN
    client = in_english(Client())
    client.force_login(coordinator)
    page = client.get(f"/reviews/clarifications/{request.pk}/").content.decode()
    assert "is published" in page
    assert 'value="answered"' not in page and 'name="text"' not in page
    assert pending_for_agency(agency_id=world.agency_a.pk) == []


@pytest.mark.parametrize("not_supported", [True, False])
def test_expiry_closes_a_published_cycles_requests_and_keeps_its_verdicts(
    in_review: Any, not_supported: bool
) -> None:
    world = assigned(in_review)
    request = _published_with_open_request(
        world, unanswered_not_supported=not_supported,
        deadline=today() + dt.timedelta(days=1),
    )
    ClarificationRequest.objects.filter(pk=request.pk).update(
        deadline=today() - dt.timedelta(days=1)
    )
    verdicts = list(Verdict.objects.values_list("question", "verdict", "version"))
    assert clarifications_expire() == 1
    request.refresh_from_db()
    assert request.status == ClarificationStatus.CLOSED
    assert list(Verdict.objects.values_list("question", "verdict", "version")) == verdicts
    closed = AnswerChange.objects.get(new_value__event="closed")
    assert "published" in closed.new_value["verdicts"] and closed.by is None
    assert clarifications_expire() == 0
    # the coordinator's home page no longer asks for it
    client = in_english(Client())
    client.force_login(world.user("coordinator_a"))
    assert "clarification requested" not in client.get("/").content.decode()


def test_a_request_in_a_cycle_opened_again_waits_to_expire(in_review: Any) -> None:
    world = assigned(in_review)
    request = ask(world)
    ClarificationRequest.objects.filter(pk=request.pk).update(
        deadline=today() - dt.timedelta(days=1)
    )
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.OPEN)
    assert clarifications_expire() == 0
    assert Verdict.objects.get(question=ASKED).verdict == VerdictKind.NEEDS_CLARIFICATION
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.IN_REVIEW)
    assert clarifications_expire() == 1
    assert Verdict.objects.get(question=ASKED).verdict == VerdictKind.NOT_SUPPORTED
