"""Filters of the officers' learning reports (GET forms: the page works without JavaScript and
its address can be shared)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoctap.core.forms import DateInput, PageForm
from hoctap.learning.models import Channel, Platform
from hoctap.learning.selectors.reports import ReportFilters
from hoctap.registry.models import Position


class ReportFilterForm(PageForm):
    """The period, the platform and the channel of the completions counted."""

    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    platform = forms.ChoiceField(
        label=_("Platform"), required=False, choices=[("", _("All platforms")), *Platform.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def filters(self) -> ReportFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return ReportFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            platform=data.get("platform") or "",
            channel=data.get("channel") or "",
        )

    def extra(self) -> dict[str, Any]:
        """The report's own arguments (an organisation, a unit)."""
        return {}


class ClassReportForm(ReportFilterForm):
    """Classes are filtered by the period only (they are all offline, on this platform)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["platform"]
        del self.fields["channel"]


class OrganisationReportForm(ReportFilterForm):
    organisation = forms.CharField(
        label=_("Organisation (code)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. BCHQS-15")}),
    )
    position = forms.ChoiceField(
        label=_("Position"), required=False, choices=[("", _("All positions")), *Position.choices]
    )
    field_order = ["organisation", "position", "date_from", "date_to", "platform", "channel"]

    def extra(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "organisation_code": (data.get("organisation") or "").strip(),
            "position": data.get("position") or "",
        }


class UnitReportForm(ReportFilterForm):
    unit = forms.CharField(
        label=_("Unit (code)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 15 or 02647")}),
    )
    field_order = ["unit", "date_from", "date_to", "platform", "channel"]

    def extra(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {"unit_code": (data.get("unit") or "").strip() or None}
