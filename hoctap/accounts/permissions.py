"""What an actor may see and do: the scope of each permission, as a queryset filter and a check.

A grant on a unit covers that unit and every unit beneath it (and the organisations attached
to them); a grant on an organisation covers it and its child organisations. Superusers see
everything. Grants are read once per request and cached on the user object.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from hoctap.accounts.models import RoleGrant
from hoctap.accounts.roles import ROLE_PERMISSIONS
from hoctap.geo.models import OrganisationClosure, UnitClosure

# A filter that keeps every row: what a global scope gives. Not `Q()`, which an OR drops
# (`Q() | Q(status="published")` is just the second filter, so a global manager would see only
# published courses); this one compiles to no condition at all, alone or in an OR.
EVERY_ROW = ~Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    """Where one permission applies for one actor."""

    is_global: bool = False
    unit_ids: frozenset[int] = frozenset()  # roots of granted unit subtrees
    org_ids: frozenset[int] = frozenset()  # roots of granted organisation subtrees

    @property
    def is_empty(self) -> bool:
        return not (self.is_global or self.unit_ids or self.org_ids)

    def unit_subtree_ids(self) -> QuerySet[Any]:
        """Ids of every unit in a granted unit subtree (a subquery, not a list)."""
        return UnitClosure.objects.filter(ancestor_id__in=self.unit_ids).values("descendant_id")

    def org_subtree_ids(self) -> QuerySet[Any]:
        return OrganisationClosure.objects.filter(ancestor_id__in=self.org_ids).values(
            "descendant_id"
        )

    def units_q(self, field: str) -> Q:
        """Filter for records hanging on a unit (`field` is the path to the unit id)."""
        if self.is_global:
            return EVERY_ROW
        if not self.unit_ids:
            return Q(pk__in=[])
        return Q(**{f"{field}__in": self.unit_subtree_ids()})

    def organisations_q(self, field: str, unit_field: str) -> Q:
        """Filter for records hanging on an organisation, itself attached to a unit."""
        if self.is_global:
            return EVERY_ROW
        q = Q(pk__in=[])
        if self.unit_ids:
            q |= Q(**{f"{unit_field}__in": self.unit_subtree_ids()})
        if self.org_ids:
            q |= Q(**{f"{field}__in": self.org_subtree_ids()})
        return q

    def organisations_reaching_out(self) -> QuerySet[Any]:
        """Ids of the organisations attached inside this scope's units that have an organisation
        beneath them (at any depth) outside this scope: e.g. an enterprise of commune A with a
        branch attached to commune B. A grant on such an organisation covers that branch too,
        so it does not lie inside this scope (a subquery, not a list)."""
        subtree = self.unit_subtree_ids()
        rows = OrganisationClosure.objects.filter(ancestor__unit_id__in=subtree).exclude(
            descendant__unit_id__in=subtree
        )
        if self.org_ids:
            rows = rows.exclude(descendant_id__in=self.org_subtree_ids())
        return rows.values("ancestor_id")

    def organisation_subtrees_q(self, field: str, unit_field: str) -> Q:
        """Filter for records hanging on an organisation that lies inside this scope together
        with every organisation beneath it: what a role granted on that organisation covers
        (ADR 0007). `organisations_q` asks less: only that the organisation itself is inside."""
        if self.is_global:
            return EVERY_ROW
        q = self.organisations_q(field, unit_field)
        if self.unit_ids:
            # an organisation under a granted one has its whole subtree under it: only those
            # attached inside the granted units can reach out
            q &= ~Q(**{f"{field}__in": self.organisations_reaching_out()})
        return q

    def covers_organisation_subtree(self, org_id: int | None) -> bool:
        """Whether this scope covers the organisation and every organisation beneath it, each
        through its unit or through a granted organisation above it: what granting or revoking
        a role on that organisation needs. One query."""
        if self.is_global:
            return True
        if org_id is None or self.is_empty:
            return False
        inside = []
        if self.unit_ids:
            inside.append(Q(descendant__unit_id__in=self.unit_subtree_ids()))
        if self.org_ids:
            inside.append(Q(descendant_id__in=self.org_subtree_ids()))
        covered = inside[0] if len(inside) == 1 else inside[0] | inside[1]
        # the closure holds each organisation with itself at depth 0, so `rows` is 0 only for
        # an organisation that does not exist
        counted = OrganisationClosure.objects.filter(ancestor_id=org_id).aggregate(
            rows=Count("pk"), outside=Count("pk", filter=~covered)
        )
        return bool(counted["rows"]) and counted["outside"] == 0

    def covers_any(self, unit_ids: Iterable[int]) -> bool:
        """Whether a granted unit is among `unit_ids`: given a unit's whole ancestor chain
        (itself included), this is `covers_unit` without a query."""
        return self.is_global or not self.unit_ids.isdisjoint(unit_ids)

    def covers_unit(self, unit_id: int | None) -> bool:
        if self.is_global:
            return True
        if unit_id is None or not self.unit_ids:
            return False
        return UnitClosure.objects.filter(
            ancestor_id__in=self.unit_ids, descendant_id=unit_id
        ).exists()

    def covers_organisation(self, org_id: int | None, unit_id: int | None) -> bool:
        if self.is_global or self.covers_unit(unit_id):
            return True
        if org_id is None or not self.org_ids:
            return False
        return OrganisationClosure.objects.filter(
            ancestor_id__in=self.org_ids, descendant_id=org_id
        ).exists()


class SystemActor:
    """The actor of CLI commands and tasks run by the operator: global scope, audited as
    "system". It is not a user row, so it cannot sign in."""

    pk = None
    id = None
    username = "system"
    is_system = True
    is_superuser = True
    is_staff = False
    is_active = True
    is_authenticated = False
    is_anonymous = False

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()


def _active_grants_q(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def active_grants(user: Any, *, on: datetime.date | None = None) -> list[RoleGrant]:
    """The user's grants in force today (or on `on`), with their unit / organisation loaded."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    day = on or timezone.localdate()
    return list(
        RoleGrant.objects.filter(_active_grants_q(day), user=user).select_related(
            "unit", "organisation__unit"
        )
    )


