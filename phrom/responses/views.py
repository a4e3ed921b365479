"""The questionnaire: answering, autosave, carry-over, submission and history.

Views fetch responses only through the gates in ``phrom.accounts.gates``, read through
``selectors`` and write through ``services``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from phrom.accounts.gates import (
    may_answer_for,
    may_submit,
    profile_of,
    response_for_viewer,
    sees_review_history,
)
from phrom.accounts.models import Profile
from phrom.accounts.signed_in import signed_in_for_script, wants_json
from phrom.core.ids import INTEGER_MAX, parse_whole
from phrom.core.tables import safe_cell
from phrom.frameworks.deadlines import Block, change_block, deadline_state
from phrom.frameworks.models import Cycle
from phrom.responses import history, selectors, staff_list
from phrom.responses.forms import (
    TRUE_WORDS,
    AnswerInput,
    ResponseFilterForm,
    answer_from_post,
    base_version_from,
)
from phrom.responses.models import Answer, Response
from phrom.responses.services import (
    AnswerRefused,
    Conflict,
    ResponseLocked,
    SubmitRefused,
    answer_carry_over,
    answer_save,
    response_open_for_agency,
    response_submit,
)
from phrom.responses.templatetags.questionnaire_tags import CHOICE_TYPES
from phrom.responses.templatetags.responses_tags import be_date_text, be_datetime_text
from scoring.model import Dimension, Framework, Question

# Above this many questions on a page, evidence shows as a summary with a link to its own
# page: the embedded upload widget adds to every question's rendering, and a page of that
# many would miss the questionnaire page's server-time target (docs/benchmarks.md).
INLINE_EVIDENCE_MAX = 60


def _language() -> str:
    return get_language() or "th"


def _question_url(response: Response, dimension: str, code: str) -> str:
    url = reverse("responses:dimension", args=[response.pk, dimension])
    return f"{url}#q-{code}"


# --- entry -------------------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Agency members go to their response of the open cycle; staff see every response."""
    profile = profile_of(request.user)
    if profile is None:
        raise PermissionDenied
    cycle = selectors.current_open_cycle()
    if profile.is_agency_member:
        assert profile.agency is not None
        if cycle is not None:
            response = response_open_for_agency(cycle=cycle, agency=profile.agency)
            return redirect("responses:questionnaire", response.pk)
        return render(
            request,
            "responses/none_open.html",
            {"responses": selectors.responses_of_agency(agency_id=profile.agency_id)},
        )
    return _staff_list(request, open_cycle=cycle)


def _staff_list(request: HttpRequest, *, open_cycle: Cycle | None) -> HttpResponse:
    """Every agency's response to one cycle, searched and filtered from the query string."""
    language = _language()
    cycles = list(Cycle.objects.select_related("framework").defer("framework__source"))
    wanted = request.GET.get("cycle")
    chosen = next((c for c in cycles if c.code == wanted), None)
    if chosen is None and not wanted:
        # The open cycle by default, else the newest.
        chosen = next((c for c in cycles if open_cycle and c.pk == open_cycle.pk), None) or (
            cycles[0] if cycles else None
        )
    groups = {g.code: g.name.get(language) for g in chosen.framework.spec().peer_groups} if chosen else {}
    data = request.GET.copy()
    if chosen is not None and not wanted:
        data["cycle"] = chosen.code  # shown as chosen in the form
    form = ResponseFilterForm(
        data,
        cycles=[(c.code, f"{c.code} ({c.get_status_display()})") for c in cycles],
        ministries=[(m.code, m.name(language)) for m in staff_list.ministries()],
        groups=list(groups.items()),
    )
    context: dict[str, Any] = {"form": form, "cycle": chosen, "language": language, "groups": groups}
    if not form.is_valid():
        return render(request, "responses/list.html", context, status=400)
    if chosen is not None:
        wanted_filters = form.cleaned_data
        rows = staff_list.staff_rows(
            cycle=chosen, language=language, query=wanted_filters["q"],
            ministry=wanted_filters["ministry"], group=wanted_filters["group"],
            status=wanted_filters["status"],
        )
        context["page"] = staff_list.staff_page(rows=rows, page=request.GET.get("page"))
        context["filtered"] = any(wanted_filters[k] for k in ("q", "ministry", "group", "status"))
    return render(request, "responses/list.html", context)


