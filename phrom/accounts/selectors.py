"""Reads about people: invitations, colleagues, log-in throttling, open-cycle dimensions."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from phrom.accounts.models import FailedLogin, Invitation, Profile
from phrom.agencies.models import Agency
from phrom.core.thai import thai_sort_key
from phrom.frameworks.models import Cycle, CycleStatus

# Throttling: this many failures within THROTTLE_WINDOW pause logging in.
THROTTLE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_IP = 20


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


def agencies_with_people() -> QuerySet[Agency]:
    return Agency.objects.filter(people__isnull=False).distinct().order_by("code")


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


def login_blocked_until(
    *, username: str, ip: str | None, now: dt.datetime | None = None
) -> dt.datetime | None:
    """When logging in as ``username`` from ``ip`` is allowed again, or None if it is now.

    Failures are counted in the database, so the pause holds across every app server.
    The pause ends when the oldest failure that makes up the limit leaves the window.
    """
    now = now or timezone.now()
    since = now - THROTTLE_WINDOW
    until: dt.datetime | None = None
    by_name = list(
        FailedLogin.objects.filter(username=username.strip().lower(), at__gt=since)
        .order_by("-at")
        .values_list("at", flat=True)[:MAX_FAILURES_PER_USERNAME]
    )
    if len(by_name) >= MAX_FAILURES_PER_USERNAME:
        until = by_name[-1] + THROTTLE_WINDOW
    if ip:
        by_ip = list(
            FailedLogin.objects.filter(ip=ip, at__gt=since)
            .order_by("-at")
            .values_list("at", flat=True)[:MAX_FAILURES_PER_IP]
        )
        if len(by_ip) >= MAX_FAILURES_PER_IP:
            ip_until = by_ip[-1] + THROTTLE_WINDOW
            until = ip_until if until is None else max(until, ip_until)
    return until
