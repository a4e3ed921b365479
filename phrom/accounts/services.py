"""Writes about people: invitations, accounts, password-reset requests and display preferences.

Each function runs in one transaction and validates with ``full_clean`` before saving.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable
from smtplib import SMTPException

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from phrom.accounts.gates import (
    manages_every_agency,
    may_invite,
    may_manage_invitation,
    profile_of,
)
from phrom.accounts.models import Invitation, PasswordResetRequest, Profile, Role
from phrom.accounts.selectors import invitation_by_token, open_cycle_dimensions, token_hash
from phrom.accounts.tasks import send_password_reset_mail
from phrom.agencies.models import Agency
from phrom.core.context_processors import TEXT_SIZES

logger = logging.getLogger(__name__)

INVITATION_LIFETIME = dt.timedelta(days=14)
USERNAME_MAX_LENGTH = 150
# Password-reset e-mails: at most this many requests within RESET_WINDOW per address
# asked for, and per address asking (the same page answers either way).
RESET_WINDOW = dt.timedelta(hours=1)
RESETS_PER_EMAIL = 3
RESETS_PER_IP = 10


def normalise_email(email: str) -> str:
    return email.strip().lower()


# --- invitations --------------------------------------------------------------------------


def invitation_create(
    *,
    by: AbstractUser,
    email: str,
    role: str,
    agency: Agency | None,
    dimensions: Iterable[str] = (),
    base_url: str = "",
) -> tuple[Invitation, str]:
    """Invite ``email`` to join with ``role`` (and ``agency``); e-mail them the link.

    Returns the invitation and its link (``base_url`` + path), which the inviter also
    sees, so an invitation works without e-mail. Only the newest invitation of an
    address is usable: the new one replaces (revokes) the address's pending invitations
    that the inviter may withdraw (``may_manage_invitation``: a coordinator's own, any for
    an administrator). If the address has a pending invitation that the inviter may not
    withdraw (another agency's, an administrator's, a fellow coordinator's), nothing is
    changed and a ValidationError on ``email`` (code ``pending_elsewhere``) says whom to ask.

    An address that already has an account is invited all the same, so that the inviter
    is not told who has an account; its owner is e-mailed that they can sign in instead.
    """
    inviter = profile_of(by)
    if not may_invite(inviter, role, agency):
        raise PermissionDenied
    email = normalise_email(email)
    dimensions = sorted(set(dimensions))
    _check_invitation(email=email, role=role, agency=agency, dimensions=dimensions)

    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        # Locked, so that a withdrawal or acceptance meanwhile cannot slip between the
        # check and the replacement.
        pending = list(
            # of=("self",): PostgreSQL locks no row on the nullable side of the join
            Invitation.objects.select_for_update(of=("self",))
            .select_related("invited_by")
            .filter(
                email__iexact=email,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=now,
            )
            .order_by("pk")
        )
        others = [old for old in pending if not may_manage_invitation(inviter, old)]
        if others:
            raise ValidationError(
                {"email": [_pending_elsewhere(inviter, others[0])]}, code="pending_elsewhere"
            )
        Invitation.objects.filter(pk__in=[old.pk for old in pending]).update(
            revoked_at=now, revoked_by=by
        )
        invitation = Invitation(
            email=email,
            role=role,
            agency=agency if role in (Role.COORDINATOR, Role.RESPONDENT) else None,
            dimensions=dimensions,
            token_hash=token_hash(token),
            invited_by=by,
            expires_at=now + INVITATION_LIFETIME,
        )
        invitation.full_clean()
        invitation.save()
    url = base_url + reverse("accounts:invitation", args=[token])
    if get_user_model().objects.filter(username__iexact=email).exists():
        _send_mail(
            invitation=invitation, url=base_url + reverse("accounts:login"), by=by,
            template="accounts/invitation_existing_email.txt",
        )
    else:
        _send_mail(
            invitation=invitation, url=url, by=by, template="accounts/invitation_email.txt"
        )
    return invitation, url


def _pending_elsewhere(inviter: Profile | None, other: Invitation) -> ValidationError:
    """Why the address cannot be invited now, and whom to ask; neither the other agency
    nor the other inviter is named, except a colleague whom the inviter's own list shows."""
    sender = profile_of(other.invited_by) if other.invited_by is not None else None
    if other.invited_by is None or manages_every_agency(sender):
        message = _(
            "This address already has a pending invitation from the survey administrators. "
            "Ask them to withdraw it if you should invite this person instead."
        )
    elif inviter is not None and other.agency_id == inviter.agency_id:
        message = _(
            "This address already has a pending invitation from another coordinator of "
            "your agency (see the pending invitations below). Ask them to withdraw it first."
        )
    else:
        message = _(
            "This address already has a pending invitation from another agency. If this "
            "person works at your agency, ask the survey administrators to withdraw that "
            "invitation."
        )
    return ValidationError(message, code="pending_elsewhere")


def _check_invitation(
    *, email: str, role: str, agency: Agency | None, dimensions: list[str]
) -> None:
    errors: dict[str, list[str]] = {}
    if len(email) > USERNAME_MAX_LENGTH:
        errors.setdefault("email", []).append(
            _("E-mail addresses longer than 150 characters cannot be used to log in.")
        )
    if role in (Role.COORDINATOR, Role.RESPONDENT) and agency is None:
        errors.setdefault("agency", []).append(
            _("Coordinators and respondents belong to an agency: choose one.")
        )
    if role not in (Role.COORDINATOR, Role.RESPONDENT) and agency is not None:
        errors.setdefault("agency", []).append(
            _("Only coordinators and respondents belong to an agency.")
        )
    if dimensions and role != Role.RESPONDENT:
        errors.setdefault("dimensions", []).append(
            _("Only respondents can be limited to some dimensions.")
        )
    known = {code for code, _name in open_cycle_dimensions(language="en")}
    unknown = [code for code in dimensions if code not in known]
    if unknown:
        errors.setdefault("dimensions", []).append(
            _("Not a dimension of the open cycle: %(codes)s") % {"codes": ", ".join(unknown)}
        )
    if errors:
        raise ValidationError(errors)


def _send_mail(*, invitation: Invitation, url: str, by: AbstractUser, template: str) -> None:
    """Send the invitation (or the notice to someone who has an account); a mail failure
    is logged, as the inviter sees the link anyway.

    In Thai, whatever language the inviter works in: the person invited has chosen none yet.
    """
    context = {
        "invitation": invitation,
        "url": url,
        "inviter": by.get_full_name() or by.get_username(),
        "agency_name": invitation.agency.name("th") if invitation.agency else "",
        "days": INVITATION_LIFETIME.days,
    }
    with translation.override("th"):
        subject = render_to_string("accounts/invitation_subject.txt", context).strip()
        body = render_to_string(template, context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except (SMTPException, OSError):
        logger.exception("could not send the invitation e-mail for invitation %s", invitation.pk)


def invitation_accept(*, token: str, name: str, password: str) -> AbstractUser:
    """Create the invited person's account and profile; the invitation is then used up.

    Raises ValidationError with code ``unknown``, ``expired``, ``accepted`` or
    ``revoked`` when the link cannot be used, or with field errors (``name``,
    ``password``) for the form.
    """
    invitation = invitation_by_token(token)
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid."), code="unknown")
    _check_usable(invitation)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": [_("Please give your name.")]})
    first_name, _space, last_name = name.partition(" ")
    User = get_user_model()
    user = User(
        username=invitation.email,
        email=invitation.email,
        first_name=first_name[:150],
        last_name=last_name[:150],
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from None
    user.set_password(password)

    now = timezone.now()
    with transaction.atomic():
        # The conditional update makes the link usable once, even with two app servers
        # accepting the same link at the same moment.
        claimed = Invitation.objects.filter(
            pk=invitation.pk,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        ).update(accepted_at=now)
        if not claimed:
            invitation.refresh_from_db()
            _check_usable(invitation)
            raise ValidationError(_("This invitation has already been used."), code="accepted")
        if User.objects.filter(username__iexact=invitation.email).exists():
            raise ValidationError(
                _("Someone with this e-mail already has an account. Log in instead."),
                code="accepted",
            )
        user.full_clean()
        user.save()
        profile = Profile(
            user=user,
            role=invitation.role,
            agency=invitation.agency,
            dimensions=invitation.dimensions if invitation.role == Role.RESPONDENT else [],
        )
        profile.full_clean()
        profile.save()
        Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
    return user


def _check_usable(invitation: Invitation) -> None:
    status = invitation.status
    if status == "accepted":
        raise ValidationError(_("This invitation has already been used."), code="accepted")
    if status == "revoked":
        raise ValidationError(_("This invitation has been withdrawn."), code="revoked")
    if status == "expired":
        raise ValidationError(_("This invitation has expired."), code="expired")


def invitation_revoke(*, invitation: Invitation, by: AbstractUser) -> Invitation:
    """Withdraw a pending invitation so that its link no longer works."""
    if not may_manage_invitation(profile_of(by), invitation):
        raise PermissionDenied  # (coordinators withdraw only the invitations they sent)
    with transaction.atomic():
        revoked = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now(), revoked_by=by)
        invitation.refresh_from_db()
        if not revoked:
            raise ValidationError(_("This invitation is no longer pending."), code="not_pending")
    return invitation


# --- accounts -----------------------------------------------------------------------------


def account_ensure(
    *,
    email: str,
    name: str,
    password: str,
    role: str,
    agency: Agency | None = None,
    dimensions: Iterable[str] = (),
    superuser: bool = False,
) -> tuple[AbstractUser, bool]:
    """Create or bring up to date an account with a profile (demo and set-up scripts).

    Returns the user and whether it was created.
    """
    email = normalise_email(email)
    first_name, _space, last_name = " ".join(name.split()).partition(" ")
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.filter(username=email).first()
        created = user is None
        if user is None:
            user = User(username=email)
        user.email = email
        user.first_name = first_name
        user.last_name = last_name
        user.is_active = True
        user.is_staff = superuser
        user.is_superuser = superuser
        if created or not user.check_password(password):
            user.set_password(password)
        user.full_clean()
        user.save()
        profile = Profile.objects.filter(user=user).first() or Profile(user=user)
        profile.role = role
        profile.agency = agency
        profile.dimensions = sorted(set(dimensions))
        profile.full_clean()
        profile.save()
    return user, created


def profile_set_text_size(*, profile: Profile, size: str) -> Profile:
    """Remember the person's text size, so it follows them to any browser."""
    if size not in TEXT_SIZES:
        raise ValidationError({"text_size": [_("Unknown text size.")]})
    with transaction.atomic():
        profile.text_size = size
        profile.full_clean()
        profile.save(update_fields=["text_size"])
    return profile


# --- password reset -----------------------------------------------------------------------


def password_reset_request(
    *, email: str, ip: str | None, domain: str, use_https: bool, language: str
) -> bool:
    """Have the task worker e-mail a reset link to the account of ``email``, if any.

    The same work whether or not an account has that address, so that neither the answer
    nor its time tells. Returns False (and sends nothing) past the limits per address.
    """
    email = normalise_email(email)[:254]
    now = timezone.now()
    with transaction.atomic():
        PasswordResetRequest.objects.filter(at__lt=now - RESET_WINDOW).delete()
        PasswordResetRequest.objects.create(email=email, ip=ip)
    # Counted after the commit, own row included: requests sent at the same moment each
    # see the others' rows, and none gets past a limit.
    recent = PasswordResetRequest.objects.filter(at__gte=now - RESET_WINDOW)
    if recent.filter(email=email).count() > RESETS_PER_EMAIL or (
        ip and recent.filter(ip=ip).count() > RESETS_PER_IP
    ):
        logger.warning("password-reset requests over the limit (address %s)", ip)
        return False
    send_password_reset_mail.enqueue(
        email=email, domain=domain, use_https=use_https, language=language
    )
    return True
