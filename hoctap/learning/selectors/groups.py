"""Reads of community digital technology groups: the groups in scope, one group with its
members, the help it gave (by kind and month), the classes it ran and the people it helped.

A group is in an actor's scope when its village is under a unit where the actor holds
`learning.view_record` (or its organisation is under a granted organisation); anything else
does not exist for them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import has_permission_somewhere, scope_for
from hoctap.accounts.roles import Perm
from hoctap.core.errors import NotFound
from hoctap.core.text import fold
from hoctap.geo.models import AdminUnit, UnitClosure, UnitLevel
from hoctap.learning.models import (
    ActivityKind,
    DigitalTechActivity,
    DigitalTechGroup,
    DigitalTechGroupMember,
    GroupRole,
    OfflineClass,
)
from hoctap.learning.selectors.scope import person_scope_q
from hoctap.registry.models import Person, PersonStatus

PERSON_CHOICES_LIMIT = 500


def group_visible_q(actor: Any, permission: str = Perm.VIEW_LEARNING) -> Q:
    return scope_for(actor, permission).organisations_q("organisation_id", "village_id")


def can_view_groups(actor: Any) -> bool:
    return has_permission_somewhere(actor, Perm.VIEW_LEARNING)


def can_manage_groups_somewhere(actor: Any) -> bool:
    """Whether to offer "set up a group" (the service still checks the village)."""
    return has_permission_somewhere(actor, Perm.MANAGE_DIGITAL_GROUPS)


def can_manage_group(actor: Any, group: DigitalTechGroup) -> bool:
    return scope_for(actor, Perm.MANAGE_DIGITAL_GROUPS).covers_organisation(
        group.organisation_id, group.village_id
    )


def can_manage_village(actor: Any, village_id: int) -> bool:
    return scope_for(actor, Perm.MANAGE_DIGITAL_GROUPS).covers_unit(village_id)


def _within_q(field: str, unit_code: str) -> Q:
    return Q(
        **{
            f"{field}__in": UnitClosure.objects.filter(ancestor__code=unit_code).values(
                "descendant_id"
            )
        }
    )


def _current_members(group_field: str = "pk") -> Any:
    rows = (
        DigitalTechGroupMember.objects.filter(group=OuterRef(group_field), left_on__isnull=True)
        .order_by()
        .values("group")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _activities(group_field: str = "pk") -> Any:
    rows = (
        DigitalTechActivity.objects.filter(group=OuterRef(group_field))
        .order_by()
        .values("group")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def group_list(
    *, actor: Any, within_unit_code: str | None = None, q: str | None = None
) -> QuerySet[DigitalTechGroup]:
    """The groups in scope, by commune then village, each with `member_count` (current
    members) and `activity_count`."""
    groups = DigitalTechGroup.objects.filter(group_visible_q(actor))
    if within_unit_code:
        groups = groups.filter(_within_q("village_id", within_unit_code.strip()))
    if q and q.strip():
        text = q.strip()
        groups = groups.filter(
            Q(organisation__search_name__contains=fold(text))
            | Q(organisation__code__iexact=text)
            | Q(village__search_name__contains=fold(text))
            | Q(decision_number__icontains=text)
        )
    return (
        groups.select_related("organisation", "village", "village__parent")
        .annotate(member_count=_current_members(), activity_count=_activities())
        .order_by("village__parent__code", "village__code")
    )


def group_get(*, actor: Any, code: str) -> DigitalTechGroup:
    """The group whose organisation has this code, if in scope."""
    group = (
        DigitalTechGroup.objects.filter(group_visible_q(actor), organisation__code=code)
        .select_related("organisation", "village", "village__parent")
        .first()
    )
    if group is None:
        raise NotFound(_("No community digital technology group has this code."))
    return group


_ROLE_ORDER = Case(
    When(role=GroupRole.LEADER, then=Value(0)),
    When(role=GroupRole.DEPUTY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def group_members(
    *, group: DigitalTechGroup, current_only: bool = False
) -> QuerySet[DigitalTechGroupMember]:
    """Members: current ones first (leader, deputies, members), then former ones."""
    members = group.members.select_related("person", "person__village")
    if current_only:
        members = members.filter(left_on__isnull=True)
    return members.annotate(
        role_order=_ROLE_ORDER,
        former=Case(When(left_on__isnull=True, then=Value(0)), default=Value(1)),
    ).order_by("former", "role_order", "person__search_name", "id")


def group_member_get(
    *, actor: Any, group: DigitalTechGroup, member_id: int
) -> DigitalTechGroupMember:
    """A member of a group in scope (the caller got the group through `group_get`)."""
    member = (
        DigitalTechGroupMember.objects.filter(group_id=group.pk, pk=member_id)
        .filter(
            scope_for(actor, Perm.VIEW_LEARNING).organisations_q(
                "group__organisation_id", "group__village_id"
            )
        )
        .select_related("person", "group", "group__organisation", "group__village")
        .first()
    )
    if member is None:
        raise NotFound(_("This person is not a member of the group."))
    return member


def group_activity_list(
    *,
    actor: Any,
    group_code: str | None = None,
    within_unit_code: str | None = None,
    kind: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[DigitalTechActivity]:
    """Activities of the groups in scope, newest first."""
    activities = DigitalTechActivity.objects.filter(
        scope_for(actor, Perm.VIEW_LEARNING).organisations_q(
            "group__organisation_id", "group__village_id"
        )
    )
    if group_code:
        activities = activities.filter(group__organisation__code=group_code.strip())
    if within_unit_code:
        activities = activities.filter(_within_q("group__village_id", within_unit_code.strip()))
    if kind:
        activities = activities.filter(kind=kind)
    if date_from:
        activities = activities.filter(on__gte=date_from)
    if date_to:
        activities = activities.filter(on__lte=date_to)
    return activities.select_related(
        "group__organisation", "group__village", "helper", "person", "person__village"
    ).order_by("-on", "-id")


@dataclass
class ActivityRow:
    kind: str
    label: str
    counts: list[int]  # one per month of the table, newest first
    total: int


@dataclass
class ActivityTable:
    """Activities counted by kind (rows, in the kinds' order) and month (columns, newest
    first): short month headings keep it readable on a phone."""

    months: list[datetime.date] = field(default_factory=list)  # first days of months
    rows: list[ActivityRow] = field(default_factory=list)  # the kinds seen
    month_totals: list[int] = field(default_factory=list)
    total: int = 0

    @property
    def by_kind(self) -> dict[str, int]:
        return {row.kind: row.total for row in self.rows}


def group_activity_counts(*, group: DigitalTechGroup) -> ActivityTable:
    counts = (
        group.activities.order_by()
        .annotate(month=TruncMonth("on"))
        .values("month", "kind")
        .annotate(n=Count("id"))
    )
    cells: dict[str, dict[datetime.date, int]] = defaultdict(dict)
    months: set[datetime.date] = set()
    for row in counts:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        cells[row["kind"]][month] = row["n"]
        months.add(month)
    table = ActivityTable(months=sorted(months, reverse=True))
    for kind, label in ActivityKind.choices:
        if kind in cells:
            values = [cells[kind].get(m, 0) for m in table.months]
            table.rows.append(ActivityRow(kind, str(label), values, sum(values)))
    table.month_totals = [sum(r.counts[i] for r in table.rows) for i in range(len(table.months))]
    table.total = sum(table.month_totals)
    return table


def group_classes(*, group: DigitalTechGroup) -> QuerySet[OfflineClass]:
    """The offline classes the group ran (held under its organisation)."""
    return (
        OfflineClass.objects.filter(organisation_id=group.organisation_id)
        .select_related("course", "unit")
        .order_by("-starts_on", "code")
    )


def group_people_helped(*, group: DigitalTechGroup) -> QuerySet[Person]:
    """The persons the group helped, each with `help_count` and `last_helped`, the most
    recently helped first."""
    mine = DigitalTechActivity.objects.filter(group=group, person_id=OuterRef("pk")).order_by()
    return (
        Person.objects.filter(
            pk__in=DigitalTechActivity.objects.filter(group=group, person__isnull=False).values(
                "person_id"
            )
        )
        .annotate(
            help_count=Subquery(
                mine.values("person_id").annotate(n=Count("id")).values("n"),
                output_field=IntegerField(),
            ),
            last_helped=Subquery(mine.order_by("-on").values("on")[:1]),
        )
        .select_related("village")
        .order_by("-last_helped", "search_name", "id")
    )


def group_people_helped_count(*, group: DigitalTechGroup) -> int:
    return (
        group.activities.filter(person__isnull=False)
        .order_by()
        .values("person_id")
        .distinct()
        .count()
    )


# ---------------------------------------------------------------------------------------------
# One group per village: coverage of a commune
# ---------------------------------------------------------------------------------------------


def chosen_commune(*, actor: Any, within_unit_code: str | None) -> AdminUnit | None:
    """The commune a groups list is about: the filtered commune (or a filtered village's
    commune), or else the actor's only granted unit when it is a commune; None otherwise or
    when out of scope."""
    scope = scope_for(actor, Perm.VIEW_LEARNING)
    unit: AdminUnit | None = None
    if within_unit_code:
        unit = AdminUnit.objects.filter(code=within_unit_code.strip()).first()
    elif len(scope.unit_ids) == 1 and not scope.is_global:
        unit = AdminUnit.objects.filter(pk=next(iter(scope.unit_ids))).first()
    if unit is None:
        return None
    if unit.level == UnitLevel.VILLAGE:
        unit = unit.parent
    if unit is None or unit.level != UnitLevel.COMMUNE or not scope.covers_unit(unit.id):
        return None
    return unit


@dataclass
class VillageCoverage:
    village: AdminUnit
    group: DigitalTechGroup | None


def commune_villages(*, actor: Any, commune: AdminUnit) -> list[VillageCoverage]:
    """Every open village of a commune in scope, with its group or None (the target is one
    group per village)."""
    if not scope_for(actor, Perm.VIEW_LEARNING).covers_unit(commune.id):
        raise NotFound(_("Unknown unit."))
    villages = list(
        AdminUnit.objects.filter(
            parent=commune, level=UnitLevel.VILLAGE, valid_to__isnull=True
        ).order_by("code")
    )
    groups = {
        g.village_id: g
        for g in DigitalTechGroup.objects.filter(village__in=villages)
        .select_related("organisation")
        .annotate(member_count=_current_members(), activity_count=_activities())
    }
    return [VillageCoverage(village=v, group=groups.get(v.pk)) for v in villages]


def group_coverage(*, actor: Any, within_unit_code: str | None = None) -> QuerySet[AdminUnit]:
    """Communes in scope with `village_count` (open villages), `group_count` and
    `missing_count` (villages without a group)."""
    villages = (
        AdminUnit.objects.filter(
            parent=OuterRef("pk"), level=UnitLevel.VILLAGE, valid_to__isnull=True
        )
        .order_by()
        .values("parent")
        .annotate(n=Count("id"))
        .values("n")
    )
    groups = (
        DigitalTechGroup.objects.filter(
            village__parent=OuterRef("pk"), village__valid_to__isnull=True
        )
        .order_by()
        .values("village__parent")
        .annotate(n=Count("id"))
        .values("n")
    )
    communes = AdminUnit.objects.filter(
        scope_for(actor, Perm.VIEW_LEARNING).units_q("id"),
        level=UnitLevel.COMMUNE,
        valid_to__isnull=True,
    )
    if within_unit_code:
        communes = communes.filter(_within_q("id", within_unit_code.strip()))
    return (
        communes.annotate(
            village_count=Coalesce(Subquery(villages, output_field=IntegerField()), Value(0)),
            group_count=Coalesce(Subquery(groups, output_field=IntegerField()), Value(0)),
        )
        .annotate(missing_count=F("village_count") - F("group_count"))
        .order_by("code")
    )


# ---------------------------------------------------------------------------------------------
# Choosing persons on the pages
# ---------------------------------------------------------------------------------------------


def group_person_choices(
    *,
    actor: Any,
    group: DigitalTechGroup,
    q: str | None = None,
    without_eid_link: bool = False,
    exclude_current_members: bool = False,
    limit: int = PERSON_CHOICES_LIMIT,
) -> list[Person]:
    """Persons an officer may pick on a group's pages: residents living in the group's village
    (or, with `q`, anyone in its commune whose name contains it), in the actor's scope for
    managing groups, by name; the first `limit`."""
    persons = Person.objects.filter(
        person_scope_q(actor, Perm.MANAGE_DIGITAL_GROUPS, ""), status=PersonStatus.LIVING_HERE
    )
    text = fold(q or "")
    if text:
        persons = persons.filter(village__parent_id=group.village.parent_id)
        persons = persons.filter(search_name__contains=text)
    else:
        persons = persons.filter(village_id=group.village_id)
    if without_eid_link:
        persons = persons.filter(eid_linked_on__isnull=True)
    if exclude_current_members:
        persons = persons.exclude(
            pk__in=group.members.filter(left_on__isnull=True).values("person_id")
        )
    return list(persons.select_related("village").order_by("search_name", "id")[:limit])


def group_helper_choices(*, group: DigitalTechGroup) -> list[DigitalTechGroupMember]:
    """The current members, who may be named as the helper of an activity."""
    return list(group_members(group=group, current_only=True))
