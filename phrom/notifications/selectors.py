"""Reads for notices: who in an agency receives them, and what they say."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from phrom.accounts.models import Role

# The agency's people who answer: reminders and reopening notices go to them.
AGENCY_PEOPLE = (Role.COORDINATOR, Role.RESPONDENT)
COORDINATORS = (Role.COORDINATOR,)


def agency_addresses(*, agency_id: int, roles: Iterable[str]) -> list[str]:
    """The e-mail addresses of the agency's active people with one of ROLES, sorted.

    Only the agency's own people: a notice about a response never reaches another
    agency or staff.
    """
    addresses = (
        get_user_model()
        .objects.filter(
            is_active=True,
            profile__agency_id=agency_id,
            profile__role__in=list(roles),
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted(set(addresses))
