"""Page forms for units and organisations: they check the shape of the input; the services
check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoctap.core.forms import DateInput, PageForm
from hoctap.geo.models import OrganisationKind, UnitKind

VILLAGE_KIND_CHOICES = [
    (kind.value, kind.label)
    for kind in (UnitKind.VILLAGE, UnitKind.HAMLET, UnitKind.RESIDENTIAL_GROUP)
]
# The kind a new village gets by default, from the kind of its commune.
DEFAULT_VILLAGE_KIND = {
    UnitKind.COMMUNE: UnitKind.VILLAGE,
    UnitKind.WARD: UnitKind.RESIDENTIAL_GROUP,
    UnitKind.SPECIAL_ZONE: UnitKind.HAMLET,
}


def _code_list(value: str) -> list[str]:
    """`"15001, 15002 ;15003"` → `["15001", "15002", "15003"]` (blanks and repeats dropped)."""
    codes: list[str] = []
    for part in value.replace(";", ",").split(","):
        code = part.strip()
        if code and code not in codes:
            codes.append(code)
    return codes


class UnitSearchForm(PageForm):
    q = forms.CharField(
        label=_("Search units"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or code")}),
        help_text=_("Accents are optional: “lao cai” finds “Lào Cai”."),
    )


class VillageForm(PageForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=VILLAGE_KIND_CHOICES)
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for today."),
    )


class VillageEditForm(PageForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=VILLAGE_KIND_CHOICES)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())


class UnitCloseForm(PageForm):
    valid_to = forms.DateField(
        label=_("Valid to"),
        widget=DateInput(),
        help_text=_("The last day the unit exists."),
    )
    successors = forms.CharField(
        label=_("Successor unit codes"),
        required=False,
        max_length=500,
        help_text=_("The units that continue this one, separated by commas. Optional."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example the decision that closes or merges the unit."),
    )

    def clean_successors(self) -> list[str]:
        return _code_list(self.cleaned_data.get("successors") or "")


class OrganisationFilterForm(PageForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or code")}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *OrganisationKind.choices],
    )
    within = forms.CharField(
        label=_("Within unit (code)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 15 or 02647")}),
    )
    inactive = forms.BooleanField(label=_("Include inactive"), required=False)


class OrganisationForm(PageForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Letters, digits, dots, dashes or underscores; it never changes."),
    )
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    unit = forms.CharField(
        label=_("Unit code"),
        max_length=20,
        help_text=_("The administrative unit the organisation belongs to."),
    )
    parent = forms.CharField(
        label=_("Parent organisation code"),
        max_length=40,
        required=False,
        help_text=_("Optional: the organisation above this one."),
    )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "code": data["code"],
            "name": data["name"],
            "kind": data["kind"],
            "unit_code": data["unit"].strip(),
            "parent_code": data["parent"].strip() or None,
        }


class OrganisationEditForm(PageForm):
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    unit = forms.CharField(label=_("Unit code"), max_length=20)
    parent = forms.CharField(
        label=_("Parent organisation code"),
        max_length=40,
        required=False,
        help_text=_("Leave empty for none."),
    )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        parent = data["parent"].strip()
        return {
            "name": data["name"],
            "kind": data["kind"],
            "unit_code": data["unit"].strip(),
            "parent_code": parent or None,
            "clear_parent": not parent,
        }
