"""Writes that send notices: each hands its e-mail to the task worker once the caller's
transaction has committed (nothing is sent about a change that was rolled back)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from phrom.accounts.gates import User, may_remind, profile_of
from phrom.frameworks.deadlines import local_day
from phrom.frameworks.models import Cycle, CycleStatus, DeadlineChange
from phrom.frameworks.selectors import target_agencies
from phrom.notifications.models import Reminder, ReminderKind
from phrom.notifications.tasks import (
    send_clarification_request,
    send_deadline_reminders,
    send_reopened_notice,
    send_submission_receipt,
)
from phrom.responses.models import Response, ResponseStatus

# Days before an agency's deadline on which it is reminded, if it has not submitted.
REMINDER_DAYS = (14, 7, 3, 1)


class RemindRefused(ValueError):
    """Reminders cannot be sent now; the message says why, in the reader's language."""


def notify_submitted(*, response: Response, site_url: str = "") -> None:
    """A receipt to the agency's coordinators, after the submission commits."""
    response_id = response.pk
    transaction.on_commit(
        lambda: send_submission_receipt.enqueue(response_id=response_id, site_url=site_url)
    )


def notify_reopened(*, response: Response, reason: str, site_url: str = "") -> None:
    """A notice with REASON to the agency's people, after the reopening commits."""
    response_id = response.pk
    transaction.on_commit(
        lambda: send_reopened_notice.enqueue(
            response_id=response_id, reason=reason, site_url=site_url
        )
    )


def notify_clarification(*, request: Any, site_url: str = "") -> None:
    """The clarification REQUEST to the agency's coordinators, after it commits."""
    request_id = request.pk
    transaction.on_commit(
        lambda: send_clarification_request.enqueue(request_id=request_id, site_url=site_url)
    )


def _waiting(cycle: Cycle, statuses: Iterable[str]) -> list[int]:
    """The target agencies of CYCLE whose response has one of STATUSES (no response
    counts as not started)."""
    statuses = list(statuses)
    answered = dict(
        Response.objects.filter(cycle=cycle).values_list("agency_id", "status")
    )
    return [
        agency_id
        for agency_id in target_agencies().order_by("pk").values_list("pk", flat=True)
        if answered.get(agency_id, ResponseStatus.NOT_STARTED) in statuses
    ]


def _agency_deadlines(cycle: Cycle) -> dict[int, dt.datetime]:
    """Each extended agency's latest extension in CYCLE, in one query."""
    latest: dict[int, dt.datetime] = {}
    for agency_id, deadline in (
        DeadlineChange.objects.filter(cycle=cycle, agency__isnull=False)
        .order_by("at", "id")
        .values_list("agency_id", "new_deadline")
    ):
        latest[agency_id] = deadline
    return latest


def due_step(days_left: int, steps: Iterable[int]) -> int | None:
    """The reminder step due DAYS_LEFT days before a deadline: the nearest step at or
    above it (a run missed on day 7 still reminds on day 5), None once the day passed."""
    if days_left < 0:
        return None
    due = [s for s in steps if s >= days_left]
    return min(due) if due else None


