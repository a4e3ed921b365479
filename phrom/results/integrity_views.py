"""The integrity page of a cycle: every flag of the screens, for staff."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_lazy as _

from phrom.accounts.gates import profile_of, reads_every_agency
from phrom.core.thai import format_date
from phrom.frameworks.selectors import CycleNotFound, cycle_by_name
from phrom.results.integrity import kept_cycle_integrity
from phrom.reviews.integrity_text import flag_sentence, shared_with
from scoring.integrity import Flag
from scoring.model import ConsistencyRule, Question, QuestionType

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


def _answered(question: Question | None, options: tuple[str, ...], language: str) -> str:
    """The options of a rule as the question labels them in LANGUAGE."""
    labels = []
    for code in options:
        if question is not None and question.type is QuestionType.YES_NO:
            label = {"yes": pgettext("answer", "yes"), "no": pgettext("answer", "no")}.get(code)
        else:
            option = question.option(code) if question is not None else None
            label = option.label.get(language) if option is not None else None
        labels.append(f"“{label or code}”")
    return " / ".join(labels)


def rule_text(rule: ConsistencyRule, questions: Mapping[str, Question], language: str) -> str:
    """What a consistency rule asks, in LANGUAGE, with the options' labels."""
    return gettext(
        "Rule %(rule)s: when %(question)s is answered %(options)s, %(excluded)s may not be "
        "answered %(excludes)s"
    ) % {
        "rule": rule.code,
        "question": rule.question,
        "options": _answered(questions.get(rule.question), rule.options, language),
        "excluded": rule.excludes_question,
        "excludes": _answered(questions.get(rule.excludes_question), rule.excludes, language),
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
    found = kept_cycle_integrity(found_cycle)
    report = found.report
    english = get_language() == "en"
    names = {
        code: (agency.name_en if english and agency.name_en else agency.name_th)
        for code, agency in found.scored.agencies.items()
    }
    language = get_language() or "th"
    spec = found.scored.spec
    dimensions = {d.code: d.name.get(language) for d in spec.dimensions}
    questions = {q.code: q for q in spec.questions}
    rules = {r.code: r for r in spec.consistency}
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

    def row(flag: Flag) -> dict[str, object]:
        found_row: dict[str, object] = {
            "agency": flag.agency,
            "agency_name": names.get(flag.agency, flag.agency),
            "screen": flag.screen,
            "screen_name": SCREEN_NAMES.get(flag.screen, flag.screen),
            "sentence": sentence(flag),
            "note": "",
            "rule": False,
            # the screen's record, in English, unless said below in the reader's language
            "detail": flag.detail,
            "detail_lang": "en",
            "links": [
                (code, url, questions[code].text.get(language) if code in questions else "")
                for code, url in found.answer_links(flag.agency, flag.questions[:10])
            ],
        }
        rule = rules.get(str(flag.figures.get("rule", ""))) if flag.screen == "contradiction" else None
        if rule is not None:
            found_row["note"] = rule.message.get(language) if rule.message is not None else ""
            found_row["detail"] = rule_text(rule, questions, language)
            found_row["detail_lang"] = language
            found_row["rule"] = True
        return found_row

    rows = [row(flag) for flag in page.object_list]
    # reviewers are named as their users are, beside the username the screen keeps
    users = get_user_model().objects.filter(
        username__in=[flag.agency for flag in report.reviewers]
    )
    full_names = {user.get_username(): user.get_full_name() for user in users}
    reviewers = [
        {"reviewer": flag.agency, "name": full_names.get(flag.agency, ""),
         "sentence": sentence(flag), "detail": flag.detail}
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
