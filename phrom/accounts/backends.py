"""Authentication: Django's model back-end, with the user's profile read in the same query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ProfileBackend(ModelBackend):
    """``ModelBackend`` whose ``get_user`` joins the profile.

    Nearly every view reads ``request.user.profile`` (``gates.profile_of``); loading it with
    the user saves one query on every request, autosave included. A user without a profile
    has it cached as missing, so asking for it costs no further query either.
    """

    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("profile").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
