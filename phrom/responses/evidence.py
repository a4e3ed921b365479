"""Evidence for answers: files and web addresses, checked before anything is stored.

Writes are the three ``evidence_*`` functions; each runs in one transaction and appends
one row to the response's history. A file is accepted by what it contains (see
``evidence_content``: magic bytes, the parts inside office containers, no active content),
never by its name or by the content type the browser sent; its name must then agree with
its content.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from phrom.frameworks.deadlines import Block, change_block
from phrom.publications.freeze import frozen_message, is_frozen
from phrom.responses.evidence_content import (
    ACCEPTED_EXTENSIONS as ACCEPTED_EXTENSIONS,  # the widget's ``accept`` list
)
from phrom.responses.evidence_content import (
    ContentRefused,
    FileKind,
    sniff,
)
from phrom.responses.models import (
    AnswerChange,
    ChangeKind,
    Evidence,
    Response,
    ResponseStatus,
)
from scoring.model import Dimension, Question, QuestionType

MAX_URL_LENGTH = 1000
MAX_NAME_LENGTH = 200
MAX_EXTENSION_LENGTH = 10
CHUNK_SIZE = 64 * 1024


class EvidenceRejected(ValueError):
    """A file or address that is not accepted; ``message`` tells the person what to do."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


class EvidenceLocked(EvidenceRejected):
    """The response's evidence may not change now: it is submitted, its cycle is not open
    (or published), or the deadline passed. ``message`` says why and who can lift it."""


NOT_ACCEPTED = _(
    "“%(name)s” is not a file type that is accepted as evidence. Upload a PDF, an image "
    "(PNG, JPEG, GIF or WebP) or an office document (Word, Excel, PowerPoint or "
    "OpenDocument); save other files as PDF first."
)


def max_upload_mb() -> int:
    value = getattr(settings, "PHROM_MAX_UPLOAD_MB", 20)
    if not isinstance(value, int) or value < 1:
        raise ImproperlyConfigured(
            f"PHROM_MAX_UPLOAD_MB={value!r}: set it to a whole number of megabytes, 1 or more."
        )
    return value


def max_upload_bytes() -> int:
    return max_upload_mb() * 1024 * 1024


def max_request_bytes() -> int:
    """The most the files of one upload request may hold together: one file of the
    largest size (the form sends one; its other fields are Django's to limit)."""
    return max_upload_bytes()


# --- names and addresses ----------------------------------------------------------------

WINDOWS_RESERVED = re.compile(r'[<>:"|?*]')


DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def _name_char(ch: str) -> str:
    # Tabs and other spaces become a space; control and format characters (NUL, bidi
    # overrides that disguise an extension) disappear.
    if ch in "\t\n\r\v\f" or unicodedata.category(ch) == "Zs":
        return " "
    return "" if unicodedata.category(ch) in DROPPED_CATEGORIES else ch


