"""Clarification pages: the reviewer's request form, the page where the agency answers
in place, and the reviewer's closing of a request.

Responses are fetched through ``phrom.accounts.gates`` (another agency's request is a
404); writes go through ``phrom.reviews.clarifications`` and ``phrom.responses.evidence``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from phrom.accounts.gates import (
    edits_for,
    may_answer,
    may_review_response,
    profile_of,
    response_for_viewer,
    review_for_reviewer,
)
from phrom.core.thai import BEDateField, format_date, today
from phrom.responses.evidence import (
    EvidenceRejected,
    evidence_add_file,
    evidence_add_url,
    find_question,
)
from phrom.responses.models import Answer
from phrom.responses.selectors import display_value
from phrom.reviews import clarifications
from phrom.reviews.forms import ClarificationActionForm, TextField, problems
from phrom.reviews.models import ClarificationRequest, ReviewAssignment
from phrom.reviews.services import ReviewRefused


class ClarifyForm(forms.Form):
    questions = TextField(
        label=gettext_lazy("Answers to clarify (question codes, separated by commas)"),
        max_length=2000, required=True,
    )
    deadline = BEDateField(label=gettext_lazy("Deadline"), not_before=today)
    message = TextField(
        label=gettext_lazy("What the agency should clarify"), widget=forms.Textarea,
        max_length=clarifications.MAX_MESSAGE, required=True,
    )
    unanswered_not_supported = forms.BooleanField(
        label=gettext_lazy("If unanswered by the deadline, the answers are not supported"),
        help_text=gettext_lazy(
            "Their verdict becomes “not supported”: the verified scores count those answers "
            "as unanswered, unless you set a verified value."
        ),
        required=False, initial=True,
    )


def _may_review(request: HttpRequest, response: Any) -> bool:
    assigned = ReviewAssignment.objects.filter(response=response, reviewer_id=request.user.pk).exists()
    return may_review_response(profile_of(request.user), response, assigned=assigned)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def clarify(request: HttpRequest, response_id: int) -> HttpResponse:
    """A reviewer asks the agency to clarify some answers."""
    response = review_for_reviewer(request.user, response_id)
    if not _may_review(request, response):
        raise PermissionDenied
    form = ClarifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = [c.strip() for c in form.cleaned_data["questions"].split(",")]
        try:
            made = clarifications.clarification_request(
                response=response, questions=codes, deadline=form.cleaned_data["deadline"],
                message=form.cleaned_data["message"], by=request.user,
                unanswered_not_supported=form.cleaned_data["unanswered_not_supported"],
                site_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ReviewRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The agency has been asked to clarify %(codes)s.")
                             % {"codes": ", ".join(made.questions)})
            return HttpResponseRedirect(reverse("reviews:review", args=[response.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/clarify.html", {
        "response": response, "form": form,
        "requests": ClarificationRequest.objects.filter(response=response).order_by("-id"),
    }, status=status)


def _request_for_viewer(request: HttpRequest, request_id: int) -> ClarificationRequest:
    found = ClarificationRequest.objects.filter(pk=request_id).first()
    if found is None:
        raise Http404
    found.response = response_for_viewer(request.user, found.response_id)
    return found


def _rows(found: ClarificationRequest, user: Any) -> list[dict[str, Any]]:
    profile = profile_of(user)
    answers = {
        a.question: a for a in Answer.objects.filter(
            response_id=found.response_id, question__in=found.questions
        )
    }
    added = clarifications.new_evidence(found)
    language = get_language() or "th"
    answerable = clarifications.why_not_answerable(found) is None
    rows = []
    for code in found.questions:
        located = find_question(found.response, code)
        answer = answers.get(code)
        rows.append({
            "code": code,
            "question": located[0] if located else None,
            "answer": answer,
            # as a person reads it: option labels, "Yes", units; not the stored value
            "shown": display_value(located[0] if located else None, answer.value,
                                   answer.not_applicable, language) if answer else "",
            "explanation": found.explanations.get(code, ""),
            "evidence": added.get(code, []),
            "editable": bool(
                answerable and located is not None
                and profile is not None and edits_for(profile, found.response.agency_id)
                and may_answer(profile, located[1].code)
            ),
        })
    return rows


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def clarification(request: HttpRequest, id: int) -> HttpResponse:
    """The request and the agency's answers; the agency answers here, in place."""
    found = _request_for_viewer(request, id)
    here = reverse("reviews:clarification", args=[found.pk])
    if request.method == "POST":
        form = ClarificationActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, problems(form))
            return HttpResponseRedirect(here)
        action = form.cleaned_data["action"]
        code = form.cleaned_data["question"]
        try:
            if action == "explain":
                clarifications.clarification_explain(
                    request=found, question=code, text=form.cleaned_data["text"],
                    by=request.user,
                )
                messages.success(request, _("The explanation of %(code)s is saved.") % {"code": code})
            elif action in ("file", "url"):
                _add_evidence(request, found, code, action, form.cleaned_data["url"])
                messages.success(request, _("The evidence for %(code)s is added.") % {"code": code})
            elif action == "answered":
                clarifications.clarification_mark_answered(request=found, by=request.user)
                messages.success(request, _("The request is marked answered; the reviewer "
                                            "will see it in the review queue."))
            else:
                messages.error(request, _("Choose what to do: explain, add evidence, or mark "
                                          "the request answered."))
        except (ReviewRefused, EvidenceRejected) as exc:
            messages.error(request, str(exc.message))
        return HttpResponseRedirect(here)
    why_not = clarifications.why_not_answerable(found)
    return render(request, "reviews/clarification.html", {
        "clarification": found, "rows": _rows(found, request.user),
        "deadline": format_date(found.deadline),
        "is_agency": edits_for(profile_of(request.user), found.response.agency_id),
        "is_reviewer": _may_review(request, found.response),
        "answerable": why_not is None,
        # why an open request can no longer be answered (a closed one says so by its status)
        "why_not": why_not if found.is_open else None,
    })


def _add_evidence(request: HttpRequest, found: ClarificationRequest, code: str, action: str,
                  url: str) -> None:
    """New evidence for one of the request's answers, by a person who may answer it."""
    if code not in found.questions:
        raise ReviewRefused(
            _("Question %(code)s is not part of this clarification request; only its own "
              "answers may get new evidence.") % {"code": code}
        )
    located = find_question(found.response, code)
    profile = profile_of(request.user)
    if (located is None or profile is None or not edits_for(profile, found.response.agency_id)
            or not may_answer(profile, located[1].code)):
        raise PermissionDenied
    why_not = clarifications.why_not_answerable(found)
    if why_not is not None:  # (the evidence service checks again, inside its lock)
        raise ReviewRefused(why_not)
    if action == "file":
        upload = request.FILES.get("file")
        if upload is None:
            raise ReviewRefused(_("Choose a file to upload."))
        evidence_add_file(response=found.response, question=code, upload=upload, by=request.user)
    else:
        evidence_add_url(response=found.response, question=code, url=url, by=request.user)


@login_required
@require_POST
def clarification_close(request: HttpRequest, id: int) -> HttpResponse:
    """The reviewer closes a request once its answers have their final verdicts."""
    found = ClarificationRequest.objects.filter(pk=id).first()
    if found is None:
        raise Http404
    response = review_for_reviewer(request.user, found.response_id)
    found.response = response
    try:
        clarifications.clarification_close(request=found, by=request.user)
    except ReviewRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The clarification request is closed."))
    return HttpResponseRedirect(reverse("reviews:review", args=[response.pk]))
