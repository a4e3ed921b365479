"""Reading one answer from a posted form (the autosave request or a plain form post).

Field names: ``value`` (repeated for multiple choice), ``none_chosen`` (multiple choice,
"none of these"), ``not_applicable``, ``explanation`` and ``base_version``, the version of
the answer the page showed.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phrom.core.ids import INTEGER_MAX, parse_whole
from phrom.responses.models import ResponseStatus
from phrom.responses.services import AnswerInvalid
from scoring.model import Question, QuestionType

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
# Digits with an optional exponent, as an <input type="number"> accepts them (1e2, 1.5E-3).
_PLAIN = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
# A float keeps any number of at most 15 significant digits exactly as typed; more may
# come back changed (12345678901234567 reads back as 12345678901234568).
SIGNIFICANT_DIGITS_MAX = 15
TRUE_WORDS = frozenset({"on", "1", "true", "yes"})


@dataclass(frozen=True)
class AnswerInput:
    value: Any
    not_applicable: bool
    explanation: str
    base_version: int


def parse_number(raw: str, *, percentage: bool = False) -> float | None:
    """A number as people write it (Thai digits, 1,234.5, 12 %, 1e-5 as a number input
    takes it); None when empty. Refused with a message when a float would not keep it as
    typed: too large, too close to zero, more than 15 significant digits."""
    text = _SPACES.sub("", raw.translate(_THAI_DIGITS))
    if percentage and text.endswith("%"):
        text = text[:-1]
    if not text:
        return None
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if not _PLAIN.match(text):
        raise AnswerInvalid(_("Write a number, using digits, for example 1234.5."))
    exact = Decimal(text)
    number = float(exact)  # inf when too large, 0.0 when too close to zero
    if not math.isfinite(number):
        raise AnswerInvalid(_("This number is too large; write a smaller one."))
    if not exact.is_zero() and abs(number) < sys.float_info.min:
        raise AnswerInvalid(_("This number is too close to zero to be kept; write 0 or a larger one."))
    if not exact.is_zero() and len(exact.normalize().as_tuple().digits) > SIGNIFICANT_DIGITS_MAX:
        raise AnswerInvalid(
            _("This number has more than %(count)d significant digits, which cannot be kept "
              "exactly: round it to %(count)d digits at most.") % {"count": SIGNIFICANT_DIGITS_MAX}
        )
    return number


def base_version_from(data: QueryDict) -> int:
    version = parse_whole((data.get("base_version") or "").strip(), maximum=INTEGER_MAX)
    if version is None:
        raise AnswerInvalid(_("The page is out of date; reload it and answer again."))
    return version


def answer_from_post(question: Question, data: QueryDict) -> AnswerInput:
    """The answer in DATA, or ``AnswerInvalid`` with a message for the person."""
    base_version = base_version_from(data)
    not_applicable = (data.get("not_applicable") or "").lower() in TRUE_WORDS
    explanation = data.get("explanation") or ""
    value: Any = None
    if not not_applicable:
        value = _value(question, data)
    return AnswerInput(
        value=value,
        not_applicable=not_applicable,
        explanation=explanation,
        base_version=base_version,
    )


def _value(question: Question, data: QueryDict) -> Any:
    t = question.type
    raw = (data.get("value") or "").strip()
    if t is QuestionType.YES_NO:
        if raw == "yes":
            return True
        if raw == "no":
            return False
        if raw:
            raise AnswerInvalid(_("Choose yes or no."))
        return None
    if t is QuestionType.SINGLE_CHOICE:
        return raw or None
    if t is QuestionType.MULTIPLE_CHOICE:
        chosen = [v for v in data.getlist("value") if v]
        none_chosen = (data.get("none_chosen") or "").lower() in TRUE_WORDS
        if none_chosen and chosen:
            raise AnswerInvalid(_("Choose options, or “none of these”, not both."))
        if none_chosen:
            return []
        return chosen or None
    if t is QuestionType.MATURITY:
        if not raw:
            return None
        level = parse_whole(raw, maximum=INTEGER_MAX)
        if level is not None:
            return level
        raise AnswerInvalid(_("Choose a level from 0 to 5."))
    if t in (QuestionType.NUMBER, QuestionType.PERCENTAGE):
        return parse_number(raw, percentage=t is QuestionType.PERCENTAGE)
    if t is QuestionType.FILE:
        return None
    return data.get("value") or None


class ResponseFilterForm(forms.Form):
    """The staff list's search and filters, read from the query string.

    Choices come from the database (cycles, ministries) and the chosen cycle's framework
    (peer groups); an unknown value is refused with Django's message naming it.
    """

    q = forms.CharField(
        label=gettext_lazy("Agency name or code"), required=False, max_length=100, strip=True
    )
    cycle = forms.ChoiceField(label=gettext_lazy("Cycle"), required=False)
    ministry = forms.ChoiceField(label=gettext_lazy("Ministry"), required=False)
    group = forms.ChoiceField(label=gettext_lazy("Peer group"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(
        self,
        data: QueryDict,
        *,
        cycles: list[tuple[str, str]],
        ministries: list[tuple[str, str]],
        groups: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)
        self.fields["cycle"].choices = cycles
        self.fields["ministry"].choices = [("", _("Every ministry")), *ministries]
        self.fields["group"].choices = [("", _("Every peer group")), *groups]
        self.fields["status"].choices = [("", _("Any status")), *ResponseStatus.choices]
