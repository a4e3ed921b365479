"""Writes of responses: saving an answer, carrying one over, submitting.

Every write is one function with keyword-only arguments that runs in one transaction,
locks the rows it changes and appends to the response's history (``AnswerChange``).

History rows of kind ``answer`` and ``carried_over`` hold a snapshot of the whole answer in
``old_value`` and ``new_value``: ``{"value": ..., "not_applicable": ..., "explanation": ...}``
(``old_value`` is null for the first answer), and ``version`` is the answer's new version.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phrom.accounts.gates import User, may_submit, profile_of
from phrom.agencies.models import Agency
from phrom.frameworks.deadlines import change_block
from phrom.frameworks.models import Cycle
from phrom.notifications.services import notify_submitted
from phrom.publications.freeze import frozen_message, is_frozen
from phrom.responses.evidence import EvidenceRejected, clean_url
from phrom.responses.models import (
    Answer,
    AnswerChange,
    ChangeKind,
    Evidence,
    Response,
    ResponseStatus,
)
from scoring.answers import InvalidAnswer, check_answer
from scoring.model import MATURITY_LEVELS, Question, QuestionType

EXPLANATION_MAX = 5000
# What a new version of an answer changes (``updated_at`` is ``auto_now``).
ANSWER_FIELDS = ["value", "not_applicable", "explanation", "version", "updated_by", "updated_at"]
TEXT_MAX = 10000


class AnswerRefused(Exception):
    """A save that cannot be accepted; ``message`` says why, in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AnswerInvalid(AnswerRefused):
    """The value does not fit the question; nothing was stored."""


class ResponseLocked(AnswerRefused):
    """The response is submitted or its cycle is not open; nothing was stored."""


class NothingToCarryOver(AnswerRefused):
    """Last cycle has no answer to this question."""


class SubmitRefused(AnswerRefused):
    """The response cannot be submitted (see ``missing`` when it is incomplete)."""

    def __init__(self, message: str, missing: list[Any] | None = None) -> None:
        super().__init__(message)
        self.missing = missing or []


@dataclass
class Conflict(Exception):
    """Someone saved this answer since the version the page holds.

    Carries the answer as it is now, so the person can compare it with their own.
    """

    question: str
    value: Any
    not_applicable: bool
    explanation: str
    version: int
    by: Any  # the user who saved the current version (or None)
    at: dt.datetime | None

    def __str__(self) -> str:
        return f"{self.question}: version {self.version} is newer than the page's"


def snapshot(value: Any, not_applicable: bool, explanation: str) -> dict[str, Any]:
    return {"value": value, "not_applicable": not_applicable, "explanation": explanation}


def _number_text(x: float) -> str:
    """A limit in a message, as the questionnaire shows numbers (1,234,567; never 1.2e+06)."""
    from phrom.responses.selectors import grouped_number

    return grouped_number(x)