def clean_file_name(name: str) -> str:
    """A safe display name: the base name only, no control characters, length capped."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(_name_char(ch) for ch in name)
    name = WINDOWS_RESERVED.sub("_", name)
    name = " ".join(name.split())
    name = name.strip(". ")
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > MAX_EXTENSION_LENGTH:
        stem, ext = name, ""
    if len(name) > MAX_NAME_LENGTH:
        keep = MAX_NAME_LENGTH - (len(ext) + 1 if ext else 0)
        name = stem[:keep].rstrip(". ") + ("." + ext if ext else "")
    return name


def extension_of(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ("." + ext.lower()) if dot and stem else ""


# Characters a web address cannot hold and that do not show: controls, and format
# characters (a zero-width space, a byte order mark, direction marks) left by copying.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
HOST_RE = re.compile(URLValidator.host_re, re.IGNORECASE)
MAX_PORT = 65535
NOT_A_FULL_ADDRESS = _(
    "Enter a full web address that starts with https:// or http:// and names a site, such "
    "as https://www.example.go.th/report."
)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def clean_url(url: str) -> str:
    """The web address to keep, or ``EvidenceRejected`` saying what to fix.

    The one check of web addresses: evidence and the answers of ``url`` questions (which
    reviewers read and open data publishes) both ask it. An address starts with http:// or
    https://, names a valid site (a host name or an IP address) and a port in range, and
    holds no user name or password, no space and no invisible character. Its scheme and
    site are kept in lower case (they are case-insensitive); the rest as typed.
    """
    url = (url or "").strip()
    if not url:
        raise EvidenceRejected(_("Type or paste a web address starting with https:// or http://."))
    if len(url) > MAX_URL_LENGTH:
        raise EvidenceRejected(
            _("The web address is longer than %(max)d characters. Link to a shorter page "
              "address, or upload the document as a file.") % {"max": MAX_URL_LENGTH}
        )
    if any(unicodedata.category(ch) in INVISIBLE_CATEGORIES for ch in url):
        raise EvidenceRejected(
            _("The web address holds an invisible control character or zero-width space, "
              "often left by copying and pasting. Type it again, or copy it from the "
              "browser's address bar.")
        )
    if any(ch.isspace() for ch in url):
        raise EvidenceRejected(
            _("The web address holds a space. Remove it (a space that belongs in the page's "
              "address is written %20), or copy the address from the browser's address bar.")
        )
    try:
        parts = urlsplit(url)
        hostname = parts.hostname  # (an unclosed "[" of an IPv6 address is a ValueError)
    except ValueError:
        raise EvidenceRejected(
            _("This is not a valid web address. Copy it again from the browser's address bar.")
        ) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise EvidenceRejected(NOT_A_FULL_ADDRESS)
    if "@" in parts.netloc:
        raise EvidenceRejected(
            _("Remove the user name and password (the part before “@”) from the web address: "
              "reviewers will see it, and published answers are open to everyone.")
        )
    if not hostname:
        raise EvidenceRejected(NOT_A_FULL_ADDRESS)
    if not (_is_ip(hostname) or HOST_RE.fullmatch(hostname)):
        raise EvidenceRejected(
            _("“%(host)s” is not a valid site name. A site name is made of letters, digits "
              "and hyphens, in parts between dots that neither start nor end with a hyphen, "
              "such as www.example.go.th. Check the address and type it again.")
            % {"host": hostname}
        )
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 1 <= port <= MAX_PORT:
        raise EvidenceRejected(
            _("The port in the web address (the number after “:” following the site name) "
              "must be a whole number from 1 to %(max)d. Correct it, or leave it out to use "
              "the usual one.") % {"max": MAX_PORT}
        )
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise EvidenceRejected(
            _("This is not a valid web address. Copy it again from the browser's address bar.")
        ) from None
    return url_key(url)


def url_key(url: str) -> str:
    """What makes two web addresses the same: the scheme and site in lower case (they are
    case-insensitive), the rest as it is (paths may be case-sensitive)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    prefix = f"{parts.scheme}://{parts.netloc}"
    if not parts.scheme or url[: len(prefix)].lower() != prefix.lower():
        return url
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{url[len(prefix):]}"


# --- questions ----------------------------------------------------------------------------


def find_question(response: Response, code: str) -> tuple[Question, Dimension] | None:
    """The question with this code in the response's framework, and its dimension."""
    spec = response.cycle.framework.spec()
    for dimension in spec.dimensions:
        for indicator in dimension.indicators:
            for question in indicator.questions:
                if question.code == code:
                    return question, dimension
    return None


def takes_evidence(question: Question) -> bool:
    """File questions are answered with evidence; others take it unless it is ``none``."""
    return question.type is QuestionType.FILE or question.evidence != "none"


def _question_code(response: Response, question: str | Question) -> str:
    code = question if isinstance(question, str) else question.code
    found = find_question(response, code)
    if found is None:
        raise EvidenceRejected(
            _("Question %(code)s is not part of this questionnaire.") % {"code": code}
        )
    if not takes_evidence(found[0]):
        raise EvidenceRejected(
            _("Question %(code)s takes no evidence; answer it in the questionnaire.")
            % {"code": code}
        )
    return code


# --- checks on a file ---------------------------------------------------------------------


def _digest(chunks: Iterable[bytes], *, name: str, limit: int) -> tuple[str, int]:
    """SHA-256 and size in one streaming pass, stopping as soon as the limit is passed."""
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise too_large(name)
        digest.update(chunk)
    return digest.hexdigest(), size


def too_large(name: str) -> EvidenceRejected:
    return EvidenceRejected(
        _("“%(name)s” is larger than %(max)d MB. Make it smaller (for example, save a "
          "scan at a lower resolution or split the document) and upload it again.")
        % {"name": name, "max": max_upload_mb()}
    )


