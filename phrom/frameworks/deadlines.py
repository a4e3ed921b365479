"""Deadlines: whether a response may still be changed at a given moment.

A deadline is a whole day: an agency may answer until the end of that day, in the site's
time zone (Asia/Bangkok unless ``TIME_ZONE`` says otherwise), whatever time of day is
stored. An agency's own deadline is the later of its cycle's and of the latest extension
an administrator granted it (``DeadlineChange`` rows with the agency).

``change_block`` is the one rule that saves, evidence writes and submission ask.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext

from phrom.core.thai import format_date
from phrom.frameworks.models import Cycle, CycleStatus, DeadlineChange
from phrom.responses.models import Response, ResponseStatus

# Stored with each deadline day; the rule itself compares days, not times.
DEADLINE_TIME = dt.time(23, 59, 59)


class Block(enum.Enum):
    SUBMITTED = "submitted"
    CYCLE_NOT_OPEN = "cycle_not_open"
    DEADLINE_PASSED = "deadline_passed"


@dataclass(frozen=True)
class ChangeBlocked:
    """Why a response cannot change now; ``deadline`` is the agency's, when it passed."""

    block: Block
    deadline: dt.datetime | None = None

    def message(self) -> str:
        """The reason in the reader's language, saying who can lift it."""
        if self.block is Block.SUBMITTED:
            return gettext(
                "This response has been submitted, so its answers can no longer change."
            )
        if self.block is Block.CYCLE_NOT_OPEN:
            return gettext("The assessment cycle is not open, so answers cannot be changed now.")
        return deadline_passed_message(self.deadline)


def deadline_passed_message(deadline: dt.datetime | None) -> str:
    return gettext(
        "The deadline (the end of %(day)s, Bangkok time) has passed, so this response can "
        "no longer be changed or submitted. Only the survey administrators can extend the "
        "deadline: ask them if your agency needs more time."
    ) % {"day": format_date(deadline)}


def local_day(moment: dt.datetime) -> dt.date:
    """The day of MOMENT in the site's time zone."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """The deadline stored for DAY: its last second, in the site's time zone."""
    return timezone.make_aware(
        dt.datetime.combine(day, DEADLINE_TIME), timezone.get_default_timezone()
    )


def has_passed(deadline: dt.datetime | None, at: dt.datetime | None = None) -> bool:
    """Whether the day of DEADLINE has ended at AT (now by default); never without one."""
    if deadline is None:
        return False
    return local_day(at or timezone.now()) > local_day(deadline)


def extension_of(*, cycle: Cycle, agency_id: int) -> dt.datetime | None:
    """The deadline of the latest extension granted to the agency in CYCLE, if any."""
    return (
        DeadlineChange.objects.filter(cycle=cycle, agency_id=agency_id)
        .order_by("-at", "-id")
        .values_list("new_deadline", flat=True)
        .first()
    )


def agency_deadline(*, cycle: Cycle, agency_id: int) -> dt.datetime | None:
    """The agency's deadline in CYCLE: the cycle's, or a later extension of its own."""
    if cycle.deadline is None:
        return None
    extended = extension_of(cycle=cycle, agency_id=agency_id)
    if extended is not None and extended > cycle.deadline:
        return extended
    return cycle.deadline


def change_block(response: Response, *, at: dt.datetime | None = None) -> ChangeBlocked | None:
    """Why RESPONSE may not be changed (answers, evidence, submission) at AT, or None.

    Reads the response's cycle (loaded with it by every caller) and, only once the
    cycle's deadline has passed, the agency's extension (one query).
    """
    if response.status == ResponseStatus.SUBMITTED:
        return ChangeBlocked(Block.SUBMITTED)
    cycle = response.cycle
    if cycle.status != CycleStatus.OPEN:
        return ChangeBlocked(Block.CYCLE_NOT_OPEN)
    if has_passed(cycle.deadline, at):
        deadline = agency_deadline(cycle=cycle, agency_id=response.agency_id)
        if has_passed(deadline, at):
            return ChangeBlocked(Block.DEADLINE_PASSED, deadline)
    return None


@dataclass(frozen=True)
class DeadlineState:
    """An agency's deadline as its people see it."""

    deadline: dt.datetime | None
    extended: bool  # later than the cycle's, by an extension
    days_left: int | None  # None without a deadline; negative once it has passed

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def deadline_state(*, cycle: Cycle, agency_id: int, today: dt.date | None = None) -> DeadlineState:
    """The agency's deadline in CYCLE, whether it was extended, and the days left to it."""
    deadline = agency_deadline(cycle=cycle, agency_id=agency_id)
    if deadline is None:
        return DeadlineState(deadline=None, extended=False, days_left=None)
    today = today or local_day(timezone.now())
    return DeadlineState(
        deadline=deadline,
        extended=cycle.deadline is not None and deadline > cycle.deadline,
        days_left=(local_day(deadline) - today).days,
    )


@dataclass(frozen=True)
class AgencyDeadlineSummary:
    """What an agency's people are told of the open cycle's deadline."""

    cycle: Cycle
    response_id: int | None
    submitted: bool
    state: DeadlineState


def agency_deadline_summary(*, agency_id: int) -> AgencyDeadlineSummary | None:
    """The agency's deadline in the open cycle (the latest one), or None without one."""
    cycle = Cycle.objects.filter(status=CycleStatus.OPEN).order_by("-year_be", "code").first()
    if cycle is None:
        return None
    response = (
        Response.objects.filter(cycle=cycle, agency_id=agency_id).values("pk", "status").first()
    )
    return AgencyDeadlineSummary(
        cycle=cycle,
        response_id=response["pk"] if response else None,
        submitted=bool(response and response["status"] == ResponseStatus.SUBMITTED),
        state=deadline_state(cycle=cycle, agency_id=agency_id),
    )