# --- the questionnaire -------------------------------------------------------------------


def _page_context(request: HttpRequest, response: Response, dimension: str | None) -> dict[str, Any]:
    profile = profile_of(request.user)
    try:
        page = selectors.questionnaire(
            response=response, profile=profile, language=_language(), dimension=dimension
        )
    except LookupError:
        raise Http404 from None
    return {
        "response": response,
        "page": page,
        "profile": profile,
        "agency_name": response.agency.name(_language()),
        "framework_name": page.spec.name.get(_language()),
        # The agency's own deadline, a whole day: the cycle's, or a later extension of its own.
        "deadline": deadline_state(cycle=response.cycle, agency_id=response.agency_id),
        "submitted_at": be_datetime_text(response.submitted_at),
        "may_submit": _may_submit(profile, response),
        "js_texts": _js_texts(),
        "evidence_inline": page.question_count <= INLINE_EVIDENCE_MAX,
    }


def _js_texts() -> dict[str, str]:
    """Texts the page's script shows; ``%(name)s`` is filled in by the script."""
    return {
        "pending": _("Changed; saving in a moment…"),
        "saving": _("Saving…"),
        "saved": _("Saved"),
        "retrying": _("Not saved yet: the server could not be reached. Trying again in %(seconds)s seconds."),
        "offline": _("Not saved yet: you are offline. The answer will be sent when the connection returns."),
        "invalid": _("Not saved: correct the answer."),
        "not_number": _("Write a number, using digits, for example 1234.5."),
        "kept_theirs": _("Your colleague's answer was kept."),
        "all_saved": _("All changes saved."),
        "unsaved": _("Answers not saved yet: %(n)s."),
        "leave": _("Some answers are not saved yet. Leave the page anyway?"),
        "shown": _("Question %(code)s is now asked."),
        "hidden": _("Question %(code)s is no longer asked."),
        "failed": _("Not saved: the server answered with an error. Trying again in %(seconds)s seconds."),
        "signed_out": _(
            "You are signed out, so your changes are not saved yet. They are kept in this "
            "browser: sign in again and they will be sent."
        ),
        "signed_out_short": _("Not saved yet: you are signed out. Kept in this browser."),
        "sign_in": _("Sign in again"),
        "signed_in_again": _("Signed in again: sending the changes kept in this browser."),
        "restored": _("Restored from this browser; sending…"),
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
    }


def _locked_reason(response: Response) -> str:
    """Why the response can no longer change (not said for a submitted one: the page
    says when and by whom instead)."""
    blocked = change_block(response)
    if blocked is None or blocked.block is Block.SUBMITTED:
        return ""
    return blocked.message()


def _may_submit(profile: Profile | None, response: Response) -> bool:
    # Submitted, cycle not open, deadline passed: the one rule of every write.
    return may_submit(profile, response) and change_block(response) is None


@login_required
@require_GET
def questionnaire_page(
    request: HttpRequest, response_id: int, dimension: str | None = None
) -> HttpResponse:
    response = response_for_viewer(request.user, response_id)
    return render(request, "responses/questionnaire.html", _page_context(request, response, dimension))


@signed_in_for_script
@require_GET
def question_fragment(request: HttpRequest, response_id: int, question: str) -> HttpResponse:
    """One question's block as it is stored now (used after a conflict or a carry-over)."""
    response = response_for_viewer(request.user, response_id)
    return HttpResponse(_render_question(request, response, question))


def _render_question(request: HttpRequest, response: Response, code: str) -> str:
    try:
        item = selectors.question_view(
            response=response, profile=profile_of(request.user), code=code, language=_language()
        )
    except LookupError:
        raise Http404 from None
    return render_to_string(
        "responses/_question.html",
        {
            "q": item,
            "response": response,
            "evidence_next": _question_url(response, item.dimension, code),
        },
        request=request,
    )


