"""Forms of the award pages: a decision's note, and another setting of each award rule
for the what-if preview."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from phrom.awards.selectors import RuleChange
from phrom.awards.services import NOTE_MAX
from scoring.model import AwardRule

MAX_PLACES = 50


# The version is a hidden field: a value it refuses was changed in the page, or the page
# is older than the form. Every such value gets the one message, shown with the form's own.
OUT_OF_DATE = _("This page is out of date or was changed: reload it, look at the awards "
                "again, then confirm them.")


class DecisionForm(forms.Form):
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1,
        error_messages={key: OUT_OF_DATE
                        for key in ("required", "invalid", "min_value", "max_value")},
    )
    note = forms.CharField(
        label=_("Basis of the decision"), max_length=NOTE_MAX, strip=True,
        help_text=_("For example the committee meeting and date, or the order, that decided."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say on what the decision rests: the note is kept "
                                      "with the decision.")},
    )


GROUPING = [
    ("each", _("in each peer group")),
    ("together", _("all agencies together")),
]


class RuleForm(forms.Form):
    """One award rule's setting (prefixed with the award's code)."""

    top = forms.IntegerField(
        label=_("Winners (places)"), min_value=1, max_value=MAX_PLACES,
        error_messages={
            "min_value": _("At least one place."),
            "max_value": _("At most %(limit_value)s places."),
            "invalid": _("A whole number of places, such as 3."),
            "required": _("Give the number of places."),
        },
    )
    grouping = forms.ChoiceField(label=_("Awarded"), choices=GROUPING)
    groups = forms.MultipleChoiceField(
        label=_("Only agencies of these peer groups (none ticked: every group)"),
        required=False, widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, rule: AwardRule, group_choices: list[tuple[str, str]],
                 scale: float, language: str = "th", **kwargs: Any) -> None:
        kwargs.setdefault("prefix", rule.code)
        kwargs.setdefault("initial", {
            "top": rule.top, "grouping": "each" if rule.per_group else "together",
            "groups": list(rule.groups),
            "floor": None if rule.floor is None else f"{rule.floor:g}",
        })
        super().__init__(*args, **kwargs)
        self.rule = rule
        self.title = rule.name.get(language) or rule.code
        self.fields["groups"].choices = group_choices  # type: ignore[attr-defined]
        self.fields["groups"].error_messages["invalid_choice"] = _(
            "“%(value)s” is not a peer group of this framework.")
        if rule.kind == "top_gain":
            self.fields["floor"] = forms.DecimalField(
                label=_("Floor: lowest total (empty: none)"), required=False,
                min_value=0, max_value=scale, decimal_places=4, max_digits=12,
                error_messages={
                    "invalid": _("A number such as 80 or 72.5."),
                    "min_value": _("The floor cannot be below %(limit_value)s."),
                    "max_value": _("The floor cannot be above %(limit_value)s, the full score."),
                },
            )

    def change(self) -> RuleChange:
        data = self.cleaned_data
        floor = data.get("floor")
        return RuleChange(
            top=data["top"], per_group=data["grouping"] == "each",
            groups=tuple(data.get("groups") or ()),
            floor=None if floor is None else float(floor),
        )


def rule_forms(rules: tuple[AwardRule, ...], data: Mapping[str, Any] | None,
               group_choices: list[tuple[str, str]], scale: float,
               language: str) -> list[RuleForm]:
    """One form per award rule, bound to DATA (the query string) when given."""
    return [RuleForm(data, rule=rule, group_choices=group_choices, scale=scale,
                     language=language)
            for rule in rules]
