"""Sign-in throttling on django-axes: who counts as whom, and when signing in is paused.

django-axes keeps the failures in its ``AccessAttempt`` table (shared by every app server
through the database) and guards every call of ``authenticate``, the Django admin's sign-in
included. Two things it does not do are added here:

- a limit of its own for each kind of count (one account from one address, one account
  from every address, one address over every account), so that one address can pause
  neither an account for others nor, with made-up names, every account;
- each attempt is counted before its password is checked, and refused if it goes past a
  limit once counted, so that attempts sent at the same moment get no extra guesses.
  A successful sign-in then forgets the count of that account from that address.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
import unicodedata
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import (
    get_client_parameters,
    get_client_username,
    get_cool_off,
    get_credentials,
)
from axes.models import AccessAttempt
from django.conf import settings
from django.db import IntegrityError, router, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import ngettext

USERNAME_KEY_LENGTH = 255  # AccessAttempt.username's max_length


def username_key(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The name failures are counted under: look-alike spellings of one name count as one.

    Unicode compatibility forms (full-width letters, ligatures) and case are folded, so
    that ``ＡＤＭＩＮ@…`` and ``Admin@…`` are the same account for the count.
    """
    if credentials:
        raw = credentials.get("username")
    else:
        raw = request.POST.get("username") if request is not None else None
    if raw is None:
        return None
    folded = unicodedata.normalize("NFKC", str(raw)).casefold()
    return unicodedata.normalize("NFKC", folded).strip()[:USERNAME_KEY_LENGTH]


def client_address(request: HttpRequest) -> str | None:
    """The address a request came from.

    REMOTE_ADDR, unless PHROM_BEHIND_PROXY says a reverse proxy stands in front: then the
    last address of X-Forwarded-For, the one that proxy added (the earlier ones are
    whatever the client sent, and a guesser could pick a fresh one each time).
    """
    if settings.PHROM_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if _is_address(last):
            return last
    remote = request.META.get("REMOTE_ADDR", "")
    return remote if _is_address(remote) else None


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def paused_message(until: dt.datetime) -> str:
    """The translated refusal, saying when to try again."""
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return ngettext(
        "Too many failed attempts to log in. For your safety, logging in is paused until "
        "%(time)s (in about %(minutes)d minute). You can also reset your password.",
        "Too many failed attempts to log in. For your safety, logging in is paused until "
        "%(time)s (in about %(minutes)d minutes). You can also reset your password.",
        minutes,
    ) % {"time": time_format(timezone.localtime(until), "H:i"), "minutes": minutes}


class LoginThrottle(AxesDatabaseHandler):
    """Axes's database handler with a limit per kind of count, counting before checking."""

    def limits(self) -> list[int]:
        """The limit of each entry of AXES_LOCKOUT_PARAMETERS, in the same order."""
        return list(settings.PHROM_LOGIN_FAILURE_LIMITS)

    def paused_until(
        self, request: Any, credentials: dict[str, Any] | None = None, *, counted: bool = False
    ) -> dt.datetime | None:
        """When signing in with these credentials from this address is allowed again, or
        None if it is now.

        ``counted``: the present attempt is already among the failures, so a count may
        reach its limit (and not go past it) and the attempt still be allowed.
        """
        cool_off = get_cool_off(request)
        assert cool_off is not None, "AXES_COOLOFF_TIME is set in the settings"
        since = request.axes_attempt_time - cool_off
        username = get_client_username(request, credentials)
        groups = get_client_parameters(
            username, request.axes_ip_address, request.axes_user_agent, request, credentials
        )
        until: dt.datetime | None = None
        for filters, limit in zip(groups, self.limits(), strict=True):
            rows = list(
                AccessAttempt.objects.filter(**filters, attempt_time__gte=since)
                .order_by("attempt_time")
                .values_list("attempt_time", "failures_since_start")
            )
            total = sum(failures for _at, failures in rows)
            if total < limit + (1 if counted else 0):
                continue
            # Paused until enough of the oldest failures have left the window that the
            # count is below its limit again.
            for at, failures in rows:
                total -= failures
                if total < limit:
                    ends = at + cool_off
                    until = ends if until is None else max(until, ends)
                    break
        return until

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        return self.paused_until(request, credentials) is not None

    def count_attempt(self, request: Any, credentials: dict[str, Any] | None) -> None:
        """Count this attempt as a failure, committed at once so that every app server
        sees it before it is checked."""
        self.clean_expired_user_attempts(request, credentials)
        key = {
            "username": get_client_username(request, credentials),
            "ip_address": request.axes_ip_address,
            "user_agent": request.axes_user_agent,
        }
        with transaction.atomic(using=router.db_for_write(AccessAttempt)):
            if self._add_failure(request, key):
                return
            try:
                with transaction.atomic(using=router.db_for_write(AccessAttempt)):
                    AccessAttempt.objects.create(
                        **key,
                        get_data="",
                        post_data="",
                        http_accept=request.axes_http_accept,
                        path_info=request.axes_path_info,
                        failures_since_start=1,
                    )
            except IntegrityError:  # made by an attempt at the same moment
                self._add_failure(request, key)

    @staticmethod
    def _add_failure(request: Any, key: dict[str, Any]) -> int:
        # One UPDATE, not a read and a write: simultaneous attempts each add theirs.
        return AccessAttempt.objects.filter(**key).update(
            failures_since_start=F("failures_since_start") + 1,
            attempt_time=request.axes_attempt_time,
            path_info=request.axes_path_info,
        )

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        """Nothing to record: the attempt was counted before its password was checked,
        and a refused attempt is not counted (it would lengthen the pause)."""

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        super().user_logged_in(sender, request, user, **kwargs)
        # The account's failures from other addresses stay: they may be someone else's.
        AccessAttempt.objects.filter(
            username=username_key(request, {"username": user.get_username()}),
            ip_address=request.axes_ip_address,
        ).delete()

    def forget_account(self, *, username: str) -> int:
        """Forget every failure of an account (its owner has proved who they are)."""
        deleted, _by_model = AccessAttempt.objects.filter(
            username=username_key(None, {"username": username})
        ).delete()
        return deleted


class ThrottleBackend(AxesStandaloneBackend):
    """First of AUTHENTICATION_BACKENDS: counts the attempt, or refuses it when paused.

    It never signs anyone in; the next back-end checks the password.
    """

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None or not settings.AXES_ENABLED:
            return None  # not a sign-in from the web (a script checking a password)
        credentials = get_credentials(username=username, **kwargs)
        AxesProxyHandler.update_request(request)
        throttle = AxesProxyHandler.get_implementation()
        assert isinstance(throttle, LoginThrottle), "AXES_HANDLER is LoginThrottle"
        until = throttle.paused_until(request, credentials)
        if until is None:
            throttle.count_attempt(request, credentials)
            until = throttle.paused_until(request, credentials, counted=True)
        if until is not None:
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            request.phrom_paused_until = until  # type: ignore[attr-defined]
            raise AxesBackendPermissionDenied("signing in is paused")
        return None


def forget_failures(*, username: str) -> int:
    """Lift any pause on an account (after its owner reset the password)."""
    throttle = AxesProxyHandler.get_implementation()
    assert isinstance(throttle, LoginThrottle), "AXES_HANDLER is LoginThrottle"
    return throttle.forget_account(username=username)
