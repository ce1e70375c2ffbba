"""The registers: persons, households, clans and who belongs to which organisation.

Every record hangs on a unit (a person and a household on their village, a clan on its
commune): that unit decides who may see and change it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.core.models import TimeStampedModel
from hoctap.registry.ethnicity import CHOICES as ETHNICITY_CHOICES
from hoctap.registry.national_id import mask_national_id


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class PersonStatus(models.TextChoices):
    LIVING_HERE = "living_here", _("Living here")
    MOVED_AWAY = "moved_away", _("Moved away")
    DECEASED = "deceased", _("Deceased")


class RelationToHead(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other relation")


class EidLevel(models.TextChoices):
    NONE = "none", _("No e-ID account")
    LEVEL_1 = "1", _("e-ID level 1")
    LEVEL_2 = "2", _("e-ID level 2")


class PovertyStatus(models.TextChoices):
    NONE = "none", _("Not poor")
    NEAR_POOR = "near_poor", _("Near-poor household")
    POOR = "poor", _("Poor household")


class Position(models.TextChoices):
    STAFF = "staff", _("Staff")
    TEACHER = "teacher", _("Teacher")
    OFFICER = "officer", _("Officer")
    SOLDIER = "soldier", _("Soldier")
    PUPIL = "pupil", _("Pupil")
    MEMBER = "member", _("Member")
    OTHER = "other", _("Other position")


class Clan(TimeStampedModel):
    """A clan (dòng họ) of a commune; its households belong to it."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    search_name = models.CharField(_("name for search"), max_length=200, db_index=True)
    commune = models.ForeignKey(
        "geo.AdminUnit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    representative = models.ForeignKey(
        "registry.Person",
        verbose_name=_("representative"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("clan")
        verbose_name_plural = _("clans")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Household(TimeStampedModel):
    """A household of a village; its head is the member whose relation is "head"."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    village = models.ForeignKey(
        "geo.AdminUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    poverty_status = models.CharField(
        _("poverty status"),
        max_length=20,
        choices=PovertyStatus.choices,
        default=PovertyStatus.NONE,
    )
    poverty_year = models.PositiveSmallIntegerField(_("poverty status year"), null=True, blank=True)
    clan = models.ForeignKey(
        Clan,
        verbose_name=_("clan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["code"]
        indexes = [models.Index(fields=["village", "code"], name="registry_household_village_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(poverty_status=PovertyStatus.NONE) | Q(poverty_year__isnull=False),
                name="registry_household_poverty_year",
            )
        ]

    def __str__(self) -> str:
        return self.code


class Person(TimeStampedModel):
    """A resident. The personal ID number is personal data: shown masked unless permitted."""

    national_id = models.CharField(_("personal ID number"), max_length=12, unique=True)
    legacy_id_card = models.CharField(_("old ID card number"), max_length=9, blank=True)
    full_name = models.CharField(_("full name"), max_length=200)
    search_name = models.CharField(_("name for search"), max_length=200)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNICITY_CHOICES)
    village = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the (village, status) index below serves it: one index less to write
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    relation_to_head = models.CharField(
        _("relation to the head of household"),
        max_length=20,
        choices=RelationToHead.choices,
        blank=True,
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    eid_level = models.CharField(
        _("e-ID account level"), max_length=4, choices=EidLevel.choices, default=EidLevel.NONE
    )
    eid_linked_on = models.DateField(_("e-ID linked to the platform on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PersonStatus.choices, default=PersonStatus.LIVING_HERE
    )
    status_since = models.DateField(_("status since"))

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["search_name", "national_id"]
        indexes = [
            models.Index(fields=["village", "status"], name="registry_person_village_idx"),
            # The name search (selectors.person_list): a prefix of the whole name is a range of
            # this index, already in the list's order, and the village and id it carries let a
            # search test the scope without reading the rows; within a commune, the next index
            # serves. The words after the first have their own index, per database (0003).
            models.Index(
                fields=["search_name", "national_id", "village", "id"],
                name="registry_person_name_idx",
            ),
            models.Index(fields=["village", "search_name"], name="registry_person_vname_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relation_to_head=RelationToHead.HEAD),
                name="registry_person_one_head",
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=True, relation_to_head="")
                | Q(household__isnull=False) & ~Q(relation_to_head=""),
                name="registry_person_relation_with_household",
            ),
            models.CheckConstraint(
                condition=Q(eid_linked_on__isnull=True) | ~Q(eid_level=EidLevel.NONE),
                name="registry_person_linked_needs_eid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({mask_national_id(self.national_id)})"

    @property
    def masked_national_id(self) -> str:
        return mask_national_id(self.national_id)


class PersonStatusChange(models.Model):
    """History of a person's status: a move or a death keeps what came before."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=20, choices=PersonStatus.choices)
    on = models.DateField(_("on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["person", "on", "id"]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.status} ({self.on})"


class OrganisationMembership(TimeStampedModel):
    """A person's place in an organisation (a teacher of a school, a soldier of the command)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships"
    )
    organisation = models.ForeignKey(
        "geo.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        ordering = ["organisation", "start_date", "id"]
        indexes = [
            models.Index(fields=["organisation", "position"], name="registry_membership_org_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="registry_membership_dates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.organisation_id} ({self.position})"
