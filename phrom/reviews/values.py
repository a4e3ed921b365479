"""The verified value a reviewer types on the review page, read as the agency's answer form
reads an answer (the same number reader, ``phrom.responses.forms.parse_number``), with
messages in the reader's language.

``scoring.answers.check_answer`` normalises the value; its messages are English (they are
written for the command line), so a refusal is said again here from the question's type:
what to write instead.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from phrom.responses.evidence import EvidenceRejected, clean_url
from phrom.responses.forms import parse_number
from phrom.responses.services import AnswerInvalid
from scoring.answers import NA_WORDS, NOT_APPLICABLE, AnswerValue, InvalidAnswer, check_answer
from scoring.model import Question, QuestionType

NUMBER_TYPES = (QuestionType.NUMBER, QuestionType.PERCENTAGE, QuestionType.MATURITY)
# Characters of the typed value repeated in a message.
SHOWN = 60


class ValueRefused(ValueError):
    """A verified value that does not fit its question; ``message`` says what to write."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def what_to_write(question: Question) -> str:
    """What a verified value of QUESTION looks like, as a sentence for the reviewer."""
    t = question.type
    if t is QuestionType.YES_NO:
        return _("Write yes or no (ใช่ or ไม่ใช่).")
    if t is QuestionType.SINGLE_CHOICE:
        return _("Write one of the option codes: %(codes)s.") % {
            "codes": ", ".join(o.code for o in question.options)
        }
    if t is QuestionType.MULTIPLE_CHOICE:
        return _("Write option codes from %(codes)s, separated by commas (or “none” when no "
                 "option applies).") % {"codes": ", ".join(o.code for o in question.options)}
    if t is QuestionType.MATURITY:
        return _("Write a whole number from 0 to 5.")
    if t is QuestionType.PERCENTAGE:
        return _("Write a percentage from 0 to 100 in digits, for example 62.5.")
    if t is QuestionType.NUMBER:
        kind = _("a whole number") if question.whole else _("a number")
        bounds = {"kind": kind, "minimum": _number_text(question.minimum or 0),
                  "maximum": _number_text(question.maximum or 0)}
        if question.minimum is not None and question.maximum is not None:
            return _("Write %(kind)s from %(minimum)s to %(maximum)s, in digits.") % bounds
        if question.minimum is not None:
            return _("Write %(kind)s of at least %(minimum)s, in digits.") % bounds
        if question.maximum is not None:
            return _("Write %(kind)s of at most %(maximum)s, in digits.") % bounds
        return _("Write %(kind)s in digits, for example 1234.") % bounds
    if t is QuestionType.URL:
        return _("Type or paste a web address starting with https:// or http://.")
    return _("Write the text the evidence supports.")


def _refused(question: Question, raw: str, what: str) -> ValueRefused:
    shown = raw if len(raw) <= SHOWN else raw[:SHOWN] + "…"
    return ValueRefused(
        _("Question %(code)s: “%(value)s” cannot be the verified value. %(what)s")
        % {"code": question.code, "value": shown, "what": what}
    )


def read_verified_value(question: Question, raw: Any) -> AnswerValue | None:
    """RAW (as typed, or already typed: a bool, a number, a list of codes) as QUESTION's
    value, normalised as ``check_answer`` keeps it; ``NOT_APPLICABLE`` for "na" and its
    kin (whether the question allows it is the caller's to check). Raises
    ``ValueRefused`` saying what to write instead."""
    value: Any = raw
    if isinstance(raw, str):
        text = raw.strip()
        if text.casefold() in NA_WORDS and (
            question.allow_na or question.type is not QuestionType.TEXT
        ):
            return NOT_APPLICABLE
        if question.type is QuestionType.URL and text:
            # the one check of web addresses, as the agency's answer had (no password, a
            # valid site, a port in range)
            try:
                value = clean_url(text)
            except EvidenceRejected as exc:
                raise _refused(question, text, exc.message) from None
        if question.type in NUMBER_TYPES:
            try:
                value = parse_number(text, percentage=question.type is QuestionType.PERCENTAGE)
            except AnswerInvalid as exc:
                raise _refused(question, text, exc.message) from None
            if value is None:
                raise _refused(question, text, what_to_write(question))
    try:
        return check_answer(question, value)
    except InvalidAnswer:
        raise _refused(question, str(raw).strip(), what_to_write(question)) from None
