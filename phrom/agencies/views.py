"""Suggestions for the agency fields of the staff's forms (``phrom.agencies.forms``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from phrom.accounts.gates import manages_every_agency, profile_of
from phrom.agencies.forms import SHOWN, agency_label, matching_agencies
from phrom.agencies.models import Agency


@require_GET
@login_required
def suggestions(request: HttpRequest) -> HttpResponse:
    """The options of an agency field's suggestion list: the first active agencies whose
    code or name holds what is typed so far (``?agency=``), for the administrators, who
    choose among every agency (invitations, deadline extensions, reopening)."""
    if not manages_every_agency(profile_of(request.user)):
        raise PermissionDenied
    found = matching_agencies(Agency.objects.filter(active=True), request.GET.get("agency", ""))
    return render(
        request,
        "agencies/_suggestions.html",
        {"agencies": [{"code": a.code, "label": agency_label(a)} for a in found[:SHOWN]]},
    )