def reminders_send_due(
    *, today: dt.date | None = None, steps: Iterable[int] = REMINDER_DAYS, site_url: str = ""
) -> int:
    """Remind every agency that has not submitted in an open cycle whose deadline (its
    own, extensions included) is one of STEPS days away or less; returns how many.

    Each step is sent once per agency and deadline day, recorded in ``Reminder``: running
    this twice (even at once, from two machines) sends nothing twice, since each cycle's
    reminders are recorded under a lock on the cycle's row. As with "remind now", they are
    recorded in one statement and queued in batches (``send_deadline_reminders``).
    """
    today = today or local_day(timezone.now())
    steps = tuple(steps)
    sent = 0
    for cycle_id in Cycle.objects.filter(
        status=CycleStatus.OPEN, deadline__isnull=False
    ).values_list("pk", flat=True):
        with transaction.atomic():
            cycle = Cycle.objects.select_for_update().get(pk=cycle_id)
            if cycle.status != CycleStatus.OPEN or cycle.deadline is None:
                continue  # closed, or its deadline removed, while the earlier cycles were done
            extended = _agency_deadlines(cycle)
            done = set(
                Reminder.objects.filter(cycle=cycle, kind=ReminderKind.SCHEDULED).values_list(
                    "agency_id", "deadline_day", "days_before"
                )
            )
            new = []
            waiting = _waiting(cycle, (ResponseStatus.NOT_STARTED, ResponseStatus.IN_PROGRESS))
            for agency_id in waiting:
                deadline = max(cycle.deadline, extended.get(agency_id, cycle.deadline))
                day = local_day(deadline)
                step = due_step((day - today).days, steps)
                if step is None or (agency_id, day, step) in done:
                    continue
                new.append(Reminder(
                    cycle=cycle, agency_id=agency_id, kind=ReminderKind.SCHEDULED,
                    days_before=step, deadline_day=day, sent_on=today,
                ))
            Reminder.objects.bulk_create(new, batch_size=REMINDER_BATCH)
            _remind_batches(cycle, [r.agency_id for r in new], site_url)
            sent += len(new)
    return sent


@dataclass(frozen=True)
class RemindResult:
    reminded: int  # agencies reminded now
    already: int  # agencies already reminded today by an administrator


def reminders_send_now(*, cycle: Cycle, by: User, site_url: str = "") -> RemindResult:
    """An administrator's reminder to every agency of CYCLE not started or in progress.

    At most one such reminder a day reaches an agency (a second click sends nothing
    again). Only administrators (``PermissionDenied``), only while the cycle is open
    (``RemindRefused``). The reminders are recorded in one statement and queued in
    batches (``send_deadline_reminders``): thousands of agencies take a moment, not the
    seconds one row and one task each took.
    """
    if not may_remind(profile_of(by)):
        raise PermissionDenied
    with transaction.atomic():
        # Two clicks at once wait for each other here, so the second finds the first's.
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle.status != CycleStatus.OPEN:
            raise RemindRefused(
                gettext("Cycle %(code)s is not open: there is nothing to remind agencies of.")
                % {"code": cycle.code}
            )
        today = local_day(timezone.now())
        extended = _agency_deadlines(cycle)
        waiting = _waiting(cycle, (ResponseStatus.NOT_STARTED, ResponseStatus.IN_PROGRESS))
        already = set(
            Reminder.objects.filter(
                cycle=cycle, kind=ReminderKind.MANUAL, sent_on=today
            ).values_list("agency_id", flat=True)
        )
        new = []
        for agency_id in waiting:
            if agency_id in already:
                continue
            deadline = cycle.deadline
            if deadline is not None and agency_id in extended:
                deadline = max(deadline, extended[agency_id])
            new.append(Reminder(
                cycle=cycle, agency_id=agency_id, kind=ReminderKind.MANUAL,
                deadline_day=local_day(deadline) if deadline is not None else None,
                sent_on=today, by=by,
            ))
        Reminder.objects.bulk_create(new, batch_size=REMINDER_BATCH)
        _remind_batches(cycle, [r.agency_id for r in new], site_url)
    return RemindResult(reminded=len(new), already=len(waiting) - len(new))


# Agencies a queued reminder task reminds.
REMINDER_BATCH = 100


def _remind_batches(cycle: Cycle, agency_ids: list[int], site_url: str) -> None:
    cycle_id = cycle.pk
    for start in range(0, len(agency_ids), REMINDER_BATCH):
        batch = agency_ids[start:start + REMINDER_BATCH]
        transaction.on_commit(
            lambda batch=batch: send_deadline_reminders.enqueue(
                cycle_id=cycle_id, agency_ids=batch, site_url=site_url
            )
        )
