"""The filters of the audit log page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hoctap.core.forms import DateInput, PageForm


class AuditFilterForm(PageForm):
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. unit. or role.grant")}),
        help_text=_("Actions starting with this text."),
    )
    actor = forms.CharField(
        label=_("By (username)"),
        required=False,
        max_length=150,
    )
    target_type = forms.CharField(
        label=_("Record type"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. geo.adminunit")}),
    )
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data
