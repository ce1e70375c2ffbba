"""Scoped reads of units and organisations. An id outside the actor's scope is *not found*."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import EVERY_ROW, scope_for
from hoctap.accounts.roles import Perm
from hoctap.core.errors import NotFound
from hoctap.core.text import fold
from hoctap.geo.models import (
    AdminUnit,
    Organisation,
    OrganisationClosure,
    UnitClosure,
    UnitLevel,
    UnitSuccession,
)


def unit_visible_q(actor: Any, permission: str = Perm.VIEW_UNITS) -> Q:
    """Units in a granted unit subtree, plus the units of granted organisations."""
    scope = scope_for(actor, permission)
    if scope.is_global:
        return EVERY_ROW
    q = scope.units_q("id")
    if scope.org_ids:
        q |= Q(id__in=Organisation.objects.filter(id__in=scope.org_subtree_ids()).values("unit_id"))
    return q


LISTING_FIELDS = ("id", "code", "name", "kind", "level", "parent_id", "valid_from", "valid_to")


def unit_list(
    *,
    actor: Any,
    parent_code: str | None = None,
    kind: str | None = None,
    level: int | None = None,
    q: str | None = None,
    include_closed: bool = True,
) -> QuerySet[AdminUnit]:
    # Only what a listing shows, the parent's code and name as plain columns: building two
    # full model instances per row (with their timestamps) costs more than the query itself.
    units = (
        AdminUnit.objects.filter(unit_visible_q(actor))
        .only(*LISTING_FIELDS)
        .annotate(parent_code=F("parent__code"), parent_name=F("parent__name"))
    )
    if parent_code:
        units = units.filter(parent__code=parent_code)
    if kind:
        units = units.filter(kind=kind)
    if level:
        units = units.filter(level=level)
    if q:
        folded = fold(q)
        units = units.filter(Q(search_name__contains=folded) | Q(code__startswith=q.strip()))
    if not include_closed:
        units = units.filter(valid_to__isnull=True)
    return units.order_by("level", "code")


def _visible_child_count(actor: Any) -> Coalesce:
    """How many of a unit's children the actor sees (not how many it has: an officer of one
    village must not learn how many villages their commune holds beyond it)."""
    rows = (
        AdminUnit.objects.filter(unit_visible_q(actor), parent=OuterRef("pk"))
        .order_by()
        .values("parent")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def unit_roots(*, actor: Any) -> QuerySet[AdminUnit]:
    """The top of what the actor sees: the highest visible units (for the tree page)."""
    visible = AdminUnit.objects.filter(unit_visible_q(actor))
    return (
        visible.exclude(parent_id__in=visible.values("id"))
        .annotate(child_count=_visible_child_count(actor))
        .order_by("level", "code")
    )


def unit_get(*, actor: Any, code: str) -> AdminUnit:
    unit = (
        AdminUnit.objects.filter(unit_visible_q(actor), code=code).select_related("parent").first()
    )
    if unit is None:
        raise NotFound(_("Unit %(code)s not found.") % {"code": code})
    return unit


def unit_children(*, actor: Any, unit: AdminUnit) -> QuerySet[AdminUnit]:
    """The visible units directly under `unit` (only the fields a listing needs: a province
    page lists 100 communes, a commune 100+ villages), with their own child counts when they
    can have children (villages have none, so their listing skips the grouping join)."""
    children = (
        AdminUnit.objects.filter(unit_visible_q(actor), parent=unit)
        .only(*LISTING_FIELDS)
        .order_by("code")
    )
    if unit.level == UnitLevel.PROVINCE:
        return children.annotate(child_count=_visible_child_count(actor))
    return children.annotate(child_count=Value(0))


def unit_ancestors(*, unit: AdminUnit) -> list[AdminUnit]:
    """From the province down to the unit's parent (for breadcrumbs)."""
    ancestor_ids = UnitClosure.objects.filter(descendant_id=unit.id, depth__gt=0).values(
        "ancestor_id"
    )
    return list(AdminUnit.objects.filter(id__in=ancestor_ids).order_by("level"))


