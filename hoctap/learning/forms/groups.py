"""Page forms of the community digital technology groups: they parse the input; the services
(`hoctap.learning.services.groups`) check every rule, as for the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoctap.core.forms import DateInput, PageForm
from hoctap.learning.models import ActivityKind, DigitalTechGroupMember, GroupRole
from hoctap.registry.models import Person


def _text(value: Any) -> str:
    return (value or "").strip()


def _number_input() -> forms.TextInput:
    """An ID number: digits on phones, and the browser is asked not to remember it."""
    return forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"})


def person_label(person: Person) -> str:
    """How a person is named in a picker: name, birth year, village, masked ID number."""
    return (
        f"{person.full_name} ({person.birth_date.year}) · {person.village.name} · "
        f"{person.masked_national_id}"
    )


def _person_choices(persons: list[Person]) -> list[tuple[str, str]]:
    return [(str(p.pk), person_label(p)) for p in persons]


def _helper_choices(members: list[DigitalTechGroupMember]) -> list[tuple[str, str]]:
    return [("", "—")] + [
        (str(m.person_id), f"{m.person.full_name} · {m.get_role_display()}") for m in members
    ]


class GroupFilterForm(PageForm):
    within = forms.CharField(
        label=_("Within unit (code)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 15 or 02647")}),
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, code or decision")}
        ),
    )

    def selector_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "within_unit_code": _text(data.get("within")) or None,
            "q": _text(data.get("q")) or None,
        }


class GroupDecisionForm(PageForm):
    decision_number = forms.CharField(
        label=_("Founding decision number"),
        max_length=60,
        help_text=_("For example 125/QĐ-UBND."),
    )
    decision_date = forms.DateField(label=_("Founding decision date"), widget=DateInput())
    decided_by = forms.CharField(
        label=_("Decided by"),
        required=False,
        max_length=200,
        help_text=_("For example the chair of the commune People's Committee."),
    )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "decision_number": data["decision_number"],
            "decision_date": data["decision_date"],
            "decided_by": data["decided_by"],
        }


class GroupCreateForm(GroupDecisionForm):
    village = forms.CharField(label=_("Village code"), max_length=20)
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        help_text=_("Leave empty for “Tổ công nghệ số cộng đồng” and the village's name."),
    )
    code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=40,
        help_text=_("Leave empty for CNS- and the village code."),
    )
    field_order = ["village", "decision_number", "decision_date", "decided_by", "name", "code"]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().service_arguments(),
            "village_code": _text(data["village"]),
            "name": _text(data["name"]),
            "code": _text(data["code"]),
        }


class MemberAddForm(PageForm):
    person = forms.ChoiceField(
        label=_("Resident of the village"),
        required=False,
        help_text=_("Or give the ID number below, for someone living elsewhere in your area."),
    )
    national_id = forms.CharField(
        label=_("Personal ID number"), required=False, max_length=20, widget=_number_input()
    )
    role = forms.ChoiceField(label=_("Role"), choices=GroupRole.choices, initial=GroupRole.MEMBER)
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput())

    def __init__(self, *args: Any, persons: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—"), *_person_choices(persons)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not _text(data.get("national_id")):
            raise forms.ValidationError(_("Choose a resident or give an ID number."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data.get("person"):
            who: dict[str, Any] = {"person_id": int(data["person"])}
        else:
            who = {"national_id": _text(data["national_id"])}
        return {**who, "role": data["role"], "joined_on": data["joined_on"]}


class MemberEndForm(PageForm):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput())


class MemberRoleForm(PageForm):
    role = forms.ChoiceField(label=_("New role"), choices=GroupRole.choices)


class _ActivityForm(PageForm):
    kind = forms.ChoiceField(label=_("Kind of help"), choices=ActivityKind.choices)
    on = forms.DateField(label=_("Date"), widget=DateInput())
    helper = forms.ChoiceField(label=_("Helped by (member)"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    link_eid = forms.BooleanField(
        label=_("Also record the e-ID link date on the register"),
        required=False,
        help_text=_(
            "For “link the e-ID”: for persons with an e-ID account not yet linked, if you may "
            "change the registers."
        ),
    )

    def __init__(self, *args: Any, helpers: list[DigitalTechGroupMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["helper"].choices = _helper_choices(helpers)  # type: ignore[attr-defined]

    def common_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "on": data["on"],
            "helper_id": int(data["helper"]) if data.get("helper") else None,
            "note": data["note"],
            "link_eid": data["link_eid"],
        }


class ActivityForm(_ActivityForm):
    person = forms.ChoiceField(
        label=_("Person helped"),
        required=False,
        help_text=_("A resident of the village; or give the ID number below."),
    )
    national_id = forms.CharField(
        label=_("Personal ID number of the person helped"),
        required=False,
        max_length=20,
        widget=_number_input(),
    )
    field_order = ["kind", "on", "helper", "person", "national_id", "note", "link_eid"]

    def __init__(self, *args: Any, persons: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—"), *_person_choices(persons)]  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        who: dict[str, Any] = {}
        if data.get("person"):
            who["person_id"] = int(data["person"])
        elif _text(data.get("national_id")):
            who["national_id"] = _text(data["national_id"])
        return {**self.common_arguments(), **who}


class ActivityManyForm(_ActivityForm):
    persons = forms.MultipleChoiceField(
        label=_("Persons helped"), required=False, widget=forms.CheckboxSelectMultiple
    )
    national_ids = forms.CharField(
        label=_("ID numbers of other persons helped"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "inputmode": "numeric"}),
        help_text=_("One a line, for persons not in the list above."),
    )
    field_order = ["kind", "on", "helper", "persons", "national_ids", "note", "link_eid"]

    def __init__(self, *args: Any, persons: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["persons"].choices = _person_choices(persons)  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        lines = (data.get("national_ids") or "").splitlines()
        return {
            **self.common_arguments(),
            "person_ids": [int(pid) for pid in data.get("persons") or []],
            "national_ids": lines,
        }


class PersonFilterForm(PageForm):
    """The GET filter above the "many people helped" list."""

    q = forms.CharField(
        label=_("Find by name in the commune"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    not_linked = forms.BooleanField(
        label=_("Only persons whose e-ID is not linked"), required=False
    )


class ActivityFilterForm(PageForm):
    group = forms.CharField(label=_("Group code"), required=False, max_length=40)
    within = forms.CharField(label=_("Within unit (code)"), required=False, max_length=20)
    kind = forms.ChoiceField(
        label=_("Kind of help"),
        required=False,
        choices=[("", _("All kinds")), *ActivityKind.choices],
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def selector_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "group_code": _text(data.get("group")) or None,
            "within_unit_code": _text(data.get("within")) or None,
            "kind": data.get("kind") or None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
