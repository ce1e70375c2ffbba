"""`organisations`: agencies, schools, enterprises, association bodies... attached to a unit.

A parent may be an organisation already in the database or one created by an earlier row of
the same file (a parent comes before its children). The closure table is rebuilt once at the
end when anything was created or moved: organisations number in the thousands, and a rebuild
also catches a cycle made by moving existing organisations (the import then fails whole).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.permissions import Scope, scope_for
from hoctap.accounts.roles import Perm
from hoctap.audit.services import diff
from hoctap.core.text import fold
from hoctap.geo.models import AdminUnit, Organisation, OrganisationKind
from hoctap.geo.selectors import unit_visible_q
from hoctap.geo.services import organisation_closure_rebuild
from hoctap.imports.kinds import (
    CREATE,
    UPDATE,
    ImportKind,
    Plan,
    Row,
    RowError,
    audit_bulk,
    plan_for_existing,
)
from hoctap.imports.readers import Column

ORG_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
KIND_WORDS = {
    **{fold(k.value.replace("_", " ")): k.value for k in OrganisationKind},
    "so": OrganisationKind.PROVINCIAL_DEPARTMENT,
    "co quan": OrganisationKind.AGENCY,
    "truong": OrganisationKind.SCHOOL,
    "truong hoc": OrganisationKind.SCHOOL,
    "doanh nghiep": OrganisationKind.ENTERPRISE,
    "cong an": OrganisationKind.POLICE,
    "quan su": OrganisationKind.MILITARY_COMMAND,
    "bo chi huy quan su": OrganisationKind.MILITARY_COMMAND,
    "hoi khuyen hoc": OrganisationKind.ASSOCIATION_BODY,
    "to cong nghe so cong dong": OrganisationKind.DIGITAL_TECH_GROUP,
    "khac": OrganisationKind.OTHER,
}


@dataclass
class OrganisationsContext:
    actor: Any
    scope: Scope
    visible_units: Q
    in_file: dict[str, int | None] = field(default_factory=dict)  # code → id once written
    known_ids: dict[str, int] = field(default_factory=dict)  # parents already in the database
    rebuild: bool = False


class OrganisationsKind(ImportKind):
    name = "organisations"
    label = gettext_lazy("Organisations")
    permission = Perm.MANAGE_ORGANISATIONS
    columns = (
        Column("code", ("mã", "mã tổ chức", "mã cơ quan")),
        Column("name", ("tên", "tên tổ chức", "tên cơ quan")),
        Column("kind", ("loại", "loại tổ chức")),
        Column("unit_code", ("mã đơn vị", "mã địa bàn", "mã đơn vị hành chính")),
        Column("parent_code", ("mã tổ chức cha", "mã đơn vị cha", "mã cấp trên"), required=False),
    )

    def start(self, *, actor: Any) -> OrganisationsContext:
        return OrganisationsContext(
            actor=actor,
            scope=scope_for(actor, self.permission),
            visible_units=unit_visible_q(actor),
        )

    def check(
        self, ctx: OrganisationsContext, rows: Sequence[Row]
    ) -> tuple[list[Plan], list[RowError]]:
        codes = {r.values["code"] for r in rows} | {r.values["parent_code"] for r in rows}
        codes.discard("")
        existing = {
            o["code"]: o
            for o in Organisation.objects.filter(code__in=codes).values(
                "id", "code", "name", "kind", "unit_id", "unit__code", "parent__code"
            )
        }
        managed = set(
            Organisation.objects.filter(
                ctx.scope.organisations_q("id", "unit_id"), code__in=codes
            ).values_list("code", flat=True)
        )
        units = {
            u["code"]: u
            for u in AdminUnit.objects.filter(
                ctx.visible_units, code__in={r.values["unit_code"] for r in rows}
            ).values("id", "code", "valid_to")
        }
        unit_ids = [u["id"] for u in units.values()]
        managed_units = (
            set(unit_ids)
            if ctx.scope.is_global
            else set(
                AdminUnit.objects.filter(ctx.scope.units_q("id"), id__in=unit_ids).values_list(
                    "id", flat=True
                )
            )
        )
        plans: list[Plan] = []
        errors: list[RowError] = []
        for row in rows:
            found: list[RowError] = []
            code, parent_code = row.values["code"], row.values["parent_code"]
            if not ORG_CODE.match(code):
                found.append(
                    row.error(
                        "code",
                        _(
                            "Use 1–40 letters, digits, dots, dashes or underscores, "
                            "starting with a letter or digit."
                        ),
                    )
                )
            name = " ".join(row.values["name"].split())
            if len(name) > 255:
                found.append(row.error("name", _("At most 255 characters.")))
            kind = KIND_WORDS.get(fold(row.values["kind"].replace("_", " ")))
            if kind is None:
                found.append(
                    row.error(
                        "kind",
                        _("Unknown organisation kind “%(kind)s”.") % {"kind": row.values["kind"]},
                    )
                )
            unit = units.get(row.values["unit_code"])
            if unit is None:
                found.append(
                    row.error(
                        "unit_code",
                        _("Unknown unit code “%(code)s”.") % {"code": row.values["unit_code"]},
                    )
                )
            elif unit["valid_to"] is not None:
                found.append(
                    row.error(
                        "unit_code", _("The unit %(code)s is closed.") % {"code": unit["code"]}
                    )
                )
            if parent_code == code and code:
                found.append(
                    row.error("parent_code", _("An organisation cannot be its own parent."))
                )
            elif parent_code and parent_code not in ctx.in_file and parent_code not in managed:
                found.append(
                    row.error(
                        "parent_code",
                        _("Unknown organisation code “%(code)s”.") % {"code": parent_code},
                    )
                )
            current = existing.get(code)
            if current is not None and code not in managed:
                found.append(
                    row.error("code", _("The code “%(code)s” is already used.") % {"code": code})
                )
            if unit is not None and unit["id"] not in managed_units and not parent_code:
                # without a parent in their scope, the unit must be theirs to manage
                found.append(
                    row.error(
                        "unit_code",
                        _("You may not manage organisations in %(code)s.") % {"code": unit["code"]},
                    )
                )
            if found:
                errors.extend(found)
                continue
            assert unit is not None
            assert kind is not None
            data = {
                "name": name,
                "kind": kind,
                "unit_id": unit["id"],
                "unit_code": unit["code"],
                "parent_code": parent_code or None,
            }
            if current is None:
                ctx.in_file[code] = None
                plans.append(Plan(row.number, code, CREATE, data=data))
                continue
            before = {
                "name": current["name"],
                "kind": current["kind"],
                "unit": current["unit__code"],
                "parent": current["parent__code"],
            }
            after = {
                "name": name,
                "kind": kind,
                "unit": unit["code"],
                "parent": parent_code or None,
            }
            changes = diff(before, after)
            plans.append(
                plan_for_existing(row.number, code, data, record_id=current["id"], changes=changes)
            )
        return plans, errors

    def _parent_id(self, ctx: OrganisationsContext, code: str | None) -> int | None:
        if not code:
            return None
        known = ctx.in_file.get(code)
        if known is not None:
            return known
        if code not in ctx.known_ids:
            ctx.known_ids[code] = Organisation.objects.only("id").get(code=code).id
        return ctx.known_ids[code]

    def _create(self, ctx: OrganisationsContext, pending: list[tuple[Plan, Organisation]]) -> None:
        if not pending:
            return
        Organisation.objects.bulk_create(
            [org for _plan, org in pending], batch_size=self.batch_size
        )
        for _plan, org in pending:
            ctx.in_file[org.code] = org.id
        audit_bulk(
            actor=ctx.actor,
            action="organisation.create",
            target_type="geo.organisation",
            items=(
                (
                    org.id,
                    str(org),
                    {
                        "code": org.code,
                        "name": org.name,
                        "kind": org.kind,
                        "unit": plan.data["unit_code"],
                        "parent": plan.data["parent_code"],
                    },
                    org.unit_id,
                    org.id,
                )
                for plan, org in pending
            ),
        )
        pending.clear()

    def write(self, ctx: OrganisationsContext, plans: Sequence[Plan]) -> None:
        pending: list[tuple[Plan, Organisation]] = []
        pending_codes: set[str] = set()
        for plan in (p for p in plans if p.action == CREATE):
            if plan.data["parent_code"] in pending_codes:
                # the parent is in this very batch: give it its id first
                self._create(ctx, pending)
                pending_codes.clear()
            pending.append(
                (
                    plan,
                    Organisation(
                        code=plan.key,
                        name=plan.data["name"],
                        search_name=fold(plan.data["name"]),
                        kind=plan.data["kind"],
                        unit_id=plan.data["unit_id"],
                        parent_id=self._parent_id(ctx, plan.data["parent_code"]),
                    ),
                )
            )
            pending_codes.add(plan.key)
            ctx.rebuild = True
        self._create(ctx, pending)
        updates = [p for p in plans if p.action == UPDATE]
        if not updates:
            return
        now = timezone.now()
        Organisation.objects.bulk_update(
            [
                Organisation(
                    id=p.data["id"],
                    name=p.data["name"],
                    search_name=fold(p.data["name"]),
                    kind=p.data["kind"],
                    unit_id=p.data["unit_id"],
                    parent_id=self._parent_id(ctx, p.data["parent_code"]),
                    updated_at=now,
                )
                for p in updates
            ],
            ["name", "search_name", "kind", "unit", "parent", "updated_at"],
            batch_size=self.batch_size,
        )
        ctx.rebuild = ctx.rebuild or any("parent" in p.changes for p in updates)
        audit_bulk(
            actor=ctx.actor,
            action="organisation.update",
            target_type="geo.organisation",
            items=(
                (
                    p.data["id"],
                    f"{p.data['name']} ({p.key})",
                    p.changes,
                    p.data["unit_id"],
                    p.data["id"],
                )
                for p in updates
            ),
        )

    def finish(self, ctx: OrganisationsContext) -> None:
        if ctx.rebuild:
            organisation_closure_rebuild()  # raises Conflict on a cycle: the import fails whole


organisations = OrganisationsKind()
