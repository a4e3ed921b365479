"""Reminders to thousands of agencies, scheduled or by "remind now": recorded in one
statement, queued in batches of a hundred, each agency's people reminded once, and one
agency that cannot be reached does not keep the others from their reminder."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connections
from django_tasks_db.models import DBTaskResult

from phrom.accounts.models import Profile, Role
from phrom.agencies.models import Agency
from phrom.notifications.models import Reminder
from phrom.notifications.services import REMINDER_BATCH, reminders_send_due, reminders_send_now
from phrom.notifications.tasks import RemindersFailed, send_deadline_reminders
from tests.notifications.test_mail import recipients, run_worker, set_deadline

pytestmark = pytest.mark.django_db

MORE = 2 * REMINDER_BATCH + 30  # agencies besides the world's two


@pytest.fixture
def many(world):
    set_deadline(world, 10)
    agencies = Agency.objects.bulk_create(
        Agency(code=f"dep-{i:03d}", name_th=f"กรมทดสอบ {i}", kind="department")
        for i in range(MORE)
    )
    User = get_user_model()
    people = User.objects.bulk_create(
        User(username=f"c-{a.code}@example.go.th", email=f"c-{a.code}@example.go.th")
        for a in agencies
    )
    Profile.objects.bulk_create(
        Profile(user=u, role=Role.COORDINATOR, agency=a)
        for u, a in zip(people, agencies, strict=True)
    )
    return world


def test_every_waiting_agency_is_reminded_once_through_a_few_tasks(
    many, django_capture_on_commit_callbacks
):
    world = many
    with django_capture_on_commit_callbacks(execute=True):
        result = reminders_send_now(cycle=world.cycle, by=world.user("administrator"))
    waiting = MORE + 2
    assert (result.reminded, result.already) == (waiting, 0)
    assert Reminder.objects.count() == waiting
    assert DBTaskResult.objects.count() == -(-waiting // REMINDER_BATCH)  # 3 tasks, not 232
    run_worker()
    sent = recipients()
    assert len(sent) == len(set(sent))  # nobody twice
    assert {f"c-dep-{i:03d}@example.go.th" for i in range(MORE)} <= set(sent)
    assert "coordinator_a@example.go.th" in sent and "coordinator_b@example.go.th" in sent
    # the same day again: recorded as already reminded, nothing queued
    with django_capture_on_commit_callbacks(execute=True):
        again = reminders_send_now(cycle=world.cycle, by=world.user("administrator"))
    assert (again.reminded, again.already) == (0, waiting)
    assert DBTaskResult.objects.count() == -(-waiting // REMINDER_BATCH)


def test_a_reminder_day_reminds_every_waiting_agency_once_through_a_few_tasks(
    many, django_capture_on_commit_callbacks
):
    world = many
    set_deadline(world, 7)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due() == MORE + 2
        assert reminders_send_due() == 0  # the same day again: nothing twice
    assert Reminder.objects.filter(days_before=7).count() == MORE + 2
    assert DBTaskResult.objects.count() == -(-(MORE + 2) // REMINDER_BATCH)  # 3, not 232
    run_worker()
    sent = recipients()
    assert len(sent) == len(set(sent))
    assert {f"c-dep-{i:03d}@example.go.th" for i in range(MORE)} <= set(sent)


def test_an_agency_that_cannot_be_mailed_does_not_stop_the_rest_of_its_batch(many):
    world = many
    first, broken, last = Agency.objects.filter(code__in=["dep-000", "dep-001", "dep-002"]
                                                ).order_by("code")
    # An address no message can carry (a line break): building its message fails.
    get_user_model().objects.filter(username="c-dep-001@example.go.th").update(
        email="c-dep-001@example.go.th\nBcc: x@example.com")
    with pytest.raises(RemindersFailed, match="1 of 3 agencies were not reminded"):
        send_deadline_reminders.call(cycle_id=world.cycle.pk,
                                     agency_ids=[first.pk, broken.pk, last.pk])
    assert recipients() == ["c-dep-000@example.go.th", "c-dep-002@example.go.th"]
    assert not any("x@example.com" in m.bcc + m.to for m in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_once_record_and_queue_each_reminder_once(world):
    """Two machines' daily runs at the same moment: the second waits for the first's lock
    on the cycle and then finds its reminders (on SQLite, one writer at a time)."""
    set_deadline(world, 7)
    start = threading.Barrier(2)
    counts: list[int] = []

    def run() -> None:
        try:
            start.wait()
            counts.append(reminders_send_due())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(counts) == [0, 2]
    assert Reminder.objects.count() == 2
    assert DBTaskResult.objects.count() == 1
