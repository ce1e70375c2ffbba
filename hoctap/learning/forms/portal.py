"""Forms of the learners' pages: sign-up, password change, the catalogue filter, finishing a
lesson, a quiz attempt, and typing a certificate code to verify."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoctap.core.forms import DateInput, PageForm
from hoctap.core.ids import parse_digits, parse_id
from hoctap.learning.codes import normalise_certificate_code
from hoctap.learning.models import QuestionKind, TargetGroup
from hoctap.learning.selectors.progress import AttemptQuestion
from hoctap.learning.services.progress import MAX_SECONDS_PER_CALL


class SignupForm(PageForm):
    national_id = forms.CharField(
        label=_("Personal ID number"),
        max_length=20,
        help_text=_("The 12 digits of your citizen identity card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "username"}),
    )
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput())
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=20,
        required=False,
        help_text=_("You may also sign in with this phone number."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, again = data.get("password"), data.get("password_again")
        if first and again and first != again:
            self.add_error("password_again", _("The two passwords differ."))
        return data


class CatalogueFilterForm(PageForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Course title")}),
    )
    target_group = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=[("", _("Everyone")), *TargetGroup.choices],
    )


class LessonCompleteForm(PageForm):
    """The page fills `seconds_spent` with the seconds since it loaded (0 without
    JavaScript); a value the clock cannot have produced counts as 0."""

    seconds_spent = forms.CharField(required=False, widget=forms.HiddenInput(), initial="0")

    def clean_seconds_spent(self) -> int:
        raw = self.cleaned_data.get("seconds_spent") or ""
        return parse_digits(raw, maximum=MAX_SECONDS_PER_CALL) or 0


_QUESTION_PREFIX = "question_"


class AttemptForm(forms.Form):
    """The answers of one attempt: a field `question_<id>` per question, radio buttons for a
    single answer or true/false, checkboxes for several. `answers()` gives what the service
    takes (question id → choice ids), including answers to questions the attempt does not
    hold, which the service refuses by name. A `question_…` field whose name holds no id (as
    no page makes) is refused here, with the service's words."""

    def __init__(self, *args: Any, questions: Sequence[AttemptQuestion], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for item in self.questions:
            question = item.question
            choices = [(str(c.pk), c.text) for c in item.choices]
            name = f"{_QUESTION_PREFIX}{question.pk}"
            field: forms.Field
            if question.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    label=question.text,
                    choices=choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                field = forms.ChoiceField(
                    label=question.text, choices=choices, required=False, widget=forms.RadioSelect
                )
            self.fields[name] = field

    def rows(self) -> list[tuple[AttemptQuestion, forms.BoundField]]:
        return [(item, self[f"{_QUESTION_PREFIX}{item.question.pk}"]) for item in self.questions]

    def _posted_questions(self) -> list[tuple[str, int | None]]:
        """Each posted `question_…` field with the question id its name holds, written as the
        page writes it (`question_7`, not `question_007`); None when it holds none."""
        posted: list[tuple[str, int | None]] = []
        for key in self.data:
            if key.startswith(_QUESTION_PREFIX):
                tail = key.removeprefix(_QUESTION_PREFIX)
                question_id = parse_id(tail)
                posted.append((key, question_id if str(question_id) == tail else None))
        return posted

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(question_id is None for _key, question_id in self._posted_questions()):
            self.add_error(None, _("This question is not part of the attempt."))
        return data

    def answers(self) -> dict[int, list[int]]:
        result: dict[int, list[int]] = {}
        for key, question_id in self._posted_questions():
            if question_id is None:  # refused by clean()
                continue
            if key in self.fields:
                values = self.cleaned_data.get(key)
                if isinstance(values, str):
                    values = [values] if values else []
                chosen = [i for v in values or [] if (i := parse_id(str(v))) is not None]
                if chosen:
                    result[question_id] = chosen
            else:
                # not a question of this attempt: passed on, even with no answer that reads as
                # an id, for the service to refuse by name
                raw = self.data.getlist(key)  # type: ignore[attr-defined]
                result[question_id] = [i for v in raw if (i := parse_id(str(v))) is not None]
        return result


class VerifyForm(PageForm):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("The 12 letters and digits printed on the certificate, e.g. ABCD-EFGH-JKMN."),
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        normal = normalise_certificate_code(self.cleaned_data.get("code") or "")
        if normal is None:
            raise forms.ValidationError(_("This is not a certificate code: check what you typed."))
        return normal