def _editable_question(
    request: HttpRequest, response_id: int, code: str, *, lock: bool = False
) -> tuple[Response, Question, Dimension]:
    """The response and question the user may answer, or 404 / 403.

    ``lock``: read the response with its row locked (inside the caller's transaction).
    """
    response = response_for_viewer(request.user, response_id, lock=lock)
    question, dimension, allowed = _question_for(
        request, response.cycle.framework.spec(), response.agency_id, code
    )
    if not allowed:
        raise PermissionDenied
    return response, question, dimension


def _question_for(
    request: HttpRequest, spec: Framework, agency_id: int, code: str
) -> tuple[Question, Dimension, bool]:
    """The question ``code`` of the framework (404 when there is none) and whether the
    user may answer it for the agency (a member of it, for that question's dimension)."""
    found = selectors.question_and_dimension(spec, code)
    if found is None:
        raise Http404
    question, dimension = found
    allowed = may_answer_for(profile_of(request.user), agency_id, dimension.code)
    return question, dimension, allowed


def _saved_payload(request: HttpRequest, answer: Answer) -> dict[str, Any]:
    at = answer.updated_at if answer.version else None
    return {
        "status": "saved",
        "version": answer.version,
        "message": _("Saved %(when)s") % {"when": be_datetime_text(at)} if at else _("Saved"),
    }


@signed_in_for_script
@require_POST
def answer_save_view(request: HttpRequest, response_id: int, question: str) -> HttpResponse:
    """Autosave of one answer: JSON for the page's script (every refusal included); for a
    plain form a redirect once saved, and the page again with what was posted when refused.

    The response is read once, with its row locked, in the save's transaction: the gate's
    read is the save's (404 for another agency's, 403 for a question the user may not
    answer, 423 when submitted or the cycle is not open). One way on every database.
    """
    posted: AnswerInput | None = None
    try:
        with transaction.atomic():
            try:
                response, spec_question, dimension = _editable_question(
                    request, response_id, question, lock=True
                )
            except (Http404, PermissionDenied) as refused:
                if wants_json(request):
                    return _refusal_json(refused)
                raise
            posted = answer_from_post(spec_question, request.POST)
            answer = answer_save(
                response=response,
                question=spec_question,
                value=posted.value,
                not_applicable=posted.not_applicable,
                explanation=posted.explanation,
                base_version=posted.base_version,
                by=request.user,
                locked=True,
            )
    except Conflict as conflict:
        assert posted is not None
        return _conflict_response(request, response, spec_question, dimension, conflict, posted)
    except AnswerRefused as refused:
        status = 423 if isinstance(refused, ResponseLocked) else 400
        kind = "locked" if isinstance(refused, ResponseLocked) else "invalid"
        if wants_json(request):
            return JsonResponse({"status": kind, "message": refused.message}, status=status)
        return _refused_page(request, response, dimension, question, refused, request.POST)
    if wants_json(request):
        return JsonResponse(_saved_payload(request, answer))
    messages.success(request, _("Answer %(code)s saved.") % {"code": question})
    return HttpResponseRedirect(_question_url(response, dimension.code, question))


def _refusal_json(refused: Exception) -> JsonResponse:
    """A script's request for another agency's response, an unknown question (404) or a
    question the user may not answer (403): JSON with a message the page's script shows."""
    if isinstance(refused, PermissionDenied):
        return JsonResponse(
            {"status": "forbidden", "message": _("You may not answer this question.")},
            status=403,
        )
    return JsonResponse(
        {
            "status": "not_found",
            "message": _(
                "This response or question was not found, or you may not see it. Reload "
                "the page."
            ),
        },
        status=404,
    )


def _refused_page(
    request: HttpRequest,
    response: Response,
    dimension: Dimension,
    code: str,
    refused: AnswerRefused,
    posted: QueryDict | None,
) -> HttpResponse:
    """A plain form post (no script) that was refused: the question's part of the
    questionnaire again, with what was posted in its fields and the reason beside it, so
    that nothing typed is lost (400; 423 when the response can no longer change)."""
    locked = isinstance(refused, ResponseLocked)
    context = _page_context(request, response, dimension.code)
    page = context["page"]
    assert page.current is not None
    for indicator in page.current.indicators:
        for item in indicator.questions:
            if item.code == code:
                item.error = refused.message
                if posted is not None:
                    _keep_posted(item, posted)
    context["refused"] = {"code": code, "message": refused.message, "locked": locked}
    return render(
        request, "responses/questionnaire.html", context, status=423 if locked else 400
    )


