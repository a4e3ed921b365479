"""Review pages: the reviewer's queue, assigning reviewers, and one response's review.

Responses are fetched only through ``phrom.accounts.gates.review_for_reviewer``; reads go
through ``selectors`` and writes through ``services``. Forms are plain POST forms that
work without JavaScript; every write redirects back (post/redirect/get). The verdict form
is enhanced with htmx: it then answers with the answer's section alone.
"""

from __future__ import annotations

import functools
from typing import Any

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from phrom.accounts.gates import (
    evidence_for_reviewer,
    may_assign_reviewers,
    may_plan_audit_sample,
    may_review_response,
    may_use_review_queue,
    profile_of,
    review_for_reviewer,
    verified_scores_for_viewer,
)
from phrom.accounts.signed_in import signed_in_for_script
from phrom.agencies.models import Agency
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.frameworks.services import LifecycleRefused, cycle_set_status
from phrom.reviews import selectors
from phrom.reviews.forms import AssignForm, PublishForm, StatusForm, VerdictForm, problems
from phrom.reviews.models import Review, ReviewStatus, VerdictKind
from phrom.reviews.services import (
    REVIEW_CYCLE_STATUSES,
    ReviewRefused,
    VerdictConflict,
    next_statuses,
    pending_clarifications,
    review_set_status,
    reviewers_assign,
    unsigned_responses,
    verdict_save,
)
from scoring.model import Bilingual, Question, QuestionType

QUEUE_PAGE_SIZE = 100


def _text(value: Bilingual | None) -> str:
    if value is None:
        return ""
    return value.en if (get_language() or "th").startswith("en") and value.en else value.th


def _shown(question: Question, value: Any, not_applicable: bool = False) -> str:
    """An answer's value as a reader sees it: option names, yes or no, numbers."""
    if not_applicable:
        return _("Not applicable")
    if value is None or value == "" or value == []:
        return "—"
    if question.type is QuestionType.YES_NO:
        return _("Yes") if value else _("No")
    if question.options:
        codes = value if isinstance(value, list | tuple) else [value]
        names = []
        for code in codes:
            option = question.option(str(code))
            names.append(_text(option.label) if option is not None else str(code))
        return ", ".join(names)
    return str(value)


def _cell(question: Question, value: Any) -> str:
    """A value as the verified-value field takes it (as in the answers spreadsheet)."""
    if value is None:
        return ""
    if question.type is QuestionType.YES_NO:
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _int(text: str | None) -> int | None:
    if text and text.isascii() and text.isdigit() and len(text) < 19:
        return int(text)
    return None


def _require_queue(request: HttpRequest) -> None:
    if not may_use_review_queue(profile_of(request.user)):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "HEAD"])
