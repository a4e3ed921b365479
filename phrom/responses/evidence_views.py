"""Evidence views: the gates fetch, the services write, the widget renders.

Every action works as a plain form post (redirect back to the questionnaire, or a page
with the error next to the control) and with htmx (the widget's body re-rendered, with a
status line in the widget's live region). A response that may not change now (submitted,
cycle not open, deadline passed) answers 423 with the reason, as answer saves do; the
role and agency checks come first (404 for another agency's, 403 for a role that may not
add evidence).
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from phrom.accounts.gates import (
    edits_for,
    evidence_for_viewer,
    may_answer,
    profile_of,
    response_for_viewer,
)
from phrom.accounts.signed_in import signed_in_for_script
from phrom.core.ids import parse_whole
from phrom.responses import evidence as services
from phrom.responses.evidence import (
    EvidenceLocked,
    EvidenceRejected,
    find_question,
    takes_evidence,
)
from phrom.responses.models import Evidence, Response
from phrom.responses.templatetags.evidence_tags import questionnaire_url
from scoring.model import Question

WIDGET_HTMX = "responses/evidence/_htmx.html"
PAGE = "responses/evidence/page.html"
CONFIRM_PAGE = "responses/evidence/confirm_remove.html"
# What answer saves answer when the response may not change now.
LOCKED = 423


# --- helpers ------------------------------------------------------------------------------


def _question(response: Response, code: str) -> tuple[Question, str]:
    found = find_question(response, code)
    if found is None or not takes_evidence(found[0]):
        raise Http404
    return found[0], found[1].code


def _editable_question(request: HttpRequest, response_id: int, code: str) -> tuple[Response, Question]:
    """The response and question whose evidence this user may change, or 404/403.

    Whether the response may change now is asked next (``services.check_editable``), so
    that a submitted response says so rather than "no permission"."""
    response = response_for_viewer(request.user, response_id)
    profile = profile_of(request.user)
    if profile is None or not edits_for(profile, response.agency_id):
        raise PermissionDenied
    question, dimension_code = _question(response, code)
    if not may_answer(profile, dimension_code):
        raise PermissionDenied
    return response, question


def _next(request: HttpRequest, response: Response, code: str) -> str:
    """The ``next`` field when it is a local URL of this site, else the question's place."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return questionnaire_url(response, code)


