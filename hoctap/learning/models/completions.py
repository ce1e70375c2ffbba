"""Completions — whoever gained a course, wherever — and the certificates Hoctap issues.

One table holds every completion: online on this portal, in an offline class, or recorded on
another platform and imported. A person counts once per course and platform, however often a
record is sent (`course_key`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    NATIONAL_PORTAL = "national_portal", _("National Digital Education for All portal")
    PROVINCIAL_PORTAL = "provincial_portal", _("Provincial portal")
    SECTOR_SYSTEM = "sector_system", _("Sector training system")
    MINISTRY_PLATFORM = "ministry_platform", _("Ministry or military-region platform")
    OTHER = "other", _("Other platform")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online on this portal")
    OFFLINE_CLASS = "offline_class", _("Offline class")
    IMPORTED = "imported", _("Recorded on another platform")


# The key of an external course that is not in the catalogue: this prefix, then its folded
# title (a catalogue course's key is its code, which never starts with it).
EXTERNAL_KEY_PREFIX = "~"


class Completion(models.Model):
    """A person completed a course (or an external course known only by its title)."""

    # No index of their own: the unique key (person, course key, platform) and the index
    # (course, completed on) begin with them, and every index costs an import of 200,000
    # completions a B-tree insert per row (bench/import_completions.py).
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    course = models.ForeignKey(
        "learning.Course",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="completions",
        db_index=False,
    )
    course_key = models.CharField(_("course key"), max_length=220)
    title = models.CharField(_("course title"), max_length=300)
    platform = models.CharField(_("platform"), max_length=30, choices=Platform.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    completed_on = models.DateField(_("completed on"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=60, blank=True)
    # At most one completion per enrolment and per class participant (partial unique
    # constraints below): imported records, the many, carry neither and add no index entry.
    enrolment = models.ForeignKey(
        "learning.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="completions",
        db_index=False,
    )
    class_participant = models.ForeignKey(
        "learning.ClassParticipant",
        verbose_name=_("class participant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="completions",
        db_index=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # never searched by; one index less for a 200,000-row import
    )

    class Meta:
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "course_key", "platform"], name="learning_completion_once"
            ),
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(enrolment__isnull=False),
                name="learning_completion_one_per_enrolment",
            ),
            models.UniqueConstraint(
                fields=["class_participant"],
                condition=Q(class_participant__isnull=False),
                name="learning_completion_one_per_participant",
            ),
        ]
        # A report's period (a quarter, nine months, a year) covers too large a share of
        # the rows for an index on the date alone to help, and every import pays for each
        # index: the person comes first in the unique key, the course with its dates here.
        indexes = [
            models.Index(fields=["course", "completed_on"], name="learning_completion_course_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.title} ({self.platform})"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class Certificate(models.Model):
    """A certificate Hoctap issued for a completion. `code` is random and unguessable; the
    public page `/verify/<code>` shows it. The name, course and issuer are kept as printed.
    A completion has at most one valid certificate; a re-issue revokes the old one."""

    code = models.CharField(_("verification code"), max_length=20, unique=True)
    completion = models.ForeignKey(
        Completion,
        verbose_name=_("completion"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    full_name = models.CharField(_("name as printed"), max_length=200)
    course_title = models.CharField(_("course as printed"), max_length=300)
    issuer = models.ForeignKey(
        "geo.Organisation",
        verbose_name=_("issuing organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issuer_name = models.CharField(_("issuer as printed"), max_length=255)
    issued_on = models.DateField(_("issued on"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["completion"],
                condition=Q(status="valid"),
                name="learning_certificate_one_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="valid", revoked_at__isnull=True)
                | Q(status="revoked", revoked_at__isnull=False),
                name="learning_certificate_revoked_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID
