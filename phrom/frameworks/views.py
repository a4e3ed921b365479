"""Cycles: the list, the progress page and the administrators' lifecycle actions.

Administrators see and act; executives watch the same pages read-only; every other
role gets 403 and an anonymous visitor is sent to log in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from phrom.accounts.gates import (
    CYCLE_MANAGERS,
    CYCLE_WATCHERS,
    may_manage_cycles,
    profile_of,
    require_role,
)
from phrom.agencies.forms import AgencyField
from phrom.agencies.models import Agency
from phrom.core.thai import BEDateField, format_date, format_datetime, today
from phrom.frameworks.deadlines import end_of_day
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.frameworks.selectors import (
    CycleNotFound,
    cycle_by_name,
    cycle_list,
    cycle_progress,
    days_to_deadline,
    extensions_of,
    unsubmitted_agencies,
)
from phrom.frameworks.services import (
    LifecycleRefused,
    cycle_next_statuses,
    cycle_set_deadline,
    cycle_set_status,
    deadline_extend_for_agency,
    response_reopen,
)
from phrom.notifications.services import RemindRefused, reminders_send_now
from phrom.responses.models import Response, ResponseStatus
from phrom.responses.selectors import user_name

WATCH_ROLES = CYCLE_WATCHERS
# Agencies listed on the cycle's page as not started, and as in progress: at national scale
# thousands wait, and the staff list of responses shows them all, by ministry or group.
WAITING_SHOWN = 100
ACT_ROLES = CYCLE_MANAGERS

# The words on each lifecycle button: the same target status reads differently by origin.
ACTION_LABELS = {
    (CycleStatus.DRAFT, CycleStatus.OPEN): gettext_lazy("Open the cycle for answers"),
    (CycleStatus.OPEN, CycleStatus.CLOSED): gettext_lazy("Close the cycle"),
    (CycleStatus.CLOSED, CycleStatus.OPEN): gettext_lazy("Open again to extend it"),
    (CycleStatus.CLOSED, CycleStatus.IN_REVIEW): gettext_lazy("Start the review"),
    (CycleStatus.IN_REVIEW, CycleStatus.PUBLISHED): gettext_lazy("Publish the results"),
}
# What each move does, said on the confirmation page before it is done.
CONSEQUENCES = {
    (CycleStatus.DRAFT, CycleStatus.OPEN): gettext_lazy(
        "Agencies will see the questionnaire and can start answering. The framework's "
        "questions should be final before this."
    ),
    (CycleStatus.OPEN, CycleStatus.CLOSED): gettext_lazy(
        "No agency will be able to change its answers or evidence, or submit, even before "
        "the deadline. Responses not yet submitted stay unsubmitted. The cycle can be opened "
        "again later."
    ),
    (CycleStatus.CLOSED, CycleStatus.OPEN): gettext_lazy(
        "Agencies that have not submitted will be able to answer and submit again, until "
        "their deadline."
    ),
    (CycleStatus.CLOSED, CycleStatus.IN_REVIEW): gettext_lazy(
        "The review starts: the cycle can no longer be opened again, and its deadline no "
        "longer changes."
    ),
    (CycleStatus.IN_REVIEW, CycleStatus.PUBLISHED): gettext_lazy(
        "The results, ranks and awards become public to everyone, agencies and visitors "
        "alike, and the cycle never changes status again. This cannot be undone."
    ),
}
CONFIRMED = "yes"

View = Callable[..., HttpResponse]


def role_required(*roles: str) -> Callable[[View], View]:
    """Send an anonymous visitor to log in; refuse (403) anyone without one of ROLES."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def deadline_text(value: dt.datetime | None, language: str) -> str:
    """A deadline in the Buddhist Era, local time: ``25 พฤศจิกายน 2564 เวลา 23:59 น.``."""
    return format_datetime(value, language=language, short=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("New status"))

    def __init__(self, *args: Any, cycle: Cycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (status, ACTION_LABELS.get((cycle.status, status), status))
            for status in cycle_next_statuses(cycle=cycle)
        ]


