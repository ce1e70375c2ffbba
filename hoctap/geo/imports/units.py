"""`units`: villages, hamlets and residential groups under the official communes.

Provinces and communes come from the official register (`hoctap units load-official`). A row
for an existing official unit is accepted when it says what the database says (it is counted
unchanged, so a full export of the tree re-imports cleanly) and is an error when it would change
it; a row for an official unit that is not loaded is an error. A village's code starts with its
commune's code and a dash (`02647-001`), so a code names one village in the whole country and a
village never moves to another commune through an import.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.permissions import scope_for
from hoctap.accounts.roles import Perm
from hoctap.audit.services import diff
from hoctap.core.formatting import show_date
from hoctap.core.text import fold
from hoctap.geo.models import KIND_LEVEL, AdminUnit, UnitClosure, UnitKind, UnitLevel
from hoctap.imports.kinds import (
    CREATE,
    UNCHANGED,
    UPDATE,
    ImportKind,
    Plan,
    Row,
    RowError,
    audit_bulk,
)
from hoctap.imports.readers import Column, parse_date

UNIT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
VILLAGE_KINDS = {UnitKind.VILLAGE, UnitKind.HAMLET, UnitKind.RESIDENTIAL_GROUP}

# What communes write in the "kind" column, folded: the code names and the Vietnamese words.
KIND_WORDS: dict[str, str] = {
    **{fold(k.value.replace("_", " ")): k.value for k in UnitKind},
    "thon": UnitKind.VILLAGE,
    "ban": UnitKind.VILLAGE,
    "lang": UnitKind.VILLAGE,
    "buon": UnitKind.VILLAGE,
    "xom": UnitKind.HAMLET,
    "ap": UnitKind.HAMLET,
    "to dan pho": UnitKind.RESIDENTIAL_GROUP,
    "khu pho": UnitKind.RESIDENTIAL_GROUP,
    "tinh": UnitKind.PROVINCE,
    "thanh pho": UnitKind.CITY,
    "xa": UnitKind.COMMUNE,
    "phuong": UnitKind.WARD,
    "dac khu": UnitKind.SPECIAL_ZONE,
}


def parse_unit_kind(text: str) -> str | None:
    return KIND_WORDS.get(fold(text.replace("_", " ")))


@dataclass
class Commune:
    id: int
    code: str
    valid_from: datetime.date
    valid_to: datetime.date | None


@dataclass
class UnitsContext:
    actor: Any
    communes: dict[str, Commune]  # the communes the actor may add villages to
    ancestors: dict[int, list[tuple[int, int]]] = field(default_factory=dict)


def _name(row: Row, errors: list[RowError]) -> str:
    name = " ".join(row.values["name"].split())
    if len(name) > 200:
        errors.append(row.error("name", _("At most 200 characters.")))
    return name


class UnitsKind(ImportKind):
    name = "units"
    label = gettext_lazy("Villages and residential groups")
    permission = Perm.MANAGE_UNITS
    columns = (
        Column("code", ("mã", "mã đơn vị", "mã thôn")),
        Column("name", ("tên", "tên đơn vị", "tên thôn")),
        Column("kind", ("loại", "loại đơn vị", "cấp"), required=False),
        # blank only on a province's row (which must match the register)
        Column("parent_code", ("mã đơn vị cha", "mã xã", "mã cấp trên"), blank=True),
        Column("valid_from", ("hiệu lực từ", "từ ngày", "ngày hiệu lực"), required=False),
    )

    def start(self, *, actor: Any) -> UnitsContext:
        scope = scope_for(actor, self.permission)
        communes = AdminUnit.objects.filter(scope.units_q("id"), level=UnitLevel.COMMUNE)
        return UnitsContext(
            actor=actor,
            communes={
                code: Commune(pk, code, start, end)
                for pk, code, start, end in communes.values_list(
                    "id", "code", "valid_from", "valid_to"
                )
            },
        )

    def check(self, ctx: UnitsContext, rows: Sequence[Row]) -> tuple[list[Plan], list[RowError]]:
        existing: dict[str, dict[str, Any]] = {
            u["code"]: dict(u)
            for u in AdminUnit.objects.filter(code__in=[r.values["code"] for r in rows]).values(
                "id", "code", "name", "kind", "level", "parent_id", "parent__code", "valid_from"
            )
        }
        plans: list[Plan] = []
        errors: list[RowError] = []
        for row in rows:
            plan = self._check_row(ctx, row, existing.get(row.values["code"]), errors)
            if plan is not None:
                plans.append(plan)
        return plans, errors

    def _check_row(
        self, ctx: UnitsContext, row: Row, unit: dict[str, Any] | None, errors: list[RowError]
    ) -> Plan | None:
        found: list[RowError] = []
        code, parent_code = row.values["code"], row.values["parent_code"]
        if not UNIT_CODE.match(code):
            found.append(
                row.error("code", _("Use 1–20 letters, digits, dots, dashes or underscores."))
            )
        name = _name(row, found)
        kind = UnitKind.VILLAGE.value
        if row.values["kind"]:
            parsed = parse_unit_kind(row.values["kind"])
            if parsed is None:
                found.append(
                    row.error(
                        "kind", _("Unknown unit kind “%(kind)s”.") % {"kind": row.values["kind"]}
                    )
                )
            else:
                kind = parsed
        valid_from: datetime.date | None = None
        if row.values["valid_from"]:
            try:
                valid_from = parse_date(row.values["valid_from"])
            except ValueError as exc:
                found.append(row.error("valid_from", str(exc)))
        if found:
            errors.extend(found)
            return None

        if unit is not None and unit["level"] < UnitLevel.VILLAGE:
            # an official unit: accepted only when the row says what the register says
            same = (
                name == unit["name"]
                and (not row.values["kind"] or kind == unit["kind"])
                and parent_code == (unit["parent__code"] or "")
                and (valid_from is None or valid_from == unit["valid_from"])
            )
            if not same:
                errors.append(
                    row.error(
                        "code",
                        _(
                            "%(code)s is an official unit; it changes only through the official "
                            "register (hoctap units load-official)."
                        )
                        % {"code": code},
                    )
                )
                return None
            return Plan(row.number, code, UNCHANGED)
        if KIND_LEVEL[kind] != UnitLevel.VILLAGE:
            errors.append(
                row.error(
                    "kind",
                    _(
                        "Provinces and communes come from the official register "
                        "(hoctap units load-official), not from a file."
                    ),
                )
            )
            return None
        if not parent_code:
            errors.append(row.error("parent_code", _("This field is required.")))
            return None
        commune = ctx.communes.get(parent_code)
        if commune is None:
            errors.append(
                row.error("parent_code", _("Unknown unit code “%(code)s”.") % {"code": parent_code})
            )
            return None
        if commune.valid_to is not None:
            errors.append(
                row.error(
                    "parent_code", _("The commune %(code)s is closed.") % {"code": parent_code}
                )
            )
            return None
        if not code.startswith(f"{parent_code}-"):
            errors.append(
                row.error(
                    "code",
                    _("A village code starts with its commune's code and a dash (%(example)s).")
                    % {"example": f"{parent_code}-001"},
                )
            )
            return None
        if valid_from is not None and valid_from < commune.valid_from:
            errors.append(
                row.error(
                    "valid_from",
                    _("Cannot start before its commune (%(date)s).")
                    % {"date": show_date(commune.valid_from)},
                )
            )
            return None
        if unit is None:
            return Plan(
                row.number,
                code,
                CREATE,
                data={
                    "name": name,
                    "kind": kind,
                    "parent_id": commune.id,
                    "parent_code": parent_code,
                    "valid_from": valid_from or timezone.localdate(),
                },
            )
        if unit["parent_id"] != commune.id:
            errors.append(
                row.error(
                    "parent_code",
                    _("The village %(code)s belongs to %(commune)s; it cannot move here.")
                    % {"code": code, "commune": unit["parent__code"]},
                )
            )
            return None
        before = {"name": unit["name"], "kind": unit["kind"], "valid_from": unit["valid_from"]}
        after = {"name": name, "kind": kind, "valid_from": valid_from or unit["valid_from"]}
        changes = diff(before, after)
        if not changes:
            return Plan(row.number, code, UNCHANGED)
        return Plan(row.number, code, UPDATE, data={"id": unit["id"], **after}, changes=changes)

    def _ancestors(self, ctx: UnitsContext, parent_ids: set[int]) -> None:
        missing = parent_ids - ctx.ancestors.keys()
        for ancestor, descendant, depth in UnitClosure.objects.filter(
            descendant_id__in=missing
        ).values_list("ancestor_id", "descendant_id", "depth"):
            ctx.ancestors.setdefault(descendant, []).append((ancestor, depth))

    def write(self, ctx: UnitsContext, plans: Sequence[Plan]) -> None:
        now = timezone.now()
        created = [
            AdminUnit(
                code=p.key,
                name=p.data["name"],
                search_name=fold(p.data["name"]),
                kind=p.data["kind"],
                level=UnitLevel.VILLAGE,
                parent_id=p.data["parent_id"],
                valid_from=p.data["valid_from"],
            )
            for p in plans
            if p.action == CREATE
        ]
        updates = [p for p in plans if p.action == UPDATE]
        if created:
            AdminUnit.objects.bulk_create(created, batch_size=self.batch_size)
            # A village is a leaf under a commune: its closure rows are its own plus its
            # commune's ancestors one level further, so no rebuild of the whole table.
            self._ancestors(ctx, {u.parent_id for u in created if u.parent_id is not None})
            # Three plain integers per row: a direct executemany, not thousands of model objects.
            table = connection.ops.quote_name(UnitClosure._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {table} (ancestor_id, descendant_id, depth) "  # noqa: S608
                    "VALUES (%s, %s, %s)",
                    [
                        row
                        for u in created
                        for row in [
                            (u.id, u.id, 0),
                            *((a, u.id, d + 1) for a, d in ctx.ancestors.get(u.parent_id or 0, [])),
                        ]
                    ],
                )
        if updates:
            AdminUnit.objects.bulk_update(
                [
                    AdminUnit(
                        id=p.data["id"],
                        name=p.data["name"],
                        search_name=fold(p.data["name"]),
                        kind=p.data["kind"],
                        valid_from=p.data["valid_from"],
                        updated_at=now,
                    )
                    for p in updates
                ],
                ["name", "search_name", "kind", "valid_from", "updated_at"],
                batch_size=self.batch_size,
            )
        parent_of = {p.key: p.data.get("parent_code") for p in plans}
        audit_bulk(
            actor=ctx.actor,
            action="unit.create",
            target_type="geo.adminunit",
            items=(
                (
                    u.id,
                    str(u),
                    {"code": u.code, "name": u.name, "kind": u.kind, "parent": parent_of[u.code]},
                    u.id,
                    None,
                )
                for u in created
            ),
        )
        audit_bulk(
            actor=ctx.actor,
            action="unit.update",
            target_type="geo.adminunit",
            items=(
                (p.data["id"], f"{p.data['name']} ({p.key})", p.changes, p.data["id"], None)
                for p in updates
            ),
        )


units = UnitsKind()
