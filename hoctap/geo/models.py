"""Where things are: administrative units (province → commune → village) and organisations.

The parent link is the truth. `UnitClosure` and `OrganisationClosure` are derived
(ancestor, descendant, depth) tables that make subtree and ancestor queries a single indexed
join at 3,321 communes and 70,000 villages; `hoctap units rebuild-closure` rebuilds them.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.core.models import TimeStampedModel


class UnitLevel(models.IntegerChoices):
    PROVINCE = 1, _("Province level")
    COMMUNE = 2, _("Commune level")
    VILLAGE = 3, _("Village level")


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("Centrally-run city")
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    SPECIAL_ZONE = "special_zone", _("Special zone")
    VILLAGE = "village", _("Village")
    HAMLET = "hamlet", _("Hamlet")
    RESIDENTIAL_GROUP = "residential_group", _("Residential group")

    @property
    def level(self) -> UnitLevel:
        return KIND_LEVEL[self]


KIND_LEVEL: dict[str, UnitLevel] = {
    UnitKind.PROVINCE: UnitLevel.PROVINCE,
    UnitKind.CITY: UnitLevel.PROVINCE,
    UnitKind.COMMUNE: UnitLevel.COMMUNE,
    UnitKind.WARD: UnitLevel.COMMUNE,
    UnitKind.SPECIAL_ZONE: UnitLevel.COMMUNE,
    UnitKind.VILLAGE: UnitLevel.VILLAGE,
    UnitKind.HAMLET: UnitLevel.VILLAGE,
    UnitKind.RESIDENTIAL_GROUP: UnitLevel.VILLAGE,
}


class AdminUnit(TimeStampedModel):
    """A province, a commune/ward/special zone, or a village/hamlet/residential group.

    Province and commune codes are the official ones (2 and 5 digits, never reused);
    villages have no national code and get `<commune code>-<NNN>`, stable and never reused.
    A unit is never deleted: it is closed with `valid_to`.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    search_name = models.CharField(_("name for search"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), default=datetime.date(2025, 7, 1))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "level", "code"], name="geo_unit_parent_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="geo_unit_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(level=UnitLevel.PROVINCE, parent__isnull=True)
                | Q(level__gt=UnitLevel.PROVINCE, parent__isnull=False),
                name="geo_unit_parent_by_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def is_closed(self) -> bool:
        return self.valid_to is not None


class UnitClosure(models.Model):
    """Derived: one row per (ancestor, descendant) pair, including each unit with itself."""

    ancestor = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="+")
    descendant = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="+")
    depth = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("unit closure row")
        constraints = [
            models.UniqueConstraint(
                fields=["ancestor", "descendant"], name="geo_unitclosure_unique"
            )
        ]
        indexes = [models.Index(fields=["descendant", "ancestor"], name="geo_unitclosure_desc_idx")]

    def __str__(self) -> str:
        return f"{self.ancestor_id} > {self.descendant_id} ({self.depth})"


class UnitSuccession(TimeStampedModel):
    """An old unit continued by a new one from a date (mergers, splits, renames).

    A merger is several rows with the same successor; a split, several with the same
    predecessor. Figures recorded under the old unit map onto today's tree through these.
    """

    predecessor = models.ForeignKey(
        AdminUnit,
        verbose_name=_("old unit"),
        on_delete=models.PROTECT,
        related_name="successions_as_predecessor",
    )
    successor = models.ForeignKey(
        AdminUnit,
        verbose_name=_("new unit"),
        on_delete=models.PROTECT,
        related_name="successions_as_successor",
    )
    effective_on = models.DateField(_("effective on"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="geo_succession_unique"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="geo_succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} ({self.effective_on})"


class OrganisationKind(models.TextChoices):
    PROVINCIAL_DEPARTMENT = "provincial_department", _("Provincial department")
    AGENCY = "agency", _("Agency")
    MILITARY_COMMAND = "military_command", _("Military command")
    POLICE = "police", _("Police")
    SCHOOL = "school", _("School")
    ENTERPRISE = "enterprise", _("Enterprise")
    ASSOCIATION_BODY = "association_body", _("Study Promotion Association body")
    DIGITAL_TECH_GROUP = "digital_tech_group", _("Community digital technology group")
    STEERING_BODY = "steering_body", _("Steering committee / working group")
    OTHER = "other", _("Other")


class Organisation(TimeStampedModel):
    """An agency, school, enterprise, armed-forces command, association body or village group."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    search_name = models.CharField(_("name for search"), max_length=255, db_index=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="organisations"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="geo_org_not_own_parent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class OrganisationClosure(models.Model):
    """Derived: (ancestor, descendant, depth) for organisations, each with itself at depth 0."""

    ancestor = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    descendant = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    depth = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("organisation closure row")
        constraints = [
            models.UniqueConstraint(fields=["ancestor", "descendant"], name="geo_orgclosure_unique")
        ]
        indexes = [models.Index(fields=["descendant", "ancestor"], name="geo_orgclosure_desc_idx")]

    def __str__(self) -> str:
        return f"{self.ancestor_id} > {self.descendant_id} ({self.depth})"
