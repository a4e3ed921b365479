"""The integrity page of a cycle: every flag of the screens, for staff."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from phrom.accounts.gates import profile_of, reads_every_agency
from phrom.core.thai import format_date
from phrom.frameworks.selectors import CycleNotFound, cycle_by_name
from phrom.results.integrity import kept_cycle_integrity
from phrom.reviews.integrity_text import flag_sentence, shared_with
from scoring.integrity import Flag

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
# A cycle of thousands of agencies can have thousands of flags: the page shows them by screen
# (``?screen=``) and a page at a time; `phrom integrity --json` gives them all at once.
FLAGS_PAGE_SIZE = 100


def cycle_integrity_page(request: HttpRequest, cycle: str) -> HttpResponse:
    """Staff only (``reads_every_agency``); anybody else gets 404, as for an unknown cycle."""
    if not reads_every_agency(profile_of(request.user)):
        raise Http404("no such page")
    try:
        found_cycle = cycle_by_name(cycle)
    except CycleNotFound as exc:
        raise Http404(str(exc)) from None
    # the claims, as the agencies made them (the results pages show verified values)
    found = kept_cycle_integrity(found_cycle)
    report = found.report
    english = get_language() == "en"
    names = {
        code: (agency.name_en if english and agency.name_en else agency.name_th)
        for code, agency in found.scored.agencies.items()
    }
    dimensions = {d.code: d.name.get(get_language() or "th") for d in found.scored.spec.dimensions}
    shared = shared_with(report.flags)

    def sentence(flag: Flag) -> str:
        return flag_sentence(flag, report.settings, dimension_names=dimensions,
                             agency_names=names, shared=shared)

    # an unknown screen shows every flag: the table of screens links to each real one
    screen = request.GET.get("screen", "")
    if screen not in SCREEN_NAMES:
        screen = ""
    flags = [f for f in report.flags if f.screen == screen] if screen else report.flags
    # a page number that is not one shows the nearest page, not an error
    page = Paginator(flags, FLAGS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "agency": flag.agency,
            "agency_name": names.get(flag.agency, flag.agency),
            "screen": flag.screen,
            "screen_name": SCREEN_NAMES.get(flag.screen, flag.screen),
            "sentence": sentence(flag),
            "detail": flag.detail,
            "links": found.answer_links(flag.agency, flag.questions[:10]),
        }
        for flag in page.object_list
    ]
    reviewers = [
        {"reviewer": flag.agency, "sentence": sentence(flag), "detail": flag.detail}
        for flag in report.reviewers
    ]
    counts = [
        (code, SCREEN_NAMES.get(code, code), n) for code, n in report.counts().items()
    ]
    return render(
        request,
        "results/integrity.html",
        {
            "cycle": found_cycle,
            "report": report,
            "flagged": len(report.flagged()),
            "rows": rows,
            "reviewers": reviewers,
            "period_start": format_date(report.period.start) if report.period else "",
            "period_end": format_date(report.period.end) if report.period else "",
            "counts": counts,
            "page": page,
            "screen": screen,
            "screen_name": SCREEN_NAMES.get(screen, ""),
        },
    )
