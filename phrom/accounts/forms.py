"""Forms for logging in, inviting and accepting an invitation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from phrom.accounts.gates import invitable_roles, manages_every_agency
from phrom.accounts.models import Profile, Role
from phrom.accounts.selectors import stored_username
from phrom.agencies.forms import AgencyField
from phrom.agencies.models import Agency


class LoginForm(AuthenticationForm):
    """Django's login form; the throttle (``phrom.accounts.throttle``) guards ``authenticate``."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The e-mail or password is not right. Note that the password is case-sensitive."
        ),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        # Django sets max_length here without its validator: a name longer than the
        # column would otherwise reach the database (and the throttle's records).
        username.validators.append(MaxLengthValidator(username.max_length))
        username.label = _("E-mail")
        username.widget.attrs.update({"autocomplete": "username", "inputmode": "email"})
        self.fields["password"].label = _("Password")

    def clean(self) -> dict[str, Any]:
        typed = self.cleaned_data.get("username")
        if typed:
            # (Django's username field has already folded full-width letters and the like.)
            self.cleaned_data["username"] = stored_username(typed)
        return super().clean()


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"))
    agency = AgencyField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("For coordinators and respondents only. Type the agency's code, or a "
                    "part of its name, and choose it from the list."),
    )
    dimensions = forms.MultipleChoiceField(
        label=_("Limit the respondent to these dimensions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to let a respondent answer every dimension."),
    )

    def __init__(
        self,
        *args: Any,
        inviter: Profile,
        dimension_choices: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        self.fields["role"].choices = [(r, labels[r]) for r in invitable_roles(inviter)]
        if manages_every_agency(inviter):
            self.fields["agency"].queryset = Agency.objects.filter(active=True)
            self.fields["role"].initial = Role.COORDINATOR
        else:
            # A coordinator invites for the own agency only; no choice is offered.
            del self.fields["agency"]
            self.fields["role"].initial = Role.RESPONDENT
        if dimension_choices:
            self.fields["dimensions"].choices = dimension_choices
        else:
            del self.fields["dimensions"]


class AgencyLookupForm(forms.Form):
    """The agency whose people an administrator looks at (colleagues page, by GET)."""

    agency = AgencyField(
        label=_("Agency"),
        queryset=Agency.objects.all(),
        help_text=_("Type the agency's code, or a part of its name."),
        error_messages={"required": _("Type an agency's code, or a part of its name.")},
    )


class InvitationAcceptForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("Given name and family name, as colleagues know you."),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per form, so the rules appear in the visitor's language.
        self.fields["password"].help_text = password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, again = cleaned.get("password"), cleaned.get("password_again")
        if first and again and first != again:
            self.add_error("password_again", _("The two passwords are not the same."))
        return cleaned


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form (on the field when it has one)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
