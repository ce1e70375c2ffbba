"""Writes to units and organisations. Each runs in a transaction and records an audit entry."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import scope_for
from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record, audit_record_many, diff
from hoctap.core.errors import Conflict, InvalidInput, PermissionDenied
from hoctap.core.formatting import show_date
from hoctap.core.text import fold
from hoctap.geo.models import (
    KIND_LEVEL,
    AdminUnit,
    Organisation,
    OrganisationClosure,
    OrganisationKind,
    UnitClosure,
    UnitKind,
    UnitLevel,
    UnitSuccession,
)

OFFICIAL_VALID_FROM = datetime.date(2025, 7, 1)  # the two-level structure took effect
VILLAGE_KINDS = {UnitKind.VILLAGE, UnitKind.HAMLET, UnitKind.RESIDENTIAL_GROUP}
ORG_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")

# ---------------------------------------------------------------------------------------------
# Closure tables (derived from the parent links)
# ---------------------------------------------------------------------------------------------


def _closure_rows(parents: Mapping[int, int | None]) -> list[tuple[int, int, int]]:
    """(ancestor, descendant, depth) for every node of a forest given as child → parent."""
    rows: list[tuple[int, int, int]] = []
    for node in parents:
        depth, seen = 0, set()
        current: int | None = node
        while current is not None:
            if current in seen:
                raise Conflict(_("The hierarchy has a cycle at %(id)s.") % {"id": current})
            seen.add(current)
            rows.append((current, node, depth))
            current = parents.get(current)
            depth += 1
    return rows


# UnitClosure or OrganisationClosure (and their node models): the same three columns.
ClosureModel = type[Any]


def _closure_rebuild(nodes: type[Any], closure: ClosureModel) -> int:
    parents = dict(nodes.objects.values_list("id", "parent_id"))
    rows = _closure_rows(parents)
    closure.objects.all().delete()
    closure.objects.bulk_create(
        (closure(ancestor_id=a, descendant_id=d, depth=n) for a, d, n in rows),
        batch_size=5000,
    )
    return len(rows)


def _closure_add(closure: ClosureModel, node_id: int, parent_id: int | None) -> None:
    """Rows for a new leaf: itself at depth 0 and its parent's ancestors one level deeper."""
    rows = [closure(ancestor_id=node_id, descendant_id=node_id, depth=0)]
    if parent_id is not None:
        rows += [
            closure(ancestor_id=a, descendant_id=node_id, depth=d + 1)
            for a, d in closure.objects.filter(descendant_id=parent_id).values_list(
                "ancestor_id", "depth"
            )
        ]
    closure.objects.bulk_create(rows)


@transaction.atomic
def unit_closure_rebuild() -> int:
    """Recompute `UnitClosure` from `AdminUnit.parent`. Returns the number of rows."""
    return _closure_rebuild(AdminUnit, UnitClosure)


@transaction.atomic
def organisation_closure_rebuild() -> int:
    """Recompute `OrganisationClosure` from `Organisation.parent`."""
    return _closure_rebuild(Organisation, OrganisationClosure)


def _unit_closure_add(unit: AdminUnit) -> None:
    _closure_add(UnitClosure, unit.id, unit.parent_id)


def _organisation_closure_add(org: Organisation) -> None:
    _closure_add(OrganisationClosure, org.id, org.parent_id)


def _organisation_closure_move(org: Organisation) -> None:
    """Re-hang `org`'s subtree under its (new) parent."""
    subtree = list(
        OrganisationClosure.objects.filter(ancestor_id=org.id).values_list("descendant_id", "depth")
    )
    subtree_ids = [d for d, _depth in subtree]
    OrganisationClosure.objects.filter(descendant_id__in=subtree_ids).exclude(
        ancestor_id__in=subtree_ids
    ).delete()
    if org.parent_id is None:
        return
    above = list(
        OrganisationClosure.objects.filter(descendant_id=org.parent_id).values_list(
            "ancestor_id", "depth"
        )
    )
    OrganisationClosure.objects.bulk_create(
        OrganisationClosure(ancestor_id=a, descendant_id=d, depth=ad + dd + 1)
        for a, ad in above
        for d, dd in subtree
    )


# ---------------------------------------------------------------------------------------------
# The official register (34 provinces, 3,321 communes)
# ---------------------------------------------------------------------------------------------

_OFFICIAL_KIND = {
    "tỉnh": UnitKind.PROVINCE,
    "thành phố trung ương": UnitKind.CITY,
    "xã": UnitKind.COMMUNE,
    "phường": UnitKind.WARD,
    "đặc khu": UnitKind.SPECIAL_ZONE,
}


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    codes: list[str] = field(default_factory=list)