def request_too_large() -> EvidenceRejected:
    return EvidenceRejected(
        _("This upload sends several files, more than %(max)d MB together. Upload one "
          "file at a time.")
        % {"max": max_request_bytes() // (1024 * 1024)}
    )


def several_files(count: int) -> EvidenceRejected:
    """The form sends one file; a request with more stores none of them."""
    return EvidenceRejected(
        _("This upload sends %(count)d files, so none of them was stored. Upload one file "
          "at a time: choose one file, press Upload, then do the same for the next.")
        % {"count": count}
    )


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: FileKind
    sha256: str
    size: int


def check_file(upload: File) -> CheckedFile:
    """Everything about an upload that decides whether it is accepted; stores nothing."""
    name = clean_file_name(upload.name or "")
    if not name:
        raise EvidenceRejected(_("The file has no name. Rename it on your computer and upload it again."))
    limit = max_upload_bytes()
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise too_large(name)
    upload.seek(0)
    sha256, size = _digest(upload.chunks(CHUNK_SIZE), name=name, limit=limit)
    if size == 0:
        raise EvidenceRejected(
            _("“%(name)s” is empty (0 bytes). Check that it is the right file and that it "
              "opens on your computer, then upload it again.") % {"name": name}
        )
    try:
        kind = sniff(upload, size=size, max_bytes=limit)
    except ContentRefused as exc:
        raise EvidenceRejected(str(exc.message) % {"name": name, **exc.params}) from None
    if kind is None:
        raise EvidenceRejected(NOT_ACCEPTED % {"name": name})
    ext = extension_of(name)
    if ext not in kind.extensions:
        if ext:
            message = _(
                "The name “%(name)s” does not match the file's content (%(kind)s): "
                "it ends in %(ext)s. Rename it to end in %(expected)s, or choose the file "
                "you meant."
            )
        else:
            message = _(
                "The name “%(name)s” has no extension (the file's content: %(kind)s). "
                "Rename it to end in %(expected)s and upload it again."
            )
        raise EvidenceRejected(
            message % {"name": name, "kind": kind.label, "ext": ext, "expected": kind.extensions[0]}
        )
    upload.seek(0)
    return CheckedFile(name=name, kind=kind, sha256=sha256, size=size)


# --- writes -------------------------------------------------------------------------------


def history_value(evidence: Evidence) -> dict[str, Any]:
    return {
        "name": evidence.original_name,
        "sha256": evidence.sha256,
        "size": evidence.size,
        "url": evidence.url,
        "evidence_id": evidence.pk,
    }


def _mark_started(response: Response) -> None:
    # Evidence is work on the response: a response that had none is now in progress.
    Response.objects.filter(pk=response.pk, status=ResponseStatus.NOT_STARTED).update(
        status=ResponseStatus.IN_PROGRESS, started_at=timezone.now()
    )


def _current(response: Response, code: str) -> Any:
    return Evidence.objects.filter(response=response, question=code, removed_at__isnull=True)


def _check_open(response: Response, question: str = "") -> None:
    """Refuse evidence changes to a submitted response, in a cycle that is not open, or
    after the agency's deadline (``change_block``, the one rule for every write).

    Evidence added to QUESTION is allowed anyway while an open clarification request of
    the response names it (``phrom.reviews.clarifications.open_for_question``), never
    in a published cycle (its evidence is frozen with its figures)."""
    if is_frozen(response.cycle):
        raise EvidenceLocked(frozen_message(response.cycle))
    blocked = change_block(response)
    if blocked is None:
        return
    if question:
        from phrom.reviews.clarifications import open_for_question

        if open_for_question(response, question):
            return
    if blocked.block is Block.SUBMITTED:
        raise EvidenceLocked(
            _("This response has been submitted, so its evidence can no longer change. If a "
              "file is missing or wrong, ask an administrator to reopen the response.")
        )
    if blocked.block is Block.CYCLE_NOT_OPEN:
        raise EvidenceLocked(
            _("The assessment cycle is not open, so evidence cannot be added or removed now.")
        )
    raise EvidenceLocked(blocked.message())


def check_editable(response: Response) -> None:
    """``EvidenceLocked``, with the reason, when RESPONSE is submitted or its cycle is not
    open: the evidence pages then refuse before checking a file, whatever the question (a
    clarification's evidence has a page of its own, ``phrom.reviews.clarification_views``).
    A passed deadline is left to the write, which knows the question."""
    blocked = change_block(response)
    if blocked is not None and blocked.block is not Block.DEADLINE_PASSED:
        _check_open(response)


def _locked_open(response: Response, question: str = "") -> Response:
    """The response re-read with its row locked until the transaction ends, if it is open.

    A submission locks the same row, so the check and the write that follows are one
    step for it: a file either goes in before the submission or is refused after it.
    """
    current = (
        Response.objects.select_for_update(of=("self",), no_key=True)
        .select_related("cycle")
        .get(pk=response.pk)
    )
    _check_open(current, question)
    return current


def evidence_add_file(
    *, response: Response, question: str | Question, upload: File, by: Any
) -> Evidence:
    """Check an uploaded file, store it through the default storage and record it.

    Raises ``EvidenceRejected`` (nothing stored) when the file is not accepted, or when
    the response is submitted or its cycle not open by the time it would be recorded.
    """
    code = _question_code(response, question)
    _check_open(Response.objects.select_related("cycle").get(pk=response.pk), code)
    checked = check_file(upload)
    _refuse_duplicate_file(response, code, checked)
    evidence = Evidence(
        response=response,
        question=code,
        original_name=checked.name,
        content_type=checked.kind.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    upload.seek(0)
    # The file goes to storage before the transaction opens, so that a slow upload to S3
    # does not hold the response's lock; a refused or failed write then deletes it again.
    evidence.file.save(checked.name, upload, save=False)
    try:
        with transaction.atomic():
            _locked_open(response, code)
            _refuse_duplicate_file(response, code, checked)
            evidence.save()
            _record_added(response, code, evidence, by)
    except BaseException:
        # The row was not written: do not leave the stored file behind.
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


def _refuse_duplicate_file(response: Response, code: str, checked: CheckedFile) -> None:
    """``EvidenceRejected`` naming the attached file when the same content is attached to
    the question already (perhaps under another name)."""
    attached = (
        _current(response, code).filter(sha256=checked.sha256)
        .values_list("original_name", flat=True).first()
    )
    if attached is None:
        return
    if attached == checked.name:
        raise EvidenceRejected(
            _("“%(name)s” is already attached to this question.") % {"name": attached}
        )
    raise EvidenceRejected(
        _("“%(name)s” has the same content as “%(attached)s”, which is already attached to "
          "this question; it was not added again.")
        % {"name": checked.name, "attached": attached}
    )


def evidence_add_url(*, response: Response, question: str | Question, url: str, by: Any) -> Evidence:
    """Record a web address as evidence. Raises ``EvidenceRejected`` when it is not usable,
    or when the response is submitted or its cycle not open."""
    code = _question_code(response, question)
    url = clean_url(url)
    with transaction.atomic():
        _locked_open(response, code)
        key = url_key(url)
        attached = _current(response, code).exclude(url="").values_list("url", flat=True)
        if any(url_key(other) == key for other in attached):
            raise EvidenceRejected(_("This web address is already attached to this question."))
        evidence = Evidence.objects.create(
            response=response, question=code, url=url, uploaded_by=by
        )
        _record_added(response, code, evidence, by)
    return evidence


def _record_added(response: Response, code: str, evidence: Evidence, by: Any) -> None:
    """The history line of new evidence, and the response counts as started (inside the
    caller's transaction)."""
    AnswerChange.objects.create(
        response=response,
        question=code,
        kind=ChangeKind.EVIDENCE_ADDED,
        new_value=history_value(evidence),
        by=by,
    )
    _mark_started(response)


def evidence_remove(*, evidence: Evidence, by: Any) -> Evidence:
    """Mark evidence as removed. The file stays in storage and the history keeps it.

    Removing evidence that is already removed changes nothing (a repeated click). Raises
    ``EvidenceRejected`` when the response is submitted or its cycle not open.
    """
    with transaction.atomic():
        # The response first, then the evidence: the order every writer locks them in.
        _locked_open(evidence.response)
        current = Evidence.objects.select_for_update().select_related("response").get(pk=evidence.pk)
        if current.removed_at is not None:
            return current
        current.removed_at = timezone.now()
        current.removed_by = by
        current.save(update_fields=["removed_at", "removed_by"])
        AnswerChange.objects.create(
            response=current.response,
            question=current.question,
            kind=ChangeKind.EVIDENCE_REMOVED,
            old_value=history_value(current),
            by=by,
        )
    return current
