"""The catalogue: the digital-skills frameworks (reference data), courses, their modules and
lessons, and each course's final quiz."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.core.models import TimeStampedModel


class Framework(models.TextChoices):
    """The two official frameworks a course maps onto (their content is data, editable)."""

    LEARNER_COMPETENCY = (
        "tt02_2025",
        _("Digital competency framework for learners (Circular 02/2025/TT-BGDĐT)"),
    )
    BASIC_SKILLS = (
        "qd757_2025",
        _("Basic digital knowledge and skills (Decision 757/QĐ-BKHCN)"),
    )


class TargetGroup(models.TextChoices):
    """Who a course is for: the four groups of Decision 757/QĐ-BKHCN and the armed forces."""

    PUPILS_STUDENTS = "pupils_students", _("Pupils and students")
    CITIZENS = "citizens", _("Citizens")
    CIVIL_SERVANTS = "civil_servants", _("Civil servants and public employees")
    ENTERPRISE_WORKERS = "enterprise_workers", _("Enterprise workers")
    ARMED_FORCES = "armed_forces", _("Armed forces")


class CourseLanguage(models.TextChoices):
    VIETNAMESE = "vi", _("Vietnamese")
    ENGLISH = "en", _("English")
    HMONG = "hmn", _("H'Mông")
    TAY = "tyz", _("Tày")
    OTHER = "other", _("Other language")


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class CompetencyArea(models.Model):
    """A domain of the learners' framework (6 in Circular 02/2025) or a skill group of the
    basic-skills framework (Decision 757, per target group)."""

    framework = models.CharField(_("framework"), max_length=20, choices=Framework.choices)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    target_group = models.CharField(
        _("target group"), max_length=30, choices=TargetGroup.choices, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("competency area")
        verbose_name_plural = _("competency areas")
        ordering = ["framework", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="learning_area_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Competency(models.Model):
    """One competency (e.g. 1.1 "Browsing, searching and filtering data, information and
    digital content") or one basic skill."""

    area = models.ForeignKey(
        CompetencyArea,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="competencies",
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["area__framework", "area__position", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["area", "code"], name="learning_competency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Course(TimeStampedModel):
    """A course of the provincial portal. Its owner organisation decides who may edit it;
    published courses are open to every signed-in learner."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    search_title = models.CharField(_("title for search"), max_length=200, db_index=True)
    summary = models.TextField(_("summary"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=CourseLanguage.choices,
        default=CourseLanguage.VIETNAMESE,
    )
    # a few values of TargetGroup; a list (not a table) because the catalogue holds tens of
    # courses and is filtered in memory
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    competencies = models.ManyToManyField(
        Competency, verbose_name=_("competencies"), blank=True, related_name="courses"
    )
    level = models.PositiveSmallIntegerField(
        _("level"), default=1, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    estimated_hours = models.DecimalField(
        _("estimated hours"), max_digits=5, decimal_places=1, default=1
    )
    owner = models.ForeignKey(
        "geo.Organisation",
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )
    sequential = models.BooleanField(
        _("lessons in order"),
        default=True,
        help_text=_("The next lesson stays locked until the previous one is done."),
    )
    # derived, kept by the services that add and remove lessons: the lesson-completed path
    # compares against it without counting
    lesson_count = models.PositiveIntegerField(_("number of lessons"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=8), name="learning_course_level_1_8"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class CourseModule(models.Model):
    """A chapter of a course: its lessons in order."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="modules"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "position"], name="learning_module_position")
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    """A lesson: sanitised rich text, an optional video (an uploaded file or a link) and
    attachments. `number` is its place in the whole course (1, 2, …), derived from the
    module and lesson positions by the services: "the previous lesson" is `number - 1`."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="lessons"
    )
    module = models.ForeignKey(
        CourseModule, verbose_name=_("module"), on_delete=models.CASCADE, related_name="lessons"
    )
    position = models.PositiveSmallIntegerField(_("position in the module"))
    number = models.PositiveSmallIntegerField(_("number in the course"))
    title = models.CharField(_("title"), max_length=200)
    body_html = models.TextField(_("content"), blank=True)  # sanitised on every write
    video_file = models.FileField(_("video file"), upload_to="lessons/videos/", blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=10)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["course", "number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="learning_lesson_number"),
            models.UniqueConstraint(fields=["module", "position"], name="learning_lesson_position"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class LessonAttachment(models.Model):
    lesson = models.ForeignKey(
        Lesson, verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="lessons/attachments/")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["lesson", "id"]

    def __str__(self) -> str:
        return self.title


class Quiz(models.Model):
    """A course's final quiz: the course is complete when its lessons are done and this is
    passed."""

    course = models.OneToOneField(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="quiz"
    )
    title = models.CharField(_("title"), max_length=200)
    pass_mark_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempt limit"), default=3, help_text=_("0: no limit.")
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle answers"), default=True)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark_percent__gte=1, pass_mark_percent__lte=100),
                name="learning_quiz_pass_mark",
            )
        ]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One correct answer")
    MULTIPLE = "multiple", _("Several correct answers")
    TRUE_FALSE = "true_false", _("True or false")


class Question(models.Model):
    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    points = models.PositiveSmallIntegerField(_("points"), default=1)
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["quiz", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "position"], name="learning_question_position")
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("answer"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("answer choice")
        verbose_name_plural = _("answer choices")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"], name="learning_choice_position"
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]