def unit_breadcrumb(*, actor: Any, unit: AdminUnit) -> list[tuple[AdminUnit, bool]]:
    """The unit's ancestors from the province down, each with whether the actor may open it.

    Worked out from the ancestor chain and the actor's granted units, without a query per
    ancestor: below the first granted unit in the chain, everything is visible.
    """
    ancestors = unit_ancestors(unit=unit)
    scope = scope_for(actor, Perm.VIEW_UNITS)
    via_organisations: set[int] = set()
    if scope.org_ids:
        via_organisations = set(
            Organisation.objects.filter(id__in=scope.org_subtree_ids()).values_list(
                "unit_id", flat=True
            )
        )
    crumbs: list[tuple[AdminUnit, bool]] = []
    inside = scope.is_global
    for ancestor in ancestors:
        inside = inside or ancestor.id in scope.unit_ids
        crumbs.append((ancestor, inside or ancestor.id in via_organisations))
    return crumbs


def unit_subtree_ids(*, unit: AdminUnit) -> QuerySet[Any]:
    return UnitClosure.objects.filter(ancestor_id=unit.id).values("descendant_id")


def unit_successions(*, unit: AdminUnit) -> dict[str, list[UnitSuccession]]:
    """The units this one continues (predecessors) and those that continue it (successors)."""
    rows = list(
        UnitSuccession.objects.filter(Q(predecessor=unit) | Q(successor=unit))
        .select_related("predecessor", "successor")
        .order_by("effective_on", "id")
    )
    return {
        "successors": [r for r in rows if r.predecessor_id == unit.id],
        "predecessors": [r for r in rows if r.successor_id == unit.id],
    }


def unit_current_successors(*, unit: AdminUnit, max_steps: int = 10) -> list[AdminUnit]:
    """Follow succession records to the units that carry this one's figures today."""
    frontier = [unit]
    for _step in range(max_steps):
        if all(u.valid_to is None for u in frontier):
            break
        nxt: list[AdminUnit] = []
        for current in frontier:
            if current.valid_to is None:
                nxt.append(current)
                continue
            nxt.extend(
                s.successor
                for s in UnitSuccession.objects.filter(predecessor=current).select_related(
                    "successor"
                )
            )
        frontier = list({u.id: u for u in nxt}.values())
    return frontier


def organisation_visible_q(actor: Any, permission: str = Perm.VIEW_ORGANISATIONS) -> Q:
    return scope_for(actor, permission).organisations_q("id", "unit_id")


def organisation_list(
    *,
    actor: Any,
    unit_code: str | None = None,
    within_unit_code: str | None = None,
    kind: str | None = None,
    parent_code: str | None = None,
    q: str | None = None,
    include_inactive: bool = False,
) -> QuerySet[Organisation]:
    orgs = Organisation.objects.filter(organisation_visible_q(actor)).select_related(
        "unit", "parent"
    )
    if unit_code:
        orgs = orgs.filter(unit__code=unit_code)
    if within_unit_code:
        orgs = orgs.filter(
            unit_id__in=UnitClosure.objects.filter(ancestor__code=within_unit_code).values(
                "descendant_id"
            )
        )
    if kind:
        orgs = orgs.filter(kind=kind)
    if parent_code:
        orgs = orgs.filter(parent__code=parent_code)
    if q:
        folded = fold(q)
        orgs = orgs.filter(Q(search_name__contains=folded) | Q(code__istartswith=q.strip()))
    if not include_inactive:
        orgs = orgs.filter(is_active=True)
    return orgs.order_by("code")


def organisation_get(*, actor: Any, code: str) -> Organisation:
    org = (
        Organisation.objects.filter(organisation_visible_q(actor), code=code)
        .select_related("unit", "parent")
        .first()
    )
    if org is None:
        raise NotFound(_("Organisation %(code)s not found.") % {"code": code})
    return org


def organisation_children(*, actor: Any, organisation: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        organisation_visible_q(actor), parent=organisation
    ).select_related("unit")


def organisation_subtree_ids(*, organisation: Organisation) -> QuerySet[Any]:
    return OrganisationClosure.objects.filter(ancestor_id=organisation.id).values("descendant_id")
