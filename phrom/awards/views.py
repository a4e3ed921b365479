"""The award page of a cycle, its recorded decision, the what-if preview and the
certificates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_POST

from phrom.accounts.gates import (
    may_decide_awards,
    may_preview_awards,
    profile_of,
    reads_every_agency,
)
from phrom.awards.errors import DecisionRefused
from phrom.awards.forms import DecisionForm, rule_forms
from phrom.awards.selectors import (
    award_sections,
    awards_won,
    decision_for,
    decision_history,
    what_if,
)
from phrom.awards.services import award_decision_record
from phrom.frameworks.models import CycleStatus
from phrom.results.adapter import ScoredCycle
from phrom.results.views import precisions, scored_for_reader


class Shown:
    """Which publication of a published cycle a page shows (``?version=N``, else the
    current one), and the current one: ``id``/``version`` None before it is stored."""

    def __init__(self, scored: ScoredCycle) -> None:
        from phrom.publications.selectors import current_publication

        self.current = None
        if scored.cycle.status == CycleStatus.PUBLISHED:
            self.current = current_publication(cycle=scored.cycle)
        current_id = self.current.pk if self.current is not None else None
        current_version = self.current.version if self.current is not None else None
        self.id: int | None = getattr(scored, "publication_id", None) or current_id
        self.version: int | None = getattr(scored, "version", None) or current_version
        self.is_current = self.id is not None and self.id == current_id
        self.current_version = current_version


def _render_page(request: HttpRequest, scored: ScoredCycle, *,
                 form: DecisionForm | None = None, status: int = 200) -> HttpResponse:
    language = get_language() or "th"
    profile = profile_of(request.user)
    shown = Shown(scored)
    history = decision_history(cycle=scored.cycle)
    decision = decision_for(publication_id=shown.id, history=history)
    may_decide = may_decide_awards(profile) and shown.is_current and decision is None
    if may_decide and form is None:
        form = DecisionForm(initial={"version": shown.version})
    return render(request, "awards/page.html", {
        "scored": scored,
        "sections": award_sections(scored=scored, language=language),
        "shown": shown,
        "decision": decision,
        "history": history,
        "form": form if may_decide or form is not None else None,
        "may_preview": may_preview_awards(profile),
        "certificates": decision is not None or reads_every_agency(profile),
        **precisions(scored),
    }, status=status)


@require_GET
def cycle_awards(request: HttpRequest, cycle: str) -> HttpResponse:
    return _render_page(request, scored_for_reader(request, cycle))


def _signed_in_with(request: HttpRequest, gate: Any) -> HttpResponse | None:
    """A redirect to log in for a visitor; 403 for a person the GATE refuses."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not gate(profile_of(request.user)):
        raise PermissionDenied
    return None


@require_POST
def decide(request: HttpRequest, cycle: str) -> HttpResponse:
    refused = _signed_in_with(request, may_decide_awards)
    if refused is not None:
        return refused
    scored = scored_for_reader(request, cycle)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_page(request, scored, form=form, status=400)
    try:
        decision = award_decision_record(
            cycle=scored.cycle, by=request.user, version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
        )
    except DecisionRefused as exc:
        form.add_error(None, str(exc))
        return _render_page(request, scored, form=form, status=400)
    messages.success(request, gettext(
        "The awards of version %(version)s are confirmed, in your name.")
        % {"version": decision.publication.version})
    return redirect("results:awards", scored.cycle.code)


@require_GET
def preview(request: HttpRequest, cycle: str) -> HttpResponse:
    refused = _signed_in_with(request, may_preview_awards)
    if refused is not None:
        return refused
    scored = scored_for_reader(request, cycle)
    language = get_language() or "th"
    spec = scored.spec
    groups = [(g.code, g.name.get(language)) for g in spec.peer_groups]
    asked = "preview" in request.GET
    forms = rule_forms(spec.awards, request.GET if asked else None, groups, spec.scale,
                       language)
    has_scores = bool(scored.agencies)
    compared = None
    if asked and has_scores and all(f.is_valid() for f in forms):
        compared = what_if(
            scored=scored, changes={f.rule.code: f.change() for f in forms}, language=language
        )
    return render(request, "awards/what_if.html", {
        "scored": scored,
        "forms": forms,
        "compared": compared,
        "has_scores": has_scores,
        "published": scored.cycle.status == CycleStatus.PUBLISHED,
        **precisions(scored),
    }, status=400 if asked and compared is None and has_scores else 200)


@require_GET
def certificate(request: HttpRequest, cycle: str, agency: str) -> HttpResponse:
    """The certificates of AGENCY's awards, one A4 page each, in Thai: for everybody once
    the awards of the current publication are confirmed; before that a draft, for staff
    only."""
    from phrom.awards.certificates import certificate_context, certificate_pdf

    scored = scored_for_reader(request, cycle)
    won = awards_won(scored=scored, agency=agency)
    if not won:
        raise Http404("that agency won no award in this cycle")
    shown = Shown(scored)
    decision = decision_for(publication_id=shown.id, history=decision_history(cycle=scored.cycle))
    if decision is None and not reads_every_agency(profile_of(request.user)):
        raise Http404("the awards of this cycle are not confirmed yet")
    context = certificate_context(scored=scored, agency=agency, won=won,
                                  version=shown.version, decision=decision)
    replaced = shown.current if shown.current is not None and shown.version is not None \
        and shown.current.version != shown.version else None
    context["replaced_by"] = replaced
    response = HttpResponse(certificate_pdf(context), content_type="application/pdf")
    draft = "-draft" if decision is None else ""
    of = f"-v{shown.version}" if shown.version else ""
    filename = f"certificate-{scored.cycle.year_be}-{agency}{of}{draft}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
