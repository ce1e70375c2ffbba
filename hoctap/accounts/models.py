from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.accounts.roles import Role


class User(AbstractUser):
    """A person who signs in. Roles come from `RoleGrant`, never from Django groups."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class RoleGrant(models.Model):
    """User × role × scope (exactly one of unit / organisation) × validity dates."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
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
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("granted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["user_id", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, organisation__isnull=True)
                | Q(unit__isnull=True, organisation__isnull=False),
                name="accounts_grant_one_scope",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="accounts_grant_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.role} @ {self.unit_id or self.organisation_id}"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class ApiToken(models.Model):
    """A machine credential: `Authorization: Bearer <token>`. Only a hash is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"


class FailedAttempt(models.Model):
    """Failed attempts to prove who one is (a sign-in, a resident's sign-up) in one hour, per
    what was tried: the user name or ID number, or the client's address. Only a keyed digest
    of it is stored, never the ID number itself. See `hoctap.accounts.throttle`."""

    scope = models.CharField(_("scope"), max_length=20)  # "sign_in", "sign_up"
    key_digest = models.CharField(_("key digest"), max_length=64)
    window_start = models.DateTimeField(_("hour"))
    failures = models.PositiveIntegerField(_("failures"), default=0)

    class Meta:
        verbose_name = _("failed attempt")
        verbose_name_plural = _("failed attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key_digest", "window_start"], name="accounts_attempt_one_per_hour"
            )
        ]
        indexes = [models.Index(fields=["window_start"], name="accounts_attempt_hour_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key_digest[:8]}… {self.failures}"