def official_units(province_code: str | None = None) -> list[dict[str, Any]]:
    """The National Statistics Office register as shipped by the `vietnam-provinces` package."""
    from vietnam_provinces import Province, Ward

    rows: list[dict[str, Any]] = []
    code = (province_code or "").strip()
    wanted = int(code) if code.isascii() and code.isdigit() and len(code) <= 4 else None
    known = {int(p.code) for p in Province.iter_all()}
    if province_code and (wanted is None or wanted not in known):
        raise InvalidInput(
            {"province": _("Unknown province code %(code)s.") % {"code": province_code}}
        )
    for province in Province.iter_all():
        if wanted is not None and int(province.code) != wanted:
            continue
        rows.append(
            {
                "code": f"{int(province.code):02d}",
                "name": province.name,
                "kind": _OFFICIAL_KIND[province.division_type.value],
                "parent": None,
            }
        )
    for ward in Ward.iter_all():
        if wanted is not None and int(ward.province_code) != wanted:
            continue
        rows.append(
            {
                "code": f"{int(ward.code):05d}",
                "name": ward.name,
                "kind": _OFFICIAL_KIND[ward.division_type.value],
                "parent": f"{int(ward.province_code):02d}",
            }
        )
    return rows


@transaction.atomic
def units_load_official(*, actor: Any = None, province_code: str | None = None) -> LoadResult:
    """Insert or update the official provinces and communes; re-running changes nothing."""
    rows = official_units(province_code)
    existing = {u.code: u for u in AdminUnit.objects.filter(code__in=[r["code"] for r in rows])}
    result = LoadResult()
    to_create: list[AdminUnit] = []
    to_update: list[AdminUnit] = []
    changes: dict[str, dict[str, list[Any]]] = {}
    for level in (UnitLevel.PROVINCE, UnitLevel.COMMUNE):
        for row in (r for r in rows if KIND_LEVEL[r["kind"]] == level):
            parent = existing.get(row["parent"]) if row["parent"] else None
            unit = existing.get(row["code"])
            if unit is None:
                unit = AdminUnit(
                    code=row["code"],
                    name=row["name"],
                    search_name=fold(row["name"]),
                    kind=row["kind"],
                    level=level,
                    parent=parent,
                    valid_from=OFFICIAL_VALID_FROM,
                )
                to_create.append(unit)
                existing[unit.code] = unit
                continue
            before = {"name": unit.name, "kind": unit.kind, "parent": unit.parent_id}
            after = {
                "name": row["name"],
                "kind": row["kind"],
                "parent": parent.id if parent else None,
            }
            if before == after:
                result.unchanged += 1
                continue
            unit.name, unit.kind, unit.parent = row["name"], row["kind"], parent
            unit.search_name = fold(row["name"])
            to_update.append(unit)
            changes[unit.code] = diff(before, after)
        # Provinces must have ids before their communes point at them.
        AdminUnit.objects.bulk_create([u for u in to_create if u.level == level], batch_size=2000)
    AdminUnit.objects.bulk_update(
        to_update, ["name", "search_name", "kind", "parent"], batch_size=2000
    )
    result.created, result.updated = len(to_create), len(to_update)
    result.codes = [u.code for u in to_create + to_update]
    if to_create or to_update:
        unit_closure_rebuild()
        audit_record_many(
            actor=actor,
            action="unit.load_official",
            target_type="geo.adminunit",
            items=((u.pk, str(u), {"name": u.name, "kind": u.kind}, u.pk, None) for u in to_create),
        )
        audit_record_many(
            actor=actor,
            action="unit.update_official",
            target_type="geo.adminunit",
            items=((u.pk, str(u), changes[u.code], u.pk, None) for u in to_update),
        )
    return result


# ---------------------------------------------------------------------------------------------
# Villages and other units
# ---------------------------------------------------------------------------------------------


def _require_manage_unit(actor: Any, unit: AdminUnit) -> None:
    if not scope_for(actor, Perm.MANAGE_UNITS).covers_unit(unit.id):
        raise PermissionDenied(_("You may not change units here."))


def _visible_unit_by_code(actor: Any, code: str, field_name: str) -> AdminUnit:
    """A unit the actor can see, or a field error that does not reveal hidden units."""
    from hoctap.geo.selectors import unit_visible_q

    unit = AdminUnit.objects.filter(unit_visible_q(actor), code=code).first()
    if unit is None:
        raise InvalidInput({field_name: _("Unknown unit code “%(code)s”.") % {"code": code}})
    return unit


