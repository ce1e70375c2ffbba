"""Community digital technology groups (tổ công nghệ số cộng đồng): one per village, set up
by decision of the commune chair, with members and roles, and the help they give people."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.core.models import TimeStampedModel


class DigitalTechGroup(TimeStampedModel):
    """The group's founding decision, on top of its organisation (kind
    `digital_tech_group`, attached to the village): the organisation gives it a code, a
    name and a place in the scope tree like every other body."""

    organisation = models.OneToOneField(
        "geo.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="digital_tech_group",
    )
    village = models.OneToOneField(
        "geo.AdminUnit",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="digital_tech_group",
    )
    decision_number = models.CharField(_("founding decision number"), max_length=60)
    decision_date = models.DateField(_("founding decision date"))
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("community digital technology group")
        verbose_name_plural = _("community digital technology groups")
        ordering = ["village__code"]

    def __str__(self) -> str:
        return f"{self.organisation_id} ({self.decision_number})"


class GroupRole(models.TextChoices):
    LEADER = "leader", _("Group leader")
    DEPUTY = "deputy", _("Deputy leader")
    MEMBER = "member", _("Member")


class DigitalTechGroupMember(models.Model):
    group = models.ForeignKey(
        DigitalTechGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=20, choices=GroupRole.choices)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group", "role", "id"]
        constraints = [
            # a person is a current member once; after leaving they may rejoin
            models.UniqueConstraint(
                fields=["group", "person"],
                condition=Q(left_on__isnull=True),
                name="learning_group_member_once",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="learning_group_member_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.person_id} ({self.role})"


class ActivityKind(models.TextChoices):
    EID_REGISTRATION = "eid_registration", _("Helped register an e-ID (VNeID) account")
    EID_LINKING = "eid_linking", _("Helped link the e-ID to the learning platform")
    PUBLIC_SERVICE = "public_service", _("Helped use an online public service")
    CASHLESS_PAYMENT = "cashless_payment", _("Helped set up cashless payment")
    DEVICE_SKILLS = "device_skills", _("Helped use a smartphone or computer")
    SAFETY = "safety", _("Advice on online safety and scams")
    OTHER = "other", _("Other help")


class DigitalTechActivity(models.Model):
    """One piece of help a group gave: who helped whom, with what, on which day."""

    group = models.ForeignKey(
        DigitalTechGroup,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    on = models.DateField(_("date"))
    helper = models.ForeignKey(
        "registry.Person",
        verbose_name=_("helped by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person helped"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
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
        verbose_name = _("group activity")
        verbose_name_plural = _("group activities")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["group", "on"], name="learning_activity_group_idx")]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.kind} ({self.on})"