def _widget(
    request: HttpRequest,
    response: Response,
    question: Question,
    *,
    state: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """The widget's body for htmx, or a page holding the widget for a plain request."""
    state = {"question": question.code, **state}
    context = {
        "response": response,
        "question": question,
        "evidence_state": state,
        "evidence_next": _next(request, response, question.code),
    }
    if getattr(request, "htmx", False):
        # htmx swaps only successful responses and 423 (base.html's htmx-config); an
        # error is content of the widget too.
        return render(request, WIDGET_HTMX, context, status=LOCKED if status == LOCKED else 200)
    return render(request, PAGE, context, status=status)


def _locked(
    request: HttpRequest, response: Response, question: Question, refused: EvidenceLocked
) -> HttpResponse:
    """423 with the reason (submitted, cycle not open, deadline passed) in the widget's
    status line: the widget's body for htmx, a page holding the widget for a plain post."""
    return _widget(
        request, response, question, state={"status": str(refused.message)}, status=LOCKED
    )


def _done(
    request: HttpRequest,
    response: Response,
    question: Question,
    message: str,
    *,
    focus: str | None = None,
) -> HttpResponse:
    if getattr(request, "htmx", False):
        return _widget(request, response, question, state={"status": message, "focus": focus})
    messages.success(request, message)
    return HttpResponseRedirect(_next(request, response, question.code))


class UploadSizeLimit(FileUploadHandler):
    """Stops reading a file as soon as it passes the size limit, and the whole request
    as soon as its files together pass the request's limit.

    A 2 GB upload, or a hundred files of 19 MB in one request, is then neither kept in
    memory nor written to temporary files; the view answers with the size message instead.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = services.max_upload_bytes()
        self.request_limit = services.max_request_bytes()
        self.received = 0
        self.received_in_request = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        self.received_in_request += len(raw_data)
        if self.received > self.limit:
            # The rest of this file is skipped unread, so it does not count for the request.
            self.request._phrom_too_large = self.file_name  # type: ignore[union-attr]
            raise SkipFile
        if self.received_in_request > self.request_limit:
            self.request._phrom_request_too_large = True  # type: ignore[union-attr]
            # The rest of the body is read and dropped, so the browser gets the answer.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


# --- views --------------------------------------------------------------------------------


@signed_in_for_script
@require_GET
def evidence_widget(request: HttpRequest, response_id: int, question: str) -> HttpResponse:
    """The widget alone (htmx, e.g. to cancel a removal) or on a page of its own."""
    response = response_for_viewer(request.user, response_id)
    spec_question, _dimension = _question(response, question)
    focus = parse_whole(request.GET.get("focus", ""))
    state = {"focus": focus} if focus is not None else {}
    return _widget(request, response, spec_question, state=state)


@csrf_exempt
@signed_in_for_script
@require_POST
def evidence_upload(request: HttpRequest, response_id: int, question: str) -> HttpResponse:
    # Upload handlers can only change before the body is read, which the CSRF check
    # does; the check therefore runs inside, once the handler is in place.
    request.upload_handlers.insert(0, UploadSizeLimit(request))
    return _evidence_upload(request, response_id, question)


@csrf_protect
def _evidence_upload(request: HttpRequest, response_id: int, question: str) -> HttpResponse:
    response, spec_question = _editable_question(request, response_id, question)
    # The form has one file input without ``multiple``: every file part of the request
    # counts, so that none is dropped silently.
    uploads = [f for _field, files in request.FILES.lists() for f in files]
    too_large = getattr(request, "_phrom_too_large", None)
    try:
        services.check_editable(response)
        if getattr(request, "_phrom_request_too_large", False):
            raise services.request_too_large()
        if too_large is not None:
            raise services.too_large(services.clean_file_name(too_large))
        if len(uploads) > 1:
            raise services.several_files(len(uploads))
        upload = request.FILES.get("file")
        if upload is None:
            raise EvidenceRejected(_("Choose a file to upload first."))
        evidence = services.evidence_add_file(
            response=response, question=spec_question, upload=upload, by=request.user
        )
    except EvidenceLocked as exc:
        return _locked(request, response, spec_question, exc)
    except EvidenceRejected as exc:
        return _widget(
            request, response, spec_question, state={"file_error": str(exc.message), "focus": "file"},
            status=400,
        )
    return _done(
        request, response, spec_question,
        _("“%(name)s” uploaded.") % {"name": evidence.original_name},
    )


@signed_in_for_script
@require_POST
def evidence_add_url(request: HttpRequest, response_id: int, question: str) -> HttpResponse:
    response, spec_question = _editable_question(request, response_id, question)
    url = request.POST.get("url", "")
    try:
        services.check_editable(response)
        evidence = services.evidence_add_url(
            response=response, question=spec_question, url=url, by=request.user
        )
    except EvidenceLocked as exc:
        return _locked(request, response, spec_question, exc)
    except EvidenceRejected as exc:
        return _widget(
            request, response, spec_question,
            state={"url_error": str(exc.message), "url_value": url[:2000], "focus": "url"},
            status=400,
        )
    return _done(
        request, response, spec_question,
        _("Web address %(url)s added.") % {"url": evidence.url},
    )


@signed_in_for_script
@require_http_methods(["GET", "POST"])
def evidence_remove(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """GET asks for confirmation (a page, or a step inside the widget); POST removes."""
    evidence = evidence_for_viewer(request.user, evidence_id)
    response, spec_question = _editable_question(request, evidence.response_id, evidence.question)
    try:
        services.check_editable(response)
    except EvidenceLocked as exc:
        return _locked(request, response, spec_question, exc)
    if request.method == "GET":
        if evidence.removed_at is not None:
            return _done(request, response, spec_question, _already_removed(evidence))
        if getattr(request, "htmx", False):
            return _widget(request, response, spec_question, state={"confirm": evidence})
        return render(
            request,
            CONFIRM_PAGE,
            {
                "evidence": evidence,
                "response": response,
                "question": spec_question,
                "next": _next(request, response, spec_question.code),
            },
        )
    was_removed = evidence.removed_at is not None
    try:
        evidence = services.evidence_remove(evidence=evidence, by=request.user)
    except EvidenceLocked as exc:
        # Submitted, closed or past the deadline since the check above.
        return _locked(request, response, spec_question, exc)
    if was_removed:
        return _done(request, response, spec_question, _already_removed(evidence))
    return _done(
        request, response, spec_question,
        _("“%(name)s” removed. It stays in the history.") % {"name": _label(evidence)},
        focus="file",
    )


def _label(evidence: Evidence) -> str:
    return evidence.original_name or evidence.url


def _already_removed(evidence: Evidence) -> str:
    return _("“%(name)s” was already removed.") % {"name": _label(evidence)}


@require_GET
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    """The stored file as an attachment under its original name, never shown inline."""
    evidence = evidence_for_viewer(request.user, evidence_id)
    if not evidence.file:
        raise Http404
    try:
        handle = evidence.file.storage.open(evidence.file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    download = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name or "evidence",
        content_type=evidence.content_type or "application/octet-stream",
    )
    download["Content-Disposition"] = attachment_header(evidence.original_name or "evidence")
    download["X-Content-Type-Options"] = "nosniff"
    download["Content-Security-Policy"] = "default-src 'none'; sandbox"
    download["Cache-Control"] = "private, no-cache"
    return download


def attachment_header(name: str) -> str:
    """``attachment`` with an ASCII fallback name and the real name per RFC 5987."""
    from urllib.parse import quote

    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in name)
    if fallback == name:
        return f'attachment; filename="{name}"'
    # Browsers use filename*; the fallback only has to be harmless and not all underscores.
    fallback = re.sub(r"_+", "_", fallback)
    stem, dot, ext = fallback.rpartition(".")
    if not re.search(r"[A-Za-z]", stem if dot else fallback):
        fallback = "evidence" + ("." + ext if dot else "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