class StatusConfirmForm(forms.Form):
    """The status move with its confirmation: without ``confirm=yes`` nothing is done."""

    status = forms.CharField()
    confirm = forms.CharField(required=False)

    def confirmed(self) -> bool:
        return self.cleaned_data.get("confirm") == CONFIRMED


class DeadlineForm(forms.Form):
    deadline = BEDateField(
        label=gettext_lazy("Last day for answers"),
        required=False,
        not_before=today,
        help_text=gettext_lazy(
            "Day/month/year in the Buddhist Era, for example 31/01/2570. Agencies may answer "
            "until the end of this day, Bangkok time. Leave it empty to remove the deadline."
        ),
        error_messages={
            "too_early": gettext_lazy(
                "A new deadline cannot be in the past: %(date)s is before today "
                "(%(earliest)s). Choose today or a later day."
            )
        },
    )

    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Kept in the history of every response of the cycle, with your name and the time."
        ),
    )

    def deadline_at(self) -> dt.datetime | None:
        day = self.cleaned_data["deadline"]
        if day is None:
            return None
        return end_of_day(day)


class ExtensionForm(forms.Form):
    """One agency given more time than the cycle's deadline, with a reason."""

    agency = AgencyField(
        label=gettext_lazy("Agency"),
        queryset=Agency.objects.none(),
        unknown_message=gettext_lazy(
            "No agency still answering this cycle has the code or name “%(text)s”: an "
            "extension is for a target agency whose response is not submitted. Type its "
            "code, or a part of its name, and choose it from the list."
        ),
        help_text=gettext_lazy("Type the agency's code, or a part of its name."),
    )
    deadline = BEDateField(
        label=gettext_lazy("Its last day for answers"),
        not_before=today,
        help_text=gettext_lazy(
            "Day/month/year in the Buddhist Era, after the cycle's deadline. The agency may "
            "answer until the end of this day, Bangkok time."
        ),
        error_messages={
            "required": gettext_lazy("Give the agency's new last day."),
            "too_early": gettext_lazy(
                "A new deadline cannot be in the past: %(date)s is before today "
                "(%(earliest)s). Choose today or a later day."
            ),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Kept in the agency's history, with your name and the time."),
        error_messages={"required": gettext_lazy("Give a reason for the extension.")},
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any):
        # Its own ids: the cycle's deadline form on the same page has a "deadline" too.
        kwargs.setdefault("auto_id", "id_extension_%s")
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    def deadline_at(self) -> dt.datetime:
        return end_of_day(self.cleaned_data["deadline"])


class ReopenForm(forms.Form):
    agency = AgencyField(
        label=gettext_lazy("Submitted response"),
        queryset=Agency.objects.none(),
        unknown_message=gettext_lazy(
            "No agency with a submitted response in this cycle has the code or name "
            "“%(text)s”. Type its code, or a part of its name, and choose it from the list."
        ),
        help_text=gettext_lazy("Type the agency's code, or a part of its name."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept in the response's history, with your name and the time."),
        error_messages={"required": gettext_lazy("Give a reason for reopening the response.")},
    )

    def __init__(self, *args: Any, cycle: Cycle, **kwargs: Any):
        # Its own ids: the extension form on the same page has an "agency" too.
        kwargs.setdefault("auto_id", "id_reopen_%s")
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            responses__cycle=cycle, responses__status=ResponseStatus.SUBMITTED
        )


def _cycle(code: str) -> Cycle:
    try:
        return cycle_by_name(code)
    except CycleNotFound:
        raise Http404(gettext("No such cycle.")) from None


def _is_administrator(request: HttpRequest) -> bool:
    return may_manage_cycles(profile_of(request.user))


@require_GET
@role_required(*WATCH_ROLES)
def cycles(request: HttpRequest) -> HttpResponse:
    language = get_language() or "th"
    rows = []
    for cycle in cycle_list():
        days = days_to_deadline(cycle=cycle)
        rows.append(
            {
                "cycle": cycle,
                "deadline": deadline_text(cycle.deadline, language),
                "days": days,
                "overdue": -days if days is not None and days < 0 else 0,
            }
        )
    return render(request, "frameworks/cycles.html", {"rows": rows})


@require_GET
@role_required(*WATCH_ROLES)
def progress(request: HttpRequest, code: str) -> HttpResponse:
    return _render_progress(request, _cycle(code))


def _render_progress(
    request: HttpRequest,
    cycle: Cycle,
    *,
    status_form: StatusForm | None = None,
    deadline_form: DeadlineForm | None = None,
    extension_form: ExtensionForm | None = None,
    reopen_form: ReopenForm | None = None,
    remind_error: str = "",
    http_status: int = 200,
) -> HttpResponse:
    language = get_language() or "th"
    progress = cycle_progress(cycle=cycle)
    context: dict[str, Any] = {
        "cycle": cycle,
        "progress": progress,
        # the lists' first rows in the reader's language, ready to print; the staff list
        # of responses (linked) holds them all, searchable and filtered
        "not_started_rows": [a.cells(language) for a in progress.not_started[:WAITING_SHOWN]],
        "in_progress_rows": [a.cells(language) for a in progress.in_progress[:WAITING_SHOWN]],
        "waiting_shown": WAITING_SHOWN,
        "deadline": deadline_text(cycle.deadline, language),
        "may_act": _is_administrator(request),
    }
    if context["may_act"]:
        context["status_form"] = status_form or StatusForm(cycle=cycle)
        context["deadline_form"] = deadline_form or DeadlineForm(
            initial={"deadline": timezone.localtime(cycle.deadline).date() if cycle.deadline else None}
        )
        context["deadline_editable"] = cycle.status in (
            CycleStatus.DRAFT, CycleStatus.OPEN, CycleStatus.CLOSED
        )
        context["extension_form"] = extension_form or ExtensionForm(
            agencies=unsubmitted_agencies(cycle=cycle)
        )
        context["extensions"] = [
            {
                "agency": change.agency.name(language) if change.agency else "",
                "deadline": format_date(change.new_deadline, language=language),
                "reason": change.reason,
                "by": user_name(change.by),
                "at": format_datetime(change.at, language=language),
            }
            for change in extensions_of(cycle=cycle)
        ]
        context["remind_open"] = cycle.status == CycleStatus.OPEN
        context["remind_error"] = remind_error
        context["reopen_open"] = cycle.status == CycleStatus.OPEN
        if context["reopen_open"] or reopen_form is not None:
            context["reopen_form"] = reopen_form or ReopenForm(cycle=cycle)
            context["any_submitted"] = Response.objects.filter(
                cycle=cycle, status=ResponseStatus.SUBMITTED
            ).exists()
    return render(request, "frameworks/progress.html", context, status=http_status)


@require_POST
@role_required(*ACT_ROLES)
def set_status(request: HttpRequest, code: str) -> HttpResponse:
    """Move the cycle once the administrator has confirmed, on a page that says what the
    move does; a post without ``confirm=yes`` only shows that page."""
    cycle = _cycle(code)
    form = StatusForm(request.POST, cycle=cycle)
    if not form.is_valid():
        return _render_progress(request, cycle, status_form=form, http_status=400)
    wanted = form.cleaned_data["status"]
    if request.POST.get("confirm") != CONFIRMED:
        return render(
            request,
            "frameworks/confirm_status.html",
            {
                "cycle": cycle,
                "status": wanted,
                "action": ACTION_LABELS.get((cycle.status, wanted), wanted),
                "consequence": CONSEQUENCES.get((cycle.status, wanted), ""),
                "unconfirmed": "confirm" in request.POST,
            },
            status=400 if "confirm" in request.POST else 200,
        )
    try:
        cycle_set_status(cycle=cycle, status=form.cleaned_data["status"], by=request.user)
    except LifecycleRefused as exc:
        form.add_error(None, str(exc))
        return _render_progress(request, cycle, status_form=form, http_status=400)
    messages.success(
        request,
        gettext("Cycle %(code)s is now “%(status)s”.")
        % {"code": cycle.code, "status": cycle.get_status_display()},
    )
    return redirect("cycles:progress", cycle.code)


@require_POST
@role_required(*ACT_ROLES)
def set_deadline(request: HttpRequest, code: str) -> HttpResponse:
    cycle = _cycle(code)
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        return _render_progress(request, cycle, deadline_form=form, http_status=400)
    try:
        cycle_set_deadline(
            cycle=cycle,
            deadline=form.deadline_at(),
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except LifecycleRefused as exc:
        form.add_error(None, str(exc))
        return _render_progress(request, cycle, deadline_form=form, http_status=400)
    if cycle.deadline is None:
        messages.success(request, gettext("The deadline was removed."))
    else:
        messages.success(
            request,
            gettext("The deadline is now %(deadline)s.")
            % {"deadline": deadline_text(cycle.deadline, get_language() or "th")},
        )
    return redirect("cycles:progress", cycle.code)


@require_POST
@role_required(*ACT_ROLES)
def reopen(request: HttpRequest, code: str) -> HttpResponse:
    cycle = _cycle(code)
    language = get_language() or "th"
    form = ReopenForm(request.POST, cycle=cycle)
    if not form.is_valid():
        return _render_progress(request, cycle, reopen_form=form, http_status=400)
    response = Response.objects.select_related("agency").get(
        agency=form.cleaned_data["agency"], cycle=cycle
    )
    try:
        response_reopen(
            response=response,
            reason=form.cleaned_data["reason"],
            by=request.user,
            site_url=_site_url(request),
        )
    except LifecycleRefused as exc:
        form.add_error(None, str(exc))
        return _render_progress(request, cycle, reopen_form=form, http_status=400)
    messages.success(
        request,
        gettext("The response of %(agency)s is open again for changes.")
        % {"agency": response.agency.name(language)},
    )
    return redirect("cycles:progress", cycle.code)


def _site_url(request: HttpRequest) -> str:
    # Links in e-mails point to the address the administrator is using.
    return request.build_absolute_uri("/").rstrip("/")


@require_POST
@role_required(*ACT_ROLES)
def extend(request: HttpRequest, code: str) -> HttpResponse:
    """Give one agency a later deadline than the cycle's, with a reason."""
    cycle = _cycle(code)
    language = get_language() or "th"
    form = ExtensionForm(request.POST, agencies=unsubmitted_agencies(cycle=cycle))
    if not form.is_valid():
        return _render_progress(request, cycle, extension_form=form, http_status=400)
    agency = form.cleaned_data["agency"]
    try:
        deadline_extend_for_agency(
            cycle=cycle,
            agency=agency,
            deadline=form.deadline_at(),
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    except LifecycleRefused as exc:
        form.add_error(None, str(exc))
        return _render_progress(request, cycle, extension_form=form, http_status=400)
    messages.success(
        request,
        gettext("%(agency)s may now answer until the end of %(deadline)s.")
        % {
            "agency": agency.name(language),
            "deadline": format_date(form.deadline_at(), language=language),
        },
    )
    return redirect("cycles:progress", cycle.code)


@require_POST
@role_required(*ACT_ROLES)
def remind(request: HttpRequest, code: str) -> HttpResponse:
    """E-mail a reminder now to every agency not started or in progress."""
    cycle = _cycle(code)
    try:
        result = reminders_send_now(cycle=cycle, by=request.user, site_url=_site_url(request))
    except RemindRefused as exc:
        return _render_progress(request, cycle, remind_error=str(exc), http_status=400)
    if result.reminded:
        messages.success(
            request,
            ngettext(
                "A reminder is on its way to %(count)d agency.",
                "Reminders are on their way to %(count)d agencies.",
                result.reminded,
            )
            % {"count": result.reminded},
        )
    if result.already:
        messages.info(
            request,
            ngettext(
                "%(count)d agency was already reminded today and gets nothing more.",
                "%(count)d agencies were already reminded today and get nothing more.",
                result.already,
            )
            % {"count": result.already},
        )
    if not result.reminded and not result.already:
        messages.info(request, gettext("Every agency has submitted: nobody to remind."))
    return redirect("cycles:progress", cycle.code)
