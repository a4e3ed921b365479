"""Logging in and out, invitations, colleagues and password reset."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from phrom.accounts.forms import (
    AgencyLookupForm,
    InvitationAcceptForm,
    InvitationForm,
    LoginForm,
    add_service_errors,
)
from phrom.accounts.gates import (
    invitation_for_manager,
    manages_every_agency,
    may_manage_invitation,
    may_see_people_of,
    require_role,
)
from phrom.accounts.models import Invitation, Profile, Role
from phrom.accounts.selectors import (
    colleagues_of,
    invitation_by_token,
    open_cycle_dimensions,
    pending_invitations,
)
from phrom.accounts.services import (
    INVITATION_LIFETIME,
    invitation_accept,
    invitation_create,
    invitation_revoke,
    password_reset_request,
)
from phrom.accounts.throttle import client_address, forget_failures, paused_message


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def paused(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """The sign-in page saying until when signing in is paused (429), for the site's own
    sign-in and the Django admin's alike (django-axes calls it: AXES_LOCKOUT_CALLABLE)."""
    until = getattr(request, "phrom_paused_until", None) or (
        timezone.now() + settings.AXES_COOLOFF_TIME
    )
    typed = (credentials or {}).get("username") or ""
    form = LoginForm(request, initial={"username": typed})
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": request.POST.get("next", ""),
            "paused_message": paused_message(until),
        },
        status=429,
    )


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("accounts:login")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have logged out."))
        return response


# --- invitations --------------------------------------------------------------------------


@login_required
@sensitive_post_parameters()
def invite(request: HttpRequest) -> HttpResponse:
    """Administrators invite anyone; coordinators invite colleagues of their agency."""
    profile = require_role(request.user, Role.ADMINISTRATOR, Role.COORDINATOR)
    dimension_choices = open_cycle_dimensions(language=get_language() or "th")
    form = InvitationForm(
        request.POST or None, inviter=profile, dimension_choices=dimension_choices
    )
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = data.get("agency") if manages_every_agency(profile) else profile.agency
        try:
            invitation, url = invitation_create(
                by=request.user,  # type: ignore[arg-type]
                email=data["email"],
                role=data["role"],
                agency=agency,
                dimensions=data.get("dimensions") or [],
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            created = {"invitation": invitation, "url": url}
            form = InvitationForm(inviter=profile, dimension_choices=dimension_choices)
    own_agency = None if manages_every_agency(profile) else profile.agency
    pending = list(pending_invitations(agency=own_agency)[:100])
    return render(
        request,
        "accounts/invite.html",
        {
            "form": form,
            "created": created,
            "profile": profile,
            "own_agency": own_agency,
            "pending": pending,
            "revocable": _revocable(profile, pending),
            "days": INVITATION_LIFETIME.days,
            "language": get_language() or "th",
            "dimension_labels": dict(dimension_choices),
        },
    )


@require_POST
@login_required
def revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = invitation_for_manager(request.user, invitation_id)
    try:
        invitation_revoke(invitation=invitation, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The invitation for %(email)s is withdrawn; its link no longer works.")
            % {"email": invitation.email},
        )
    target = request.POST.get("next", "")
    # A path of this site only: redirect() would read any other text as a view's name.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("accounts:colleagues")
    return HttpResponseRedirect(target)


@never_cache
@sensitive_post_parameters()
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee sets a name and password; the account is created and logged in."""
    found = invitation_by_token(token)
    if found is None or not found.is_pending:
        return _unusable(request, "unknown" if found is None else found.status)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                token=token,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) in ("unknown", "expired", "accepted", "revoked"):
                return _unusable(request, exc.code)
            add_service_errors(form, exc)
        else:
            login(request, user, backend="phrom.accounts.backends.ProfileBackend")
            messages.success(
                request,
                _("Welcome, %(name)s: your account is ready and you are logged in.")
                % {"name": user.get_full_name()},
            )
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "accounts/invitation.html",
        {
            "form": form,
            "invitation": found,
            "language": get_language() or "th",
            "dimension_labels": dict(open_cycle_dimensions(language=get_language() or "th")),
        },
    )


def _unusable(request: HttpRequest, status: str) -> HttpResponse:
    return render(
        request,
        "accounts/invitation_unusable.html",
        {"status": status},
        status=404 if status == "unknown" else 410,
    )


# --- colleagues ---------------------------------------------------------------------------


@login_required
def colleagues(request: HttpRequest) -> HttpResponse:
    """The people and pending invitations of one agency (personal data: see the gates).

    Coordinators see their own agency; administrators choose one.
    """
    profile = require_role(request.user, Role.ADMINISTRATOR, Role.COORDINATOR)
    lookup = None
    if not manages_every_agency(profile):
        agency = profile.agency
    else:
        lookup = AgencyLookupForm(request.GET if "agency" in request.GET else None)
        agency = lookup.cleaned_data["agency"] if lookup.is_valid() else None
    if agency is not None and not may_see_people_of(profile, agency):
        raise PermissionDenied
    pending = list(pending_invitations(agency=agency)) if agency else []
    return render(
        request,
        "accounts/colleagues.html",
        {
            "profile": profile,
            "agency": agency,
            "lookup": lookup,
            "people": colleagues_of(agency=agency) if agency else [],
            "pending": pending,
            "revocable": _revocable(profile, pending),
            "language": get_language() or "th",
            "dimension_labels": dict(open_cycle_dimensions(language=get_language() or "th")),
        },
    )


def _revocable(profile: Profile, pending: list[Invitation]) -> set[int]:
    """Ids of the invitations the person may withdraw (a coordinator, their own only)."""
    return {item.pk for item in pending if may_manage_invitation(profile, item)}


# --- password reset -----------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer, in the same time, whether or not the address has an account."""

    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        password_reset_request(
            email=form.cleaned_data["email"],
            ip=client_address(self.request),
            domain=self.request.get_host(),
            use_https=self.request.is_secure(),
            language=get_language() or "th",
        )
        return redirect(self.success_url)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@method_decorator(never_cache, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        # Whoever reads the mailbox is the owner: lift any pause on logging in.
        forget_failures(username=self.user.get_username())
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
