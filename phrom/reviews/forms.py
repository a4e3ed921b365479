"""The review pages' posts, read through Django forms.

A form field refuses what no service should see: text longer than the page allows (with
the limit, rather than cut), and the NUL character, which PostgreSQL cannot store (with the
words the answers use, ``services.NUL_MESSAGE``). The services check their own rules.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phrom.reviews.services import NUL_MESSAGE, TEXT_MAX

NUL_CODE = "null_characters_not_allowed"  # ProhibitNullCharactersValidator's code


class TextField(forms.CharField):
    """A CharField that refuses NUL with the answers' words."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs["error_messages"] = {NUL_CODE: NUL_MESSAGE, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)


class VerdictForm(forms.Form):
    verdict = TextField(label=gettext_lazy("Verdict"), max_length=64)
    comment = TextField(label=gettext_lazy("Comment"), max_length=TEXT_MAX)
    set_value = forms.BooleanField(required=False)
    verified_value = TextField(label=gettext_lazy("Verified value"), max_length=1000)
    verified_na = forms.BooleanField(required=False)
    reason = TextField(label=gettext_lazy("Reason"), max_length=TEXT_MAX)


class StatusForm(forms.Form):
    status = TextField(label=gettext_lazy("Review status"), max_length=32)
    reason = TextField(label=gettext_lazy("Note"), max_length=TEXT_MAX)


class PublishForm(forms.Form):
    reason = TextField(label=gettext_lazy("Reason"), max_length=TEXT_MAX)


class ClarificationActionForm(forms.Form):
    """What the agency posts on a clarification request's page (the file comes apart)."""

    action = TextField(max_length=32)
    question = TextField(label=gettext_lazy("Question"), max_length=64)
    text = TextField(label=gettext_lazy("Explanation"), max_length=TEXT_MAX)
    url = TextField(label=gettext_lazy("Web address"), max_length=1000)


class AssignForm(forms.Form):
    """The assign page's scope; the cycle and the reviewer are chosen from lists."""

    cycle = TextField(label=gettext_lazy("Cycle"), max_length=64)
    reviewer = TextField(label=gettext_lazy("Reviewer"), max_length=20)
    ministry = TextField(label=gettext_lazy("Ministry"), max_length=20)
    group = TextField(label=gettext_lazy("Peer group"), max_length=64)
    agencies = TextField(label=gettext_lazy("Agency codes"), max_length=10000)


def problems(form: forms.Form) -> str:
    """FORM's errors as one message: each field's label with what to fix."""
    said = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        for error in errors:
            said.append(_("%(field)s: %(error)s") % {"field": label, "error": error}
                        if label else str(error))
    return " ".join(said)
