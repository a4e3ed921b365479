"""Work done by the task worker (``django-tasks``) rather than in the request."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django_tasks import task


@task()
def send_password_reset_mail(*, email: str, domain: str, use_https: bool, language: str) -> None:
    """E-mail a reset link to the account of ``email``; nothing when it has none.

    Done here, not in the request, so that the request does the same work and takes the
    same time whether or not the address has an account.
    """
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name="accounts/password_reset_subject.txt",
            email_template_name="accounts/password_reset_email.txt",
        )
