"""Authentication: Django's model back-end, with the user's profile read in the same query."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import DEFAULT_DB_ALIAS, connection

from phrom.core import db


@cache
def _user_sql() -> tuple[str, list[str], list[str], tuple[tuple[int, Any, list[Any]], ...]]:
    """The user and the profile in one row (PostgreSQL), the user's and the profile's field
    names in its order, and the converters of the columns that have some (as the ORM applies
    them: JSON decoded)."""
    from phrom.accounts.models import Profile

    user_model = get_user_model()
    qn = connection.ops.quote_name
    fields = [(f, "u") for f in user_model._meta.concrete_fields]
    fields += [(f, "p") for f in Profile._meta.concrete_fields]
    converters = []
    for at, (field, alias) in enumerate(fields):
        column = field.get_col(alias)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((at, column, found))
    pk = qn(user_model._meta.pk.column)
    sql = (
        f"SELECT {', '.join(f'{alias}.{qn(f.column)}' for f, alias in fields)}"
        f" FROM {qn(user_model._meta.db_table)} u LEFT JOIN {qn(Profile._meta.db_table)} p"
        f" ON p.{qn(Profile._meta.get_field('user').column)} = u.{pk}"
        f" WHERE u.{pk} = %(id)s::bigint"
    )
    user_names = [f.attname for f, alias in fields if alias == "u"]
    profile_names = [f.attname for f, alias in fields if alias == "p"]
    return sql, user_names, profile_names, tuple(converters)


class ProfileBackend(ModelBackend):
    """``ModelBackend`` whose ``get_user`` joins the profile.

    Nearly every view reads ``request.user.profile`` (``gates.profile_of``); loading it with
    the user saves one query on every request, autosave included. On PostgreSQL the read is
    one prepared statement (``phrom.core.db``): through the ORM, building the query cost
    more Python than the rest of a small request.
    """

    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        if connection.vendor == "postgresql" and isinstance(user_id, int):
            user = self._user_with_profile(user_id)
        else:
            try:
                user = user_model._default_manager.select_related("profile").get(pk=user_id)
            except user_model.DoesNotExist:
                return None
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None

    @staticmethod
    def _user_with_profile(user_id: int) -> Any:
        from phrom.accounts.models import Profile

        sql, user_names, profile_names, converters = _user_sql()
        found = db.fetch_one(sql, {"id": user_id})
        if found is None:
            return None
        row = list(found)
        for at, column, functions in converters:
            for convert in functions:
                row[at] = convert(row[at], column, connection)
        split = len(user_names)
        user = get_user_model().from_db(DEFAULT_DB_ALIAS, user_names, row[:split])
        profile = None
        if row[split] is not None:  # the profile's primary key: a profile was joined
            profile = Profile.from_db(DEFAULT_DB_ALIAS, profile_names, row[split:])
            profile._state.fields_cache["user"] = user
        user._state.fields_cache["profile"] = profile
        return user
