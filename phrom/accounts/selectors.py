"""Reads about people: invitations, colleagues, open-cycle dimensions."""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from phrom.accounts.models import Invitation, Profile
from phrom.agencies.models import Agency
from phrom.core.thai import thai_sort_key
from phrom.frameworks.models import Cycle, CycleStatus


def token_hash(token: str) -> str:
    """Only this digest of an invitation token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("agency", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


def pending_invitations(*, agency: Agency | None) -> QuerySet[Invitation]:
    """Invitations still usable; of one agency, or of every agency when None."""
    queryset = Invitation.objects.select_related("agency", "invited_by").filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    if agency is not None:
        queryset = queryset.filter(agency=agency)
    return queryset.order_by("-created_at")


def colleagues_of(*, agency: Agency) -> list[Profile]:
    """The people of an agency, sorted by name in Thai dictionary order."""
    people = list(
        Profile.objects.select_related("user", "agency").filter(
            agency=agency, user__is_active=True
        )
    )
    people.sort(key=lambda p: thai_sort_key(p.user.get_full_name() or p.user.username))
    return people


def open_cycle() -> Cycle | None:
    """The current open cycle (the latest, should several be open)."""
    return (
        Cycle.objects.select_related("framework")
        .filter(status=CycleStatus.OPEN)
        .order_by("-year_be", "code")
        .first()
    )


def open_cycle_dimensions(*, language: str) -> list[tuple[str, str]]:
    """(code, name) of the open cycle's dimensions; empty when no cycle is open."""
    cycle = open_cycle()
    if cycle is None:
        return []
    return [(d.code, d.name.get(language)) for d in cycle.framework.spec().dimensions]


def stored_username(typed: str) -> str:
    """The stored spelling of a username typed in any case (usernames are e-mails)."""
    typed = typed.strip()
    matches = list(
        get_user_model()
        .objects.filter(username__iexact=typed)
        .values_list("username", flat=True)[:2]
    )
    return matches[0] if len(matches) == 1 else typed