def _validate_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput({"name": _("This field is required.")})
    if len(name) > 200:
        raise InvalidInput({"name": _("At most 200 characters.")})
    return name


def _next_village_code(commune: AdminUnit) -> str:
    """`<commune>-NNN`, one past the highest number ever given here (closed villages included,
    so a code is never reused). Numbers are compared as numbers: -1000 comes after -999."""
    prefix = f"{commune.code}-"
    codes = AdminUnit.objects.filter(parent=commune, code__startswith=prefix).values_list(
        "code", flat=True
    )
    numbers = [int(tail) for code in codes if (tail := code[len(prefix) :]).isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


@transaction.atomic
def village_create(
    *,
    actor: Any,
    parent_code: str,
    name: str,
    kind: str = UnitKind.VILLAGE,
    valid_from: datetime.date | None = None,
) -> AdminUnit:
    """A village, hamlet or residential group under a commune, with a generated stable code."""
    errors: dict[str, str] = {}
    if kind not in VILLAGE_KINDS:
        errors["kind"] = _("A village must be a village, hamlet or residential group.")
    try:
        name = _validate_name(name)
    except InvalidInput as exc:
        errors.update(exc.errors)
    parent: AdminUnit | None = None
    try:
        parent = _visible_unit_by_code(actor, parent_code, "parent")
    except InvalidInput as exc:
        errors.update(exc.errors)
    if parent is not None and parent.level != UnitLevel.COMMUNE:
        errors["parent"] = _("A village must be placed under a commune, ward or special zone.")
    if parent is not None and parent.valid_to is not None:
        errors["parent"] = _("The commune %(code)s is closed.") % {"code": parent.code}
    start = valid_from or timezone.localdate()
    if parent is not None and start < parent.valid_from:
        errors["valid_from"] = _("Cannot start before its commune (%(date)s).") % {
            "date": show_date(parent.valid_from)
        }
    if errors:
        raise InvalidInput(errors)
    assert parent is not None
    _require_manage_unit(actor, parent)
    # Lock the commune so that two villages created at once do not take the same number.
    AdminUnit.objects.select_for_update().filter(pk=parent.pk).first()
    village = AdminUnit.objects.create(
        code=_next_village_code(parent),
        name=name,
        search_name=fold(name),
        kind=kind,
        level=UnitLevel.VILLAGE,
        parent=parent,
        valid_from=start,
    )
    _unit_closure_add(village)
    audit_record(
        actor=actor,
        action="unit.create",
        target=village,
        changes={"code": village.code, "name": name, "kind": kind, "parent": parent.code},
        unit_id=village.id,
    )
    return village


@transaction.atomic
def village_update(
    *,
    actor: Any,
    unit: AdminUnit,
    name: str | None = None,
    kind: str | None = None,
    valid_from: datetime.date | None = None,
) -> AdminUnit:
    """Rename a village or change its kind; official units change only through the register."""
    if unit.level != UnitLevel.VILLAGE:
        raise InvalidInput(
            {"code": _("Only villages can be edited here; official units follow the register.")}
        )
    _require_manage_unit(actor, unit)
    before = {"name": unit.name, "kind": unit.kind, "valid_from": unit.valid_from}
    errors: dict[str, str] = {}
    if name is not None:
        try:
            unit.name = _validate_name(name)
        except InvalidInput as exc:
            errors.update(exc.errors)
    if kind is not None:
        if kind not in VILLAGE_KINDS:
            errors["kind"] = _("A village must be a village, hamlet or residential group.")
        else:
            unit.kind = kind
    if valid_from is not None:
        if unit.valid_to is not None and valid_from > unit.valid_to:
            errors["valid_from"] = _("Valid from must not be after valid to.")
        elif unit.parent is not None and valid_from < unit.parent.valid_from:
            # the same rule as village_create
            errors["valid_from"] = _("Cannot start before its commune (%(date)s).") % {
                "date": show_date(unit.parent.valid_from)
            }
        unit.valid_from = valid_from
    if errors:
        raise InvalidInput(errors)
    unit.search_name = fold(unit.name)
    changes = diff(before, {"name": unit.name, "kind": unit.kind, "valid_from": unit.valid_from})
    if not changes:
        return unit
    unit.save(update_fields=["name", "search_name", "kind", "valid_from", "updated_at"])
    audit_record(actor=actor, action="unit.update", target=unit, changes=changes, unit_id=unit.id)
    return unit


@transaction.atomic
def unit_close(
    *,
    actor: Any,
    unit: AdminUnit,
    valid_to: datetime.date,
    successor_codes: list[str] | None = None,
    note: str = "",
) -> AdminUnit:
    """Close a unit on a date, optionally naming the units that continue it.

    Closing needs the right to manage the level above (a commune officer closes villages,
    not their own commune). Units beneath must be closed or moved first.
    """
    if unit.valid_to is not None:
        raise Conflict(_("Unit %(code)s is already closed.") % {"code": unit.code})
    if unit.parent_id is None or not scope_for(actor, Perm.MANAGE_UNITS).covers_unit(
        unit.parent_id
    ):
        raise PermissionDenied(_("You may not close this unit."))
    errors: dict[str, str] = {}
    if valid_to < unit.valid_from:
        errors["valid_to"] = _("Valid to (%(to)s) is before valid from (%(from)s).") % {
            "to": show_date(valid_to),
            "from": show_date(unit.valid_from),
        }
    successors: list[AdminUnit] = []
    for code in successor_codes or []:
        try:
            successor = _visible_unit_by_code(actor, code, "successors")
        except InvalidInput as exc:
            errors.update(exc.errors)
            continue
        if successor.pk == unit.pk:
            errors["successors"] = _("A unit cannot succeed itself.")
        elif successor.level != unit.level:
            errors["successors"] = _("A successor must be at the same level.")
        elif successor.valid_to is not None:
            errors["successors"] = _("Successor %(code)s is closed.") % {"code": code}
        else:
            successors.append(successor)
    if AdminUnit.objects.filter(parent=unit, valid_to__isnull=True).exists():
        errors["code"] = _("Close or move the units beneath %(code)s first.") % {"code": unit.code}
    if errors:
        raise InvalidInput(errors)
    unit.valid_to = valid_to
    unit.save(update_fields=["valid_to", "updated_at"])
    for successor in successors:
        UnitSuccession.objects.create(
            predecessor=unit, successor=successor, effective_on=valid_to, note=note[:300]
        )
    audit_record(
        actor=actor,
        action="unit.close",
        target=unit,
        changes={"valid_to": valid_to, "successors": [s.code for s in successors]},
        unit_id=unit.id,
    )
    return unit


@transaction.atomic
def unit_succession_record(
    *,
    actor: Any,
    predecessor: AdminUnit,
    successor: AdminUnit,
    effective_on: datetime.date,
    note: str = "",
) -> UnitSuccession:
    """Record that `successor` continues `predecessor` (e.g. from the 2025 merger)."""
    if predecessor.pk == successor.pk:
        raise InvalidInput({"successor": _("A unit cannot succeed itself.")})
    for unit in (predecessor, successor):
        _require_manage_unit(actor, unit)
    if UnitSuccession.objects.filter(predecessor=predecessor, successor=successor).exists():
        raise Conflict(_("This succession is already recorded."))
    succession = UnitSuccession.objects.create(
        predecessor=predecessor, successor=successor, effective_on=effective_on, note=note[:300]
    )
    audit_record(
        actor=actor,
        action="unit.succession",
        target=succession,
        changes={"predecessor": predecessor.code, "successor": successor.code},
        unit_id=successor.id,
    )
    return succession


# ---------------------------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------------------------


def _visible_org_by_code(actor: Any, code: str, field_name: str) -> Organisation:
    from hoctap.geo.selectors import organisation_visible_q

    org = Organisation.objects.filter(organisation_visible_q(actor), code=code).first()
    if org is None:
        raise InvalidInput(
            {field_name: _("Unknown organisation code “%(code)s”.") % {"code": code}}
        )
    return org


def _require_manage_org(actor: Any, *, org_id: int | None, unit_id: int | None) -> None:
    if not scope_for(actor, Perm.MANAGE_ORGANISATIONS).covers_organisation(org_id, unit_id):
        raise PermissionDenied(_("You may not manage organisations here."))


@transaction.atomic
def organisation_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    unit_code: str,
    parent_code: str | None = None,
) -> Organisation:
    errors: dict[str, str] = {}
    code = (code or "").strip()
    if not ORG_CODE.match(code):
        errors["code"] = _(
            "Use 1–40 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit."
        )
    elif Organisation.objects.filter(code=code).exists():
        errors["code"] = _("The code “%(code)s” is already used.") % {"code": code}
    try:
        name = _validate_name(name)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if kind not in OrganisationKind.values:
        errors["kind"] = _("Unknown organisation kind “%(kind)s”.") % {"kind": kind}
    unit = parent = None
    try:
        unit = _visible_unit_by_code(actor, unit_code, "unit")
    except InvalidInput as exc:
        errors.update(exc.errors)
    if parent_code:
        try:
            parent = _visible_org_by_code(actor, parent_code, "parent")
        except InvalidInput as exc:
            errors.update(exc.errors)
    if unit is not None and unit.valid_to is not None:
        errors["unit"] = _("The unit %(code)s is closed.") % {"code": unit.code}
    elif (
        unit is not None
        and parent is not None
        and not UnitClosure.objects.filter(
            ancestor_id=parent.unit_id, descendant_id=unit.id
        ).exists()
        and not scope_for(actor, Perm.MANAGE_ORGANISATIONS).covers_unit(unit.id)
    ):
        # A branch lies within its parent's unit, or in a unit the actor manages: attached to a
        # unit they may only see, it would carry the grants on its parent there (ADR 0007)
        errors["unit"] = _("You may not move organisations to %(code)s.") % {"code": unit.code}
    if errors:
        raise InvalidInput(errors)
    assert unit is not None
    if parent is not None:
        _require_manage_org(actor, org_id=parent.id, unit_id=parent.unit_id)
    else:
        _require_manage_org(actor, org_id=None, unit_id=unit.id)
    org = Organisation.objects.create(
        code=code, name=name, search_name=fold(name), kind=kind, unit=unit, parent=parent
    )
    _organisation_closure_add(org)
    audit_record(
        actor=actor,
        action="organisation.create",
        target=org,
        changes={
            "code": code,
            "name": name,
            "kind": kind,
            "unit": unit.code,
            "parent": parent.code if parent else None,
        },
        unit_id=unit.id,
        organisation_id=org.id,
    )
    return org


