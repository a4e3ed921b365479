"""The national dashboard: one cycle's figures across agencies, for administrators and
executives (``gates.may_see_dashboard``); an anonymous visitor is sent to log in and
everyone else refused (403)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import Truncator
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


class CycleField(forms.ChoiceField):
    """A cycle's code. A value that is not one is refused with the codes and years accepted."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.years: dict[int, list[str]] = {}  # year B.E. -> codes of the cycles of that year

    def validate(self, value: Any) -> None:
        if value in self.empty_values or self.valid_value(value):
            return super().validate(value)
        shown = Truncator(value).chars(30)
        year = year_of(value)
        if year is not None and len(self.years.get(year, ())) > 1:
            raise ValidationError(
                gettext_lazy("%(value)s is the year of more than one cycle (%(codes)s); "
                             "choose one by its code."),
                code="invalid_choice",
                params={"value": shown, "codes": ", ".join(self.years[year])},
            )
        raise ValidationError(
            gettext_lazy("No cycle “%(value)s”. Give a cycle code (%(codes)s) or the "
                         "Buddhist Era year of one (%(years)s)."),
            code="invalid_choice",
            params={"value": shown, "codes": ", ".join(str(k) for k, _ in self.choices),
                    "years": ", ".join(str(y) for y, codes in self.years.items()
                                       if len(codes) == 1)},
        )


def year_of(value: str) -> int | None:
    """The year B.E. that VALUE is (plain or Thai digits), else None."""
    value = value.strip()
    return int(value) if value.isdecimal() and len(value) == 4 else None


class DashboardFilters(forms.Form):
    """The GET parameters: a cycle by its code (or by its year B.E., when that year has one
    cycle), a peer group of that cycle's framework and a ministry by its code; each empty
    for the default (the newest published cycle, every group, every ministry). Any other
    value is refused."""

    cycle = CycleField(label=gettext_lazy("Cycle"), required=False)
    group = forms.ChoiceField(label=gettext_lazy("Peer group"), required=False)
    ministry = forms.ChoiceField(label=gettext_lazy("Ministry"), required=False)

    def __init__(self, data: Any, *, cycles: list[Cycle], ministries: list[Ministry],
                 language: str) -> None:
        default = default_cycle(cycles)
        years: dict[int, list[str]] = {}
        for c in cycles:
            years.setdefault(c.year_be, []).append(c.code)
        given = str(data.get("cycle") or "")
        year = year_of(given)
        if default is not None and not given:  # shown as chosen
            data = data.copy()
            data["cycle"] = default.code
        elif (year is not None and len(years.get(year, ())) == 1
              and given not in {c.code for c in cycles}):
            data = data.copy()  # the year's one cycle, shown as chosen
            data["cycle"] = years[year][0]
        super().__init__(data)
        self.cycles = {c.code: c for c in cycles}
        self.fields["cycle"].choices = [
            (c.code, f"{c.code} ({c.get_status_display()})") for c in cycles]
        self.fields["cycle"].years = years
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
