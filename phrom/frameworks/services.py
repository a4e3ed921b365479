"""Writes of frameworks and cycles."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext

from phrom.accounts.gates import CYCLE_MANAGERS, User, may_reopen, profile_of, require_role
from phrom.agencies.codes import cycle_code_problem
from phrom.agencies.models import Agency
from phrom.core.thai import format_date
from phrom.frameworks.deadlines import agency_deadline, has_passed, local_day
from phrom.frameworks.errors import FrameworkRejected
from phrom.frameworks.models import Cycle, CycleStatus, DeadlineChange, Framework, spec_of_text
from phrom.notifications.services import notify_reopened
from phrom.publications.freeze import frozen_message, is_frozen
from phrom.responses.models import AnswerChange, ChangeKind, Response, ResponseStatus
from scoring.model import Framework as FrameworkSpec


@dataclass(frozen=True)
class LoadResult:
    framework: Framework
    cycle: Cycle
    created: bool
    spec: FrameworkSpec


@transaction.atomic
def load_framework(*, path: Path, cycle_code: str | None = None) -> LoadResult:
    """Validate and store a framework file, with a draft cycle of the same code.

    Reloading the same code replaces the stored text, unless answers already given in
    its cycles use question codes that the new text drops: those would be orphaned. A
    framework used by a cycle that is closed, in review or published keeps its text, and
    such a cycle keeps its framework and previous cycle (``FrameworkRejected``).

    CYCLE_CODE (default: the framework's code) must be a code that web addresses can hold
    and not digits alone (``phrom.agencies.codes``). An existing cycle of another framework
    takes this one only while it is a draft without answers; an open cycle, or one with
    answers, is refused: load the framework as a new cycle instead.
    """
    from scoring.loader import read_framework_text

    if cycle_code is not None:
        _refuse_bad_cycle_code(cycle_code, path.name)
    # a folder, a device, text that is not UTF-8: FrameworkError naming the file and line
    text = read_framework_text(path)
    spec = spec_of_text(text, path.name)  # raises FrameworkError listing problems
    sha = hashlib.sha256(text.encode()).hexdigest()
    framework = Framework.objects.filter(code=spec.code).first()
    created = framework is None
    if framework is not None and framework.sha256 != sha:
        _refuse_frozen(Cycle.objects.filter(framework=framework), path.name)
        from phrom.responses.models import Answer

        kept = {q.code for q in spec.questions}
        used = set(
            Answer.objects.filter(response__cycle__framework=framework)
            .values_list("question", flat=True)
            .distinct()
        )
        orphaned = sorted(used - kept)
        if orphaned:
            raise FrameworkRejected(
                f"{path.name}: framework {spec.code} already has answers to question(s) "
                f"{', '.join(orphaned[:10])}{' ...' if len(orphaned) > 10 else ''} that this "
                "file no longer has; keep those codes, or load it under a new code"
            )
    if framework is None:
        framework = Framework(code=spec.code)
    framework.name_th = spec.name.th
    framework.name_en = spec.name.en
    framework.year_be = spec.year_be
    framework.previous_code = spec.previous or ""
    framework.source = text
    framework.source_name = path.name
    framework.sha256 = sha
    framework.save()

    code = cycle_code or spec.code
    previous = None
    if spec.previous:
        previous = Cycle.objects.filter(framework__code=spec.previous).order_by("-year_be").first()
    cycle = Cycle.objects.select_for_update().filter(code=code).first()
    if cycle is None:
        cycle = Cycle(code=code, year_be=spec.year_be, framework=framework,
                      status=CycleStatus.DRAFT, previous=previous)
        cycle.save()
    elif cycle.framework_id != framework.pk:
        # Another framework for an existing cycle: only a draft that nobody has answered
        # yet may take it, with that framework's year and previous cycle.
        _refuse_frozen(Cycle.objects.filter(pk=cycle.pk), path.name)
        _refuse_swap(cycle, spec, path.name)
        cycle.framework = framework
        cycle.year_be = spec.year_be
        cycle.previous = previous
        cycle.save(update_fields=["framework", "year_be", "previous"])
    elif previous is not None and cycle.previous_id != previous.pk:
        _refuse_frozen(Cycle.objects.filter(pk=cycle.pk), path.name)
        cycle.previous = previous
        cycle.save(update_fields=["previous"])
    # A later cycle loaded first points back once its predecessor arrives (unless its
    # figures are final: the previous cycle decides its gains).
    Cycle.objects.filter(framework__previous_code=spec.code, previous=None).exclude(
        pk=cycle.pk
    ).exclude(status__in=FROZEN_STATUSES).update(previous=cycle)
    return LoadResult(framework=framework, cycle=cycle, created=created, spec=spec)


def _refuse_bad_cycle_code(code: str, file_name: str) -> None:
    problem = cycle_code_problem(code)
    limit = Cycle._meta.get_field("code").max_length
    if problem is None and limit is not None and len(code) > limit:
        problem = f"{len(code)} characters; at most {limit} fit"
    if problem is not None:
        raise FrameworkRejected(
            f"{file_name}: cannot load it as cycle {code!r}: the cycle code {problem}"
        )


def _refuse_swap(cycle: Cycle, spec: FrameworkSpec, file_name: str) -> None:
    """A cycle that is open or has answers keeps its framework: another one would show its
    agencies another questionnaire, leave their answers unscored and set every total to 0."""
    from phrom.responses.models import Answer

    answers = Answer.objects.filter(response__cycle=cycle).count()
    if cycle.status == CycleStatus.DRAFT and not answers:
        return
    state = f"is {cycle.status.replace('_', ' ')}"
    if answers:
        state += f" with {answers} answer(s)"
    taken = Cycle.objects.filter(code=spec.code).exists()
    instead = (
        f"phrom framework load {file_name} --cycle <a new cycle code>" if taken
        else f"phrom framework load {file_name} (its own cycle {spec.code}), or give "
        "--cycle a new cycle code"
    )
    raise FrameworkRejected(
        f"{file_name}: cycle {cycle.code} uses framework {cycle.framework.code} and {state}, "
        f"so framework {spec.code} cannot replace it: its agencies would see another "
        f"questionnaire and its answers would no longer be scored; load {spec.code} as a "
        f"new cycle instead: {instead}"
    )


# Statuses in which a cycle's answers are final: its framework and previous cycle, which
# decide its totals, ranks and gains, no longer change.
FROZEN_STATUSES = (CycleStatus.CLOSED, CycleStatus.IN_REVIEW, CycleStatus.PUBLISHED)


def _refuse_frozen(cycles: QuerySet[Cycle], file_name: str) -> None:
    frozen = cycles.filter(status__in=FROZEN_STATUSES).order_by("code").first()
    if frozen is not None:
        raise FrameworkRejected(
            f"{file_name}: cycle {frozen.code} is {frozen.status.replace('_', ' ')}, so its "
            "framework cannot be reloaded: its answers, totals and ranks would change; load "
            "the file under a new framework code (and cycle) instead"
            + (", or open the cycle again first" if frozen.status == CycleStatus.CLOSED else "")
            + ("; its results are published: a correction is published as a new version "
               "(phrom publish CYCLE --note ...)" if frozen.status == CycleStatus.PUBLISHED
               else "")
        )


# --- cycle lifecycle --------------------------------------------------------------------

# Each status and the statuses it may move to. "closed -> open" extends a cycle whose
# deadline passed too early; nothing ever leaves "published" (corrections are versions of
# the published results, not a reopened cycle).
CYCLE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CycleStatus.DRAFT: (CycleStatus.OPEN,),
    CycleStatus.OPEN: (CycleStatus.CLOSED,),
    CycleStatus.CLOSED: (CycleStatus.OPEN, CycleStatus.IN_REVIEW),
    CycleStatus.IN_REVIEW: (CycleStatus.PUBLISHED,),
    CycleStatus.PUBLISHED: (),
}

# A deadline means something only while answers may still come in.
DEADLINE_STATUSES = frozenset({CycleStatus.DRAFT, CycleStatus.OPEN, CycleStatus.CLOSED})


class LifecycleRefused(ValueError):
    """A lifecycle change that is not allowed now; the message says why, in the user's language."""


def cycle_next_statuses(*, cycle: Cycle) -> tuple[str, ...]:
    """The statuses CYCLE may move to from its current status."""
    return CYCLE_TRANSITIONS.get(cycle.status, ())


def _require_administrator(user: User) -> None:
    require_role(user, *CYCLE_MANAGERS)


def _status_label(status: str) -> str:
    return str(dict(CycleStatus.choices).get(status, status))


def _locked_cycle(cycle: Cycle) -> Cycle:
    # The row is re-read under a lock: the caller's copy may be stale when two
    # administrators act at once.
    return Cycle.objects.select_for_update().get(pk=cycle.pk)


@transaction.atomic
def cycle_set_status(
    *, cycle: Cycle, status: str, by: User, override_reason: str = ""
) -> Cycle:
    """Move CYCLE to STATUS along draft -> open -> closed -> in_review -> published.

    A closed cycle may also be opened again to extend it. Any other move raises
    ``LifecycleRefused``; a user who is not an administrator gets ``PermissionDenied``.
    Publishing also needs every submitted response signed off by a lead reviewer, unless
    OVERRIDE_REASON is given (recorded by ``phrom.reviews``).
    """
    _require_administrator(by)
    if status not in CycleStatus.values:
        raise LifecycleRefused(gettext("“%(status)s” is not a cycle status.") % {"status": status})
    current = _locked_cycle(cycle)
    allowed = CYCLE_TRANSITIONS.get(current.status, ())
    if status not in allowed:
        params = {
            "code": current.code,
            "current": _status_label(current.status),
            "wanted": _status_label(status),
        }
        if allowed:
            params["allowed"] = ", ".join(f"“{_status_label(s)}”" for s in allowed)
            message = gettext(
                "Cycle %(code)s is “%(current)s” and cannot become “%(wanted)s”; "
                "from “%(current)s” it can become: %(allowed)s."
            )
        else:
            message = gettext(
                "Cycle %(code)s is “%(current)s” and cannot become “%(wanted)s”; "
                "a published cycle does not change status."
            )
        raise LifecycleRefused(message % params)
    if status == CycleStatus.PUBLISHED:
        from phrom.reviews.services import PublishBlocked, cycle_publish_check

        try:
            cycle_publish_check(cycle=current, by=by, override_reason=override_reason)
        except PublishBlocked as exc:
            raise LifecycleRefused(exc.message) from None
    current.status = status
    current.full_clean()
    current.save(update_fields=["status"])
    cycle.status = current.status
    if status == CycleStatus.PUBLISHED:  # the frozen figures, computed by the worker
        from phrom.publications.services import enqueue_publication

        enqueue_publication(cycle=current, by=by)
    return current


def _refuse_fixed_deadline(cycle: Cycle) -> None:
    if cycle.status not in DEADLINE_STATUSES:
        raise LifecycleRefused(
            gettext("Cycle %(code)s is “%(status)s”: its deadline can no longer change.")
            % {"code": cycle.code, "status": _status_label(cycle.status)}
        )


def _day_text(deadline: dt.datetime | None) -> str | None:
    # The history keeps the day (ISO), the unit of a deadline.
    return local_day(deadline).isoformat() if deadline is not None else None


@transaction.atomic
def cycle_set_deadline(
    *, cycle: Cycle, deadline: dt.datetime | None, by: User, reason: str = ""
) -> Cycle:
    """Set, move (extend) or clear (None) the deadline of a cycle not yet in review.

    A naive datetime is read in the current time zone (Asia/Bangkok by default). The
    change is recorded as a ``DeadlineChange`` and in the history of every response the
    cycle has, with REASON.
    """
    _require_administrator(by)
    current = _locked_cycle(cycle)
    _refuse_fixed_deadline(current)
    if deadline is not None and timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    old = current.deadline
    current.deadline = deadline
    current.full_clean()
    current.save(update_fields=["deadline"])
    cycle.deadline = current.deadline
    if old != deadline:
        reason = (reason or "").strip()
        DeadlineChange.objects.create(
            cycle=current, old_deadline=old, new_deadline=deadline, reason=reason, by=by
        )
        AnswerChange.objects.bulk_create(
            AnswerChange(
                response_id=response_id,
                kind=ChangeKind.DEADLINE_CHANGED,
                old_value=_day_text(old),
                new_value=_day_text(deadline),
                reason=reason,
                by=by,
            )
            for response_id in Response.objects.filter(cycle=current).values_list("pk", flat=True)
        )
    return current


@transaction.atomic
def deadline_extend_for_agency(
    *, cycle: Cycle, agency: Agency, deadline: dt.datetime, reason: str, by: User
) -> DeadlineChange:
    """Give one agency until DEADLINE (later than the cycle's), for REASON.

    Recorded as a ``DeadlineChange`` of the agency and in its response's history (the
    response is created, not started, if the agency has none yet). Only administrators;
    refused (``LifecycleRefused``) without a reason, without a cycle deadline, for a day
    not after the cycle's deadline, or once the review has started.
    """
    _require_administrator(by)
    current = _locked_cycle(cycle)
    _refuse_fixed_deadline(current)
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleRefused(gettext("Give a reason for the extension."))
    if current.deadline is None:
        raise LifecycleRefused(
            gettext("Cycle %(code)s has no deadline, so there is nothing to extend.")
            % {"code": current.code}
        )
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    if local_day(deadline) <= local_day(current.deadline):
        raise LifecycleRefused(
            gettext(
                "An extension must end after the cycle's deadline (%(deadline)s): choose a "
                "later day."
            )
            % {"deadline": format_date(current.deadline)}
        )
    old = agency_deadline(cycle=current, agency_id=agency.pk)
    if old is not None and local_day(old) == local_day(deadline):
        # given twice (a form sent again): one extension, one line of history
        raise LifecycleRefused(
            gettext(
                "%(agency)s already has until %(deadline)s, so nothing changes. To change "
                "the extension, choose another day."
            )
            % {"agency": agency.name(get_language() or "th"), "deadline": format_date(old)}
        )
    change = DeadlineChange(
        cycle=current, agency=agency, old_deadline=old, new_deadline=deadline,
        reason=reason, by=by,
    )
    change.full_clean()
    change.save()
    response, _created = Response.objects.get_or_create(cycle=current, agency=agency)
    AnswerChange.objects.create(
        response=response,
        kind=ChangeKind.DEADLINE_CHANGED,
        old_value=_day_text(old),
        new_value=_day_text(deadline),
        reason=reason,
        by=by,
    )
    return change


@transaction.atomic
def response_reopen(*, response: Response, reason: str, by: User, site_url: str = "") -> Response:
    """Send a submitted response back to "in progress" so its agency can correct it.

    Only an administrator may, only with a reason, and only while the cycle is open. The
    reason is kept in the response's history as a change of kind "reopened" and, once
    committed, e-mailed to the agency's people by the task worker.
    """
    if not may_reopen(profile_of(by)):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleRefused(gettext("Give a reason for reopening the response."))
    current = (
        Response.objects.select_for_update().select_related("cycle", "agency").get(pk=response.pk)
    )
    cycle = current.cycle
    if cycle.status == CycleStatus.CLOSED:
        raise LifecycleRefused(
            gettext(
                "Cycle %(code)s is closed: open it again (extend it) before reopening a response."
            )
            % {"code": cycle.code}
        )
    if is_frozen(cycle):
        raise LifecycleRefused(frozen_message(cycle))
    if cycle.status != CycleStatus.OPEN:
        raise LifecycleRefused(
            gettext(
                "Cycle %(code)s is “%(status)s”: a response can be reopened only while it is open."
            )
            % {"code": cycle.code, "status": _status_label(cycle.status)}
        )
    if current.status != ResponseStatus.SUBMITTED:
        raise LifecycleRefused(
            gettext("The response of %(agency)s is not submitted, so there is nothing to reopen.")
            % {"agency": current.agency.name(get_language() or "th")}
        )
    deadline = agency_deadline(cycle=cycle, agency_id=current.agency_id)
    if has_passed(deadline):
        # Reopened past its deadline, the response could be neither corrected nor
        # submitted again: it would only lose its submission.
        raise LifecycleRefused(
            gettext(
                "The deadline of %(agency)s (%(deadline)s) has passed, so a reopened response "
                "could not be corrected or submitted again: extend the agency's deadline "
                "first, then reopen it."
            )
            % {
                "agency": current.agency.name(get_language() or "th"),
                "deadline": format_date(deadline),
            }
        )
    current.status = ResponseStatus.IN_PROGRESS
    current.submitted_at = None
    current.submitted_by = None
    current.full_clean()
    current.save(update_fields=["status", "submitted_at", "submitted_by"])
    change = AnswerChange(
        response=current,
        kind=ChangeKind.REOPENED,
        old_value=ResponseStatus.SUBMITTED.value,
        new_value=ResponseStatus.IN_PROGRESS.value,
        reason=reason,
        by=by,
    )
    change.full_clean()
    change.save()
    notify_reopened(response=current, reason=reason, site_url=site_url)
    response.status = current.status
    response.submitted_at = None
    response.submitted_by = None
    return current