def queue(request: HttpRequest) -> HttpResponse:
    """The responses the user reviews, filtered by cycle, ministry, group and status, and
    searched by agency name (Thai or English)."""
    _require_queue(request)
    cycles = list(Cycle.objects.order_by("-year_be", "code"))
    cycle = next((c for c in cycles if c.code == request.GET.get("cycle")), None)
    ministries = list(Agency.objects.filter(kind="ministry").order_by("code"))
    ministry_id = _int(request.GET.get("ministry"))
    # (order_by: the model's default ordering would make DISTINCT repeat each group)
    groups = list(
        Agency.objects.exclude(group="").order_by("group").values_list("group", flat=True)
        .distinct()
    )
    group = request.GET.get("group", "")
    group = group if group in groups else ""
    status = request.GET.get("status", "")
    status = status if status in ReviewStatus.values else ""
    search = request.GET.get("q", "")[:200]
    found = selectors.review_queue(
        user=request.user, cycle=cycle, ministry_id=ministry_id, group=group, status=status,
        search=search,
    )
    # a page number that is not one shows the nearest page, not an error
    page = Paginator(found, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    named: dict[int, dict[str, str]] = {}  # per framework: peer group code -> name
    for row in rows:
        try:
            row.review_status_label = row.review.get_status_display()
        except Review.DoesNotExist:
            row.review_status_label = ReviewStatus.NOT_STARTED.label
        if row.cycle.framework_id not in named:
            named[row.cycle.framework_id] = _group_names(row.cycle)
        row.group_name = named[row.cycle.framework_id].get(row.agency.group, row.agency.group)
    # the filter's groups by name, from the chosen cycle's framework (else the newest)
    group_choices = _group_choices(groups, cycle or (cycles[0] if cycles else None))
    return render(request, "reviews/queue.html", {
        "rows": rows, "cycles": cycles, "cycle": cycle, "ministries": ministries,
        "ministry_id": ministry_id, "groups": group_choices, "group": group,
        "statuses": ReviewStatus.choices, "status": status, "search": search,
        "may_assign": may_assign_reviewers(profile_of(request.user)),
        "may_audit": may_plan_audit_sample(profile_of(request.user)),
        "page": page, "filters": _queue_filters(cycle, ministry_id, group, status, search),
    })


def _queue_filters(cycle: Cycle | None, ministry_id: int | None, group: str, status: str,
                   search: str) -> str:
    """The queue's filters as a query string, for the links to other pages."""
    values = {"cycle": cycle.code if cycle else "", "ministry": ministry_id or "",
              "group": group, "status": status, "q": search}
    return urlencode({k: v for k, v in values.items() if v})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assign(request: HttpRequest) -> HttpResponse:
    """Administrators assign a reviewer to the responses of a ministry, a peer group or a
    list of agencies, and see each reviewer's load and progress."""
    if not may_assign_reviewers(profile_of(request.user)):
        raise PermissionDenied
    cycles = list(Cycle.objects.filter(status__in=REVIEW_CYCLE_STATUSES).order_by("-year_be"))
    reviewers = selectors.reviewers()
    ministries = list(Agency.objects.filter(kind="ministry").order_by("code"))
    if request.method == "POST":
        _assign_from_post(request, cycles, reviewers, ministries)
        return HttpResponseRedirect(reverse("reviews:assign"))
    return render(request, "reviews/assign.html", {
        "cycles": cycles, "reviewers": reviewers, "ministries": ministries,
        "loads": selectors.reviewer_loads(),
        "groups": _group_choices(_groups(), cycles[0] if cycles else None),
    })


def _group_names(cycle: Cycle | None) -> dict[str, str]:
    """Peer group code -> name in the reader's language, from CYCLE's framework."""
    if cycle is None:
        return {}
    language = get_language() or "th"
    return {g.code: g.name.get(language) for g in cycle.framework.spec().peer_groups}


def _group_choices(groups: list[str], cycle: Cycle | None) -> list[tuple[str, str]]:
    """Each peer group code with its name in CYCLE's framework (the code if none)."""
    names = _group_names(cycle)
    return [(g, names.get(g, g)) for g in groups]


def _assign_from_post(
    request: HttpRequest, cycles: list[Cycle], reviewers: list[Any], ministries: list[Agency]
) -> None:
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, problems(form))
        return
    data = form.cleaned_data
    cycle = next((c for c in cycles if c.code == data["cycle"]), None)
    reviewer_id = _int(data["reviewer"])
    reviewer = next((r for r in reviewers if r.pk == reviewer_id), None)
    if cycle is None:
        messages.error(request, _("Choose a cycle that is closed or in review."))
        return
    if reviewer is None:
        messages.error(request, _("Choose a reviewer."))
        return
    ministry = None
    if data["ministry"]:
        ministry_id = _int(data["ministry"])
        ministry = next((m for m in ministries if m.pk == ministry_id), None)
        if ministry is None:
            messages.error(request, _("Choose a ministry from the list."))
            return
    group = data["group"]
    if group and group not in dict(_group_choices(_groups(), cycle)):
        messages.error(request, _("There is no peer group “%(group)s”; choose one from the "
                                  "list.") % {"group": group[:64]})
        return
    codes = list(dict.fromkeys(c for c in data["agencies"].replace(",", " ").split() if c))
    agencies = None
    if codes:
        agencies = list(Agency.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {a.code for a in agencies})
        if unknown:
            messages.error(request, _("No agency has the code: %(codes)s.")
                           % {"codes": ", ".join(unknown[:20])})
            return
    assign_and_report(request, cycle=cycle, reviewer=reviewer, agencies=agencies,
                      ministry=ministry, group=group)


def _groups() -> list[str]:
    """Every peer group an agency is in (codes)."""
    return sorted(set(Agency.objects.exclude(group="").values_list("group", flat=True)))


