"""Offline classes: a course taught in a village hall or a school by community digital
technology groups and teachers, with sessions, attendance and a completion rule."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.core.models import TimeStampedModel


class ClassStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class OfflineClass(TimeStampedModel):
    """A class held at a place: a village (or commune) and optionally an organisation (a
    school, a community digital technology group). Participants are persons of the register;
    they need no account. The completion rule: attendance of at least
    `min_attendance_percent` of the sessions and, if `requires_test`, a test score of at least
    `test_pass_mark`."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    course = models.ForeignKey(
        "learning.Course", verbose_name=_("course"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("place (village or commune)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "geo.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=30)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"), default=80, validators=[MaxValueValidator(100)]
    )
    requires_test = models.BooleanField(_("a passed test is required"), default=True)
    test_pass_mark = models.DecimalField(
        _("test pass mark"), max_digits=5, decimal_places=2, default=50
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ClassStatus.choices, default=ClassStatus.OPEN
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("offline class")
        verbose_name_plural = _("offline classes")
        ordering = ["-starts_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="learning_class_dates"
            ),
            models.CheckConstraint(
                condition=Q(min_attendance_percent__lte=100), name="learning_class_attendance"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class InstructorRole(models.TextChoices):
    LEAD = "lead", _("Lead instructor")
    ASSISTANT = "assistant", _("Assistant")


class ClassInstructor(models.Model):
    """A person who teaches the class (a member of a community digital technology group, a
    teacher). With a learner account they take attendance from their phone."""

    offline_class = models.ForeignKey(
        OfflineClass, verbose_name=_("class"), on_delete=models.CASCADE, related_name="instructors"
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=InstructorRole.choices, default=InstructorRole.LEAD
    )

    class Meta:
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")
        ordering = ["offline_class", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offline_class", "person"], name="learning_instructor_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offline_class_id}: {self.person_id}"


class ClassSession(models.Model):
    offline_class = models.ForeignKey(
        OfflineClass, verbose_name=_("class"), on_delete=models.CASCADE, related_name="sessions"
    )
    number = models.PositiveSmallIntegerField(_("session number"))
    on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["offline_class", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["offline_class", "number"], name="learning_session_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offline_class_id} #{self.number} ({self.on})"


class ParticipantResult(models.TextChoices):
    PENDING = "pending", _("Not yet decided")
    COMPLETED = "completed", _("Completed")
    NOT_COMPLETED = "not_completed", _("Did not complete")


class ClassParticipant(models.Model):
    offline_class = models.ForeignKey(
        OfflineClass,
        verbose_name=_("class"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    test_score = models.DecimalField(
        _("test score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    result = models.CharField(
        _("result"),
        max_length=20,
        choices=ParticipantResult.choices,
        default=ParticipantResult.PENDING,
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["offline_class", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offline_class", "person"], name="learning_participant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offline_class_id}: {self.person_id}"


class Attendance(models.Model):
    """Whether a participant was at a session; taking it again for the same pair changes it."""

    session = models.ForeignKey(
        ClassSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendance"
    )
    participant = models.ForeignKey(
        ClassParticipant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    present = models.BooleanField(_("present"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "participant"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="learning_attendance_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.participant_id} {'+' if self.present else '-'}"
