"""An agency typed by its code or name, for registries of thousands of agencies.

A select listing every agency grows with the registry: at 10,000 agencies (the local
governments included) it took the invitation page one to two seconds to draw, on every
visit and every refused form. This field is a text box instead. What is typed is an
agency's code, or a part of its code or name that only one agency of the field's choice
has; anything else is refused with the agencies it could mean. As a person types, the page
asks ``agencies:suggestions`` for the first matches and offers them in a ``datalist``
(htmx; without JavaScript the form works the same, only without suggestions).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from phrom.agencies.models import Agency

# How many agencies a suggestion list or a refusal names at most.
SHOWN = 10


def matching_agencies(agencies: QuerySet[Agency], text: str) -> list[Agency]:
    """The agency of AGENCIES whose code is TEXT, else those whose code or name holds it
    (by code; at most SHOWN + 1, so that a caller can tell "more than SHOWN")."""
    text = text.strip()
    if not text:
        return []
    # The code as typed, else in any case when only one code differs from it by case alone.
    for same_code in (agencies.filter(code=text), agencies.filter(code__iexact=text)):
        found = list(same_code[:2])
        if len(found) == 1:
            return found
    return list(
        agencies.filter(
            Q(code__icontains=text) | Q(name_th__icontains=text) | Q(name_en__icontains=text)
        ).order_by("code")[: SHOWN + 1]
    )


def agency_label(agency: Agency) -> str:
    return f"{agency.code} · {agency.name(get_language() or 'th')}"


class AgencyInput(forms.TextInput):
    """A text box with a list of suggestions that htmx fills as the person types."""

    template_name = "agencies/agency_input.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        suggestions = f"{widget['attrs'].get('id') or name}-suggestions"
        widget["suggestions_id"] = suggestions
        widget["attrs"].update({
            "list": suggestions,
            "autocomplete": "off",
            "hx-get": reverse("agencies:suggestions"),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{suggestions}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
        })
        return context

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Agency):
            return value.code
        return super().format_value(value)  # type: ignore[no-any-return]


class AgencyField(forms.CharField):
    """One agency of QUERYSET, typed as its code or a part of its code or name that only
    one of them has; cleans to the ``Agency`` (``None`` when empty and not required)."""

    widget = AgencyInput

    def __init__(
        self, *, queryset: QuerySet[Agency], unknown_message: str | None = None, **kwargs: Any
    ) -> None:
        """UNKNOWN_MESSAGE (with ``%(text)s``, what was typed): the refusal when no agency
        of QUERYSET matches, saying which agencies may be chosen."""
        kwargs.setdefault("max_length", 255)
        super().__init__(**kwargs)
        self.queryset = queryset
        self.unknown_message = unknown_message

    def clean(self, value: Any) -> Agency | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        found = matching_agencies(self.queryset, text)
        if len(found) == 1:
            return found[0]
        if not found:
            message = self.unknown_message or _(
                "No agency has the code or name “%(text)s”. Type an agency's code, or a "
                "part of its name, and choose one of the agencies offered."
            )
            raise ValidationError(str(message) % {"text": text}, code="unknown")
        named = "; ".join(agency_label(a) for a in found[:SHOWN])
        raise ValidationError(
            (_("“%(text)s” is in the code or name of more than %(count)d agencies, such as "
               "%(named)s. Type the code of the one you mean.")
             if len(found) > SHOWN else
             _("“%(text)s” is in the code or name of %(count)d agencies: %(named)s. Type the "
               "code of the one you mean."))
            % {"text": text, "count": min(len(found), SHOWN), "named": named},
            code="ambiguous",
        )
