"""Learning online: enrolments, progress per lesson, quiz attempts and their answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EnrolmentSource(models.TextChoices):
    SELF = "self", _("Enrolled themselves")
    OFFICER = "officer", _("Assigned by an officer")
    ORGANISATION = "organisation", _("Assigned to an organisation's members")
    CLASS = "class", _("Assigned to a class")


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    COMPLETED = "completed", _("Completed")


class Enrolment(models.Model):
    """A person taking a course online. The person needs no account to be assigned a course;
    they learn once they sign in."""

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    course = models.ForeignKey(
        "learning.Course",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    source = models.CharField(_("source"), max_length=20, choices=EnrolmentSource.choices)
    organisation = models.ForeignKey(
        "geo.Organisation",
        verbose_name=_("assigned through organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    offline_class = models.ForeignKey(
        "learning.OfflineClass",
        verbose_name=_("assigned through class"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ACTIVE,
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # derived counters kept by the services (atomically, with F()): the list pages and the
    # lesson-completed path read them instead of counting progress rows
    lessons_done = models.PositiveIntegerField(_("lessons done"), default=0)
    last_lesson = models.ForeignKey(
        "learning.Lesson",
        verbose_name=_("last lesson opened"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    quiz_passed = models.BooleanField(_("quiz passed"), default=False)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "course"], name="learning_enrolment_unique")
        ]
        indexes = [models.Index(fields=["course", "status"], name="learning_enrolment_course_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.course_id}"


class LessonProgress(models.Model):
    """One learner's trace through one lesson: when first opened, when done, time spent.
    The row itself is the record of the learner's own activity (ADR 0013)."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="progress"
    )
    lesson = models.ForeignKey(
        "learning.Lesson", verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="+"
    )
    opened_at = models.DateTimeField(_("first opened at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(_("time spent (seconds)"), default=0)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        ordering = ["enrolment", "lesson"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="learning_progress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.lesson_id}"


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    EXPIRED = "expired", _("Time ran out")


class QuizAttempt(models.Model):
    """One try at a course's quiz. `layout` fixes, when the attempt starts, which questions it
    holds and in which order, with the order of each question's choices:
    `[{"question": id, "choices": [id, …]}, …]`; answers are accepted for those only."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="attempts"
    )
    quiz = models.ForeignKey(
        "learning.Quiz", verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    layout = models.JSONField(_("questions of the attempt"), default=list)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AttemptStatus.choices,
        default=AttemptStatus.IN_PROGRESS,
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score_percent = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["enrolment", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "quiz", "number"], name="learning_attempt_number"
            ),
            # at most one attempt open at a time
            models.UniqueConstraint(
                fields=["enrolment", "quiz"],
                condition=Q(status="in_progress"),
                name="learning_attempt_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} #{self.number}"


class AttemptAnswer(models.Model):
    attempt = models.ForeignKey(
        QuizAttempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        "learning.Question", verbose_name=_("question"), on_delete=models.CASCADE, related_name="+"
    )
    choices = models.JSONField(_("chosen answers"), default=list)  # choice ids
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["attempt", "id"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="learning_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.question_id}"
