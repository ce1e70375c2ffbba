"""Page forms for the registers: they parse the input (types, lengths); the services check every
rule of the record (`hoctap.registry.rules`), exactly as for the API and the importer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoctap.core.forms import DateInput, PageForm
from hoctap.registry import rules
from hoctap.registry.ethnicity import CHOICES as ETHNICITY_CHOICES
from hoctap.registry.models import (
    EidLevel,
    PersonStatus,
    Position,
    PovertyStatus,
    RelationToHead,
    Sex,
)


def _search(placeholder: Any) -> forms.CharField:
    return forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": placeholder}),
    )


def _within() -> forms.CharField:
    return forms.CharField(
        label=_("Within unit (code)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 15 or 02647")}),
    )


def _number_input() -> forms.TextInput:
    """An ID number: digits on phones, and the browser is asked not to remember it."""
    return forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"})


def _text(value: Any) -> str:
    return (value or "").strip()


class RegisterFilterForm(PageForm):
    """The filters every register list shares; `selector_arguments` names them as the
    selectors do (also what an export of the list records in its audit entry)."""

    within = _within()

    def selector_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "within_unit_code": _text(data.get("within")) or None,
            **{
                name: (_text(data.get(name)) or None)
                for name in self.fields
                if name not in ("within", "current")
            },
            **({"current_only": bool(data.get("current"))} if "current" in self.fields else {}),
        }


class PersonFilterForm(RegisterFilterForm):
    q = _search(_("Name or ID number"))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *PersonStatus.choices],
    )
    field_order = ["q", "within", "status"]


class HouseholdFilterForm(RegisterFilterForm):
    q = _search(_("Household code"))
    field_order = ["q", "within"]


class ClanFilterForm(RegisterFilterForm):
    q = _search(_("Name or code"))
    field_order = ["q", "within"]


class MembershipFilterForm(RegisterFilterForm):
    q = _search(_("Name or ID number"))
    organisation_code = forms.CharField(label=_("Organisation code"), required=False, max_length=40)
    position = forms.ChoiceField(
        label=_("Position"), required=False, choices=[("", _("All positions")), *Position.choices]
    )
    current = forms.BooleanField(label=_("Current only"), required=False)
    field_order = ["q", "within", "organisation_code", "position", "current"]


# ---------------------------------------------------------------------------------------------
# Persons
# ---------------------------------------------------------------------------------------------


class PersonEditForm(PageForm):
    national_id = forms.CharField(
        label=_("Personal ID number"),
        widget=_number_input(),
        required=False,
        max_length=20,
        help_text=_("Leave empty to keep the current number."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput())
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=ETHNICITY_CHOICES)
    village = forms.CharField(label=_("Village code"), max_length=20)
    household = forms.CharField(
        label=_("Household code"),
        required=False,
        max_length=40,
        help_text=_("Leave empty if the person belongs to no household."),
    )
    relation_to_head = forms.ChoiceField(
        label=_("Relation to the head of household"),
        required=False,
        choices=[("", "—"), *RelationToHead.choices],
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)
    legacy_id_card = forms.CharField(
        label=_("Old ID card number"),
        widget=_number_input(),
        required=False,
        max_length=20,
        help_text=_("Leave empty to keep the current number."),
    )
    eid_level = forms.ChoiceField(label=_("Level of the e-ID account"), choices=EidLevel.choices)
    eid_linked_on = forms.DateField(
        label=_("Linked to the platform on"), required=False, widget=DateInput()
    )

    def service_arguments(self) -> dict[str, Any]:
        """`person_update`'s arguments: an empty ID number (or old card) keeps the stored one,
        an empty link date clears it."""
        data = self.cleaned_data
        return {
            "national_id": _text(data["national_id"]) or None,
            "full_name": data["full_name"],
            "birth_date": data["birth_date"],
            "sex": data["sex"],
            "ethnicity": data["ethnicity"],
            "village_code": _text(data["village"]),
            "household_code": _text(data["household"]),
            "relation_to_head": data["relation_to_head"],
            "phone": data["phone"],
            "legacy_id_card": _text(data["legacy_id_card"]) or None,
            "eid_level": data["eid_level"],
            "eid_linked_on": data["eid_linked_on"],
            "clear_eid_linked_on": data["eid_linked_on"] is None,
        }


class PersonForm(PersonEditForm):
    national_id = forms.CharField(
        label=_("Personal ID number"),
        widget=_number_input(),
        max_length=20,
        help_text=_("12 digits (số định danh cá nhân)."),
    )
    legacy_id_card = forms.CharField(
        label=_("Old ID card number"),
        required=False,
        max_length=20,
        help_text=_("9 digits."),
        widget=_number_input(),
    )
    status_since = forms.DateField(
        label=_("Living here since"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for today."),
    )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        arguments = super().service_arguments()
        del arguments["clear_eid_linked_on"]  # a new record has nothing to clear
        return {
            **arguments,
            "national_id": _text(data["national_id"]),
            "legacy_id_card": _text(data["legacy_id_card"]),
            "status_since": data["status_since"],
        }


class PersonStatusForm(PageForm):
    status = forms.ChoiceField(label=_("New status"), choices=PersonStatus.choices)
    on = forms.DateField(
        label=_("Since"), required=False, widget=DateInput(), help_text=_("Leave empty for today.")
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example where the person moved to."),
    )


# ---------------------------------------------------------------------------------------------
# Households and clans
# ---------------------------------------------------------------------------------------------


class HouseholdEditForm(PageForm):
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    poverty_status = forms.ChoiceField(label=_("Poverty status"), choices=PovertyStatus.choices)
    poverty_year = forms.IntegerField(
        label=_("Poverty status year"),
        required=False,
        min_value=rules.EARLIEST_POVERTY_YEAR,
        max_value=rules.LARGEST_YEAR,  # the service then wants at most next year
        help_text=_("Required for a poor or near-poor household."),
    )
    clan = forms.CharField(
        label=_("Clan code"),
        required=False,
        max_length=40,
        help_text=_("Leave empty if the household belongs to no clan."),
    )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "address": data["address"],
            "poverty_status": data["poverty_status"],
            "poverty_year": data["poverty_year"],
            "clan_code": _text(data["clan"]),
        }


class HouseholdForm(HouseholdEditForm):
    code = forms.CharField(
        label=_("Household code"),
        max_length=40,
        help_text=_("Letters, digits, dots, dashes or underscores; it never changes."),
    )
    village = forms.CharField(label=_("Village code"), max_length=20)
    field_order = ["code", "village", "address", "poverty_status", "poverty_year", "clan"]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().service_arguments(),
            "code": _text(data["code"]),
            "village_code": _text(data["village"]),
        }


class ClanEditForm(PageForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    representative = forms.CharField(
        label=_("Representative's personal ID number"),
        widget=_number_input(),
        required=False,
        max_length=20,
        help_text=_("Leave empty to keep the current representative."),
    )
    remove_representative = forms.BooleanField(label=_("Remove the representative"), required=False)

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        number = _text(data["representative"])
        return {
            "name": data["name"],
            "representative_national_id": (
                "" if data["remove_representative"] else (number or None)
            ),
        }


class ClanForm(PageForm):
    code = forms.CharField(
        label=_("Clan code"),
        max_length=40,
        help_text=_("Letters, digits, dots, dashes or underscores; it never changes."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    commune = forms.CharField(label=_("Commune code"), max_length=20)
    representative = forms.CharField(
        label=_("Representative's personal ID number"),
        widget=_number_input(),
        required=False,
        max_length=20,
        help_text=_("Optional: a person living in the commune."),
    )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "code": _text(data["code"]),
            "name": data["name"],
            "commune_code": _text(data["commune"]),
            "representative_national_id": _text(data["representative"]),
        }


# ---------------------------------------------------------------------------------------------
# Memberships
# ---------------------------------------------------------------------------------------------


class MembershipForm(PageForm):
    national_id = forms.CharField(
        label=_("Personal ID number"), max_length=20, widget=_number_input()
    )
    organisation = forms.CharField(label=_("Organisation code"), max_length=40)
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput())

    def __init__(self, *args: Any, person_known: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if person_known:  # opened from a person's page: the number is not shown in the form
            del self.fields["national_id"]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "national_id": _text(data.get("national_id")),
            "organisation_code": _text(data["organisation"]),
            "position": data["position"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
        }


class MembershipEndForm(PageForm):
    end_date = forms.DateField(label=_("End date"), widget=DateInput())