def stored_value(question: Question, value: Any) -> Any:
    """The JSON value kept for QUESTION, or ``AnswerInvalid`` with a message for the person.

    ``None`` (or an empty text) means unanswered. Values: yes/no ``bool``; single choice an
    option code; multiple choice a list of option codes in the framework's order; maturity
    an ``int`` 0-5; number and percentage a number (an ``int`` when whole); text and URL a
    string; file questions have no value (their evidence is the answer).
    """
    t = question.type
    if value is None:
        return None
    if t is QuestionType.FILE:
        return None
    if t is QuestionType.YES_NO:
        if not isinstance(value, bool):
            raise AnswerInvalid(_("Choose yes or no."))
        stored: Any = value
    elif t is QuestionType.SINGLE_CHOICE:
        if not isinstance(value, str) or question.option(value) is None:
            raise AnswerInvalid(_("Choose one of the options listed."))
        stored = value
    elif t is QuestionType.MULTIPLE_CHOICE:
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise AnswerInvalid(_("Choose options from the list."))
        unknown = [v for v in value if question.option(v) is None]
        if unknown:
            raise AnswerInvalid(_("Choose options from the list."))
        chosen = set(value)
        stored = [o.code for o in question.options if o.code in chosen]
    elif t is QuestionType.MATURITY:
        if isinstance(value, bool) or not isinstance(value, int):
            raise AnswerInvalid(_("Choose a level from 0 to 5."))
        if not 0 <= value < MATURITY_LEVELS:
            raise AnswerInvalid(_("Choose a level from 0 to 5."))
        stored = value
    elif t in (QuestionType.NUMBER, QuestionType.PERCENTAGE):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AnswerInvalid(_("Write a number, using digits, for example 1234.5."))
        number = float(value)
        if not math.isfinite(number):
            raise AnswerInvalid(_("Write a number, using digits, for example 1234.5."))
        if t is QuestionType.PERCENTAGE and not 0 <= number <= 100:
            raise AnswerInvalid(_("A percentage is between 0 and 100."))
        if question.whole and not number.is_integer():
            raise AnswerInvalid(
                _("This question counts whole units: write a whole number, without decimals.")
            )
        if question.minimum is not None and number < question.minimum:
            raise AnswerInvalid(
                _("The smallest value accepted is %(minimum)s.")
                % {"minimum": _number_text(question.minimum)}
            )
        if question.maximum is not None and number > question.maximum:
            raise AnswerInvalid(
                _("The largest value accepted is %(maximum)s.")
                % {"maximum": _number_text(question.maximum)}
            )
        stored = int(number) if number.is_integer() and abs(number) < 2**53 else number
    elif t is QuestionType.URL:
        if isinstance(value, str) and not value.strip():
            return None
        try:
            # The one check of web addresses, shared with evidence (``clean_url``); a value
            # that is not text is refused as a missing address.
            stored = clean_url(value if isinstance(value, str) else "")
        except EvidenceRejected as refused:
            raise AnswerInvalid(str(refused.message)) from None
    else:  # text
        if not isinstance(value, str):
            raise AnswerInvalid(_("Write the answer as text."))
        text = value.strip()
        if not text:
            return None
        if len(text) > TEXT_MAX:
            raise AnswerInvalid(
                _("The answer is too long: at most %(count)d characters.") % {"count": TEXT_MAX}
            )
        stored = text
    _engine_check(question, stored)
    return stored


def _engine_check(question: Question, stored: Any) -> None:
    """The scoring engine has the last word: what it would refuse is not stored."""
    try:
        check_answer(question, stored)
    except InvalidAnswer as exc:
        raise AnswerInvalid(
            _("This answer cannot be accepted: %(reason)s") % {"reason": exc.message}
        ) from None


def _conflict(question: Question, answer: Answer) -> Conflict:
    # ``updated_by`` is read here (one query), not joined to every save's lock.
    return Conflict(
        question=question.code,
        value=answer.value,
        not_applicable=answer.not_applicable,
        explanation=answer.explanation,
        version=answer.version,
        by=answer.updated_by,
        at=answer.updated_at if answer.version else None,
    )


def _locked_response(response: Response) -> Response:
    # Lock the response row only (not its cycle, which every agency's saves read).
    current = (
        Response.objects.select_for_update(of=("self",), no_key=True)
        .select_related("cycle")
        .get(pk=response.pk)
    )
    _check_open(current)
    return current


def _check_open(current: Response) -> None:
    """Refuse a change to a submitted response, in a cycle that is not open, or after the
    agency's deadline (``change_block``, the one rule for every write); a published
    cycle's with the reason: its figures are frozen."""
    if is_frozen(current.cycle):
        raise ResponseLocked(frozen_message(current.cycle))
    blocked = change_block(current)
    if blocked is not None:
        raise ResponseLocked(blocked.message())


def _mark_started(current: Response, response: Response) -> None:
    if current.status == ResponseStatus.NOT_STARTED:
        current.status = ResponseStatus.IN_PROGRESS
        current.started_at = timezone.now()
        current.save(update_fields=["status", "started_at"])
        response.status = current.status
        response.started_at = current.started_at


def _validated(
    question: Question, value: Any, not_applicable: bool, explanation: str
) -> tuple[Any, bool, str]:
    """The value to store, the not-applicable flag and the trimmed explanation.

    Raises ``AnswerInvalid``, before any write, when one of them does not fit the question.
    """
    if not_applicable and not question.allow_na:
        raise AnswerInvalid(_("This question cannot be answered “not applicable”."))
    explanation = (explanation or "").strip()
    if len(explanation) > EXPLANATION_MAX:
        raise AnswerInvalid(
            _("The explanation is too long: at most %(count)d characters.")
            % {"count": EXPLANATION_MAX}
        )
    not_applicable = bool(not_applicable)
    stored = None if not_applicable else stored_value(question, value)
    if "\x00" in explanation or (isinstance(stored, str) and "\x00" in stored):
        # PostgreSQL stores no NUL character in text or JSON; pasted text sometimes has one
        raise AnswerInvalid(
            _("The answer holds an invisible control character (NUL), often left by copying "
              "and pasting. Type the text again and save.")
        )
    return stored, not_applicable, explanation


