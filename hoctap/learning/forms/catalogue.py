"""Page forms for writing courses: they parse the input (types, lengths, choices); the
catalogue services check every rule and sanitise lesson content, as for the API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoctap.core.forms import PageForm
from hoctap.learning.models import (
    Competency,
    CourseLanguage,
    CourseStatus,
    Framework,
    QuestionKind,
    TargetGroup,
)
from hoctap.learning.richtext import ALLOWED_TAGS
from hoctap.learning.services.catalogue import (
    DIRECTIONS,
    true_false_choices,
    video_extensions,
    video_max_mb,
)

MAX_ANSWERS = 6


def _text(value: Any) -> str:
    return (value or "").strip()


def competency_value(competency: Competency) -> str:
    """How a competency is named in a form and to the services: `<framework>:<code>`."""
    return f"{competency.area.framework}:{competency.code}"


class CourseFilterForm(PageForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title or code")}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *CourseStatus.choices]
    )
    owner = forms.CharField(label=_("Owner organisation (code)"), required=False, max_length=40)
    target_group = forms.ChoiceField(
        label=_("Target group"),
        required=False,
        choices=[("", _("All target groups")), *TargetGroup.choices],
    )
    # set by the links of the frameworks page (`<framework>:<code>`)
    competency = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def selector_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": _text(data.get("q")) or None,
            "status": data.get("status") or None,
            "owner_code": _text(data.get("owner")) or None,
            "target_group": data.get("target_group") or None,
            "competency": _text(data.get("competency")) or None,
        }


def _competency_choices(competencies: Sequence[Competency]) -> list[tuple[str, Any]]:
    """Grouped choices (framework and area → competencies): the checkbox widget shows each
    group under its heading."""
    labels: dict[str, Any] = {
        Framework.LEARNER_COMPETENCY.value: _("Circular 02/2025"),
        Framework.BASIC_SKILLS.value: _("Decision 757/QĐ-BKHCN"),
    }
    groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    for competency in competencies:
        area = competency.area
        if area.pk not in groups:
            heading = f"{labels.get(area.framework, area.framework)} — {area.code}. {area.name}"
            groups[area.pk] = (heading, [])
        groups[area.pk][1].append(
            (competency_value(competency), f"{competency.code} {competency.name}")
        )
    return list(groups.values())


class CourseForm(PageForm):
    """A course's fields. `owners` is the list of organisations the user may own courses for
    (a select box), or None when there are too many (then a code is typed)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Letters, digits and dashes, e.g. KNS-VNEID-01. It cannot be changed later."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=CourseLanguage.choices)
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        required=False,
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    competencies = forms.MultipleChoiceField(
        label=_("Competencies it builds"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 9)],
        help_text=_("1–2 basic, 3–4 intermediate, 5–6 advanced, 7–8 specialised."),
    )
    estimated_hours = forms.DecimalField(
        label=_("Estimated hours"), max_digits=5, decimal_places=1, min_value=0
    )
    owner = forms.CharField(label=_("Owner organisation"), max_length=40)
    sequential = forms.BooleanField(
        label=_("Lessons in order"),
        required=False,
        help_text=_("The next lesson stays locked until the previous one is done."),
    )
    field_order = [
        "code",
        "title",
        "summary",
        "language",
        "target_groups",
        "competencies",
        "level",
        "estimated_hours",
        "owner",
        "sequential",
    ]

    def __init__(
        self,
        *args: Any,
        owners: Sequence[Any] | None,
        competencies: Sequence[Competency],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            del self.fields["code"]
        competency_field = self.fields["competencies"]
        assert isinstance(competency_field, forms.MultipleChoiceField)
        competency_field.choices = _competency_choices(competencies)
        if owners is not None:
            self.fields["owner"] = forms.ChoiceField(
                label=_("Owner organisation"),
                choices=[(org.code, f"{org.name} ({org.code})") for org in owners],
                help_text=_("The organisation whose course officers may edit the course."),
            )
        else:
            self.fields["owner"].help_text = _(
                "The code of an organisation you manage courses for."
            )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        arguments = {
            "title": data["title"],
            "summary": data["summary"],
            "language": data["language"],
            "target_groups": list(data["target_groups"]),
            "competency_codes": list(data["competencies"]),
            "level": data["level"],
            "estimated_hours": data["estimated_hours"],
            "owner_code": _text(data["owner"]),
            "sequential": bool(data["sequential"]),
        }
        if not self.editing:
            arguments["code"] = _text(data["code"])
        return arguments


class StatusForm(PageForm):
    status = forms.ChoiceField(choices=CourseStatus.choices, widget=forms.HiddenInput)


class MoveForm(PageForm):
    direction = forms.ChoiceField(choices=[(d, d) for d in DIRECTIONS], widget=forms.HiddenInput)


class ModuleForm(PageForm):
    title = forms.CharField(label=_("Module title"), max_length=200)


class ConfirmForm(PageForm):
    """A POST that only confirms (deleting a module, a lesson, a question)."""


LESSON_BODY_HELP = _(
    "HTML. Kept tags: %(tags)s. Everything else (scripts, styles, frames, event handlers) is "
    "removed when the lesson is saved; links keep only http(s), mailto and tel addresses."
) % {"tags": ", ".join(sorted(ALLOWED_TAGS))}


class LessonForm(PageForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    body_html = forms.CharField(
        label=_("Content"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "true"}),
        help_text=LESSON_BODY_HELP,
    )
    video_file = forms.FileField(label=_("Video file"), required=False)
    video_url = forms.CharField(
        label=_("Video link"),
        required=False,
        max_length=200,
        help_text=_("A web address starting with https://, e.g. a video on YouTube."),
        widget=forms.URLInput,
    )
    remove_video_file = forms.BooleanField(label=_("Remove the video file"), required=False)
    estimated_minutes = forms.IntegerField(label=_("Estimated minutes"), min_value=1, max_value=600)

    def __init__(self, *args: Any, has_video_file: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the accepted kinds and size are settings (the service checks them)
        extensions = video_extensions()
        self.fields["video_file"].help_text = _(
            "%(kinds)s, at most %(n)s MB. Or give a link below, not both."
        ) % {"kinds": ", ".join(e.upper() for e in extensions), "n": video_max_mb()}
        # the clearable widget's own "clear" box is replaced by `remove_video_file`
        self.fields["video_file"].widget = forms.FileInput(
            attrs={"accept": ",".join(f".{e}" for e in extensions)}
        )
        if not has_video_file:
            del self.fields["remove_video_file"]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        arguments: dict[str, Any] = {
            "title": data["title"],
            "body_html": data["body_html"] or "",
            "video_url": _text(data["video_url"]),
            "video_file": data.get("video_file") or None,
            "estimated_minutes": data["estimated_minutes"],
        }
        if "remove_video_file" in self.fields:
            arguments["remove_video_file"] = bool(data.get("remove_video_file"))
        return arguments


class AttachmentForm(PageForm):
    title = forms.CharField(
        label=_("Title"), required=False, max_length=200, help_text=_("Empty: the file's name.")
    )
    file = forms.FileField(label=_("File"), help_text=_("At most 200 MB."))


class QuizForm(PageForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    pass_mark_percent = forms.IntegerField(label=_("Pass mark (%)"), min_value=1, max_value=100)
    max_attempts = forms.IntegerField(
        label=_("Attempt limit"), min_value=0, max_value=100, help_text=_("0: no limit.")
    )
    shuffle_questions = forms.BooleanField(label=_("Shuffle questions"), required=False)
    shuffle_choices = forms.BooleanField(label=_("Shuffle answers"), required=False)
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"),
        required=False,
        min_value=1,
        max_value=600,
        help_text=_("Empty: no time limit."),
    )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "pass_mark_percent": data["pass_mark_percent"],
            "max_attempts": data["max_attempts"],
            "shuffle_questions": bool(data["shuffle_questions"]),
            "shuffle_choices": bool(data["shuffle_choices"]),
            "time_limit_minutes": data["time_limit_minutes"],
        }


class QuestionForm(PageForm):
    """A question with up to six answer rows (text, correct?). A true/false question ignores
    the rows and uses the two fixed answers, "True" and "False"."""

    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    points = forms.IntegerField(label=_("Points"), min_value=1, max_value=100, initial=1)
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to the learner after the attempt."),
    )
    true_is_correct = forms.TypedChoiceField(
        label=_("Correct answer (true/false questions)"),
        required=False,
        coerce=lambda value: value == "true",
        empty_value=None,
        choices=[("true", _("True")), ("false", _("False"))],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_ANSWERS + 1):
            self.fields[f"answer_{n}"] = forms.CharField(
                label=_("Answer %(n)s") % {"n": n}, required=False, max_length=500
            )
            self.fields[f"correct_{n}"] = forms.BooleanField(label=_("Correct"), required=False)

    @property
    def answer_rows(self) -> list[tuple[Any, Any]]:
        """(answer field, correct field) pairs, for the template's table."""
        return [(self[f"answer_{n}"], self[f"correct_{n}"]) for n in range(1, MAX_ANSWERS + 1)]

    @staticmethod
    def initial_for(question: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "kind": question.kind,
            "text": question.text,
            "points": question.points,
            "explanation": question.explanation,
        }
        choices = list(question.choices.all())
        if question.kind == QuestionKind.TRUE_FALSE:
            first = choices[0] if choices else None
            initial["true_is_correct"] = (
                "true" if first is not None and first.is_correct else "false"
            )
        else:
            for n, choice in enumerate(choices[:MAX_ANSWERS], start=1):
                initial[f"answer_{n}"] = choice.text
                initial[f"correct_{n}"] = choice.is_correct
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == QuestionKind.TRUE_FALSE and data.get("true_is_correct") is None:
            self.add_error("true_is_correct", _("Choose whether “True” or “False” is correct."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data["kind"] == QuestionKind.TRUE_FALSE:
            choices = true_false_choices(true_is_correct=bool(data["true_is_correct"]))
        else:
            choices = [
                (_text(data.get(f"answer_{n}")), bool(data.get(f"correct_{n}")))
                for n in range(1, MAX_ANSWERS + 1)
            ]
        return {
            "kind": data["kind"],
            "text": data["text"],
            "points": data["points"],
            "explanation": data["explanation"],
            "choices": choices,
        }
