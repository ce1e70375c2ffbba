"""Page forms of offline classes: they parse the input; the services check every rule."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from hoctap.core.forms import DateInput, PageForm
from hoctap.core.ids import MAX_ID, parse_id
from hoctap.learning.models import ClassStatus, InstructorRole


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class ClassFilterForm(PageForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code or title")}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ClassStatus.choices]
    )

    def selector_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {"q": data.get("q") or None, "status": data.get("status") or None}


class _ClassFieldsForm(PageForm):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    venue = forms.CharField(
        label=_("Venue"),
        max_length=200,
        required=False,
        help_text=_("e.g. the village's cultural house"),
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, initial=30)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    min_attendance_percent = forms.IntegerField(
        label=_("Minimum attendance (%)"), min_value=1, max_value=100, initial=80
    )
    requires_test = forms.BooleanField(
        label=_("A passed test is required"), required=False, initial=True
    )
    test_pass_mark = forms.DecimalField(
        label=_("Test pass mark (0–100)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        initial=50,
        required=False,
    )

    def rule_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "venue": data["venue"],
            "capacity": data["capacity"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "min_attendance_percent": data["min_attendance_percent"],
            "requires_test": data["requires_test"],
            "test_pass_mark": data["test_pass_mark"] if data["test_pass_mark"] is not None else 50,
        }


class ClassForm(_ClassFieldsForm):
    code = forms.CharField(
        label=_("Class code"),
        max_length=40,
        help_text=_("Letters, digits, dots, dashes; e.g. LOP-02647-2025-01"),
    )
    course = forms.ChoiceField(label=_("Course"))
    unit = forms.CharField(
        label=_("Place: village or commune code"),
        max_length=20,
        help_text=_("The village (or commune) where the class is held"),
    )
    organisation = forms.CharField(
        label=_("Organisation code"),
        max_length=40,
        required=False,
        help_text=_("Optional: the school or group that holds the class"),
    )
    field_order = ["code", "course", "title", "unit", "organisation", "venue"]

    def __init__(self, *args: Any, courses: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((code, f"{title} ({code})") for code, title in courses),
        ]
        self.fields["title"].help_text = _("Empty: the course's title")

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "code": data["code"],
            "course_code": data["course"],
            "unit_code": data["unit"],
            "organisation_code": data["organisation"] or None,
            **self.rule_arguments(),
        }


class ClassEditForm(_ClassFieldsForm):
    def service_arguments(self) -> dict[str, Any]:
        arguments = self.rule_arguments()
        if not arguments["title"]:
            arguments["title"] = None  # unchanged
        return arguments


class CancelForm(PageForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class SessionForm(PageForm):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    starts_at = forms.TimeField(label=_("Starts at"), required=False, widget=TimeInput())
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)


class PersonSearchForm(PageForm):
    q = forms.CharField(
        label=_("Find a person"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name or the start of the ID number")}
        ),
    )


class IdsField(forms.Field):
    """Internal ids posted as a list (checkboxes, hidden inputs), as a set of ints."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> set[int]:
        if value in (None, ""):
            return set()
        values = value if isinstance(value, list | tuple) else [value]
        found = parse_ids(values)
        if found is None:
            raise forms.ValidationError(_("Not a list of ids."), code="invalid")
        return found

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class ParticipantsAddForm(PageForm):
    """The persons ticked among the search results (the service checks each of them)."""

    person = IdsField(label=_("Persons"))


class InstructorForm(PageForm):
    """The person chosen among the search results, and their role."""

    person = forms.IntegerField(
        label=_("Person"), min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    role = forms.ChoiceField(label=_("Role"), choices=InstructorRole.choices)


class AttendanceForm(PageForm):
    """The participants ticked present, among those the page showed (the others: absent)."""

    present = IdsField(label=_("Present"), required=False)
    shown = IdsField(label=_("Participants"), required=False)


class ScoresForm(PageForm):
    """One score field per participant (`score-<person id>`); the service checks the values."""

    def __init__(self, *args: Any, participants: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person_ids: list[int] = []
        for participant in participants:
            person = participant.person
            name = f"score-{person.pk}"
            self.person_ids.append(person.pk)
            self.fields[name] = forms.CharField(
                label=f"{person.full_name} · {person.masked_national_id}",
                required=False,
                max_length=10,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": "6"}),
            )
            if participant.test_score is not None:
                # 75,5 in Vietnamese, as the class sheet shows it (the service reads either)
                self.initial[name] = formats.localize_input(participant.test_score.normalize())

    def scores(self) -> dict[int, str | None]:
        return {
            pid: (self.cleaned_data.get(f"score-{pid}") or "").strip() or None
            for pid in self.person_ids
        }


def parse_ids(values: Iterable[Any]) -> set[int] | None:
    """Internal ids from a form's list, each possibly "1,2,3" (None when one is not an id)."""
    found: set[int] = set()
    for value in values:
        for part in str(value).split(","):
            if not part.strip():
                continue
            number = parse_id(part)
            if number is None:
                return None
            found.add(number)
    return found
