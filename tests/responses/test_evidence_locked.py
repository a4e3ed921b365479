"""Evidence of a response that may not change now says why, with 423 as answer saves do.

Submitted, cycle not open, deadline passed: adding a web address or a file and removing
evidence answer 423 with the reason (and who can lift it), for htmx and for plain form
posts, and change nothing. Who may add evidence is checked first and as strictly as
before: another agency's response is not found (404), a role or dimension that may not
answer is refused (403), whatever the response's state.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone

from phrom.frameworks.models import Cycle, CycleStatus
from phrom.responses.models import AnswerChange, Evidence, Response, ResponseStatus
from tests.conftest import in_english
from tests.responses.test_evidence import make_pdf

pytestmark = pytest.mark.django_db

POLICY_Q = "POL-01-1"
CAPABILITY_Q = "CAP-01-1"
SUBMITTED = "This response has been submitted, so its evidence can no longer change."
REOPEN = "ask an administrator to reopen the response"
NOT_OPEN = "The assessment cycle is not open, so evidence cannot be added or removed now."
DEADLINE = "has passed, so this response can no longer be changed"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def attached(world, media) -> Evidence:
    return Evidence.objects.create(response=world.response_a, question=POLICY_Q,
                                   url="https://www.drr.go.th/plan.pdf")


def signed_in(client, world, persona: str = "coordinator_a"):
    client.force_login(world.user(persona))
    return in_english(client)


def submit(world) -> None:
    Response.objects.filter(pk=world.response_a.pk).update(
        status=ResponseStatus.SUBMITTED, submitted_at=timezone.now()
    )


def close_cycle(world) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.CLOSED)


def pass_deadline(world) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(
        deadline=timezone.now() - dt.timedelta(days=3)
    )


def pdf(name: str = "late.pdf") -> io.BytesIO:
    fileobj = io.BytesIO(make_pdf())
    fileobj.name = name
    return fileobj


def add_url(client, world, question: str = POLICY_Q, **headers):
    return client.post(
        f"/responses/{world.response_a.pk}/questions/{question}/evidence/url",
        {"url": "https://www.drr.go.th/late"}, **headers,
    )


def upload(client, world, question: str = POLICY_Q, **headers):
    return client.post(
        f"/responses/{world.response_a.pk}/questions/{question}/evidence/upload",
        {"file": pdf()}, **headers,
    )


def remove(client, evidence: Evidence, **headers):
    return client.post(f"/responses/evidence/{evidence.pk}/remove", {}, **headers)


def text(reply) -> str:
    return re.sub(r"\s+", " ", reply.content.decode())


def assert_unchanged(media: Path, attached: Evidence | None = None) -> None:
    assert Evidence.objects.exclude(pk=attached.pk if attached else None).count() == 0
    if attached is not None:
        attached.refresh_from_db()
        assert attached.removed_at is None
    assert not AnswerChange.objects.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []


# --- the reason, for each write ------------------------------------------------------------


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain form"])
def test_a_submitted_response_says_so_when_a_web_address_is_added(
    client, world, media, headers
):
    submit(world)
    reply = add_url(signed_in(client, world), world, **headers)
    assert reply.status_code == 423
    page = text(reply)
    assert SUBMITTED in page and REOPEN in page
    assert "permission" not in page
    assert_unchanged(media)


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain form"])
def test_a_submitted_response_says_so_when_a_file_is_uploaded(client, world, media, headers):
    submit(world)
    reply = upload(signed_in(client, world), world, **headers)
    assert reply.status_code == 423
    assert SUBMITTED in text(reply) and REOPEN in text(reply)
    assert_unchanged(media)


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain form"])
def test_a_submitted_response_says_so_when_evidence_is_removed(
    client, world, media, attached, headers
):
    submit(world)
    client = signed_in(client, world)
    reply = remove(client, attached, **headers)
    assert reply.status_code == 423
    assert SUBMITTED in text(reply)
    # The confirmation step says so too, before anyone confirms.
    confirm = client.get(f"/responses/evidence/{attached.pk}/remove", **headers)
    assert confirm.status_code == 423
    assert SUBMITTED in text(confirm)
    assert_unchanged(media, attached)


def test_the_htmx_answer_is_the_widget_with_the_reason_in_its_status_line(
    client, world, media, attached
):
    submit(world)
    reply = add_url(signed_in(client, world), world, **HTMX)
    page = text(reply)
    assert f'id="evidence-{POLICY_Q}-status" hx-swap-oob="innerHTML">{SUBMITTED}' in page
    assert "https://www.drr.go.th/plan.pdf" in page  # the evidence still listed
    assert 'class="evidence-upload"' not in page  # and no forms to try again


def test_pages_let_htmx_swap_the_423_answer_in_place(client, world):
    page = signed_in(client, world).get(f"/responses/{world.response_a.pk}/").content.decode()
    assert '{"code": "423", "swap": true, "error": false}' in page
    assert page.index('"code": "423"') < page.index('"code": "[45].."')


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain form"])
def test_a_cycle_that_is_not_open_says_so(client, world, media, attached, headers):
    close_cycle(world)
    client = signed_in(client, world)
    for reply in (add_url(client, world, **headers), upload(client, world, **headers),
                  remove(client, attached, **headers)):
        assert reply.status_code == 423
        assert NOT_OPEN in text(reply)
    assert_unchanged(media, attached)


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain form"])
def test_a_passed_deadline_says_so_and_who_can_extend_it(client, world, media, attached, headers):
    pass_deadline(world)
    client = signed_in(client, world)
    for reply in (add_url(client, world, **headers), upload(client, world, **headers),
                  remove(client, attached, **headers)):
        assert reply.status_code == 423
        assert DEADLINE in text(reply)
        assert "administrators can extend the deadline" in text(reply)
    assert_unchanged(media, attached)


def test_the_reason_is_in_thai_by_default(client, world, media):
    submit(world)
    client.force_login(world.user("coordinator_a"))
    reply = add_url(client, world, **HTMX)
    assert reply.status_code == 423
    assert "ส่งแบบสำรวจนี้แล้ว จึงเปลี่ยนหลักฐานไม่ได้อีก" in text(reply)


# --- who may: as strict as before, and asked first ------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator_b", 404),
        ("outsider", 404),
        ("reviewer", 403),
        ("lead_reviewer", 403),
        ("administrator", 403),
        ("executive", 403),
    ],
)
@pytest.mark.parametrize("state", ["open", "submitted", "closed"])
def test_who_may_not_add_evidence_is_refused_as_before_whatever_the_state(
    client, world, media, attached, persona, status, state
):
    if state == "submitted":
        submit(world)
    elif state == "closed":
        close_cycle(world)
    client = signed_in(client, world, persona)
    for reply in (add_url(client, world), upload(client, world), remove(client, attached),
                  add_url(client, world, **HTMX)):
        assert reply.status_code == status
        assert SUBMITTED not in text(reply) and NOT_OPEN not in text(reply)
    assert_unchanged(media, attached)


def test_a_respondent_outside_their_dimension_is_refused_before_the_reason(client, world, media):
    submit(world)
    client = signed_in(client, world, "respondent_a")
    assert add_url(client, world, CAPABILITY_Q).status_code == 403
    assert upload(client, world, CAPABILITY_Q).status_code == 403
    assert add_url(client, world, POLICY_Q).status_code == 423
    assert_unchanged(media)


def test_an_unknown_question_of_a_submitted_response_is_not_found(client, world, media):
    submit(world)
    reply = add_url(signed_in(client, world), world, "NOPE-1")
    assert reply.status_code == 404
    assert_unchanged(media)
