from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One write: who did what to which record, what changed, when, from where.

    Written by `audit_record` in the same transaction as the change it describes. The app has
    no way to edit or delete an entry: no service, no API route, a read-only admin.
    `unit` / `organisation` say whose scope the entry belongs to, so reading it is scoped too.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("target type"), max_length=60)
    target_id = models.CharField(_("target id"), max_length=64)
    target_label = models.CharField(_("target"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    unit = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # `audit_unit_time_idx` starts with it: every audited write pays one less
    )
    organisation = models.ForeignKey(
        "geo.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["unit", "-created_at"], name="audit_unit_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"
