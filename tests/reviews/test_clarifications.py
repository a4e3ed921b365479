"""Clarification rounds: a reviewer asks about some answers, the agency answers those in
place (and nothing else), the reviewer closes the request; unanswered requests expire."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone, translation

from phrom.core.thai import format_input
from phrom.responses.evidence import (
    EvidenceRejected,
    evidence_add_file,
    evidence_add_url,
    evidence_remove,
    find_question,
)
from phrom.responses.models import Answer, AnswerChange, ChangeKind, Evidence
from phrom.responses.services import ResponseLocked, answer_save
from phrom.reviews.clarifications import (
    clarification_close,
    clarification_explain,
    clarification_mark_answered,
    clarification_request,
    clarifications_expire,
)
from phrom.reviews.models import (
    ClarificationRequest,
    ClarificationStatus,
    Review,
    ReviewAssignment,
    ReviewStatus,
    Verdict,
    VerdictKind,
)
from phrom.reviews.services import ReviewRefused, verdict_save
from tests.notifications.test_mail import run_worker
from tests.responses.test_evidence import make_png

pytestmark = pytest.mark.django_db

ASKED = "POL-01-1"
OTHER = "POL-01-3"


@pytest.fixture(autouse=True)
def english(client: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def today() -> dt.date:
    return timezone.localdate()


def ask(world: Any, *, days: int = 7, codes: tuple[str, ...] = (ASKED,), **kwargs: Any) -> Any:
    ReviewAssignment.objects.get_or_create(
        response=world.response_a, reviewer=world.user("reviewer"),
        defaults={"assigned_by": world.user("administrator")},
    )
    return clarification_request(
        response=world.response_a, questions=codes, deadline=today() + dt.timedelta(days=days),
        message="Send the signed plan.", by=world.user("reviewer"), **kwargs,
    )


def png(name: str = "plan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_png(), content_type="image/png")


# --- asking ---------------------------------------------------------------------------------


def test_a_request_awaits_the_agency_and_mails_its_coordinator(
    in_review: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = in_review
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(world, site_url="http://testserver")
    assert Review.objects.get(response=world.response_a).status == ReviewStatus.AWAITING_AGENCY
    verdict = Verdict.objects.get(response=world.response_a, question=ASKED)
    assert verdict.verdict == VerdictKind.NEEDS_CLARIFICATION
    asked = AnswerChange.objects.filter(response=world.response_a, new_value__event="asked")
    assert asked.get().new_value["questions"] == [ASKED]
    assert run_worker() == 1
    assert [m.to for m in mail.outbox] == [["coordinator_a@example.go.th"]]
    body = mail.outbox[0].body
    assert ASKED in body and f"http://testserver/reviews/clarifications/{request.pk}/" in body


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"codes": ()}, "Name at least one answer"),
        ({"codes": ("NOPE-1",)}, "There is no question NOPE-1"),
        ({"days": -1}, "is in the past"),
    ],
)
def test_a_bad_request_is_refused_with_what_to_fix(in_review: Any, kwargs: Any, says: str) -> None:
    with pytest.raises(ReviewRefused, match=says):
        ask(in_review, **kwargs)
    assert not ClarificationRequest.objects.exists()


def test_the_same_answer_is_not_asked_twice_while_a_request_is_pending(in_review: Any) -> None:
    ask(in_review)
    with pytest.raises(ReviewRefused, match="already in a clarification request"):
        ask(in_review)


@pytest.mark.parametrize("persona", ["coordinator_a", "coordinator_b", "executive", "reviewer"])
def test_only_reviewers_of_the_response_ask(in_review: Any, persona: str) -> None:
    world = in_review
    with pytest.raises(PermissionDenied):
        clarification_request(
            response=world.response_a, questions=[ASKED], deadline=today(), message="?",
            by=world.user(persona),  # the reviewer is not assigned here
        )


# --- what the agency may change -----------------------------------------------------------


def test_the_agency_adds_evidence_and_explains_the_named_answer(in_review: Any) -> None:
    world = in_review
    request = ask(world)
    coordinator = world.user("coordinator_a")
    evidence_add_file(response=world.response_a, question=ASKED, upload=png(), by=coordinator)
    evidence_add_url(response=world.response_a, question=ASKED, url="https://example.go.th/plan",
                     by=coordinator)
    clarification_explain(request=request, question=ASKED, text="Signed on 1 May.", by=coordinator)
    assert Evidence.objects.filter(response=world.response_a, question=ASKED).count() == 2
    request.refresh_from_db()
    assert request.explanations == {ASKED: "Signed on 1 May."}
    kinds = list(AnswerChange.objects.filter(response=world.response_a, question=ASKED)
                 .values_list("kind", flat=True))
    assert kinds.count(ChangeKind.EVIDENCE_ADDED) == 2


def test_nothing_else_is_unlocked(in_review: Any) -> None:
    world = in_review
    request = ask(world)
    coordinator = world.user("coordinator_a")
    # Another answer's evidence.
    with pytest.raises(EvidenceRejected, match="submitted"):
        evidence_add_url(response=world.response_a, question=OTHER,
                         url="https://example.go.th/x", by=coordinator)
    # Another answer's explanation.
    with pytest.raises(ReviewRefused, match="not part of this clarification request"):
        clarification_explain(request=request, question=OTHER, text="x", by=coordinator)
    # The claimed value itself, even of the asked answer.
    question = find_question(world.response_a, ASKED)[0]
    answer = Answer.objects.get(response=world.response_a, question=ASKED)
    with pytest.raises(ResponseLocked):
        answer_save(response=world.response_a, question=question, value=False,
                    not_applicable=False, explanation="", base_version=answer.version,
                    by=coordinator)
    # Removing evidence, even of the asked answer.
    added = evidence_add_url(response=world.response_a, question=ASKED,
                             url="https://example.go.th/plan", by=coordinator)
    with pytest.raises(EvidenceRejected):
        evidence_remove(evidence=added, by=coordinator)
    # Another agency's response.
    with pytest.raises(EvidenceRejected):
        evidence_add_url(response=world.response_b, question=ASKED,
                         url="https://example.go.th/x", by=world.user("coordinator_b"))
    # Another agency's people on this request.
    with pytest.raises(PermissionDenied):
        clarification_explain(request=request, question=ASKED, text="x",
                              by=world.user("coordinator_b"))
    answer.refresh_from_db()
    assert answer.value is True


def test_after_the_deadline_or_once_answered_nothing_is_unlocked(in_review: Any) -> None:
    world = in_review
    request = ask(world)
    coordinator = world.user("coordinator_a")
    clarification_explain(request=request, question=ASKED, text="Signed.", by=coordinator)
    clarification_mark_answered(request=request, by=coordinator)
    with pytest.raises(EvidenceRejected):
        evidence_add_url(response=world.response_a, question=ASKED,
                         url="https://example.go.th/late", by=coordinator)
    with pytest.raises(ReviewRefused, match="can no longer be answered"):
        clarification_explain(request=request, question=ASKED, text="more", by=coordinator)
    ClarificationRequest.objects.filter(pk=request.pk).update(
        status=ClarificationStatus.OPEN, deadline=today() - dt.timedelta(days=1)
    )
    with pytest.raises(EvidenceRejected):
        evidence_add_url(response=world.response_a, question=ASKED,
                         url="https://example.go.th/late", by=coordinator)


def test_marking_answered_needs_something_for_each_answer(in_review: Any) -> None:
    world = in_review
    request = ask(world, codes=(ASKED, OTHER))
    coordinator = world.user("coordinator_a")
    clarification_explain(request=request, question=ASKED, text="Signed.", by=coordinator)
    with pytest.raises(ReviewRefused, match=OTHER):
        clarification_mark_answered(request=request, by=coordinator)
    evidence_add_url(response=world.response_a, question=OTHER, url="https://example.go.th/y",
                     by=coordinator)
    request = clarification_mark_answered(request=request, by=coordinator)
    assert request.status == ClarificationStatus.ANSWERED


# --- closing and expiry -------------------------------------------------------------------------


def test_the_reviewer_closes_after_the_final_verdict(in_review: Any) -> None:
    world = in_review
    request = ask(world)
    reviewer = world.user("reviewer")
    with pytest.raises(ReviewRefused, match="final verdict on " + ASKED):
        clarification_close(request=request, by=reviewer)
    version = Verdict.objects.get(response=world.response_a, question=ASKED).version
    verdict_save(response=world.response_a, question=ASKED, verdict=VerdictKind.VERIFIED,
                 by=reviewer, base_version=version)
    request = clarification_close(request=request, by=reviewer)
    assert request.status == ClarificationStatus.CLOSED
    assert Review.objects.get(response=world.response_a).status == ReviewStatus.IN_PROGRESS
    with pytest.raises(PermissionDenied):
        clarification_close(request=request, by=world.user("coordinator_a"))


def test_an_unanswered_request_expires_as_not_supported_once(in_review: Any) -> None:
    world = in_review
    request = ask(world)
    kept = ask(world, codes=(OTHER,), unanswered_not_supported=False)
    ClarificationRequest.objects.update(deadline=today() - dt.timedelta(days=1))
    call_command("expire_clarifications", stdout=open("/dev/null", "w"))
    assert clarifications_expire() == 0  # idempotent
    request.refresh_from_db()
    kept.refresh_from_db()
    assert request.status == ClarificationStatus.EXPIRED
    assert kept.status == ClarificationStatus.OPEN
    assert Verdict.objects.get(response=world.response_a, question=ASKED).verdict == (
        VerdictKind.NOT_SUPPORTED
    )
    assert Verdict.objects.get(response=world.response_a, question=OTHER).verdict == (
        VerdictKind.NEEDS_CLARIFICATION
    )
    assert AnswerChange.objects.filter(new_value__event="expired").count() == 1


# --- pages and who may open them ---------------------------------------------------------------


def test_reviewer_asks_through_the_page(in_review: Any, client: Any) -> None:
    world = in_review
    ReviewAssignment.objects.create(response=world.response_a, reviewer=world.user("reviewer"))
    client.force_login(world.user("reviewer"))
    url = f"/reviews/{world.response_a.pk}/clarify/"
    assert client.get(url).status_code == 200
    deadline = format_input(today() + dt.timedelta(days=5))
    reply = client.post(url, {"questions": ASKED, "deadline": deadline, "message": "Why?",
                              "unanswered_not_supported": "on"})
    assert reply.status_code == 302
    assert ClarificationRequest.objects.get().questions == [ASKED]
    past = format_input(today() - dt.timedelta(days=5))
    reply = client.post(url, {"questions": OTHER, "deadline": past, "message": "Why?"})
    assert reply.status_code == 400 and b"in the past" in reply.content


@pytest.mark.parametrize(
    ("persona", "status"),
    [("coordinator_b", 404), ("respondent_a", 404), ("executive", 404), ("outsider", 404),
     ("lead_reviewer", 200), ("administrator", 200)],
)
def test_who_opens_the_request_form(in_review: Any, client: Any, persona: str, status: int) -> None:
    client.force_login(in_review.user(persona))
    assert client.get(f"/reviews/{in_review.response_a.pk}/clarify/").status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("coordinator_a", 200), ("respondent_a", 200), ("reviewer", 200), ("coordinator_b", 404),
     ("outsider", 404)],
)
def test_who_sees_the_request(in_review: Any, client: Any, persona: str, status: int) -> None:
    request = ask(in_review)
    client.force_login(in_review.user(persona))
    reply = client.get(f"/reviews/clarifications/{request.pk}/")
    assert reply.status_code == status
    if status == 200:
        assert b"Send the signed plan." in reply.content


def test_the_agency_answers_in_place(in_review: Any, client: Any) -> None:
    world = in_review
    request = ask(world)
    client.force_login(world.user("coordinator_a"))
    url = f"/reviews/clarifications/{request.pk}/"
    client.post(url, {"action": "file", "question": ASKED, "file": png()})
    client.post(url, {"action": "explain", "question": ASKED, "text": "Signed in May."})
    reply = client.post(url, {"action": "url", "question": OTHER, "url": "https://example.go.th"},
                        follow=True)
    assert b"not part of this clarification request" in reply.content
    client.post(url, {"action": "answered"})
    request.refresh_from_db()
    assert request.status == ClarificationStatus.ANSWERED
    assert Evidence.objects.filter(response=world.response_a, question=ASKED).count() == 1
    assert not Evidence.objects.filter(response=world.response_a, question=OTHER).exists()
    page = client.get(url)
    assert b"Signed in May." in page.content and b"plan.png" in page.content


def test_other_agencies_cannot_post_to_the_request(in_review: Any, client: Any) -> None:
    request = ask(in_review)
    client.force_login(in_review.user("coordinator_b"))
    url = f"/reviews/clarifications/{request.pk}/"
    assert client.post(url, {"action": "answered"}).status_code == 404
    assert client.post(f"{url}close").status_code == 404
    request.refresh_from_db()
    assert request.status == ClarificationStatus.OPEN


def test_a_respondent_answers_only_their_dimensions(in_review: Any, client: Any) -> None:
    world = in_review
    request = ask(world, codes=("CAP-01-1",))
    client.force_login(world.user("respondent_a"))  # dimension "policy" only
    reply = client.post(f"/reviews/clarifications/{request.pk}/",
                        {"action": "explain", "question": "CAP-01-1", "text": "x"})
    assert reply.status_code == 403


def test_close_through_the_page_and_only_by_a_reviewer(in_review: Any, client: Any) -> None:
    world = in_review
    request = ask(world)
    client.force_login(world.user("coordinator_a"))
    assert client.post(f"/reviews/clarifications/{request.pk}/close").status_code == 404
    client.force_login(world.user("reviewer"))
    version = Verdict.objects.get(response=world.response_a, question=ASKED).version
    verdict_save(response=world.response_a, question=ASKED, verdict=VerdictKind.NOT_SUPPORTED,
                 by=world.user("reviewer"), base_version=version)
    assert client.post(f"/reviews/clarifications/{request.pk}/close").status_code == 302
    request.refresh_from_db()
    assert request.status == ClarificationStatus.CLOSED


# --- home pages -------------------------------------------------------------------------------


def test_the_coordinator_home_shows_the_request_and_the_reviewer_home_its_answer(
    in_review: Any, client: Any
) -> None:
    world = in_review
    request = ask(world, codes=(ASKED, OTHER))
    client.force_login(world.user("coordinator_a"))
    page = client.get("/").content.decode()
    assert "clarification requested: 2 answers, by" in page
    assert f"/reviews/clarifications/{request.pk}/" in page
    client.force_login(world.user("coordinator_b"))
    assert "clarification requested" not in client.get("/").content.decode()
    coordinator = world.user("coordinator_a")
    for code in (ASKED, OTHER):
        clarification_explain(request=request, question=code, text="See the plan.", by=coordinator)
    clarification_mark_answered(request=request, by=coordinator)
    client.force_login(world.user("reviewer"))
    assert "clarification answered, 2 answers to verify" in client.get("/").content.decode()
    client.force_login(world.user("coordinator_a"))
    assert "clarification requested" not in client.get("/").content.decode()


def test_the_queue_marks_answered_requests_for_the_reviewer(in_review: Any, client: Any) -> None:
    world = in_review
    request = ask(world)
    client.force_login(world.user("reviewer"))
    row = _queue_row(client, "Department of Rural Roads")
    assert "1 awaiting the agency" in row and "awaiting your verdict" not in row
    clarification_explain(request=request, question=ASKED, text="The plan was signed in May.",
                          by=world.user("coordinator_a"))
    clarification_mark_answered(request=request, by=world.user("coordinator_a"))
    row = _queue_row(client, "Department of Rural Roads")
    assert "1 answered, awaiting your verdict" in row and "awaiting the agency" not in row


def _queue_row(client: Any, name: str) -> str:
    html = client.get("/reviews/").content.decode()
    start = html.index(name)
    return html[start:html.index("</tr>", start)]
