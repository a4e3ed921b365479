"""The codes that name agencies and cycles in web addresses, files and commands.

One rule for both, the one that agency imports and the framework checker already applied
to their codes: ASCII letters, digits, ``-``, ``_`` and ``.``, starting with a letter or a
digit. A code outside it (a space, a ``/``, Thai letters) would make pages that link to the
agency or the cycle fail. A cycle's code may not be digits alone either: ``phrom score
2564`` reads it as a Buddhist Era year.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
CODE_RULE = "letters A-Z and a-z, digits, '-', '_' and '.', starting with a letter or a digit"
CODE_HELP = _(
    "Letters A-Z and a-z, digits, “-”, “_” and “.”, starting with a letter or a digit: the "
    "code is part of web addresses."
)


def code_problem(code: str) -> str | None:
    """Why CODE cannot name an agency (in English, for the command line), or None."""
    if not code:
        return "empty; give a code"
    if not CODE_RE.fullmatch(code):
        return f"{code!r} may hold only {CODE_RULE}"
    return None


def cycle_code_problem(code: str) -> str | None:
    """Why CODE cannot name a cycle (in English, for the command line), or None."""
    problem = code_problem(code)
    if problem is None and code.isdigit():
        return (
            f"{code!r} is only digits, which phrom reads as a Buddhist Era year "
            f"(phrom score {code}); add letters, e.g. 'th-{code}'"
        )
    return problem


def validate_code(value: str) -> None:
    """The model's check of an agency's or a cycle's code (the admin's forms use it)."""
    if not CODE_RE.fullmatch(value or ""):
        raise ValidationError(
            _(
                "“%(code)s” cannot be a code: use only letters A-Z and a-z, digits, “-”, “_” "
                "and “.”, starting with a letter or a digit (the code is part of web "
                "addresses)."
            ),
            code="invalid_code",
            params={"code": value},
        )


def validate_cycle_code(value: str) -> None:
    """A cycle's code: a code (``validate_code``) that is not digits alone."""
    validate_code(value)
    if value.isdigit():
        raise ValidationError(
            _(
                "“%(code)s” cannot be a cycle code: digits alone read as a Buddhist Era year; "
                "add letters, such as “th-%(code)s”."
            ),
            code="digits_only",
            params={"code": value},
        )
