"""Authentication: Django's model backend, with the user's profile read in the same query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

LEGACY_BACKEND = "django.contrib.auth.backends.ModelBackend"


class ProfileBackend(ModelBackend):
    """``ModelBackend`` whose ``get_user`` joins the profile: ``request.user.profile``,
    which nearly every view reads (``gates.profile_of``), costs no query of its own.

    Meant to be listed first in ``settings.AUTHENTICATION_BACKENDS``, with Django's
    ``ModelBackend`` second so that sessions signed in before it (they name
    ``ModelBackend``) stay valid; a failed sign-in then stops here rather than checking
    the password twice. NOT REGISTERED YET: with two backends, ``login(request, user)``
    needs ``backend=`` (phrom/accounts/views.py, the invitation) and
    bench/bench_autosave.py writes sessions naming ``ModelBackend``; listing it alone
    would sign everyone out and break those sessions.
    """

    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("profile").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        given = username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)
        if user is None and given is not None and password is not None:
            # The next backend would be ModelBackend (for old sessions only): the same
            # check again, a second password hash. PermissionDenied ends the search; Django
            # then reports the failure (user_login_failed) as it would have.
            raise PermissionDenied
        return user
