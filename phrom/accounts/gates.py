"""The only ways a view reaches a response, an answer's evidence or its history.

Every gate answers 404, not 403, for another agency's objects, so their existence does
not leak. Views never fetch these objects by id themselves.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from phrom.accounts.models import Profile, Role
from phrom.frameworks.models import CycleStatus
from phrom.responses.models import Evidence, Response, ResponseStatus

STAFF_ROLES = frozenset({Role.ADMINISTRATOR, Role.LEAD_REVIEWER, Role.REVIEWER, Role.EXECUTIVE})
EDIT_ROLES = frozenset({Role.COORDINATOR, Role.RESPONDENT})

User = AbstractBaseUser | AnonymousUser


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


def response_for_viewer(user: User, response_id: int) -> Response:
    """A response the user may read: staff read every one, agency members their own."""
    profile = profile_of(user)
    if profile is None:
        raise Http404
    try:
        response = Response.objects.select_related("cycle__framework", "agency").get(
            pk=response_id
        )
    except Response.DoesNotExist:
        raise Http404 from None
    if profile.role in STAFF_ROLES:
        return response
    if profile.agency_id is not None and profile.agency_id == response.agency_id:
        return response
    raise Http404


def response_for_editor(user: User, response_id: int) -> Response:
    """A response the user may change now: their agency's, not submitted, cycle open."""
    response = response_for_viewer(user, response_id)
    profile = profile_of(user)
    assert profile is not None
    if profile.role not in EDIT_ROLES:
        raise PermissionDenied
    if response.status == ResponseStatus.SUBMITTED or response.cycle.status != CycleStatus.OPEN:
        raise PermissionDenied
    return response


def may_answer(profile: Profile, dimension_code: str) -> bool:
    """Respondents may be limited to some dimensions; coordinators answer all."""
    if profile.role == Role.COORDINATOR:
        return True
    if profile.role == Role.RESPONDENT:
        return not profile.dimensions or dimension_code in profile.dimensions
    return False


def evidence_for_viewer(user: User, evidence_id: int) -> Evidence:
    try:
        evidence = Evidence.objects.select_related("response").get(pk=evidence_id)
    except Evidence.DoesNotExist:
        raise Http404 from None
    response_for_viewer(user, evidence.response_id)
    return evidence