def assign_and_report(request: HttpRequest, *, cycle: Cycle, reviewer: Any,
                      **scope: Any) -> None:
    """Assign REVIEWER to CYCLE's responses in SCOPE (``reviewers_assign``'s agencies,
    ministry, group) and say in the page's messages what came of it."""
    try:
        result = reviewers_assign(cycle=cycle, reviewer=reviewer, by=request.user, **scope)
    except ReviewRefused as exc:
        messages.error(request, exc.message)
        return
    counts = {"name": reviewer.get_username(), "created": len(result.created),
              "already": result.already, "cycle": cycle.code}
    if result.created:
        messages.success(request, _(
            "%(name)s: %(created)s responses assigned, %(already)s already assigned."
        ) % counts)
    elif result.matched == 0:
        messages.error(request, _(
            "Nothing was assigned to %(name)s: no submitted response of cycle %(cycle)s "
            "matches what you chose."
        ) % counts)
    else:
        messages.warning(request, _(
            "Nothing new was assigned to %(name)s: %(already)s of the responses chosen were "
            "already assigned."
        ) % counts)
    if result.not_submitted:
        messages.warning(request, _(
            "Not assigned, as they have no submitted response in cycle %(cycle)s: %(codes)s."
        ) % {"cycle": cycle.code, "codes": ", ".join(result.not_submitted[:50])})
    if result.own_agency:
        messages.warning(request, _(
            "Not assigned, as the reviewer belongs to them: %(codes)s."
        ) % {"codes": ", ".join(result.own_agency)})


@login_required
@require_http_methods(["GET", "HEAD"])
def review(request: HttpRequest, response_id: int) -> HttpResponse:
    """One response's review: each answer beside its evidence, last cycle's answer, the
    question's guidance and a verdict form; claimed and verified scores side by side."""
    response = review_for_reviewer(request.user, response_id)
    assignments = selectors.assignments_of(response=response)
    may_act = _may_act(request, response, assignments)
    items = [_row(item) for item in selectors.review_items(response=response)]
    return render(request, "reviews/review.html", {
        "response": response,
        "items": items,
        "assignments": assignments,
        "may_act": may_act,
        **_status_context(request, response, may_act),
        **_ITEM_CONTEXT,
        "scores": selectors.claimed_and_verified(response=response),
        "agency_name": _agency_name(response),
    })


def _may_act(request: HttpRequest, response: Any, assignments: list[Any]) -> bool:
    """Whether the user gives verdicts and moves the status of RESPONSE's review now."""
    assigned = any(a.reviewer_id == request.user.pk for a in assignments)
    return (
        may_review_response(profile_of(request.user), response, assigned=assigned)
        and response.cycle.status in REVIEW_CYCLE_STATUSES
    )


def _status_of(response: Any) -> str:
    """The status of RESPONSE's review (not started while it has no review row)."""
    status = Review.objects.filter(response=response).values_list("status", flat=True).first()
    return status or ReviewStatus.NOT_STARTED


def _status_context(request: HttpRequest, response: Any, may_act: bool) -> dict[str, Any]:
    """The review's status and the moves the user may make, for reviews/_status.html."""
    status = _status_of(response)
    statuses = dict(ReviewStatus.choices)
    moves = next_statuses(response=response, user=request.user, current=status) if may_act else []
    return {
        "status": status,
        "status_label": statuses.get(status, status),
        "moves": [(s, statuses[s]) for s in moves],
    }


def _row(item: selectors.ReviewItem) -> dict[str, Any]:
    """One answer of the review page as reviews/_review_item.html shows it; ``form`` holds
    the verdict form's values (the saved verdict's)."""
    q = item.question
    verdict = item.verdict
    return {
        "item": item,
        "code": q.code,
        "text": _text(q.text),
        "help": _text(q.help),
        "indicator": _text(item.indicator.name),
        "claimed": _shown(q, item.answer.value if item.answer else None,
                          bool(item.answer and item.answer.not_applicable)),
        "explanation": item.answer.explanation if item.answer else "",
        "previous": (
            _shown(q, item.previous_answer.value, item.previous_answer.not_applicable)
            if item.previous_answer else None
        ),
        "verified": (
            _shown(q, verdict.verified_value, verdict.verified_not_applicable)
            if verdict is not None and verdict.has_verified_value else None
        ),
        "allow_na": q.allow_na,
        "form": {
            "version": verdict.version if verdict is not None else 0,
            "verdict": verdict.verdict if verdict is not None else "",
            "comment": verdict.comment if verdict is not None else "",
            "set_value": bool(verdict and verdict.has_verified_value),
            "value": (
                _cell(q, verdict.verified_value) if verdict and verdict.has_verified_value
                else _cell(q, item.answer.value if item.answer else None)
            ),
            "not_applicable": bool(verdict and verdict.verified_not_applicable),
            "reason": verdict.reason if verdict is not None else "",
        },
    }


