"""Writes of reviews: assigning reviewers, verdicts, review status, sign-off, and the
check that keeps a cycle from being published before its responses are signed off.

Every write is one function with keyword-only arguments in one transaction that appends
to the response's history (``AnswerChange``), the same history the agency's own changes
go into.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phrom.accounts.gates import (
    User,
    may_assign_reviewers,
    may_be_assigned_reviews,
    may_publish_unsigned,
    may_review_response,
    profile_of,
    reviews_as,
)
from phrom.accounts.models import Role
from phrom.agencies.models import Agency
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.publications.freeze import frozen_message, is_frozen
from phrom.responses.models import Answer, AnswerChange, ChangeKind, Response, ResponseStatus
from phrom.reviews.models import (
    ClarificationRequest,
    ClarificationStatus,
    PublishOverride,
    Review,
    ReviewAssignment,
    ReviewStatus,
    Verdict,
    VerdictKind,
)
from phrom.reviews.values import ValueRefused, read_verified_value
from scoring.answers import NOT_APPLICABLE

# Cycles whose responses may be reviewed: answers no longer change.
REVIEW_CYCLE_STATUSES = frozenset({CycleStatus.CLOSED, CycleStatus.IN_REVIEW})
# The longest comment, reason or note a reviewer writes.
TEXT_MAX = 5000
# Clarification requests that still wait for the agency or the reviewer.
PENDING_CLARIFICATIONS = (ClarificationStatus.OPEN, ClarificationStatus.ANSWERED)
# PostgreSQL stores no NUL character in text or JSON; pasted text sometimes has one. The
# words of the answers' own refusal (phrom.responses.services), so that both read alike.
NUL_MESSAGE = gettext_lazy(
    "The answer holds an invisible control character (NUL), often left by copying "
    "and pasting. Type the text again and save."
)

# Each role's allowed moves, (from, to). Administrators may make any move.
REVIEWER_MOVES = frozenset({
    (ReviewStatus.NOT_STARTED, ReviewStatus.IN_PROGRESS),
    (ReviewStatus.IN_PROGRESS, ReviewStatus.AWAITING_AGENCY),
    (ReviewStatus.AWAITING_AGENCY, ReviewStatus.IN_PROGRESS),
    (ReviewStatus.IN_PROGRESS, ReviewStatus.COMPLETE),
    (ReviewStatus.COMPLETE, ReviewStatus.IN_PROGRESS),
})
LEAD_MOVES = REVIEWER_MOVES | {
    (ReviewStatus.COMPLETE, ReviewStatus.SIGNED_OFF),
    (ReviewStatus.SIGNED_OFF, ReviewStatus.IN_PROGRESS),
}


class ReviewRefused(Exception):
    """A review action that cannot be accepted; ``message`` says why, in the reader's
    language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class VerdictConflict(ReviewRefused):
    """Someone saved this verdict since the version the page holds."""

    def __init__(self, message: str, current: Verdict) -> None:
        super().__init__(message)
        self.current = current


class PublishBlocked(ReviewRefused):
    """A cycle with responses not signed off, published without a recorded reason."""


def _status_label(status: str) -> str:
    return str(dict(ReviewStatus.choices).get(status, status))


def _refuse_closed_cycle(cycle: Cycle) -> None:
    if is_frozen(cycle):  # verdicts decide verified values: frozen with the figures
        raise ReviewRefused(frozen_message(cycle))
    if cycle.status not in REVIEW_CYCLE_STATUSES:
        raise ReviewRefused(
            _("Cycle %(code)s is “%(status)s”: responses are reviewed only when a cycle is "
              "closed or in review.")
            % {"code": cycle.code, "status": cycle.get_status_display()}
        )


def refuse_nul(*texts: Any) -> None:
    """Refuse, before anything is written, text that holds a NUL character."""
    if any(isinstance(t, str) and "\x00" in t for t in texts):
        raise ReviewRefused(str(NUL_MESSAGE))


def _belongs_to(user: Any, agency: Agency) -> bool:
    profile = profile_of(user)
    if profile is None or profile.agency_id is None:
        return False
    return profile.agency_id in (agency.pk, agency.ministry_id)


