"""The audit sample page: a cycle's award candidates, near misses and a seeded random
share of the rest, exported as CSV and assigned to a second reviewer.

Administrators and lead reviewers see it (``may_plan_audit_sample``); only
administrators assign (``reviewers_assign`` checks it again).
"""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from phrom.accounts.gates import may_assign_reviewers, may_plan_audit_sample, profile_of
from phrom.frameworks.models import Cycle
from phrom.reviews import selectors
from phrom.reviews.audit import (
    DEFAULT_SHARE,
    AuditRefused,
    audit_sample,
    new_seed,
    parse_seed,
    parse_share,
    sample_csv_rows,
)
from phrom.reviews.views import assign_and_report

# Responses a page of the sample lists (a 10,000-agency cycle's sample runs to thousands;
# the CSV holds them all).
SAMPLE_PAGE_SIZE = 100


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def audit(request: HttpRequest, code: str) -> HttpResponse:
    """The audit sample of cycle CODE for SHARE and SEED (a new seed when none is given,
    shown so that the same sample can be drawn again); ``format=csv`` downloads it; a POST
    assigns its agencies to the chosen reviewer."""
    profile = profile_of(request.user)
    if not may_plan_audit_sample(profile):
        raise PermissionDenied
    cycle = Cycle.objects.filter(code=code[:64]).select_related("framework", "previous").first()
    if cycle is None:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    try:
        share = parse_share(data.get("share", "") or DEFAULT_SHARE)
        seed_text = data.get("seed", "").strip()
        seed = parse_seed(seed_text) if seed_text else new_seed()
    except AuditRefused as exc:
        return render(request, "reviews/audit.html", {
            "cycle": cycle, "error": str(exc), "share": data.get("share", "")[:40],
            "seed": data.get("seed", "")[:40],
        }, status=400)
    if request.method == "POST":
        if not may_assign_reviewers(profile):
            raise PermissionDenied
        _assign(request, cycle, share, seed)
        query = urlencode({"share": f"{share:g}", "seed": seed})
        return HttpResponseRedirect(reverse("reviews:audit", args=[cycle.code]) + "?" + query)
    sample = audit_sample(cycle=cycle, seed=seed, share=share)
    if data.get("format") == "csv":
        reply = HttpResponse(content_type="text/csv; charset=utf-8")
        reply["Content-Disposition"] = (
            f'attachment; filename="audit-sample-{cycle.code}-seed-{seed}.csv"'
        )
        reply.write("\ufeff")  # spreadsheets read the Thai names as UTF-8
        csv.writer(reply).writerows(sample_csv_rows(sample))
        return reply
    return render(request, "reviews/audit.html", {
        "cycle": cycle, "sample": sample, "share": f"{share:g}", "seed": seed,
        "page": Paginator(sample.rows, SAMPLE_PAGE_SIZE).get_page(request.GET.get("page")),
        "csv_query": urlencode({"share": f"{share:g}", "seed": seed, "format": "csv"}),
        "reviewers": selectors.reviewers() if may_assign_reviewers(profile) else [],
    })


def _assign(request: HttpRequest, cycle: Cycle, share: float, seed: int) -> None:
    reviewer_id = request.POST.get("reviewer", "")
    reviewer = next((r for r in selectors.reviewers() if str(r.pk) == reviewer_id), None)
    if reviewer is None:
        messages.error(request, _("Choose a reviewer."))
        return
    sample = audit_sample(cycle=cycle, seed=seed, share=share)
    if not sample.rows:
        messages.error(request, _("The sample is empty: no submitted response to assign."))
        return
    assign_and_report(request, cycle=cycle, reviewer=reviewer, agencies=sample.agencies)
