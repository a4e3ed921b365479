"""``phrom worker`` runs the task worker that sends the e-mails."""

from __future__ import annotations

import pytest
from django.core import mail

from phrom.cli import main
from phrom.notifications.tasks import send_reopened_notice
from tests.conftest import make_world


@pytest.mark.django_db(transaction=True)
def test_phrom_worker_batch_sends_what_is_waiting_and_stops():
    # A transactional test: the worker closes its database connection as it ends.
    world = make_world()
    send_reopened_notice.enqueue(response_id=world.response_a.pk, reason="ไฟล์เสีย")
    assert main(["worker", "--batch"]) == 0
    assert sorted(m.to[0] for m in mail.outbox) == [
        "coordinator_a@example.go.th", "respondent_a@example.go.th"
    ]
    assert "ไฟล์เสีย" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_phrom_worker_expires_clarification_requests_past_their_deadline():
    import datetime as dt

    from django.utils import timezone

    from phrom.frameworks.models import Cycle, CycleStatus
    from phrom.responses.models import Answer, Response, ResponseStatus
    from phrom.reviews.clarifications import clarification_request
    from phrom.reviews.models import ClarificationRequest, ClarificationStatus, ReviewAssignment

    world = make_world()
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.IN_REVIEW)
    Answer.objects.create(response=world.response_a, question="POL-01-1", value=True, version=1)
    Response.objects.filter(pk=world.response_a.pk).update(status=ResponseStatus.SUBMITTED)
    world.response_a.refresh_from_db()
    ReviewAssignment.objects.create(response=world.response_a, reviewer=world.user("reviewer"),
                                    assigned_by=world.user("administrator"))
    request = clarification_request(
        response=world.response_a, questions=("POL-01-1",),
        deadline=timezone.localdate() + dt.timedelta(days=3), message="Send the signed plan.",
        by=world.user("reviewer"),
    )
    assert main(["worker", "--batch"]) == 0
    request.refresh_from_db()
    assert request.status == ClarificationStatus.OPEN  # not due yet
    ClarificationRequest.objects.update(deadline=timezone.localdate() - dt.timedelta(days=1))
    assert main(["worker", "--batch"]) == 0
    request.refresh_from_db()
    assert request.status == ClarificationStatus.EXPIRED