# --- assignment ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignResult:
    created: list[ReviewAssignment]
    already: int
    # Agencies the reviewer belongs to (code), left unassigned.
    own_agency: list[str]
    # Agencies named that have no submitted response in the cycle (code), left unassigned.
    not_submitted: list[str] = field(default_factory=list)
    # Submitted responses the scope matched.
    matched: int = 0


@transaction.atomic
def reviewers_assign(
    *,
    cycle: Cycle,
    reviewer: Any,
    by: User,
    agencies: Iterable[Agency] | None = None,
    ministry: Agency | None = None,
    group: str = "",
) -> AssignResult:
    """Assign REVIEWER to the submitted responses of CYCLE: those of AGENCIES, of the
    departments of MINISTRY, or of peer group GROUP (exactly one must be given).

    Responses REVIEWER already reviews are counted in ``already``; responses of the
    reviewer's own agency (or ministry) are never assigned and are listed in
    ``own_agency``; AGENCIES without a submitted response in CYCLE in ``not_submitted``.
    """
    if not may_assign_reviewers(profile_of(by)):
        raise PermissionDenied
    _refuse_closed_cycle(cycle)
    reviewer_profile = profile_of(reviewer)
    if not may_be_assigned_reviews(reviewer_profile):
        raise ReviewRefused(
            _("%(name)s is not a reviewer or lead reviewer.")
            % {"name": getattr(reviewer, "username", "?")}
        )
    given = sum((agencies is not None, ministry is not None, bool(group)))
    if given == 0:
        raise ReviewRefused(_("Choose agencies, a ministry or a peer group to assign."))
    if given > 1:
        raise ReviewRefused(
            _("Choose only one of these: agency codes, a ministry or a peer group. Nothing "
              "was assigned.")
        )
    refuse_nul(group)
    responses = Response.objects.filter(
        cycle=cycle, status=ResponseStatus.SUBMITTED
    ).select_related("agency")
    if agencies is not None:
        agencies = list(agencies)
        responses = responses.filter(agency__in=[a.pk for a in agencies])
    elif ministry is not None:
        responses = responses.filter(agency__ministry=ministry)
    else:
        responses = responses.filter(agency__group=group)
    existing = set(
        ReviewAssignment.objects.filter(reviewer=reviewer, response__cycle=cycle)
        .values_list("response_id", flat=True)
    )
    created: list[ReviewAssignment] = []
    own: list[str] = []
    already = 0
    found = list(responses.order_by("agency__code"))
    submitted = {r.agency.code for r in found}
    not_submitted = sorted(
        a.code for a in (agencies or []) if a.code not in submitted
    )
    for response in found:
        if response.pk in existing:
            already += 1
            continue
        if _belongs_to(reviewer, response.agency):
            own.append(response.agency.code)
            continue
        created.append(
            ReviewAssignment.objects.create(response=response, reviewer=reviewer, assigned_by=by)
        )
        AnswerChange.objects.create(
            response=response, kind=ChangeKind.REVIEWER_ASSIGNED,
            new_value={"reviewer": reviewer.get_username()}, by=by,
        )
    return AssignResult(created=created, already=already, own_agency=own,
                        not_submitted=not_submitted, matched=len(found))


@transaction.atomic
def reviewer_unassign(*, assignment: ReviewAssignment, by: User) -> None:
    """Take a reviewer off a response (their verdicts stay)."""
    if not may_assign_reviewers(profile_of(by)):
        raise PermissionDenied
    AnswerChange.objects.create(
        response_id=assignment.response_id, kind=ChangeKind.REVIEWER_ASSIGNED,
        old_value={"reviewer": assignment.reviewer.get_username()}, by=by,
    )
    assignment.delete()


# --- verdicts ---------------------------------------------------------------------------------


def _snapshot(verdict: Verdict | None) -> dict[str, Any] | None:
    if verdict is None:
        return None
    return {
        "verdict": verdict.verdict,
        "comment": verdict.comment,
        "verified_value": verdict.verified_value if verdict.has_verified_value else None,
        "verified_not_applicable": verdict.verified_not_applicable,
        "has_verified_value": verdict.has_verified_value,
    }


def _require_reviewer_of(response: Response, by: User) -> None:
    if not may_review_response(profile_of(by), response, assigned=_assigned(response, by)):
        raise PermissionDenied


def _assigned(response: Response, user: User) -> bool:
    return ReviewAssignment.objects.filter(response=response, reviewer_id=user.pk).exists()


