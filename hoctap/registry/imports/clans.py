"""The `clans` import kind: code, name, commune."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.roles import Perm
from hoctap.audit.services import diff
from hoctap.core.text import fold
from hoctap.geo.models import UnitLevel
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
from hoctap.registry import rules
from hoctap.registry.imports.common import (
    RegistryContext,
    registry_context,
    run_rule,
    unit_error,
    units_by_code,
)
from hoctap.registry.models import (
    Clan,
)


class ClansKind(ImportKind):
    name = "clans"
    label = gettext_lazy("Clans")
    permission = Perm.MANAGE_REGISTRY
    key_column = "clan_code"
    columns = (
        Column("clan_code", ("mã dòng họ", "mã họ")),
        Column("name", ("tên", "tên dòng họ")),
        Column("commune_code", ("mã xã", "mã xã phường", "mã đơn vị")),
    )

    def start(self, *, actor: Any) -> RegistryContext:
        return registry_context(actor)

    def check(self, ctx: RegistryContext, rows: Sequence[Row]) -> tuple[list[Plan], list[RowError]]:
        keys = {r.values["clan_code"] for r in rows}
        existing = {
            c["code"]: c
            for c in Clan.objects.filter(code__in=keys).values(
                "id", "code", "name", "commune_id", "commune__code"
            )
        }
        communes = units_by_code(
            ctx.scope, {r.values["commune_code"] for r in rows}, UnitLevel.COMMUNE
        )
        plans: list[Plan] = []
        errors: list[RowError] = []
        for row in rows:
            found: list[RowError] = []
            code = run_rule(
                found, row, {"code": "clan_code"}, rules.clean_code, row.values["clan_code"]
            )
            name = run_rule(found, row, {}, rules.clean_name, row.values["name"], "name")
            commune = communes.get(row.values["commune_code"])
            problem = unit_error(row, "commune_code", commune)
            if problem is not None:
                found.append(problem)
            current = existing.get(row.values["clan_code"])
            if current is not None and commune is not None:
                if not ctx.scope.covers_unit(current["commune_id"]):
                    found.append(
                        row.error(
                            "clan_code",
                            _("The code “%(code)s” is already used.") % {"code": current["code"]},
                        )
                    )
                elif current["commune_id"] != commune["id"]:
                    found.append(
                        row.error("commune_code", _("A clan does not move to another commune."))
                    )
            if found:
                errors.extend(found)
                continue
            assert commune is not None
            data = {"name": name, "commune_id": commune["id"], "commune_code": commune["code"]}
            if current is None:
                ctx.in_file[code] = commune["id"]
                plans.append(Plan(row.number, code, CREATE, data=data))
                continue
            changes = diff({"name": current["name"]}, {"name": name})
            plans.append(
                plan_for_existing(row.number, code, data, record_id=current["id"], changes=changes)
            )
        return plans, errors

    def write(self, ctx: RegistryContext, plans: Sequence[Plan]) -> None:
        creates = [p for p in plans if p.action == CREATE]
        if creates:
            clans = Clan.objects.bulk_create(
                [
                    Clan(
                        code=p.key,
                        name=p.data["name"],
                        search_name=fold(p.data["name"]),
                        commune_id=p.data["commune_id"],
                    )
                    for p in creates
                ],
                batch_size=self.batch_size,
            )
            audit_bulk(
                actor=ctx.actor,
                action="clan.create",
                target_type="registry.clan",
                items=(
                    (
                        clan.id,
                        str(clan),
                        {
                            "code": clan.code,
                            "name": clan.name,
                            "commune": p.data["commune_code"],
                            "representative": None,
                        },
                        clan.commune_id,
                        None,
                    )
                    for p, clan in zip(creates, clans, strict=True)
                ),
            )
        updates = [p for p in plans if p.action == UPDATE]
        if updates:
            now = timezone.now()
            Clan.objects.bulk_update(
                [
                    Clan(
                        id=p.data["id"],
                        name=p.data["name"],
                        search_name=fold(p.data["name"]),
                        updated_at=now,
                    )
                    for p in updates
                ],
                ["name", "search_name", "updated_at"],
                batch_size=self.batch_size,
            )
            audit_bulk(
                actor=ctx.actor,
                action="clan.update",
                target_type="registry.clan",
                items=(
                    (
                        p.data["id"],
                        f"{p.data['name']} ({p.key})",
                        p.changes,
                        p.data["commune_id"],
                        None,
                    )
                    for p in updates
                ),
            )


clans = ClansKind()