def _keep_posted(item: selectors.QuestionView, data: QueryDict) -> None:
    """Show DATA (a refused post) in the question's fields instead of the stored answer."""
    raw = data.getlist("value")
    if item.type in CHOICE_TYPES:
        chosen = set(raw)
        for choice in item.choices:
            choice.checked = choice.value in chosen
        item.none_chosen = (data.get("none_chosen") or "").lower() in TRUE_WORDS
    elif item.type != "file":
        item.input_value = raw[0] if raw else ""
    item.not_applicable = item.allow_na and (
        (data.get("not_applicable") or "").lower() in TRUE_WORDS
    )
    item.explanation = data.get("explanation") or ""
    base = parse_whole((data.get("base_version") or "").strip(), maximum=INTEGER_MAX)
    if base is not None:
        # The version the person's page showed: a colleague's newer answer still makes the
        # next save a conflict to choose from, never a silent overwrite.
        item.version = base


def _changed_by(request: HttpRequest, conflict: Conflict) -> bool:
    """Whether the person asking saved the newer answer themselves (in another window or tab)."""
    return conflict.by is not None and conflict.by.pk == request.user.pk


def _conflict_response(
    request: HttpRequest,
    response: Response,
    question: Question,
    dimension: Dimension,
    conflict: Conflict,
    posted: AnswerInput,
) -> HttpResponse:
    language = _language()
    own = _changed_by(request, conflict)
    context = {
        "response": response,
        "question": question,
        "question_text": question.text.get(language),
        "dimension": dimension,
        "own": own,
        "theirs": selectors.display_value(
            question, conflict.value, conflict.not_applicable, language
        ),
        "theirs_explanation": conflict.explanation,
        "theirs_by": selectors.user_name(conflict.by) or _("a colleague"),
        "theirs_at": be_datetime_text(conflict.at),
        "mine": selectors.display_value(question, posted.value, posted.not_applicable, language),
        "mine_explanation": posted.explanation.strip(),
        "version": conflict.version,
        "posted": [
            (k, v) for k, values in request.POST.lists() for v in values
            if k not in ("base_version", "csrfmiddlewaretoken")
        ],
        "back": _question_url(response, dimension.code, question.code),
    }
    if wants_json(request):
        return JsonResponse(
            {
                "status": "conflict",
                "version": conflict.version,
                "message": (
                    _("You changed this answer at %(when)s in another window or tab: choose "
                      "which to keep.") if own else
                    _("%(who)s changed this answer at %(when)s: choose which to keep.")
                ) % {"who": context["theirs_by"], "when": context["theirs_at"]},
                "html": render_to_string("responses/_conflict.html", context, request=request),
            },
            status=409,
        )
    return render(request, "responses/conflict.html", context, status=409)


@signed_in_for_script
@require_POST
def carry_over_view(request: HttpRequest, response_id: int, question: str) -> HttpResponse:
    """Copy last cycle's answer (and its evidence) as a new version of this answer."""
    try:
        response, spec_question, dimension = _editable_question(request, response_id, question)
    except (Http404, PermissionDenied) as refused:
        if wants_json(request):
            return _refusal_json(refused)
        raise
    back = _question_url(response, dimension.code, question)
    try:
        base_version = base_version_from(request.POST)
        answer = answer_carry_over(
            response=response, question=spec_question, base_version=base_version, by=request.user
        )
    except Conflict as conflict:
        message = (_(
            "You changed this answer at %(when)s (in another window or tab); the page now "
            "shows that answer. Carry over again if you still want last cycle's answer."
        ) if _changed_by(request, conflict) else _(
            "%(who)s changed this answer at %(when)s; the page now shows their answer. "
            "Carry over again if you still want last cycle's answer."
        )) % {
            "who": selectors.user_name(conflict.by) or _("a colleague"),
            "when": be_datetime_text(conflict.at),
        }
        if wants_json(request):
            return JsonResponse(
                {
                    "status": "conflict",
                    "version": conflict.version,
                    "message": message,
                    "html": _render_question(request, response, question),
                },
                status=409,
            )
        messages.error(request, message)
        return HttpResponseRedirect(back)
    except AnswerRefused as refused:
        status = 423 if isinstance(refused, ResponseLocked) else 400
        if wants_json(request):
            return JsonResponse({"status": "invalid", "message": refused.message}, status=status)
        return _refused_page(request, response, dimension, question, refused, None)
    if wants_json(request):
        payload = _saved_payload(request, answer)
        payload["message"] = _("Carried over from last cycle")
        payload["html"] = _render_question(request, response, question)
        return JsonResponse(payload)
    messages.success(request, _("Last cycle's answer to %(code)s carried over.") % {"code": question})
    return HttpResponseRedirect(back)


