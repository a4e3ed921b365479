"""Django's database sessions, read with one prepared statement on PostgreSQL.

Every signed-in request reads its session; through the ORM that read costs more Python than
the rest of a small request (bench/autosave/profile_save.py). Writing, expiry and clearing
are Django's, unchanged: same table, same rows, same cookie.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db as db_sessions
from django.db import connection
from django.utils import timezone

from phrom.core import db

_READ_SQL = (
    "SELECT session_data, expire_date FROM django_session"
    " WHERE session_key = %(key)s::text AND expire_date > %(now)s::timestamptz"
)


class SessionStore(db_sessions.SessionStore):
    def _get_session_from_db(self) -> Any:
        if connection.vendor != "postgresql" or self.model._meta.db_table != "django_session":
            return super()._get_session_from_db()
        key = self.session_key
        row = db.fetch_one(_READ_SQL, {"key": key, "now": timezone.now()}) if key else None
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=key, session_data=row[0], expire_date=row[1])
