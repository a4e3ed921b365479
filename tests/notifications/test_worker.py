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