def _review_locked(response: Response) -> Review:
    review, _created = Review.objects.select_for_update().get_or_create(response=response)
    return review


@transaction.atomic
def verdict_save(
    *,
    response: Response,
    question: str,
    verdict: str,
    by: User,
    base_version: int,
    comment: str = "",
    verified_value: Any = None,
    verified_not_applicable: bool = False,
    set_verified_value: bool = False,
    reason: str = "",
) -> Verdict:
    """Save the verdict on one answer of RESPONSE.

    With SET_VERIFIED_VALUE, VERIFIED_VALUE (or VERIFIED_NOT_APPLICABLE) is the value the
    evidence supports; a REASON is required when it differs from the claim. BASE_VERSION
    is the verdict's version the page holds: an older one raises ``VerdictConflict``.
    """
    _require_reviewer_of(response, by)
    _refuse_closed_cycle(response.cycle)
    spec = response.cycle.framework.spec()
    spec_question = next((q for q in spec.questions if q.code == question), None)
    if spec_question is None:
        raise ReviewRefused(
            _("There is no question %(code)s in this framework.") % {"code": question}
        )
    if verdict not in VerdictKind.values:
        raise ReviewRefused(
            _("“%(verdict)s” is not a verdict; choose verified, partly verified, not "
              "supported or needs clarification.") % {"verdict": verdict}
        )
    comment = comment.strip()
    reason = reason.strip()
    refuse_nul(comment, reason, verified_value if set_verified_value else "")
    for text in (comment, reason):
        if len(text) > TEXT_MAX:
            raise ReviewRefused(
                _("Question %(code)s: the comment and the reason are at most %(max)d "
                  "characters each; this one has %(count)d. Shorten it.")
                % {"code": question, "max": TEXT_MAX, "count": len(text)}
            )
    review = _review_locked(response)
    if review.status == ReviewStatus.SIGNED_OFF:
        raise ReviewRefused(
            _("This review has been signed off; a lead reviewer must return it before a "
              "verdict changes.")
        )
    checked: Any = None
    if set_verified_value and not verified_not_applicable:
        if verified_value is None or verified_value == "":
            raise ReviewRefused(
                _("Question %(code)s: give the verified value, or leave the claim as it is.")
                % {"code": question}
            )
        try:
            checked = read_verified_value(spec_question, verified_value)
        except ValueRefused as exc:
            raise ReviewRefused(exc.message) from None
        if checked is NOT_APPLICABLE:
            verified_not_applicable = True
            checked = None
    if set_verified_value and verified_not_applicable and not spec_question.allow_na:
        raise ReviewRefused(
            _("Question %(code)s cannot be “not applicable”.") % {"code": question}
        )
    if set_verified_value:
        claim = Answer.objects.filter(response=response, question=question).first()
        claimed_na = bool(claim and claim.not_applicable)
        claimed_value = claim.value if claim and not claim.not_applicable else None
        differs = (claimed_na != verified_not_applicable) or (
            not verified_not_applicable and _normal(claimed_value) != _normal(checked)
        )
        if differs and not reason:
            raise ReviewRefused(
                _("Question %(code)s: the verified value differs from the agency’s answer; "
                  "give the reason.") % {"code": question}
            )
    current = Verdict.objects.select_for_update().filter(
        response=response, question=question
    ).first()
    current_version = current.version if current is not None else 0
    if base_version != current_version:
        message = _(
            "Someone saved the verdict on %(code)s since you opened the page: the saved "
            "verdict is at version %(theirs)s, your page had version %(yours)s. Theirs is "
            "shown now: check it, and save yours again if it should replace theirs."
        ) % {"code": question, "theirs": current_version, "yours": base_version}
        raise VerdictConflict(message, current)  # type: ignore[arg-type]
    old = _snapshot(current)
    row = current or Verdict(response=response, question=question)
    row.verdict = verdict
    row.comment = comment
    row.has_verified_value = set_verified_value
    row.verified_value = checked if set_verified_value and not verified_not_applicable else None
    row.verified_not_applicable = bool(set_verified_value and verified_not_applicable)
    row.reason = reason if set_verified_value else ""
    row.version = current_version + 1
    row.by = by  # type: ignore[assignment]
    row.full_clean()
    row.save()
    AnswerChange.objects.create(
        response=response, question=question, kind=ChangeKind.VERDICT,
        old_value=old, new_value=_snapshot(row), version=row.version, reason=row.reason, by=by,
    )
    if review.status == ReviewStatus.NOT_STARTED:
        _move(review, ReviewStatus.IN_PROGRESS, by)
    elif review.status == ReviewStatus.COMPLETE and verdict == VerdictKind.NEEDS_CLARIFICATION:
        # "Complete" means ready for sign-off: an answer that needs clarification takes the
        # review back to work, visibly and in the history, rather than leaving it complete.
        _move(review, ReviewStatus.IN_PROGRESS, by,
              _("%(code)s needs clarification") % {"code": question})
    return row


