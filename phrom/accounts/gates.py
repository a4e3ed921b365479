"""Who may do what, in one place: the only ways a view reaches a response, an answer's
evidence, its history or an invitation, and the named rules (``may_answer``,
``may_submit``, ``may_reopen``, ``may_invite``, ``reads_every_agency``...) that views,
services and templates ask instead of comparing roles themselves.

Every gate answers 404, not 403, for another agency's objects, so their existence does
not leak. Views never fetch these objects by id themselves.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from phrom.accounts.models import Invitation, Profile, Role
from phrom.agencies.models import Agency
from phrom.frameworks.models import CycleStatus
from phrom.responses.models import Evidence, Response, ResponseStatus

STAFF_ROLES = frozenset({Role.ADMINISTRATOR, Role.LEAD_REVIEWER, Role.REVIEWER, Role.EXECUTIVE})
EDIT_ROLES = frozenset({Role.COORDINATOR, Role.RESPONDENT})
# The cycles' pages: administrators act on them, executives watch them.
CYCLE_MANAGERS = (Role.ADMINISTRATOR,)
CYCLE_WATCHERS = (Role.ADMINISTRATOR, Role.EXECUTIVE)

User = AbstractBaseUser | AnonymousUser
# What ``response_for_viewer(..., lock=True)`` reads: the response's status for the write,
# its cycle's status, deadline and code for the checks, the framework's hash for its
# parsed questions.
LOCKED_FIELDS = (
    "cycle", "agency", "status", "started_at", "submitted_at",
    "cycle__code", "cycle__status", "cycle__deadline", "cycle__framework__sha256",
)


def profile_of(user: User) -> Profile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.profile  # type: ignore[union-attr,no-any-return]
    except Profile.DoesNotExist:
        return None


def require_role(user: User, *roles: str) -> Profile:
    profile = profile_of(user)
    if profile is None or profile.role not in roles:
        raise PermissionDenied
    return profile


def response_for_viewer(user: User, response_id: int, *, lock: bool = False) -> Response:
    """A response the user may read: staff read every one, agency members their own.

    Read with its cycle, framework (without its YAML source: ``framework.spec()`` finds the
    parsed framework by its sha256) and agency. ``lock=True`` (an autosave) also locks the
    response's row (``FOR NO KEY UPDATE``, PostgreSQL; inside the caller's transaction) so
    that a write need not read it again, and reads only ``LOCKED_FIELDS`` (not the agency):
    the columns a write and its checks use (any other costs a query of its own).
    """
    profile = profile_of(user)
    if profile is None:
        raise Http404
    if lock:
        # The response's row only (not its cycle, which every agency's saves read).
        queryset = (
            Response.objects.select_related("cycle__framework")
            .only(*LOCKED_FIELDS)
            .select_for_update(of=("self",), no_key=True)
        )
    else:
        queryset = Response.objects.select_related("cycle__framework", "agency").defer(
            "cycle__framework__source"
        )
    try:
        response = queryset.get(pk=response_id)
    except Response.DoesNotExist:
        raise Http404 from None
    if reads_every_agency(profile) or _member_of(profile, response.agency_id):
        return response
    raise Http404


def response_for_editor(user: User, response_id: int) -> Response:
    """A response the user may change now: their agency's, not submitted, cycle open."""
    response = response_for_viewer(user, response_id)
    profile = profile_of(user)
    assert profile is not None
    if not edits_for(profile, response.agency_id):
        raise PermissionDenied
    if response.status == ResponseStatus.SUBMITTED or response.cycle.status != CycleStatus.OPEN:
        raise PermissionDenied
    return response


# --- rules by role ---------------------------------------------------------------------


def _member_of(profile: Profile | None, agency_id: int | None) -> bool:
    return profile is not None and profile.agency_id is not None and profile.agency_id == agency_id


def reads_every_agency(profile: Profile | None) -> bool:
    """Staff (administrators, reviewers, executives) read every agency's responses and the
    results of cycles not yet published; agency members read their own agency's."""
    return profile is not None and profile.role in STAFF_ROLES


def edits_for(profile: Profile | None, agency_id: int | None) -> bool:
    """The agency's coordinators and respondents change its responses (while they are open:
    ``response_for_editor``)."""
    return profile is not None and profile.role in EDIT_ROLES and _member_of(profile, agency_id)


def may_answer(profile: Profile, dimension_code: str) -> bool:
    """Respondents may be limited to some dimensions; coordinators answer all."""
    if profile.role == Role.COORDINATOR:
        return True
    if profile.role == Role.RESPONDENT:
        return not profile.dimensions or dimension_code in profile.dimensions
    return False


def may_answer_for(profile: Profile | None, agency_id: int, dimension_code: str) -> bool:
    """``may_answer``, for a member of the agency whose response it is."""
    return (
        profile is not None
        and edits_for(profile, agency_id)
        and may_answer(profile, dimension_code)
    )


