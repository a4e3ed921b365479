"""Filters for the server log (``LOGGING`` in settings)."""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Log an expected refusal (4xx) of ``django.request`` in one line, without a traceback.

    Django logs a 403 from PermissionDenied (and a 400 from BadRequest or an unreadable
    body) with the exception's traceback, so that every refused request (a respondent
    opening the invitation page, a stale link) looked like a crash and hid the real ones.
    The line ("Forbidden (Permission denied): /accounts/invite/") keeps the path, and the
    record its status; records of 500s keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
