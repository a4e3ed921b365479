"""Clarification rounds: a reviewer asks the agency about some answers of a submitted
response; the agency adds evidence or an explanation to those answers only, marks the
request answered, and the reviewer gives the final verdicts and closes it. A request
left unanswered past its deadline makes its answers "not supported" when it says so
(``clarifications_expire``, run by ``phrom manage expire_clarifications`` or the worker).

A request is answered only while its cycle is closed or in review, its review is not
signed off and its deadline has not passed; a review is completed or signed off, and a
cycle published, only once its requests are closed. Expiry never changes the verdicts of a
signed-off review or a published cycle: there it only closes the request.

Every write is one transaction that appends to the response's history (``AnswerChange``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from phrom.accounts.gates import User, edits_for, may_answer, profile_of
from phrom.core.thai import format_date, today
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.publications.freeze import is_frozen
from phrom.responses.evidence import find_question
from phrom.responses.models import AnswerChange, ChangeKind, Evidence, Response
from phrom.reviews.models import (
    ClarificationRequest,
    ClarificationStatus,
    Review,
    ReviewStatus,
    Verdict,
    VerdictKind,
)
from phrom.reviews.services import (
    PENDING_CLARIFICATIONS,
    REVIEW_CYCLE_STATUSES,
    ReviewRefused,
    _move,
    _refuse_closed_cycle,
    _require_reviewer_of,
    _review_locked,
    _snapshot,
    refuse_nul,
)

MAX_MESSAGE = 5000
# Requests that still wait for the agency or the reviewer.
PENDING = PENDING_CLARIFICATIONS


def _history(request: ClarificationRequest, event: str, by: Any, question: str = "",
             **values: Any) -> None:
    AnswerChange.objects.create(
        response_id=request.response_id, question=question, kind=ChangeKind.REVIEW_STATUS,
        new_value={"clarification": request.pk, "event": event, **values}, by=by,
    )


def _set_verdict(response: Response, code: str, kind: str, by: Any, comment: str) -> None:
    current = Verdict.objects.select_for_update().filter(response=response, question=code).first()
    if current is not None and current.verdict == kind:
        return
    old = _snapshot(current)
    row = current or Verdict(response=response, question=code)
    row.verdict = kind
    row.comment = comment
    row.version = (current.version if current is not None else 0) + 1
    row.by = by
    row.save()
    AnswerChange.objects.create(
        response=response, question=code, kind=ChangeKind.VERDICT, old_value=old,
        new_value=_snapshot(row), version=row.version, by=by,
    )


def open_for_question(response: Response, question: str, *, on: dt.date | None = None) -> bool:
    """Whether an open request of RESPONSE names QUESTION, its deadline (ON, by default
    today) has not passed, the cycle is closed or in review and the review is not signed
    off: only then may the question get new evidence."""
    day = on or today()
    if response.cycle.status not in REVIEW_CYCLE_STATUSES or is_frozen(response.cycle):
        return False
    if Review.objects.filter(response_id=response.pk, status=ReviewStatus.SIGNED_OFF).exists():
        return False
    return any(
        question in (r.questions or [])
        for r in ClarificationRequest.objects.filter(
            response_id=response.pk, status=ClarificationStatus.OPEN, deadline__gte=day
        )
    )


@transaction.atomic
def clarification_request(
    *,
    response: Response,
    questions: Iterable[str],
    deadline: dt.date,
    message: str,
    by: User,
    unanswered_not_supported: bool = True,
    site_url: str = "",
) -> ClarificationRequest:
    """Ask RESPONSE's agency about QUESTIONS by DEADLINE: their verdicts become "needs
    clarification", the review "awaiting agency", and the coordinators are e-mailed."""
    _require_reviewer_of(response, by)
    _refuse_closed_cycle(response.cycle)
    codes = list(dict.fromkeys(c.strip() for c in questions if c and c.strip()))
    if not codes:
        raise ReviewRefused(_("Name at least one answer (its question code) to clarify."))
    known = {q.code for q in response.cycle.framework.spec().questions}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ReviewRefused(
            _("There is no question %(codes)s in this framework.") % {"codes": ", ".join(unknown)}
        )
    if deadline < today():
        raise ReviewRefused(
            _("The deadline %(date)s is in the past: choose today or a later day.")
            % {"date": format_date(deadline)}
        )
    message = (message or "").strip()
    refuse_nul(message, *codes)
    if not message:
        raise ReviewRefused(_("Write what the agency should clarify."))
    if len(message) > MAX_MESSAGE:
        raise ReviewRefused(
            _("The message is longer than %(max)d characters; shorten it.") % {"max": MAX_MESSAGE}
        )
    review = _review_locked(response)
    if review.status == ReviewStatus.SIGNED_OFF:
        raise ReviewRefused(
            _("This review has been signed off; a lead reviewer must return it before "
              "the agency is asked anything.")
        )
    pending = ClarificationRequest.objects.filter(response=response, status__in=PENDING)
    taken = sorted({c for r in pending for c in r.questions if c in codes})
    if taken:
        raise ReviewRefused(
            _("Answers %(codes)s are already in a clarification request that is not closed; "
              "close it first.") % {"codes": ", ".join(taken)}
        )
    request = ClarificationRequest.objects.create(
        response=response, questions=codes, deadline=deadline, message=message,
        unanswered_not_supported=unanswered_not_supported, asked_by=by,
    )
    for code in codes:
        _set_verdict(response, code, VerdictKind.NEEDS_CLARIFICATION, by, message)
    _history(request, "asked", by, questions=codes, deadline=deadline.isoformat(),
             message=message)
    if review.status != ReviewStatus.AWAITING_AGENCY:
        _move(review, ReviewStatus.AWAITING_AGENCY, by)
    from phrom.notifications.services import notify_clarification

    notify_clarification(request=request, site_url=site_url)
    return request


