"""Learner accounts: a sign-in that belongs to a person of the register, and the background
jobs that create them in bulk for an organisation's members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.core.models import TimeStampedModel


class AccountOrigin(models.TextChoices):
    SELF_SIGNUP = "self_signup", _("Signed up by the learner")
    OFFICER = "officer", _("Created by an officer")
    BULK = "bulk", _("Created in bulk for an organisation")


class LearnerAccount(TimeStampedModel):
    """The account of a person of the register: learners, and instructors who take attendance.
    They sign in with their personal ID number or the phone number kept here."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="learner_account",
    )
    person = models.OneToOneField(
        "registry.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="learner_account",
    )
    # the phone that signs in: unique among accounts (a household often shares the register's)
    phone = models.CharField(_("sign-in phone"), max_length=20, blank=True)
    origin = models.CharField(_("created by"), max_length=20, choices=AccountOrigin.choices)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("learner account")
        verbose_name_plural = _("learner accounts")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(phone=""), name="learning_account_phone_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.person_id}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class AccountBatch(TimeStampedModel):
    """A bulk creation of learner accounts for the current members of an organisation (and
    the organisations beneath it), optionally of one position (e.g. all teachers of the
    Department of Education). Runs as a background task; its progress is on the row."""

    organisation = models.ForeignKey(
        "geo.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.CharField(_("position"), max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("members"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    created_count = models.PositiveIntegerField(_("accounts created"), default=0)
    existing_count = models.PositiveIntegerField(_("already had an account"), default=0)
    message = models.TextField(_("message"), blank=True)
    # the initial passwords, for the officer to hand out; deleted on request
    sheet = models.FileField(_("account sheet"), upload_to="learning/account-sheets/", blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk account creation")
        verbose_name_plural = _("bulk account creations")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.organisation_id} ({self.status})"