def may_submit(profile: Profile | None, response: Response) -> bool:
    """Only the agency's coordinator submits its response (when it is complete and the
    cycle open: the service checks those)."""
    return (
        profile is not None
        and profile.role == Role.COORDINATOR
        and _member_of(profile, response.agency_id)
    )


def may_manage_cycles(profile: Profile | None) -> bool:
    """Administrators open, close and publish cycles and set their deadlines."""
    return profile is not None and profile.role in CYCLE_MANAGERS


def may_watch_cycles(profile: Profile | None) -> bool:
    """Administrators and executives see the cycles and their progress."""
    return profile is not None and profile.role in CYCLE_WATCHERS


def may_see_dashboard(profile: Profile | None) -> bool:
    """Administrators and executives see the national dashboard: every agency's figures
    side by side, and the response and review progress of every cycle."""
    return profile is not None and profile.role in CYCLE_WATCHERS


def may_reopen(profile: Profile | None) -> bool:
    """Administrators send a submitted response back to its agency."""
    return may_manage_cycles(profile)


def may_extend_deadline(profile: Profile | None) -> bool:
    """Administrators move a cycle's deadline and extend one agency's."""
    return may_manage_cycles(profile)


def may_remind(profile: Profile | None) -> bool:
    """Administrators remind the agencies that have not submitted."""
    return may_manage_cycles(profile)


def may_export_cycle_data(profile: Profile | None) -> bool:
    """Administrators export a cycle's results, answers, evidence lists and reviews as
    workbooks, and every scorecard of a cycle as one archive (phrom.exports)."""
    return profile is not None and profile.role == Role.ADMINISTRATOR


def manages_every_agency(profile: Profile | None) -> bool:
    """Administrators invite and see the people of any agency; coordinators only theirs."""
    return profile is not None and profile.role == Role.ADMINISTRATOR


def evidence_for_viewer(user: User, evidence_id: int) -> Evidence:
    try:
        evidence = Evidence.objects.select_related("response").get(pk=evidence_id)
    except Evidence.DoesNotExist:
        raise Http404 from None
    response_for_viewer(user, evidence.response_id)
    return evidence


# --- reviews (issue 13) -----------------------------------------------------------------


def may_assign_reviewers(profile: Profile | None) -> bool:
    """Administrators assign reviewers to responses and see every reviewer's load."""
    return profile is not None and profile.role == Role.ADMINISTRATOR


def may_see_all_reviews(profile: Profile | None) -> bool:
    """Lead reviewers and administrators see every response's review; reviewers only
    those assigned to them."""
    return profile is not None and profile.role in (Role.ADMINISTRATOR, Role.LEAD_REVIEWER)


def may_use_review_queue(profile: Profile | None) -> bool:
    """Reviewers, lead reviewers and administrators have a review queue."""
    return profile is not None and profile.role in (
        Role.ADMINISTRATOR, Role.LEAD_REVIEWER, Role.REVIEWER
    )


def reviews_as(profile: Profile | None, *, assigned: bool) -> str | None:
    """The role in which PROFILE reviews a response (ASSIGNED: they are assigned to it):
    administrators and lead reviewers any, reviewers only those assigned to them."""
    if profile is None:
        return None
    if profile.role in (Role.ADMINISTRATOR, Role.LEAD_REVIEWER):
        return str(profile.role)
    if profile.role == Role.REVIEWER and assigned:
        return str(profile.role)
    return None


def may_review_response(profile: Profile | None, response: Response, *, assigned: bool) -> bool:
    """Gives verdicts and moves the review status: ``reviews_as``, and never a member of
    the response's agency (or of its ministry)."""
    if reviews_as(profile, assigned=assigned) is None:
        return False
    assert profile is not None
    if profile.agency_id is None:
        return True
    return profile.agency_id not in (response.agency_id, response.agency.ministry_id)


def may_plan_audit_sample(profile: Profile | None) -> bool:
    """Administrators and lead reviewers plan a cycle's audit sample (a second review of
    award candidates, near misses and a random share); only administrators assign it."""
    return may_see_all_reviews(profile)


def may_be_assigned_reviews(profile: Profile | None) -> bool:
    """Reviewers and lead reviewers are assigned responses to review."""
    return profile is not None and profile.role in (Role.REVIEWER, Role.LEAD_REVIEWER)


def may_publish_unsigned(profile: Profile | None) -> bool:
    """Administrators may publish a cycle before every response is signed off, giving
    the reason."""
    return profile is not None and profile.role == Role.ADMINISTRATOR


def sees_review_history(profile: Profile | None, response: Response) -> bool:
    """Staff see reviewers' actions in a response's history; the agency's own people
    once the cycle is published."""
    return reads_every_agency(profile) or response.cycle.status == CycleStatus.PUBLISHED


