"""Bulk issue and re-issue of certificates: a background job and its progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoctap.core.models import TimeStampedModel
from hoctap.learning.models.learners import JobStatus


class CertificateBatchKind(models.TextChoices):
    ISSUE = "issue", _("Bulk issue")
    REISSUE = "reissue", _("Bulk re-issue")


class CertificateBatch(TimeStampedModel):
    """Certificates issued (or re-issued) in bulk by a background task, on the request of an
    officer and within their `learning.manage_learner` scope.

    - *issue*: completions recorded here (online or in a class) with no valid certificate,
      optionally of one course, one class or the residents of one unit;
    - *reissue*: the valid certificates of one course (e.g. after its title was corrected),
      issued before the batch was requested, each replaced by a new one, with a reason.

    Running the task again issues nothing more: what was done no longer matches."""

    kind = models.CharField(_("kind"), max_length=20, choices=CertificateBatchKind.choices)
    course = models.ForeignKey(
        "learning.Course",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    offline_class = models.ForeignKey(
        "learning.OfflineClass",
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # the unit the audit entries of the batch are filed under (so that unit's auditors see them)
    audit_unit = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("audit unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("to do"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    issued_count = models.PositiveIntegerField(_("certificates issued"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    message = models.TextField(_("message"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)