def _locked(request: ClarificationRequest) -> ClarificationRequest:
    Response.objects.select_for_update(of=("self",), no_key=True).filter(
        pk=request.response_id
    ).first()
    return ClarificationRequest.objects.select_for_update(of=("self",)).select_related(
        "response__cycle__framework", "response__agency"
    ).get(pk=request.pk)


def _require_agency_editor(request: ClarificationRequest, by: User, question: str = "") -> None:
    profile = profile_of(by)
    if not edits_for(profile, request.response.agency_id):
        raise PermissionDenied
    if question:
        found = find_question(request.response, question)
        assert profile is not None
        if found is None or not may_answer(profile, found[1].code):
            raise PermissionDenied


def why_not_answerable(request: ClarificationRequest) -> str | None:
    """Why the agency can no longer answer REQUEST (add evidence, explain, mark it
    answered), in the reader's language; None while it can."""
    if request.status != ClarificationStatus.OPEN:
        return _("This clarification request is “%(status)s”: it can no longer be answered.") % {
            "status": request.get_status_display()
        }
    cycle = request.response.cycle
    try:
        _refuse_closed_cycle(cycle)
    except ReviewRefused as exc:
        return exc.message
    if Review.objects.filter(
        response_id=request.response_id, status=ReviewStatus.SIGNED_OFF
    ).exists():
        return _("The review of this response has been signed off: the clarification request "
                 "can no longer be answered.")
    if request.deadline < today():
        return _("The deadline of this clarification request, %(date)s, has passed.") % {
            "date": format_date(request.deadline)
        }
    return None


def _refuse_not_open(request: ClarificationRequest) -> None:
    why = why_not_answerable(request)
    if why is not None:
        raise ReviewRefused(why)


@transaction.atomic
def clarification_explain(
    *, request: ClarificationRequest, question: str, text: str, by: User
) -> ClarificationRequest:
    """The agency's explanation of one answer named in REQUEST (replacing its earlier
    one; the history keeps both)."""
    request = _locked(request)
    _require_agency_editor(request, by)
    if question not in request.questions:
        raise ReviewRefused(
            _("Question %(code)s is not part of this clarification request; only its own "
              "answers may be explained.") % {"code": question}
        )
    _require_agency_editor(request, by, question)
    _refuse_not_open(request)
    text = (text or "").strip()
    refuse_nul(text)
    if not text:
        raise ReviewRefused(_("Question %(code)s: write the explanation.") % {"code": question})
    if len(text) > MAX_MESSAGE:
        raise ReviewRefused(
            _("The explanation is longer than %(max)d characters; shorten it.")
            % {"max": MAX_MESSAGE}
        )
    old = request.explanations.get(question)
    request.explanations = {**request.explanations, question: text}
    request.save(update_fields=["explanations"])
    AnswerChange.objects.create(
        response_id=request.response_id, question=question, kind=ChangeKind.REVIEW_STATUS,
        old_value={"clarification": request.pk, "explanation": old} if old else None,
        new_value={"clarification": request.pk, "event": "explained", "explanation": text},
        by=by,
    )
    return request


def new_evidence(request: ClarificationRequest) -> dict[str, list[Evidence]]:
    """Evidence added to REQUEST's answers since it was asked, by question."""
    found: dict[str, list[Evidence]] = {code: [] for code in request.questions}
    for evidence in Evidence.objects.filter(
        response_id=request.response_id, question__in=request.questions,
        removed_at__isnull=True, uploaded_at__gte=request.asked_at,
    ).order_by("id"):
        found[evidence.question].append(evidence)
    return found


@transaction.atomic
def clarification_mark_answered(*, request: ClarificationRequest, by: User) -> ClarificationRequest:
    """The agency says it has answered: each named answer needs an explanation or new
    evidence."""
    request = _locked(request)
    _require_agency_editor(request, by)
    _refuse_not_open(request)
    added = new_evidence(request)
    missing = [c for c in request.questions if not request.explanations.get(c) and not added[c]]
    if missing:
        raise ReviewRefused(
            _("Give an explanation or new evidence for %(codes)s before marking the request "
              "answered.") % {"codes": ", ".join(missing)}
        )
    request.status = ClarificationStatus.ANSWERED
    request.answered_by = by
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answered_by", "answered_at"])
    _history(request, "answered", by)
    return request


def _after_close(response: Response, by: Any) -> None:
    review = _review_locked(response)
    still = ClarificationRequest.objects.filter(response=response, status__in=PENDING).exists()
    if review.status == ReviewStatus.AWAITING_AGENCY and not still:
        _move(review, ReviewStatus.IN_PROGRESS, by)


@transaction.atomic
def clarification_close(*, request: ClarificationRequest, by: User) -> ClarificationRequest:
    """The reviewer closes REQUEST once each of its answers has a final verdict."""
    request = _locked(request)
    _require_reviewer_of(request.response, by)
    if request.status not in PENDING:
        raise ReviewRefused(_("This clarification request is already closed."))
    waiting = sorted(
        Verdict.objects.filter(
            response_id=request.response_id, question__in=request.questions,
            verdict=VerdictKind.NEEDS_CLARIFICATION,
        ).values_list("question", flat=True)
    )
    if waiting:
        raise ReviewRefused(
            _("Give the final verdict on %(codes)s before closing the request.")
            % {"codes": ", ".join(waiting)}
        )
    request.status = ClarificationStatus.CLOSED
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    _history(request, "closed", by)
    _after_close(request.response, by)
    return request


def clarifications_expire(*, on: dt.date | None = None) -> int:
    """Requests still open after their deadline (before ON, by default today) that say
    so: their answers become "not supported" and the request "expired". Running it again
    changes nothing. Returns how many requests expired.

    Only a review that may still change: in a cycle closed or in review and not signed
    off. A signed-off review's request past its deadline expires with its verdicts left
    as the lead reviewer signed them off; a published cycle's requests that are not
    closed (from before publication required it) are closed with their verdicts as
    published. Both are recorded in the history. A request in a cycle opened again waits
    until the cycle is back in review."""
    day = on or today()
    count = 0
    due = ClarificationRequest.objects.filter(
        Q(status=ClarificationStatus.OPEN, deadline__lt=day, unanswered_not_supported=True)
        | Q(status__in=PENDING, response__cycle__status=CycleStatus.PUBLISHED)
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            request = _locked(ClarificationRequest(pk=pk))
            if _expire(request, day):
                count += 1
    return count


def _expire(request: ClarificationRequest, day: dt.date) -> bool:
    """Expire or close REQUEST (locked) as ``clarifications_expire`` says; whether it did."""
    if request.status not in PENDING:
        return False
    response = request.response
    cycle = Cycle.objects.get(pk=response.cycle_id)  # as it is now, not as first read
    if is_frozen(cycle):
        request.status = ClarificationStatus.CLOSED
        request.closed_at = timezone.now()
        request.save(update_fields=["status", "closed_at"])
        _history(request, "closed", None, verdicts="unchanged: cycle published")
        return True
    if (request.status != ClarificationStatus.OPEN or request.deadline >= day
            or not request.unanswered_not_supported or cycle.status not in REVIEW_CYCLE_STATUSES):
        return False
    review = _review_locked(response)
    signed_off = review.status == ReviewStatus.SIGNED_OFF
    if not signed_off:
        reason = _("No answer by the deadline of the clarification request.")
        for code in request.questions:
            _set_verdict(response, code, VerdictKind.NOT_SUPPORTED, None, reason)
    request.status = ClarificationStatus.EXPIRED
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    if signed_off:
        _history(request, "expired", None, verdicts="unchanged: review signed off")
    else:
        _history(request, "expired", None)
        _after_close(response, None)
    return True


def pending_for_agency(*, agency_id: int, on: dt.date | None = None) -> list[ClarificationRequest]:
    """The requests AGENCY can still answer: open, within their deadline (ON, by default
    today), in a cycle closed or in review; earliest deadline first."""
    return list(
        ClarificationRequest.objects.filter(
            response__agency_id=agency_id, status=ClarificationStatus.OPEN,
            deadline__gte=on or today(), response__cycle__status__in=REVIEW_CYCLE_STATUSES,
        ).exclude(response__review__status=ReviewStatus.SIGNED_OFF)
        .select_related("response__cycle").order_by("deadline", "id")
    )


def review_of(request: ClarificationRequest) -> Review | None:
    return Review.objects.filter(response_id=request.response_id).first()