def verified_scores_for_viewer(user: User, response_id: int) -> Response:
    """A response whose claimed and verified scores the user may see: reviewers, lead
    reviewers and administrators as for its review (``review_for_reviewer``), the
    agency's own people once the cycle is published; 404 for everyone else."""
    profile = profile_of(user)
    if may_use_review_queue(profile):
        return review_for_reviewer(user, response_id)
    response = response_for_viewer(user, response_id)
    if not _member_of(profile, response.agency_id):
        raise Http404
    if response.cycle.status != CycleStatus.PUBLISHED:
        raise Http404
    return response


def evidence_for_reviewer(user: User, evidence_id: int) -> Evidence:
    """Evidence (not removed) of a response whose review the user may see
    (``review_for_reviewer``); 404 otherwise."""
    evidence = Evidence.objects.filter(pk=evidence_id, removed_at__isnull=True).first()
    if evidence is None:
        raise Http404
    review_for_reviewer(user, evidence.response_id)
    return evidence


def may_sign_off(profile: Profile | None) -> bool:
    """Lead reviewers (and administrators) sign a complete review off."""
    return may_see_all_reviews(profile)


def review_for_reviewer(user: User, response_id: int) -> Response:
    """A response whose review the user may see: any for lead reviewers and
    administrators, those assigned to them for reviewers; 404 for everyone else."""
    from phrom.reviews.models import ReviewAssignment

    profile = profile_of(user)
    if not may_use_review_queue(profile):
        raise Http404
    try:
        response = Response.objects.select_related(
            "cycle__framework", "agency", "cycle__previous"
        ).defer("cycle__framework__source").get(pk=response_id)
    except Response.DoesNotExist:
        raise Http404 from None
    if may_see_all_reviews(profile):
        return response
    if ReviewAssignment.objects.filter(response=response, reviewer_id=user.pk).exists():
        return response
    raise Http404


# --- people and invitations ---------------------------------------------------------------

# Offered in this order on the invitation page: the usual case first.
ADMINISTRATOR_INVITES = (
    Role.COORDINATOR, Role.RESPONDENT, Role.ADMINISTRATOR, Role.LEAD_REVIEWER, Role.REVIEWER,
    Role.EXECUTIVE,
)
COORDINATOR_INVITES = (Role.RESPONDENT, Role.COORDINATOR)


def invitable_roles(profile: Profile | None) -> tuple[str, ...]:
    """Administrators invite any role; coordinators their agency's colleagues only."""
    if profile is None:
        return ()
    if profile.role == Role.ADMINISTRATOR:
        return ADMINISTRATOR_INVITES
    if profile.role == Role.COORDINATOR and profile.agency_id is not None:
        return COORDINATOR_INVITES
    return ()


def may_invite(profile: Profile | None, role: str, agency: Agency | None) -> bool:
    if profile is None or role not in invitable_roles(profile):
        return False
    if profile.role == Role.COORDINATOR:
        return agency is not None and agency.pk == profile.agency_id
    return True


def _administrator_or_coordinator_of(profile: Profile | None, agency_id: int | None) -> bool:
    if manages_every_agency(profile):
        return True
    return profile is not None and profile.role == Role.COORDINATOR and _member_of(profile, agency_id)


def may_see_people_of(profile: Profile | None, agency: Agency | None) -> bool:
    """Names and e-mails (personal data): administrators, and the agency's coordinators."""
    return _administrator_or_coordinator_of(profile, agency.pk if agency is not None else None)


def may_manage_invitation(profile: Profile | None, invitation: Invitation) -> bool:
    """Administrators, any; a coordinator, those they sent to their own agency."""
    if profile is not None and profile.role == Role.COORDINATOR:
        if invitation.invited_by_id != profile.user_id:
            return False
    return _administrator_or_coordinator_of(profile, invitation.agency_id)


def invitation_for_manager(user: User, invitation_id: int) -> Invitation:
    """An invitation the user may revoke: any for administrators, their agency's for
    coordinators (404 for another agency's); everyone else is refused."""
    profile = require_role(user, Role.ADMINISTRATOR, Role.COORDINATOR)
    try:
        invitation = Invitation.objects.select_related("agency").get(pk=invitation_id)
    except Invitation.DoesNotExist:
        raise Http404 from None
    if not may_manage_invitation(profile, invitation):
        raise Http404
    return invitation


# --- award decisions (issue 14) ----------------------------------------------------------


def may_decide_awards(profile: Profile | None) -> bool:
    """Administrators confirm a published cycle's awards, by name (a recorded decision)."""
    return may_manage_cycles(profile)


def may_preview_awards(profile: Profile | None) -> bool:
    """Administrators try other award rules on a cycle's figures (what-if); nothing is
    stored."""
    return may_manage_cycles(profile)
