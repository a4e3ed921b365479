"""The integrity page of a cycle: every flag of the screens, for staff."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from phrom.accounts.gates import profile_of, reads_every_agency
from phrom.frameworks.selectors import CycleNotFound, cycle_by_name
from phrom.results.integrity import cycle_integrity

SCREEN_NAMES = {
    "gain": _("Gain far above the others"),
    "all_maximum": _("Answers all at the maximum"),
    "shared_file": _("Same evidence file as another agency"),
    "shared_url": _("Same evidence URL as another agency"),
    "carried_over": _("Last cycle's evidence carried over unchanged"),
    "out_of_period": _("Evidence dated outside the cycle's period"),
    "missing_evidence": _("Required evidence missing"),
    "not_whole": _("Whole count answered with decimals"),
    "contradiction": _("Answers that contradict each other"),
    "reviewer": _("Verdicts far from the other reviewers'"),
}


def cycle_integrity_page(request: HttpRequest, cycle: str) -> HttpResponse:
    """Staff only (``reads_every_agency``); anybody else gets 404, as for an unknown cycle."""
    if not reads_every_agency(profile_of(request.user)):
        raise Http404("no such page")
    try:
        found_cycle = cycle_by_name(cycle)
    except CycleNotFound as exc:
        raise Http404(str(exc)) from None
    # the claims, as the agencies made them (the results pages show verified values)
    found = cycle_integrity(found_cycle)
    names = {code: agency for code, agency in found.scored.agencies.items()}
    rows = [
        {
            "agency": flag.agency,
            "agency_name": names[flag.agency].name_th if flag.agency in names else flag.agency,
            "screen": flag.screen,
            "screen_name": SCREEN_NAMES.get(flag.screen, flag.screen),
            "detail": flag.detail,
            "links": found.answer_links(flag.agency, flag.questions[:10]),
        }
        for flag in found.report.flags
    ]
    counts = [
        (SCREEN_NAMES.get(screen, screen), n) for screen, n in found.report.counts().items()
    ]
    return render(
        request,
        "results/integrity.html",
        {
            "cycle": found_cycle,
            "report": found.report,
            "flagged": len(found.report.flagged()),
            "rows": rows,
            "counts": counts,
        },
    )
