"""An import started from the web page: the uploaded file, who sent it, where it stands.

The CLI imports directly (`hoctap import`); the page goes upload → validate (preview of the
counts and errors) → confirm → the task writes → done. Status moves only forward.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoctap.core.models import TimeStampedModel


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATED = "validated", _("Validated")
    REJECTED = "rejected", _("Rejected")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=40)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # the unit of the actor's grant when uploading: whose system administrators see the job
    unit = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("first errors"), default=list, blank=True)
    error_file = models.FileField(_("error report"), upload_to="imports/errors/%Y/%m/", blank=True)
    # well-formed rows the kind did not import (unmatched ID numbers): they do not reject it
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    skipped = models.JSONField(_("first skipped rows"), default=list, blank=True)
    skipped_file = models.FileField(
        _("report of skipped rows"), upload_to="imports/skipped/%Y/%m/", blank=True
    )
    message = models.TextField(_("message"), blank=True)
    # the uploader's language: the background work writes its messages in it
    language = models.CharField(_("language"), max_length=10, blank=True)
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["actor", "-created_at"], name="imports_actor_time_idx")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.file_name} ({self.status})"