# --- submission --------------------------------------------------------------------------


def _missing_context(response: Response, missing: list[selectors.MissingItem]) -> list[dict[str, Any]]:
    language = _language()
    return [
        {
            "kind": item.kind,
            "code": item.code,
            "text": item.question.text.get(language),
            "dimension": item.dimension.name.get(language),
            "url": _question_url(response, item.dimension.code, item.code),
        }
        for item in missing
    ]


@login_required
@require_http_methods(["GET", "POST"])
def submit_view(request: HttpRequest, response_id: int) -> HttpResponse:
    """What is still missing, and (for the coordinator) the submit button."""
    response = response_for_viewer(request.user, response_id)
    profile = profile_of(request.user)
    error = ""
    if request.method == "POST":
        if not may_submit(profile, response):
            raise PermissionDenied
        try:
            response_submit(
                response=response,
                by=request.user,
                confirmed=request.POST.get("confirm") == "yes",
                site_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except (SubmitRefused, ResponseLocked) as refused:
            error = refused.message
        else:
            messages.success(
                request,
                _("The response was submitted on %(when)s. Its answers are now locked.")
                % {"when": be_datetime_text(response.submitted_at)},
            )
            return redirect("responses:submit", response.pk)
    missing = selectors.missing_items(response=response)
    return render(
        request,
        "responses/submit.html",
        {
            "response": response,
            "agency_name": response.agency.name(_language()),
            "missing_answers": _missing_context(
                response, [m for m in missing if m.kind == "answer"]
            ),
            "missing_evidence": _missing_context(
                response, [m for m in missing if m.kind == "evidence"]
            ),
            "may_submit": _may_submit(profile, response),
            "locked_reason": _locked_reason(response),
            "submitted_at": be_datetime_text(response.submitted_at),
            "submitted_by": selectors.user_name(response.submitted_by),
            "error": error,
        },
        status=400 if error else 200,
    )


# --- history -----------------------------------------------------------------------------


@login_required
@require_GET
def history_view(request: HttpRequest, response_id: int) -> HttpResponse:
    response = response_for_viewer(request.user, response_id)
    page, rows = history.history_page(
        response=response, page=request.GET.get("page"), language=_language(),
        with_review=sees_review_history(profile_of(request.user), response),
    )
    return render(
        request,
        "responses/history.html",
        {
            "response": response,
            "agency_name": response.agency.name(_language()),
            "page": page,
            "rows": rows,
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@require_GET
def history_csv(request: HttpRequest, response_id: int) -> StreamingHttpResponse:
    response = response_for_viewer(request.user, response_id)
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield "\ufeff"  # spreadsheets then read the file as UTF-8 (Thai text)
        yield writer.writerow(
            [
                "at", "date_be", "who", "kind", "question", "old", "new",
                "old_explanation", "new_explanation", "version", "reason",
            ]
        )
        for row in history.history_all(
            response=response, language=_language(),
            with_review=sees_review_history(profile_of(request.user), response),
        ):
            change = row.change
            yield writer.writerow(
                [safe_cell(v) for v in (
                    change.at.isoformat(), be_date_text(change.at), row.who, change.kind,
                    row.question, row.old, row.new, row.old_explanation, row.new_explanation,
                    change.version, row.reason,
                )]
            )

    result = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    name = f"history-{response.cycle.code}-{response.agency.code}.csv"
    result["Content-Disposition"] = f'attachment; filename="{name}"'
    return result