def _write_answer(
    *,
    response: Response,
    question: Question,
    value: Any,
    not_applicable: bool,
    explanation: str,
    base_version: int,
    by: User,
    kind: str,
    locked: bool = False,
) -> Answer:
    if locked:
        current_response = response
        _check_open(current_response)
    else:
        current_response = _locked_response(response)
    new_value, not_applicable, explanation = _validated(
        question, value, not_applicable, explanation
    )

    try:
        answer = Answer.objects.select_for_update(of=("self",)).get(
            response=current_response, question=question.code
        )
    except Answer.DoesNotExist:
        answer = Answer(response=current_response, question=question.code, version=0)
    unchanged = (
        answer.value == new_value
        and answer.not_applicable == not_applicable
        and answer.explanation == explanation
    )
    if unchanged:
        # The same answer is already stored: nothing to add, whatever version the page held.
        return answer
    if base_version != answer.version:
        raise _conflict(question, answer)
    old = (
        snapshot(answer.value, answer.not_applicable, answer.explanation)
        if answer.version
        else None
    )
    answer.value = new_value
    answer.not_applicable = not_applicable
    answer.explanation = explanation
    answer.version += 1
    answer.updated_by = by  # type: ignore[assignment]
    if answer.pk is None:
        try:
            with transaction.atomic():
                answer.save()
        except IntegrityError:
            # A colleague's first answer to this question arrived in between.
            current = Answer.objects.select_related("updated_by").get(
                response=current_response, question=question.code
            )
            raise _conflict(question, current) from None
    else:
        # One UPDATE of the fields a version changes (as ``save(update_fields=...)`` would
        # write, without its bookkeeping: no signal listens to answers).
        answer.updated_at = timezone.now()
        Answer.objects.filter(pk=answer.pk).update(
            **{field: getattr(answer, field) for field in ANSWER_FIELDS}
        )
    AnswerChange.objects.create(
        response=current_response,
        question=question.code,
        kind=kind,
        old_value=old,
        new_value=snapshot(answer.value, answer.not_applicable, answer.explanation),
        version=answer.version,
        by=by,
    )
    _mark_started(current_response, response)
    return answer


def answer_save(
    *,
    response: Response,
    question: Question,
    value: Any,
    not_applicable: bool,
    explanation: str,
    base_version: int,
    by: User,
    locked: bool = False,
) -> Answer:
    """Store one answer if the page saw its current version.

    Raises ``Conflict`` (with the current answer) when someone saved since
    ``base_version``, ``AnswerInvalid`` when the value does not fit the question and
    ``ResponseLocked`` when the response is submitted or the cycle not open. Saving the
    answer already stored changes nothing and succeeds.

    Runs in its own transaction and reads the response again under a row lock, unless
    ``locked``: then RESPONSE was read with its row locked in the caller's transaction
    (``response_for_viewer(..., lock=True)`` inside ``transaction.atomic()``), and the save
    joins that transaction (no savepoint: an error rolls the caller's transaction back).
    """
    kwargs: dict[str, Any] = dict(
        response=response,
        question=question,
        value=value,
        not_applicable=not_applicable,
        explanation=explanation,
        base_version=base_version,
        by=by,
        kind=ChangeKind.ANSWER,
        locked=locked,
    )
    if locked:
        if not transaction.get_connection().in_atomic_block:
            raise transaction.TransactionManagementError(
                "answer_save(locked=True) needs the transaction that locked the response"
            )
        return _write_answer(**kwargs)
    with transaction.atomic():
        return _write_answer(**kwargs)


def previous_response(response: Response) -> Response | None:
    """The same agency's response in the cycle before this one."""
    previous_cycle_id = response.cycle.previous_id
    if previous_cycle_id is None:
        return None
    return Response.objects.filter(cycle_id=previous_cycle_id, agency_id=response.agency_id).first()


