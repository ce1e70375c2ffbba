"""Page forms for users, role grants and API tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hoctap.accounts import throttle
from hoctap.accounts.roles import Role
from hoctap.core.forms import DateInput, PageForm


class LoginForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # officers sign in with their user name, learners with their ID number or phone
        self.fields["username"].label = _("User name, ID number or phone")

    def clean(self) -> dict[str, Any]:
        """Django's check of the name and password, unless the name or the address has failed
        too often this hour (then not even the right password signs in until the next hour);
        a wrong password counts against both."""
        tried = {"name": self.cleaned_data.get("username"), "address": throttle.client_address()}
        if throttle.attempts_blocked("sign_in", tried):
            raise ValidationError(str(throttle.TOO_MANY_ATTEMPTS), code="too_many_attempts")
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                throttle.attempt_failed("sign_in", tried)
            raise


class UserFilterForm(PageForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Username or name")}),
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )


class ScopeFields(PageForm):
    """A role and where it applies: a unit code or an organisation code (exactly one)."""

    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Choose a role")), *Role.choices])
    unit = forms.CharField(
        label=_("Unit code"),
        required=False,
        max_length=20,
        help_text=_("The role applies to this unit and every unit beneath it."),
    )
    organisation = forms.CharField(
        label=_("Organisation code"),
        required=False,
        max_length=40,
        help_text=_("Or: the role applies to this organisation and those beneath it."),
    )

    def scope_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "unit_code": data["unit"].strip() or None,
            "organisation_code": data["organisation"].strip() or None,
        }


class UserCreateForm(ScopeFields):
    username = forms.CharField(
        label=_("Username"), max_length=150, help_text=_("Letters, digits and . @ + - _ only.")
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty for an account that only uses API tokens."),
    )
    field_order = ["username", "full_name", "email", "password", "role", "unit", "organisation"]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **self.scope_arguments(),
            "username": data["username"],
            "full_name": data["full_name"],
            "email": data["email"],
            "password": data["password"] or None,
        }


class GrantForm(ScopeFields):
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for today."),
    )
    valid_to = forms.DateField(
        label=_("Valid to"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for no end date."),
    )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **self.scope_arguments(),
            "valid_from": data["valid_from"],
            "valid_to": data["valid_to"],
        }


class TokenForm(PageForm):
    name = forms.CharField(
        label=_("Token name"),
        required=False,
        max_length=100,
        help_text=_("What the token is for, e.g. “commune import script”."),
    )


class PasswordChangeForm(PageForm):
    """Someone signed in changes their own password: the current one first (the service checks
    it), the new one twice. The learners' page (`/learn/password/`) and the officers' page
    (`/account/password`) both use it."""

    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, again = data.get("new_password"), data.get("new_password_again")
        if first and again and first != again:
            self.add_error("new_password_again", _("The two passwords differ."))
        return data
