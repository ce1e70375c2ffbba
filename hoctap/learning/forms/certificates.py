"""Page forms of the officers' certificate pages: the list's filters, revocation and re-issue,
bulk issue and bulk re-issue. They parse the input; the services check every rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoctap.core.forms import DateInput, PageForm
from hoctap.learning.models import CertificateStatus
from hoctap.learning.selectors.reports import report_course_choices


def _course_field(*, required: bool) -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Course"), required=required)


def _with_courses(form: forms.Form, name: str, blank: Any) -> None:
    """The catalogue's courses as the choices of `name` (read when the form is built)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    courses = [(code, f"{code} · {title}") for code, title in report_course_choices()]
    field.choices = [("", blank), *courses]


def _code(label: Any, placeholder: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": placeholder}),
    )


def _text(value: Any) -> str:
    return (value or "").strip()


class CertificateFilterForm(PageForm):
    q = forms.CharField(
        label=_("Verification code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "ABCD-EFGH-JKMN"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *CertificateStatus.choices],
    )
    course = _course_field(required=False)
    unit = _code(_("Within unit (code)"), _("e.g. 15 or 02647"))
    issued_from = forms.DateField(label=_("Issued from"), required=False, widget=DateInput())
    issued_to = forms.DateField(label=_("Issued until"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _with_courses(self, "course", _("All courses"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("issued_from"), data.get("issued_to")
        if start and end and start > end:
            self.add_error("issued_to", _("The end of the period is before its start."))
        return data

    def selector_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": _text(data.get("q")) or None,
            "status": data.get("status") or None,
            "course_code": data.get("course") or None,
            "unit_code": _text(data.get("unit")) or None,
            "issued_from": data.get("issued_from"),
            "issued_to": data.get("issued_to"),
        }


class CertificateRevokeForm(PageForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Shown on the public verification page."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CertificateReissueForm(PageForm):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=300,
        help_text=_("Recorded on the certificate it replaces (default: “Re-issued”)."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CertificateBulkIssueForm(PageForm):
    course_code = _course_field(required=False)
    class_code = _code(_("Offline class (code)"), _("e.g. LOP-2025-001"))
    unit_code = _code(_("Persons living within unit (code)"), _("e.g. 02647"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _with_courses(self, "course_code", _("All courses"))


class CertificateBulkReissueForm(PageForm):
    course_code = _course_field(required=True)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Recorded on every certificate replaced, e.g. “Course title corrected”."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _with_courses(self, "course_code", _("Choose the course"))
