"""The `memberships` import kind: who holds which position in which organisation, when."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.roles import Perm
from hoctap.audit.services import diff
from hoctap.geo.models import Organisation
from hoctap.geo.selectors import organisation_visible_q
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
from hoctap.imports.readers import Column, parse_date
from hoctap.registry import rules
from hoctap.registry.imports.common import (
    POSITION_WORDS,
    RegistryContext,
    cell_date,
    registry_context,
    run_rule,
    word,
)
from hoctap.registry.models import (
    OrganisationMembership,
    Person,
)
from hoctap.registry.national_id import mask_national_id


class MembershipsKind(ImportKind):
    name = "memberships"
    label = gettext_lazy("Organisation memberships")
    permission = Perm.MANAGE_REGISTRY
    key_column = "national_id"  # with organisation_code, position and start_date
    columns = (
        Column("national_id", ("số định danh", "số định danh cá nhân", "số cccd", "cccd")),
        Column("organisation_code", ("mã tổ chức", "mã cơ quan", "mã đơn vị")),
        Column("position", ("chức vụ", "vị trí")),
        Column("start_date", ("từ ngày", "ngày bắt đầu")),
        Column("end_date", ("đến ngày", "ngày kết thúc"), required=False, blank=True),
    )

    def key(self, values: dict[str, str]) -> str:
        try:
            start = parse_date(values["start_date"]).isoformat()
        except ValueError:
            start = values["start_date"]
        position = word(POSITION_WORDS, values["position"])
        return " / ".join((values["national_id"], values["organisation_code"], position, start))

    def start(self, *, actor: Any) -> RegistryContext:
        return registry_context(actor)

    def check(self, ctx: RegistryContext, rows: Sequence[Row]) -> tuple[list[Plan], list[RowError]]:
        people = {
            p["national_id"]: p
            for p in Person.objects.filter(
                ctx.scope.units_q("village_id"),
                national_id__in={r.values["national_id"] for r in rows},
            ).values("id", "national_id", "birth_date", "village_id")
        }
        orgs = {
            o["code"]: o
            for o in Organisation.objects.filter(
                organisation_visible_q(ctx.actor),
                code__in={r.values["organisation_code"] for r in rows},
            ).values("id", "code")
        }
        existing: dict[tuple[int, int, str], list[dict[str, Any]]] = {}
        for m in OrganisationMembership.objects.filter(
            person_id__in=[p["id"] for p in people.values()],
            organisation_id__in=[o["id"] for o in orgs.values()],
        ).values("id", "person_id", "organisation_id", "position", "start_date", "end_date"):
            existing.setdefault((m["person_id"], m["organisation_id"], m["position"]), []).append(
                dict(m)
            )
        plans: list[Plan] = []
        errors: list[RowError] = []
        for row in rows:
            found: list[RowError] = []
            values = row.values
            person = people.get(values["national_id"])
            if person is None:
                found.append(
                    row.error("national_id", _("No person with this ID number is registered."))
                )
            org = orgs.get(values["organisation_code"])
            if org is None:
                found.append(
                    row.error(
                        "organisation_code",
                        _("Unknown organisation code “%(code)s”.")
                        % {"code": values["organisation_code"]},
                    )
                )
            position = run_rule(
                found, row, {}, rules.clean_position, word(POSITION_WORDS, values["position"])
            )
            start = cell_date(found, row, "start_date")
            end = cell_date(found, row, "end_date")
            period = None
            if start is not None:
                period = run_rule(found, row, {}, rules.clean_period, start, end)
            if period is not None and period[0] > timezone.localdate():
                found.append(row.error("start_date", _("The date is in the future.")))
            elif person is not None and period is not None and period[0] < person["birth_date"]:
                found.append(row.error("start_date", _("The date is before the birth date.")))
            current = None
            if person is not None and org is not None and position is not None and period:
                same = existing.get((person["id"], org["id"], position), [])
                current = next((m for m in same if m["start_date"] == period[0]), None)
                open_key = f"{person['id']}/{org['id']}/{position}"
                if current is None and period[1] is None:
                    if open_key in ctx.in_file or any(m["end_date"] is None for m in same):
                        found.append(
                            row.error(
                                "organisation_code",
                                _("The person already holds this position in this organisation."),
                            )
                        )
                    else:
                        ctx.in_file[open_key] = True
            if found:
                errors.extend(found)
                continue
            assert person is not None
            assert org is not None
            assert period is not None
            key = self.key(values)
            data = {
                "person_id": person["id"],
                "village_id": person["village_id"],
                "organisation_id": org["id"],
                "organisation_code": org["code"],
                "masked": mask_national_id(person["national_id"]),
                "label": f"{mask_national_id(person['national_id'])} @ {org['code']} ({position})",
                "position": position,
                "start_date": period[0],
                "end_date": period[1],
            }
            if current is None:
                plans.append(Plan(row.number, key, CREATE, data=data))
                continue
            changes = diff({"end_date": current["end_date"]}, {"end_date": period[1]})
            plans.append(
                plan_for_existing(row.number, key, data, record_id=current["id"], changes=changes)
            )
        return plans, errors

    def write(self, ctx: RegistryContext, plans: Sequence[Plan]) -> None:
        creates = [p for p in plans if p.action == CREATE]
        if creates:
            made = OrganisationMembership.objects.bulk_create(
                [
                    OrganisationMembership(
                        person_id=p.data["person_id"],
                        organisation_id=p.data["organisation_id"],
                        position=p.data["position"],
                        start_date=p.data["start_date"],
                        end_date=p.data["end_date"],
                    )
                    for p in creates
                ],
                batch_size=self.batch_size,
            )
            audit_bulk(
                actor=ctx.actor,
                action="membership.create",
                target_type="registry.organisationmembership",
                items=(
                    (
                        m.id,
                        p.data["label"],
                        {
                            "person": p.data["masked"],
                            "organisation": p.data["organisation_code"],
                            "position": m.position,
                            "start_date": m.start_date,
                            "end_date": m.end_date,
                        },
                        p.data["village_id"],
                        m.organisation_id,
                    )
                    for p, m in zip(creates, made, strict=True)
                ),
            )
        updates = [p for p in plans if p.action == UPDATE]
        if updates:
            now = timezone.now()
            OrganisationMembership.objects.bulk_update(
                [
                    OrganisationMembership(
                        id=p.data["id"], end_date=p.data["end_date"], updated_at=now
                    )
                    for p in updates
                ],
                ["end_date", "updated_at"],
                batch_size=self.batch_size,
            )
            audit_bulk(
                actor=ctx.actor,
                action="membership.update",
                target_type="registry.organisationmembership",
                items=(
                    (
                        p.data["id"],
                        p.data["label"],
                        p.changes,
                        p.data["village_id"],
                        p.data["organisation_id"],
                    )
                    for p in updates
                ),
            )


memberships = MembershipsKind()
