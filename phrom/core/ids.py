"""Whole numbers from addresses and forms: ASCII digits within the column's range, or nothing.

``str.isdigit`` is true for "²" (which ``int`` refuses) and ``int`` reads Thai, Arabic-Indic
and full-width digits; an id or a version is neither. A value beyond the column's range would
reach the database, where PostgreSQL refuses it and SQLite does not: it is refused here.
"""

from __future__ import annotations

BIGINT_MAX = 2**63 - 1  # ids (BigAutoField)
INTEGER_MAX = 2**31 - 1  # PositiveIntegerField (versions)


def parse_whole(text: str, *, maximum: int = BIGINT_MAX) -> int | None:
    """TEXT as a whole number from 0 to MAXIMUM written in ASCII digits, else None."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    value = int(text)
    return value if value <= maximum else None


class IdConverter:
    """``<id:name>`` in a URL pattern: a 64-bit id, else the address is not found (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        parsed = parse_whole(value)
        if parsed is None:
            raise ValueError(value)  # Django then tries the next pattern, and answers 404
        return parsed

    def to_url(self, value: int | str) -> str:
        return str(value)