@transaction.atomic
def answer_carry_over(
    *, response: Response, question: Question, base_version: int, by: User
) -> Answer:
    """Copy last cycle's answer to QUESTION (value, explanation, evidence) as a new version.

    The copy is a normal versioned change (history kind ``carried_over``); evidence files
    and URLs of the same question code are referenced again, not duplicated, and an
    evidence item already present is not added twice.
    """
    previous = previous_response(response)
    old = None
    if previous is not None:
        old = Answer.objects.filter(response=previous, question=question.code).first()
    old_evidence = (
        list(
            Evidence.objects.filter(
                response=previous, question=question.code, removed_at__isnull=True
            ).select_related("response__cycle")
        )
        if previous is not None
        else []
    )
    has_answer = old is not None and (old.value is not None or old.not_applicable)
    if not has_answer and not old_evidence:
        raise NothingToCarryOver(_("Last cycle has no answer to this question."))
    not_applicable = bool(old and old.not_applicable and question.allow_na)
    try:
        answer = _write_answer(
            response=response,
            question=question,
            value=None if old is None or not_applicable else old.value,
            not_applicable=not_applicable,
            explanation=old.explanation if old is not None else "",
            base_version=base_version,
            by=by,
            kind=ChangeKind.CARRIED_OVER,
        )
    except AnswerInvalid as exc:
        raise AnswerInvalid(
            _("Last cycle's answer does not fit this year's question (%(reason)s) Answer it anew.")
            % {"reason": exc.message}
        ) from None
    present = Evidence.objects.filter(
        response=response, question=question.code, removed_at__isnull=True
    )
    have_files = {e.file.name for e in present if e.file}
    have_urls = {e.url for e in present if e.url}
    for item in old_evidence:
        if (item.file and item.file.name in have_files) or (item.url and item.url in have_urls):
            continue
        copy = Evidence.objects.create(
            response=response,
            question=question.code,
            file=item.file.name if item.file else "",
            url=item.url,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            uploaded_by=by,
            carried_from=item,
        )
        AnswerChange.objects.create(
            response=response,
            question=question.code,
            kind=ChangeKind.EVIDENCE_ADDED,
            new_value={
                "name": copy.original_name,
                "sha256": copy.sha256,
                "size": copy.size,
                "url": copy.url,
                "evidence_id": copy.pk,
                "carried_over_from": item.pk,
                "from_year_be": item.response.cycle.year_be,
            },
            version=answer.version,
            reason="carried over from last cycle",
            by=by,
        )
    return answer


def response_open_for_agency(*, cycle: Cycle, agency: Agency) -> Response:
    """The agency's response in CYCLE, created (not started) on first visit."""
    response, _created = Response.objects.get_or_create(cycle=cycle, agency=agency)
    return response


@transaction.atomic
def response_submit(
    *, response: Response, by: User, confirmed: bool = True, site_url: str = ""
) -> Response:
    """Lock a complete response: status submitted, with who and when, in its history.

    Only the agency's coordinator may submit. Raises ``SubmitRefused`` listing what is
    missing when the response is not complete, or when it is complete but the person has
    not CONFIRMED that the answers will be locked (the page's view passes what was
    ticked); ``ResponseLocked`` when it is already submitted, the cycle is not open or
    the agency's deadline has passed. Once committed, the task worker e-mails a receipt
    to the agency's coordinators (links from SITE_URL).
    """
    from phrom.responses.selectors import missing_items

    profile = profile_of(by)
    if not may_submit(profile, response):
        raise SubmitRefused(_("Only the agency's coordinator can submit the response."))
    current = _locked_response(response)
    missing = missing_items(response=current)
    if missing:
        raise SubmitRefused(
            _("The response is not complete yet: %(count)d items are missing.")
            % {"count": len(missing)},
            missing,
        )
    if not confirmed:
        raise SubmitRefused(
            _("Nothing was submitted: tick the box to confirm that the answers will be locked, "
              "then submit again.")
        )
    old_status = current.status
    current.status = ResponseStatus.SUBMITTED
    current.submitted_at = timezone.now()
    current.submitted_by = by  # type: ignore[assignment]
    if current.started_at is None:
        current.started_at = current.submitted_at
    current.save(update_fields=["status", "submitted_at", "submitted_by", "started_at"])
    AnswerChange.objects.create(
        response=current,
        kind=ChangeKind.SUBMITTED,
        old_value=old_status,
        new_value=ResponseStatus.SUBMITTED.value,
        by=by,
    )
    notify_submitted(response=current, site_url=site_url)
    response.status = current.status
    response.submitted_at = current.submitted_at
    response.submitted_by = current.submitted_by
    return current
