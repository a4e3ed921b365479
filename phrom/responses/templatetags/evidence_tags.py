"""Template helpers of the evidence widget: its state, and dates in the Buddhist Era."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django import template
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language

from phrom.accounts.gates import may_answer, profile_of, response_for_editor
from phrom.core.thai import format_date
from phrom.responses.evidence import (
    ACCEPTED_EXTENSIONS,
    find_question,
    max_upload_mb,
    takes_evidence,
)
from phrom.responses.models import Evidence, Response
from scoring.model import Question

register = template.Library()

@register.filter
def evidence_date(value: dt.date | dt.datetime | None) -> str:
    """A date in the Buddhist Era: ``25 พ.ย. 2564`` in Thai, ``25 Nov 2564 BE`` in English."""
    if value is None or value == "":
        return ""
    return format_date(value, short=True)


@register.filter
def bilingual(value: Any) -> str:
    """A framework text (``Bilingual``) in the current language."""
    if value is None:
        return ""
    getter = getattr(value, "get", None)
    return str(getter(get_language() or "th")) if callable(getter) else str(value)


@dataclass
class EvidenceWidget:
    """What ``responses/evidence/_widget.html`` shows for one question of one response."""

    response: Response
    question: Question
    dimension_code: str
    items: list[Evidence]
    can_edit: bool
    next: str
    dom_id: str
    limit_mb: int
    accept: str = ",".join(ACCEPTED_EXTENSIONS)
    file_error: str = ""
    url_error: str = ""
    url_value: str = ""
    status: str = ""
    confirm: Evidence | None = None
    # what gets ``autofocus``: "file", "url" or the id of an item's remove link
    focus: str | int | None = None
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def required(self) -> bool:
        return self.question.evidence == "required"


def questionnaire_url(response: Response, code: str) -> str:
    """Where the question sits in the questionnaire (the colleague's page anchors ``#q-``)."""
    return f"/responses/{response.pk}/#q-{code}"


def _evidence_by_question(request: Any, response: Response) -> dict[str, list[Evidence]]:
    # One query per response and request, however many widgets the page holds.
    cache: dict[int, dict[str, list[Evidence]]] | None = getattr(request, "_phrom_evidence", None)
    if cache is not None and response.pk in cache:
        return cache[response.pk]
    grouped: dict[str, list[Evidence]] = defaultdict(list)
    rows = (
        Evidence.objects.filter(response=response, removed_at__isnull=True)
        .select_related("carried_from__response__cycle")
        .order_by("uploaded_at", "id")
    )
    for row in rows:
        grouped[row.question].append(row)
    if request is not None:
        cache = cache or {}
        cache[response.pk] = grouped
        request._phrom_evidence = cache
    return grouped


def _editable(request: Any, user: Any, response: Response) -> bool:
    cache: dict[int, bool] | None = getattr(request, "_phrom_evidence_editable", None)
    if cache is not None and response.pk in cache:
        return cache[response.pk]
    try:
        response_for_editor(user, response.pk)
        editable = True
    except (PermissionDenied, Http404):
        editable = False
    if request is not None:
        cache = cache or {}
        cache[response.pk] = editable
        request._phrom_evidence_editable = cache
    return editable


def _next_url(context: template.Context, request: Any, response: Response, code: str) -> str:
    given = context.get("evidence_next")
    if given:
        return str(given)
    if request is not None:
        htmx = getattr(request, "htmx", None)
        path = (htmx.current_url_abs_path if htmx else None) or request.get_full_path()
        return f"{path.split('#', 1)[0]}#q-{code}"
    return questionnaire_url(response, code)


@register.simple_tag(takes_context=True)
def evidence_widget(
    context: template.Context, response: Response, question: Question
) -> EvidenceWidget | None:
    """The widget's state, or None when the question takes no evidence."""
    if not takes_evidence(question):
        return None
    found = find_question(response, question.code)
    dimension_code = found[1].code if found else ""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    can_edit = False
    if user is not None and found is not None:
        profile = profile_of(user)
        can_edit = (
            profile is not None
            and may_answer(profile, dimension_code)
            and _editable(request, user, response)
        )
    code = question.code
    widget = EvidenceWidget(
        response=response,
        question=question,
        dimension_code=dimension_code,
        items=list(_evidence_by_question(request, response).get(code, [])),
        can_edit=can_edit,
        next=_next_url(context, request, response, code),
        dom_id=f"evidence-{code}",
        limit_mb=max_upload_mb(),
        urls={
            "upload": reverse("responses:evidence_upload", args=[response.pk, code]),
            "add_url": reverse("responses:evidence_add_url", args=[response.pk, code]),
            "widget": reverse("responses:evidence_widget", args=[response.pk, code]),
        },
    )
    state = context.get("evidence_state") or {}
    if state.get("question") == code:
        widget.file_error = state.get("file_error", "")
        widget.url_error = state.get("url_error", "")
        widget.url_value = state.get("url_value", "")
        widget.status = state.get("status", "")
        widget.confirm = state.get("confirm")
        widget.focus = state.get("focus")
    return widget