def _normal(value: Any) -> Any:
    # Lists of options compare without order; numbers as floats (1 == 1.0).
    if isinstance(value, list | tuple):
        return sorted(str(v) for v in value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return value


# --- status -----------------------------------------------------------------------------------


def _move(review: Review, status: str, by: User, reason: str = "") -> None:
    old = review.status
    review.status = status
    review.changed_by = by  # type: ignore[assignment]
    if status == ReviewStatus.SIGNED_OFF:
        review.signed_off_at = timezone.now()
        review.signed_off_by = by  # type: ignore[assignment]
    elif old == ReviewStatus.SIGNED_OFF:
        review.signed_off_at = None
        review.signed_off_by = None
    review.save()
    kind = ChangeKind.SIGNED_OFF if status == ReviewStatus.SIGNED_OFF else ChangeKind.REVIEW_STATUS
    AnswerChange.objects.create(
        response_id=review.response_id, kind=kind,
        old_value={"status": old}, new_value={"status": status}, reason=reason, by=by,
    )


def allowed_moves(profile: Any, *, assigned: bool) -> frozenset[tuple[str, str]] | None:
    """The (from, to) moves PROFILE may make; None means any (administrators)."""
    role = reviews_as(profile, assigned=assigned)
    if role == Role.ADMINISTRATOR:
        return None
    if role == Role.LEAD_REVIEWER:
        return LEAD_MOVES
    if role == Role.REVIEWER:
        return REVIEWER_MOVES
    return frozenset()


def next_statuses(*, response: Response, user: User, current: str) -> list[str]:
    """The statuses USER may move RESPONSE's review to from CURRENT."""
    moves = allowed_moves(profile_of(user), assigned=_assigned(response, user))
    if moves is None:
        return [s for s in ReviewStatus.values if s != current]
    return [to for (frm, to) in sorted(moves) if frm == current]


@transaction.atomic
def review_set_status(*, response: Response, status: str, by: User, reason: str = "") -> Review:
    """Move RESPONSE's review to STATUS, if BY's role allows that move from the current
    status (reviewers start, ask the agency and complete; lead reviewers also sign off and
    return; administrators make any move). Anything else raises ``ReviewRefused``."""
    _require_reviewer_of(response, by)
    _refuse_closed_cycle(response.cycle)
    if status not in ReviewStatus.values:
        raise ReviewRefused(_("“%(status)s” is not a review status.") % {"status": status})
    reason = reason.strip()
    refuse_nul(reason)
    if len(reason) > TEXT_MAX:
        raise ReviewRefused(
            _("The note is at most %(max)d characters; this one has %(count)d. Shorten it.")
            % {"max": TEXT_MAX, "count": len(reason)}
        )
    review = _review_locked(response)
    if review.status == status:
        raise ReviewRefused(
            _("The review is already “%(status)s”.") % {"status": _status_label(status)}
        )
    moves = allowed_moves(profile_of(by), assigned=_assigned(response, by))
    if moves is not None and (review.status, status) not in moves:
        allowed = [to for (frm, to) in sorted(moves) if frm == review.status]
        params = {
            "current": _status_label(review.status),
            "wanted": _status_label(status),
            "allowed": ", ".join(f"“{_status_label(s)}”" for s in allowed) or "—",
        }
        raise ReviewRefused(
            _("The review is “%(current)s”; your role cannot make it “%(wanted)s”. From "
              "here you may choose: %(allowed)s.") % params
        )
    if status in (ReviewStatus.COMPLETE, ReviewStatus.SIGNED_OFF):
        # for administrators too: they make any move, but none past these rules
        _refuse_open_questions(response, status)
    _move(review, status, by, reason)
    return review


def review_sign_off(*, response: Response, by: User) -> Review:
    """A lead reviewer (or administrator) signs off a complete review."""
    return review_set_status(response=response, status=ReviewStatus.SIGNED_OFF, by=by)


def _refuse_open_questions(response: Response, status: str) -> None:
    """Refuse to make RESPONSE's review complete or signed off (STATUS) while a verdict
    needs clarification or a clarification request is not closed: the agency could still
    answer it, or its expiry change a verdict."""
    pending = sorted(
        {code for request in ClarificationRequest.objects.filter(
            response=response, status__in=PENDING_CLARIFICATIONS
        ) for code in request.questions}
    )
    if pending:
        message = (
            _("A clarification request about %(codes)s is not closed yet. Close it, once its "
              "answers have their final verdicts, before completing the review.")
            if status == ReviewStatus.COMPLETE else
            _("A clarification request about %(codes)s is not closed yet. Close it, once its "
              "answers have their final verdicts, before signing off the review.")
        )
        raise ReviewRefused(message % {"codes": ", ".join(pending)})
    waiting = list(
        Verdict.objects.filter(
            response=response, verdict=VerdictKind.NEEDS_CLARIFICATION
        ).values_list("question", flat=True)
    )
    if waiting:
        message = (
            _("Questions still need clarification: %(codes)s. Give their final verdict "
              "before completing the review.")
            if status == ReviewStatus.COMPLETE else
            _("Questions still need clarification: %(codes)s. Give their final verdict "
              "before signing off the review.")
        )
        raise ReviewRefused(message % {"codes": ", ".join(sorted(waiting))})


# --- publication --------------------------------------------------------------------------------


def unsigned_responses(*, cycle: Cycle) -> int:
    """How many submitted responses of CYCLE are not signed off."""
    return (
        Response.objects.filter(cycle=cycle, status=ResponseStatus.SUBMITTED)
        .exclude(review__status=ReviewStatus.SIGNED_OFF)
        .count()
    )


def pending_clarifications(*, cycle: Cycle) -> list[ClarificationRequest]:
    """CYCLE's clarification requests that are not closed (open or answered), with their
    agencies, by agency."""
    return list(
        ClarificationRequest.objects.filter(
            response__cycle=cycle, status__in=PENDING_CLARIFICATIONS
        ).select_related("response__agency").order_by("response__agency__code", "id")
    )


def cycle_publish_check(*, cycle: Cycle, by: User, override_reason: str = "") -> None:
    """Refuse to publish CYCLE while a clarification request is not closed (publication
    freezes the verdicts the request may still change; no reason overrides this), and
    while submitted responses are not signed off, unless an administrator gives
    OVERRIDE_REASON, which is recorded (``PublishOverride``).

    Called by ``cycle_set_status`` inside its transaction.
    """
    reason = override_reason.strip()
    if "\x00" in reason:
        raise PublishBlocked(str(NUL_MESSAGE))
    pending = pending_clarifications(cycle=cycle)
    if pending:
        agencies = sorted({r.response.agency.code for r in pending})
        shown = ", ".join(agencies[:20]) + (" …" if len(agencies) > 20 else "")
        raise PublishBlocked(
            _("Cycle %(code)s cannot be published: %(count)s clarification requests are not "
              "closed (%(agencies)s). Their reviewers close them once the answers have their "
              "final verdicts; publication would freeze those answers unresolved.")
            % {"code": cycle.code, "count": len(pending), "agencies": shown}
        )
    if not Response.objects.filter(cycle=cycle, status=ResponseStatus.SUBMITTED).exists():
        raise PublishBlocked(
            _("Cycle %(code)s cannot be published: no response was submitted, so there are "
              "no results to publish.") % {"code": cycle.code}
        )
    unsigned = unsigned_responses(cycle=cycle)
    if unsigned == 0:
        return
    profile = profile_of(by)
    if not reason or not may_publish_unsigned(profile):
        raise PublishBlocked(
            _("Cycle %(code)s cannot be published: %(count)s submitted responses are not "
              "signed off by a lead reviewer. An administrator may publish anyway by giving "
              "the reason.") % {"code": cycle.code, "count": unsigned}
        )
    PublishOverride.objects.create(cycle=cycle, reason=reason, unsigned=unsigned, by=by)

