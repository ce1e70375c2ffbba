"""Page forms of learner accounts, bulk creations and course assignment. They parse the input;
the services check every rule (scope, who already has an account, published courses)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoctap.core.forms import PageForm
from hoctap.geo.models import Organisation
from hoctap.learning.models import AccountOrigin, Course, EnrolmentStatus
from hoctap.registry.models import Position

# Above this many organisations in scope, an organisation is typed by its code instead of
# chosen from a list (a province's thousands of schools would make a heavy page).
ORGANISATIONS_LISTED = 300


def _text(value: Any) -> str:
    return (value or "").strip()


def _search(placeholder: Any) -> forms.CharField:
    return forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": placeholder}),
    )


def organisation_field(
    organisations: Iterable[Organisation] | None, *, required: bool, label: Any
) -> forms.Field:
    """A list of the organisations in scope, or a code to type when there are too many
    (`organisations` None)."""
    if organisations is None:
        return forms.CharField(
            label=label,
            required=required,
            max_length=40,
            widget=forms.TextInput(attrs={"placeholder": _("Organisation code")}),
        )
    choices = [(o.code, f"{o.name} ({o.code})") for o in organisations]
    return forms.ChoiceField(
        label=label,
        required=required,
        choices=[("", _("Choose an organisation") if required else _("All organisations")),
                 *choices],
    )  # fmt: skip


def position_field(*, empty_label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Position"), required=False, choices=[("", empty_label), *Position.choices]
    )


class _WithOrganisations(PageForm):
    """A form with an `organisation` field built from the organisations in the user's scope."""

    organisation_required = False
    organisation_label: Any = _("Organisation")

    def __init__(
        self, *args: Any, organisations: list[Organisation] | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        field = organisation_field(
            organisations, required=self.organisation_required, label=self.organisation_label
        )
        field.help_text = _("Its members and those of the organisations beneath it.")
        self.fields["organisation"] = field
        self.order_fields(self.field_order or [])


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------


class AccountFilterForm(_WithOrganisations):
    q = _search(_("Name or ID number"))
    within = forms.CharField(
        label=_("Within unit (code)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 15 or 02647")}),
    )
    origin = forms.ChoiceField(
        label=_("Created"),
        required=False,
        choices=[("", _("Any way")), *AccountOrigin.choices],
    )
    field_order = ["q", "within", "organisation", "origin"]

    def selector_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": _text(data.get("q")) or None,
            "within_unit_code": _text(data.get("within")) or None,
            "organisation_code": _text(data.get("organisation")) or None,
            "origin": _text(data.get("origin")) or None,
        }


class CandidateSearchForm(PageForm):
    q = _search(_("Name or ID number"))


class AccountCreateForm(PageForm):
    person = forms.IntegerField(widget=forms.HiddenInput)
    phone = forms.CharField(
        label=_("Sign-in phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("Optional: the learner may then also sign in with this phone number."),
    )


class PhoneForm(PageForm):
    phone = forms.CharField(
        label=_("Sign-in phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("Leave empty to remove it: the learner then signs in with the ID number only."),
    )


# ---------------------------------------------------------------------------------------------
# Bulk creation
# ---------------------------------------------------------------------------------------------


class AccountBatchForm(_WithOrganisations):
    organisation_required = True
    position = position_field(empty_label=_("Every position"))
    field_order = ["organisation", "position"]


# ---------------------------------------------------------------------------------------------
# Course assignment and the enrolments
# ---------------------------------------------------------------------------------------------


def _course_choices(courses: Iterable[Course], empty: Any) -> list[tuple[str, Any]]:
    return [("", empty), *((c.code, f"{c.title} ({c.code})") for c in courses)]


class AssignForm(_WithOrganisations):
    """A course, and either one person (their ID number, or the person the page was opened
    for) or an organisation's members."""

    TARGETS = [
        ("person", _("One person")),
        ("organisation", _("The members of an organisation")),
    ]
    course = forms.ChoiceField(label=_("Course"))
    target = forms.ChoiceField(
        label=_("Assign to"), choices=TARGETS, widget=forms.RadioSelect, initial="organisation"
    )
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    national_id = forms.CharField(
        label=_("Personal ID number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        help_text=_("For one person."),
    )
    position = position_field(empty_label=_("Every position"))
    field_order = ["course", "target", "person", "national_id", "organisation", "position"]

    def __init__(self, *args: Any, courses: Iterable[Course] = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        course = self.fields["course"]
        assert isinstance(course, forms.ChoiceField)
        course.choices = _course_choices(courses, _("Choose a published course"))
        self.fields["organisation"].help_text = _(
            "For an organisation: its current members and those of the organisations beneath it."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") == "person":
            if not data.get("person") and not _text(data.get("national_id")):
                self.add_error("national_id", _("Give the person's ID number."))
        elif not _text(data.get("organisation")):
            self.add_error("organisation", _("Choose an organisation."))
        return data


class EnrolmentFilterForm(_WithOrganisations):
    q = _search(_("Name or ID number"))
    course = forms.ChoiceField(label=_("Course"), required=False)
    within = forms.CharField(
        label=_("Within unit (code)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 15 or 02647")}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *EnrolmentStatus.choices],
    )
    field_order = ["q", "course", "organisation", "within", "status"]

    def __init__(self, *args: Any, courses: Iterable[Course] = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        course = self.fields["course"]
        assert isinstance(course, forms.ChoiceField)
        course.choices = _course_choices(courses, _("All courses"))

    def selector_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": _text(data.get("q")) or None,
            "course_code": _text(data.get("course")) or None,
            "organisation_code": _text(data.get("organisation")) or None,
            "within_unit_code": _text(data.get("within")) or None,
            "status": _text(data.get("status")) or None,
        }