@login_required
@require_http_methods(["GET", "HEAD"])
def scores(request: HttpRequest, response_id: int) -> HttpResponse:
    """Claimed and verified scores side by side: for reviewers during review, for the
    agency after publication."""
    response = verified_scores_for_viewer(request.user, response_id)
    return render(request, "reviews/scores.html", {
        "response": response,
        "scores": selectors.claimed_and_verified(response=response),
        "agency_name": _agency_name(response),
    })


def _agency_name(response: Any) -> str:
    agency = response.agency
    english = (get_language() or "th").startswith("en")
    return str(agency.name_en if english and agency.name_en else agency.name_th)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def publish(request: HttpRequest, code: str) -> HttpResponse:
    """Administrators publish a cycle in review: at once when every submitted response is
    signed off, otherwise only with the reason, which is recorded."""
    if not may_assign_reviewers(profile_of(request.user)):
        raise PermissionDenied
    cycle = Cycle.objects.filter(code=code[:64]).select_related("framework").first()
    if cycle is None:
        raise Http404
    if request.method == "POST":
        form = PublishForm(request.POST)
        if not form.is_valid():
            messages.error(request, problems(form))
            return HttpResponseRedirect(reverse("reviews:publish", args=[cycle.code]))
        try:
            cycle_set_status(
                cycle=cycle, status=CycleStatus.PUBLISHED, by=request.user,
                override_reason=form.cleaned_data["reason"],
            )
        except LifecycleRefused as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse("reviews:publish", args=[cycle.code]))
        messages.success(request, _("Cycle %(code)s is published.") % {"code": cycle.code})
        return HttpResponseRedirect(reverse("cycles:progress", args=[cycle.code]))
    return render(request, "reviews/publish.html", {
        "cycle": cycle, "unsigned": unsigned_responses(cycle=cycle),
        "pending": pending_clarifications(cycle=cycle),
        "overrides": selectors.publish_overrides(cycle=cycle),
    })


# Images shown in the review page, recognised by their first bytes, never by the name or
# the type the uploader's browser claimed (an SVG or HTML file is never shown inline).
PREVIEW_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
PREVIEW_TYPES = frozenset(kind for _signature, kind in PREVIEW_SIGNATURES)
PDF_SIGNATURE = b"%PDF-"


# What reviews/_review_item.html needs besides the row, on the page and alone.
_ITEM_CONTEXT = {
    "verdicts": VerdictKind.choices,
    "preview_types": PREVIEW_TYPES,
    "pdf_type": "application/pdf",
}