@transaction.atomic
def organisation_update(
    *,
    actor: Any,
    organisation: Organisation,
    name: str | None = None,
    kind: str | None = None,
    unit_code: str | None = None,
    parent_code: str | None = None,
    clear_parent: bool = False,
    is_active: bool | None = None,
) -> Organisation:
    org = organisation
    _require_manage_org(actor, org_id=org.id, unit_id=org.unit_id)
    before = {
        "name": org.name,
        "kind": org.kind,
        "unit": org.unit.code,
        "parent": org.parent.code if org.parent else None,
        "is_active": org.is_active,
    }
    errors: dict[str, str] = {}
    if name is not None:
        try:
            org.name = _validate_name(name)
        except InvalidInput as exc:
            errors.update(exc.errors)
    if kind is not None:
        if kind not in OrganisationKind.values:
            errors["kind"] = _("Unknown organisation kind “%(kind)s”.") % {"kind": kind}
        else:
            org.kind = kind
    if unit_code is not None and unit_code != org.unit.code:
        try:
            unit = _visible_unit_by_code(actor, unit_code, "unit")
            if unit.valid_to is not None:
                errors["unit"] = _("The unit %(code)s is closed.") % {"code": unit.code}
            elif not scope_for(actor, Perm.MANAGE_ORGANISATIONS).covers_unit(unit.id):
                errors["unit"] = _("You may not move organisations to %(code)s.") % {
                    "code": unit.code
                }
            org.unit = unit
        except InvalidInput as exc:
            errors.update(exc.errors)
    parent_moved = False
    if clear_parent and org.parent_id is not None:
        org.parent, parent_moved = None, True
    elif parent_code is not None and (org.parent is None or parent_code != org.parent.code):
        try:
            parent = _visible_org_by_code(actor, parent_code, "parent")
            if OrganisationClosure.objects.filter(
                ancestor_id=org.id, descendant_id=parent.id
            ).exists():
                errors["parent"] = _(
                    "An organisation cannot be placed under itself or its own unit."
                )
            org.parent, parent_moved = parent, True
        except InvalidInput as exc:
            errors.update(exc.errors)
    if is_active is not None:
        org.is_active = is_active
    if errors:
        raise InvalidInput(errors)
    org.search_name = fold(org.name)
    after = {
        "name": org.name,
        "kind": org.kind,
        "unit": org.unit.code,
        "parent": org.parent.code if org.parent else None,
        "is_active": org.is_active,
    }
    changes = diff(before, after)
    if not changes:
        return org
    org.save()
    if parent_moved:
        _organisation_closure_move(org)
    audit_record(
        actor=actor,
        action="organisation.update",
        target=org,
        changes=changes,
        unit_id=org.unit_id,
        organisation_id=org.id,
    )
    return org


def organisation_deactivate(*, actor: Any, organisation: Organisation) -> Organisation:
    """Organisations are never deleted (records and the audit log point at them)."""
    if not organisation.is_active:
        raise Conflict(_("The organisation is already inactive."))
    return organisation_update(actor=actor, organisation=organisation, is_active=False)
