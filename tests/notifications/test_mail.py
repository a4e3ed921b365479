"""E-mail through the task worker: receipts, reopening notices and reminders, each only to
the agency's own people, handed to the worker once the change commits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from phrom.frameworks.deadlines import end_of_day
from phrom.frameworks.models import Cycle
from phrom.frameworks.services import deadline_extend_for_agency
from phrom.notifications.models import Reminder
from phrom.notifications.services import due_step, reminders_send_due
from phrom.responses.models import Response, ResponseStatus
from tests.responses.helpers import complete_response

pytestmark = pytest.mark.django_db


def run_worker() -> int:
    """What ``phrom worker`` does with each waiting task (the command itself closes the
    database connection, which a test's transaction cannot survive)."""
    count = 0
    for row in DBTaskResult.objects.ready():
        row.claim("test")
        row.set_successful(row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"]))
        count += 1
    return count


def today() -> dt.date:
    return timezone.localdate()


def set_deadline(world, days: int) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(deadline=end_of_day(today() + dt.timedelta(days=days)))
    world.cycle.refresh_from_db()


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


STAFF = {f"{p}@example.go.th" for p in ("administrator", "lead_reviewer", "reviewer", "executive")}


# --- receipt --------------------------------------------------------------------------------


def test_the_coordinator_gets_a_receipt_when_the_response_is_submitted(
    world, client, django_capture_on_commit_callbacks
):
    coordinator = world.user("coordinator_a")
    complete_response(world.response_a, coordinator)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post(f"/responses/{world.response_a.pk}/submit/", {"confirm": "yes"})
    assert reply.status_code == 302
    assert mail.outbox == []  # the request only queued it
    assert run_worker() == 1
    assert recipients() == ["coordinator_a@example.go.th"]  # not respondents, not staff
    message = mail.outbox[0]
    assert "ได้รับแบบสำรวจแล้ว" in message.subject and "Response received" in message.subject
    assert "กรมทางหลวงชนบท" in message.body and "Department of Rural Roads" in message.body
    assert f"http://testserver/responses/{world.response_a.pk}/submit/" in message.body


def test_a_refused_submission_queues_nothing(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.user("coordinator_a"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reply = client.post(f"/responses/{world.response_a.pk}/submit/", {"confirm": "yes"})
    assert reply.status_code == 400  # incomplete
    assert callbacks == []
    assert not DBTaskResult.objects.exists()


def test_the_receipt_is_queued_only_after_the_submission_commits(
    world, django_capture_on_commit_callbacks
):
    from phrom.responses.services import response_submit

    coordinator = world.user("coordinator_a")
    complete_response(world.response_a, coordinator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response_submit(response=world.response_a, by=coordinator)
    assert not DBTaskResult.objects.exists()  # not before the commit
    assert len(callbacks) == 1


# --- reopening ------------------------------------------------------------------------------


def test_reopening_tells_the_agencys_people_the_reason(
    world, client, django_capture_on_commit_callbacks
):
    Response.objects.filter(pk=world.response_a.pk).update(status=ResponseStatus.SUBMITTED)
    client.force_login(world.user("administrator"))
    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post(
            "/cycles/th-2564/reopen/",
            {"agency": world.agency_a.code, "reason": "หลักฐานข้อ POL-02-1 เป็นไฟล์ว่าง"},
        )
    assert reply.status_code == 302
    run_worker()
    # each of agency A's people, one message each; nobody of agency B, no staff
    assert recipients() == ["coordinator_a@example.go.th", "respondent_a@example.go.th"]
    assert all(len(m.to) == 1 for m in mail.outbox)
    body = mail.outbox[0].body
    assert "หลักฐานข้อ POL-02-1 เป็นไฟล์ว่าง" in body
    assert "reopened" in mail.outbox[0].subject
    assert f"http://testserver/responses/{world.response_a.pk}/" in body


def test_an_inactive_person_gets_no_mail(world, client, django_capture_on_commit_callbacks):
    respondent = world.user("respondent_a")
    respondent.is_active = False
    respondent.save()
    Response.objects.filter(pk=world.response_a.pk).update(status=ResponseStatus.SUBMITTED)
    client.force_login(world.user("administrator"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/cycles/th-2564/reopen/", {"agency": world.agency_a.code, "reason": "x"})
    run_worker()
    assert recipients() == ["coordinator_a@example.go.th"]


# --- scheduled reminders --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "step"), [(20, None), (14, 14), (10, 14), (7, 7), (1, 1), (0, 1), (-1, None)]
)
def test_the_step_due_is_the_nearest_at_or_above_the_days_left(days_left, step):
    assert due_step(days_left, (14, 7, 3, 1)) == step


def test_agencies_not_submitted_are_reminded_once_per_step(
    world, django_capture_on_commit_callbacks
):
    set_deadline(world, 7)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due() == 2
        assert reminders_send_due() == 0  # the same day again: nothing twice
    run_worker()
    assert set(recipients()) == {
        "coordinator_a@example.go.th", "respondent_a@example.go.th", "coordinator_b@example.go.th"
    }
    assert not STAFF & set(recipients())
    subject = mail.outbox[0].subject
    assert "7" in subject and "days left" in subject
    assert set(Reminder.objects.values_list("days_before", flat=True)) == {7}


def test_a_submitted_agency_is_not_reminded(world, django_capture_on_commit_callbacks):
    set_deadline(world, 3)
    Response.objects.filter(pk=world.response_b.pk).update(status=ResponseStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due() == 1
    run_worker()
    assert "coordinator_b@example.go.th" not in recipients()


def test_an_agency_that_submits_before_the_worker_runs_gets_no_reminder(
    world, django_capture_on_commit_callbacks
):
    set_deadline(world, 1)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send_due()
    Response.objects.filter(pk=world.response_b.pk).update(status=ResponseStatus.SUBMITTED)
    run_worker()
    assert "coordinator_b@example.go.th" not in recipients()


def test_each_step_is_sent_as_the_deadline_comes_nearer(world, django_capture_on_commit_callbacks):
    set_deadline(world, 7)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due(today=today()) == 2
        assert reminders_send_due(today=today() + dt.timedelta(days=1)) == 0  # 6 days: step 7 sent
        assert reminders_send_due(today=today() + dt.timedelta(days=4)) == 2  # 3 days left
        assert reminders_send_due(today=today() + dt.timedelta(days=8)) == 0  # passed


def test_no_reminders_without_a_deadline_or_in_a_cycle_that_is_not_open(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due() == 0
        set_deadline(world, 1)
        Cycle.objects.filter(pk=world.cycle.pk).update(status="closed")
        assert reminders_send_due() == 0
    assert not DBTaskResult.objects.exists()


def test_an_extension_starts_the_reminders_again_for_that_agency(
    world, django_capture_on_commit_callbacks
):
    set_deadline(world, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due() == 2
        deadline_extend_for_agency(
            cycle=world.cycle, agency=world.agency_a,
            deadline=end_of_day(today() + dt.timedelta(days=3)), reason="ไฟดับ",
            by=world.user("administrator"),
        )
        assert reminders_send_due() == 1  # agency A, 3 days before its own deadline
    assert Reminder.objects.filter(agency=world.agency_a, days_before=3).exists()


def test_the_command_queues_the_due_reminders_and_is_safe_to_run_twice(
    world, django_capture_on_commit_callbacks
):
    set_deadline(world, 14)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--site-url", "https://phrom.example.go.th")
        call_command("send_reminders", "--site-url", "https://phrom.example.go.th")
    assert DBTaskResult.objects.count() == 1  # one batch of two agencies, not two batches
    run_worker()
    assert "https://phrom.example.go.th/responses/" in mail.outbox[0].body


# --- remind now -----------------------------------------------------------------------------


def test_administrator_reminds_agencies_not_started_or_in_progress(
    world, client, django_capture_on_commit_callbacks
):
    set_deadline(world, 10)
    Response.objects.filter(pk=world.response_a.pk).update(status=ResponseStatus.IN_PROGRESS)
    client.force_login(world.user("administrator"))
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/cycles/th-2564/remind/", follow=True)
    assert page.redirect_chain == [("/cycles/th-2564/", 302)]
    assert "2 หน่วยงาน" in page.content.decode()
    run_worker()
    assert set(recipients()) == {
        "coordinator_a@example.go.th", "respondent_a@example.go.th", "coordinator_b@example.go.th"
    }


def test_a_second_remind_now_the_same_day_sends_nothing_more(
    world, client, django_capture_on_commit_callbacks
):
    Response.objects.filter(pk=world.response_b.pk).update(status=ResponseStatus.SUBMITTED)
    client.force_login(world.user("administrator"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/cycles/th-2564/remind/")
        client.post("/cycles/th-2564/remind/")
    assert run_worker() == 1  # agency A once; B has submitted
    assert "coordinator_b@example.go.th" not in recipients()


def test_remind_now_is_refused_unless_the_cycle_is_open(world, client):
    Cycle.objects.filter(pk=world.cycle.pk).update(status="closed")
    client.force_login(world.user("administrator"))
    reply = client.post("/cycles/th-2564/remind/")
    assert reply.status_code == 400
    assert 'role="alert"' in reply.content.decode()
    assert not Reminder.objects.exists()


@pytest.mark.parametrize(
    "persona", ["executive", "reviewer", "lead_reviewer", "coordinator_a", "respondent_a", "outsider"]
)
def test_only_an_administrator_reminds(world, client, persona):
    client.force_login(world.user(persona))
    assert client.post("/cycles/th-2564/remind/").status_code == 403
    assert not Reminder.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(world, client):
    reply = client.post("/cycles/th-2564/remind/")
    assert reply.status_code == 302 and "/login/" in reply["Location"]
    assert not Reminder.objects.exists()


def test_the_progress_page_lists_agencies_in_progress_and_offers_remind_now(world, client):
    Response.objects.filter(pk=world.response_a.pk).update(status=ResponseStatus.IN_PROGRESS)
    client.force_login(world.user("administrator"))
    html = client.get("/cycles/th-2564/").content.decode()
    assert 'id="in-progress-heading"' in html
    in_progress = html.split('id="in-progress-heading"')[1].split("</table>")[0]
    assert "<td>mot-drr</td>" in in_progress and "<td>mot-doh</td>" not in in_progress
    assert 'action="/cycles/th-2564/remind/"' in html


def test_an_executive_sees_the_lists_but_no_remind_button(world, client):
    client.force_login(world.user("executive"))
    html = client.get("/cycles/th-2564/").content.decode()
    assert 'id="in-progress-heading"' in html
    assert "/remind/" not in html