@login_required
@require_http_methods(["GET", "HEAD"])
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def evidence_preview(request: HttpRequest, evidence_id: int) -> FileResponse:
    """An evidence image (PNG, JPEG or GIF) or PDF inline, for the review page; anything
    else is only downloaded. Only this view may be framed, and only by Phrom's own pages
    (the review page shows PDFs in an iframe)."""
    evidence = evidence_for_reviewer(request.user, evidence_id)
    if not evidence.file:
        raise Http404
    try:
        handle = evidence.file.storage.open(evidence.file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    head = handle.read(16)
    handle.seek(0)
    kind = next((k for signature, k in PREVIEW_SIGNATURES if head.startswith(signature)), None)
    if kind is None and head.startswith(PDF_SIGNATURE):
        kind = "application/pdf"
    if kind is None:
        handle.close()
        raise Http404
    reply = FileResponse(handle, content_type=kind)
    reply["Content-Disposition"] = "inline"
    reply["X-Content-Type-Options"] = "nosniff"
    if kind != "application/pdf":
        # An image needs nothing; a PDF keeps the site policy (with frame-ancestors 'self')
        # because a sandboxed PDF is not rendered by the browser's viewer.
        reply["Content-Security-Policy"] = "default-src 'none'; sandbox"
    reply["Cache-Control"] = "private, no-cache"
    return reply


def _back(response_id: int, code: str = "") -> HttpResponseRedirect:
    url = reverse("reviews:review", args=[response_id])
    return HttpResponseRedirect(f"{url}#q-{code}" if code else url)


def _signed_in_for_htmx(view: Any) -> Any:
    """``login_required`` for a form that htmx enhances: through htmx, a session that has
    ended gets the 401 "signed out, sign in again" notice at the top of the answer's
    section, with what the reviewer typed left in place (not the sign-in page swapped in
    for the section); a plain post still goes to the sign-in page."""
    guarded = signed_in_for_script(view)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        reply: HttpResponse = guarded(request, *args, **kwargs)
        if reply.status_code == 401:
            reply["HX-Reswap"] = "afterbegin"
        return reply

    return wrapper


@_signed_in_for_htmx
@require_POST
def verdict(request: HttpRequest, response_id: int, question: str) -> HttpResponse:
    """Save the verdict on one answer. A plain form post redirects back to the page with
    the outcome in its messages; through htmx (progressive enhancement) the answer is the
    answer's section alone, with the outcome in it, and the scores swapped out of band."""
    response = review_for_reviewer(request.user, response_id)
    status_before = _status_of(response)
    version = _int(request.POST.get("version"))
    if version is None or version > 2**31:
        message = _("The form is missing its version; reload the page.")
        if request.htmx:
            return _verdict_answer(request, response, question, message, status_before,
                                   refused=True)
        messages.error(request, message)
        return _back(response.pk, question)
    form = VerdictForm(request.POST)
    try:
        if not form.is_valid():
            raise ReviewRefused(
                _("Question %(code)s: %(problems)s") % {"code": question[:64],
                                                        "problems": problems(form)}
            )
        data = form.cleaned_data
        verdict_save(
            response=response,
            question=question[:64],
            verdict=data["verdict"],
            by=request.user,
            base_version=version,
            comment=data["comment"],
            set_verified_value=data["set_value"],
            verified_value=data["verified_value"],
            verified_not_applicable=data["verified_na"],
            reason=data["reason"],
        )
    except ReviewRefused as exc:
        if request.htmx:
            # A stale form shows the verdict saved meanwhile; any other refusal keeps what
            # the reviewer typed, to correct it.
            return _verdict_answer(request, response, question, exc.message, status_before,
                                   refused=True, typed=not isinstance(exc, VerdictConflict))
        messages.error(request, exc.message)
    else:
        message = _("Verdict on %(code)s saved.") % {"code": question}
        if status_before == ReviewStatus.COMPLETE and _status_of(response) != status_before:
            message = _("Verdict on %(code)s saved. As it needs clarification, the review is "
                        "back in progress.") % {"code": question}
        if request.htmx:
            return _verdict_answer(request, response, question, message, status_before)
        messages.success(request, message)
    return _back(response.pk, question)


def _verdict_answer(request: HttpRequest, response: Any, question: str, message: str,
                    status_before: str, *, refused: bool = False,
                    typed: bool = False) -> HttpResponse:
    """The htmx answer to a verdict form: the answer's section, as saved, with MESSAGE
    (and, when TYPED, the form as the reviewer filled it in); the scores out of band, and
    the review's status when it moved from STATUS_BEFORE (a first verdict starts the
    review); otherwise the status form is left as it is, with any note being typed in it.
    A refusal is answered with 200 too, as htmx swaps only successes."""
    items = selectors.review_items(response=response, question=question[:64])
    if not items:
        raise Http404
    row = _row(items[0])
    if typed:
        row["form"] = {
            **row["form"],
            "version": request.POST.get("version", "")[:12],
            "verdict": request.POST.get("verdict", "")[:64],
            "comment": request.POST.get("comment", "")[:5000],
            "set_value": request.POST.get("set_value") == "on",
            "value": request.POST.get("verified_value", "")[:1000],
            "not_applicable": request.POST.get("verified_na") == "on",
            "reason": request.POST.get("reason", "")[:5000],
        }
    assignments = selectors.assignments_of(response=response)
    may_act = _may_act(request, response, assignments)
    state = _status_context(request, response, may_act)
    return render(request, "reviews/_verdict_answer.html", {
        "response": response,
        "row": row,
        "assignments": assignments,
        "may_act": may_act,
        **state,
        "status_moved": state["status"] != status_before,
        **_ITEM_CONTEXT,
        "outcome": {"message": message, "refused": refused},
        "scores": selectors.claimed_and_verified(response=response),
    })


@login_required
@require_POST
def status(request: HttpRequest, response_id: int) -> HttpResponse:
    """Move the review's status (each role its allowed moves)."""
    response = review_for_reviewer(request.user, response_id)
    form = StatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ReviewRefused(problems(form))
        review_set_status(
            response=response, status=form.cleaned_data["status"], by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ReviewRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Review status changed."))
    return _back(response.pk)

