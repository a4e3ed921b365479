"""The national dashboard: one cycle's figures across agencies, for administrators and
executives (``gates.may_see_dashboard``); an anonymous visitor is sent to log in and
everyone else refused (403)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_GET

from phrom.accounts.gates import may_see_dashboard, profile_of
from phrom.dashboard.selectors import (
    Ministry,
    dashboard,
    dashboard_cycles,
    default_cycle,
    ministries,
)
from phrom.frameworks.models import Cycle


class DashboardFilters(forms.Form):
    """The GET parameters: a cycle by its code, a peer group of that cycle's framework
    and a ministry by its code; each empty for the default (the newest published cycle,
    every group, every ministry). Any other value is refused."""

    cycle = forms.ChoiceField(label=gettext_lazy("Cycle"), required=False)
    group = forms.ChoiceField(label=gettext_lazy("Peer group"), required=False)
    ministry = forms.ChoiceField(label=gettext_lazy("Ministry"), required=False)

    def __init__(self, data: Any, *, cycles: list[Cycle], ministries: list[Ministry],
                 language: str) -> None:
        default = default_cycle(cycles)
        if default is not None and not data.get("cycle"):  # shown as chosen
            data = data.copy()
            data["cycle"] = default.code
        super().__init__(data)
        self.cycles = {c.code: c for c in cycles}
        self.fields["cycle"].choices = [
            (c.code, f"{c.code} ({c.get_status_display()})") for c in cycles]
        chosen = self.cycles.get(str(data.get("cycle") or ""), default)
        groups = chosen.framework.spec().peer_groups if chosen is not None else ()
        self.fields["group"].choices = [("", gettext_lazy("Every peer group"))] + [
            (g.code, g.name.get(language)) for g in groups]
        self.fields["ministry"].choices = [("", gettext_lazy("Every ministry"))] + [
            (m.code, m.name(language)) for m in ministries]
        self.ministries = {m.code: m for m in ministries}
        self.default = default

    def chosen_cycle(self) -> Cycle | None:
        return self.cycles.get(self.cleaned_data["cycle"], self.default)

    def chosen_ministry(self) -> Ministry | None:
        return self.ministries.get(self.cleaned_data["ministry"])


@require_GET
def national_dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_see_dashboard(profile_of(request.user)):
        raise PermissionDenied
    language = get_language() or "th"
    all_ministries = ministries()
    form = DashboardFilters(request.GET, cycles=dashboard_cycles(), ministries=all_ministries,
                            language=language)
    if not form.is_valid():
        return render(request, "dashboard/national.html", {"form": form}, status=400)
    cycle = form.chosen_cycle()
    figures = None
    if cycle is not None:
        figures = dashboard(cycle=cycle, group=form.cleaned_data["group"],
                            ministry=form.chosen_ministry(), all_ministries=all_ministries,
                            language=language)
    return render(request, "dashboard/national.html", {"form": form, "d": figures})