def _grant_scopes(user: Any, day: datetime.date) -> list[tuple[str, int | None, int | None]]:
    """(role, unit id, organisation id) of the grants in force, read once per request: every
    scoped read of the request asks for them, so they are cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cache: dict[datetime.date, list[tuple[str, int | None, int | None]]] = user.__dict__.setdefault(
        "_hoctap_grants", {}
    )
    if day not in cache:
        cache[day] = list(
            RoleGrant.objects.filter(_active_grants_q(day), user=user).values_list(
                "role", "unit_id", "organisation_id"
            )
        )
    return cache[day]


def scope_for(user: Any, permission: str, *, on: datetime.date | None = None) -> Scope:
    """The scope in which `user` holds `permission` today (or on `on`)."""
    if getattr(user, "is_system", False):
        return Scope(is_global=True)
    if user is not None and getattr(user, "is_authenticated", False) and user.is_superuser:
        return Scope(is_global=True) if user.is_active else Scope()
    units: set[int] = set()
    orgs: set[int] = set()
    for role, unit_id, organisation_id in _grant_scopes(user, on or timezone.localdate()):
        if permission not in ROLE_PERMISSIONS.get(role, frozenset()):
            continue
        if unit_id is not None:
            units.add(unit_id)
        elif organisation_id is not None:
            orgs.add(organisation_id)
    return Scope(unit_ids=frozenset(units), org_ids=frozenset(orgs))


def has_permission_somewhere(user: Any, permission: str) -> bool:
    return not scope_for(user, permission).is_empty


def forget_cached_grants(user: Any) -> None:
    user.__dict__.pop("_hoctap_grants", None)
