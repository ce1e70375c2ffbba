"""Import kinds of the registers: `clans`, `households`, `persons`.

Each row is held to the field rules of `hoctap.registry.rules` (and the ID-number rules of
`national_id`), the same ones the API and the pages use. References (communes, villages, clans,
households) are looked up once per batch within the importer's scope for managing the registers:
anything outside it is an unknown code. Personal ID numbers enter the audit log masked.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.permissions import Scope, scope_for
from hoctap.accounts.roles import Perm
from hoctap.audit.services import diff
from hoctap.core.errors import InvalidInput
from hoctap.core.text import fold
from hoctap.geo.models import AdminUnit, Organisation, UnitLevel
from hoctap.geo.selectors import organisation_visible_q
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
from hoctap.registry import rules
from hoctap.registry.models import (
    Clan,
    Household,
    OrganisationMembership,
    Person,
    PersonStatus,
    PersonStatusChange,
    RelationToHead,
)
from hoctap.registry.national_id import mask_national_id

SEX_WORDS = {"male": "male", "nam": "male", "female": "female", "nu": "female"}
RELATION_WORDS = {
    **{v: v for v in RelationToHead.values},
    "chu ho": "head",
    "vo": "spouse",
    "chong": "spouse",
    "vo chong": "spouse",
    "con": "child",
    "bo": "parent",
    "me": "parent",
    "bo me": "parent",
    "chau": "grandchild",
    "anh chi em": "sibling",
    "khac": "other",
}
POVERTY_WORDS = {
    "": "none",
    "none": "none",
    "khong": "none",
    "near poor": "near_poor",
    "near_poor": "near_poor",
    "can ngheo": "near_poor",
    "ho can ngheo": "near_poor",
    "poor": "poor",
    "ngheo": "poor",
    "ho ngheo": "poor",
}
POSITION_WORDS = {
    "can bo": "staff",
    "nhan vien": "staff",
    "giao vien": "teacher",
    "si quan": "officer",
    "chien si": "soldier",
    "hoc sinh": "pupil",
    "hoi vien": "member",
    "thanh vien": "member",
    "khac": "other",
}
EID_WORDS = {"": "none", "none": "none", "khong": "none", "0": "none", "1": "1", "2": "2"}


def _word(words: dict[str, str], value: str) -> str:
    """A choice written in English or Vietnamese; unknown words are left for the rule to refuse."""
    return words.get(fold(value).replace("_", " "), words.get(value, value))


def _run(
    found: list[RowError],
    row: Row,
    columns: dict[str, str],
    cleaner: Callable[..., Any],
    *args: Any,
    **kwargs: Any,
) -> Any:
    """Run a rule; its field errors become row errors (field → column via `columns`)."""
    try:
        return cleaner(*args, **kwargs)
    except InvalidInput as exc:
        for name, message in exc.errors.items():
            found.append(row.error(columns.get(name, name), str(message)))
        return None


def _date(found: list[RowError], row: Row, column: str) -> datetime.date | None:
    text = row.values.get(column, "")
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        found.append(row.error(column, str(exc)))
        return None


def _units(scope: Scope, codes: set[str], level: int) -> dict[str, dict[str, Any]]:
    """Open units of `level` that the importer manages, by code; others count as unknown."""
    codes.discard("")
    return {
        u["code"]: dict(u)
        for u in AdminUnit.objects.filter(scope.units_q("id"), code__in=codes, level=level).values(
            "id", "code", "parent_id", "valid_to"
        )
    }


def _unit_error(row: Row, column: str, unit: dict[str, Any] | None) -> RowError | None:
    if unit is None:
        return row.error(column, _("Unknown unit code “%(code)s”.") % {"code": row.values[column]})
    if unit["valid_to"] is not None:
        return row.error(column, _("The unit %(code)s is closed.") % {"code": unit["code"]})
    return None


@dataclass
class RegistryContext:
    actor: Any
    scope: Scope
    in_file: dict[str, Any] = field(default_factory=dict)  # key → what later rows need
    ids: dict[str, int] = field(default_factory=dict)


def _start(actor: Any) -> RegistryContext:
    return RegistryContext(actor=actor, scope=scope_for(actor, Perm.MANAGE_REGISTRY))


# ---------------------------------------------------------------------------------------------
# clans
# ---------------------------------------------------------------------------------------------


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
        return _start(actor)

    def check(self, ctx: RegistryContext, rows: Sequence[Row]) -> tuple[list[Plan], list[RowError]]:
        keys = {r.values["clan_code"] for r in rows}
        existing = {
            c["code"]: c
            for c in Clan.objects.filter(code__in=keys).values(
                "id", "code", "name", "commune_id", "commune__code"
            )
        }
        communes = _units(ctx.scope, {r.values["commune_code"] for r in rows}, UnitLevel.COMMUNE)
        plans: list[Plan] = []
        errors: list[RowError] = []
        for row in rows:
            found: list[RowError] = []
            code = _run(
                found, row, {"code": "clan_code"}, rules.clean_code, row.values["clan_code"]
            )
            name = _run(found, row, {}, rules.clean_name, row.values["name"], "name")
            commune = communes.get(row.values["commune_code"])
            problem = _unit_error(row, "commune_code", commune)
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
                Plan(
                    row.number,
                    code,
                    UPDATE if changes else UNCHANGED,
                    data={**data, "id": current["id"]},
                    changes=changes,
                )
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


# ---------------------------------------------------------------------------------------------
# households
# ---------------------------------------------------------------------------------------------


class HouseholdsKind(ImportKind):
    name = "households"
    label = gettext_lazy("Households")
    permission = Perm.MANAGE_REGISTRY
    key_column = "household_code"
    columns = (
        Column("household_code", ("mã hộ", "mã hộ gia đình")),
        Column("village_code", ("mã thôn", "mã thôn tổ dân phố", "mã thôn/tổ dân phố")),
        Column("address", ("địa chỉ",), required=False, blank=True),
        Column("poverty_status", ("hộ nghèo", "tình trạng nghèo"), required=False, blank=True),
        Column("poverty_year", ("năm", "năm xét nghèo"), required=False, blank=True),
        Column("clan_code", ("mã dòng họ",), required=False, blank=True),
    )

    def start(self, *, actor: Any) -> RegistryContext:
        return _start(actor)

    def check(self, ctx: RegistryContext, rows: Sequence[Row]) -> tuple[list[Plan], list[RowError]]:
        keys = {r.values["household_code"] for r in rows}
        existing = {
            h["code"]: h
            for h in Household.objects.filter(code__in=keys).values(
                "id",
                "code",
                "village_id",
                "village__code",
                "address",
                "poverty_status",
                "poverty_year",
                "clan__code",
            )
        }
        villages = _units(ctx.scope, {r.values["village_code"] for r in rows}, UnitLevel.VILLAGE)
        clan_codes = {r.values.get("clan_code", "") for r in rows} - {""}
        clans = {
            c["code"]: c
            for c in Clan.objects.filter(
                ctx.scope.units_q("commune_id"), code__in=clan_codes
            ).values("id", "code", "commune_id")
        }
        plans: list[Plan] = []
        errors: list[RowError] = []
        for row in rows:
            found: list[RowError] = []
            values = row.values
            code = _run(
                found, row, {"code": "household_code"}, rules.clean_code, values["household_code"]
            )
            village = villages.get(values["village_code"])
            problem = _unit_error(row, "village_code", village)
            if problem is not None:
                found.append(problem)
            address = " ".join(values.get("address", "").split())
            if len(address) > 300:
                found.append(row.error("address", _("At most %(n)s characters.") % {"n": 300}))
            year: int | None = None
            if values.get("poverty_year"):
                try:
                    year = int(values["poverty_year"])
                except ValueError:
                    found.append(row.error("poverty_year", _("Not a year.")))
            poverty = _run(
                found,
                row,
                {},
                rules.clean_poverty,
                _word(POVERTY_WORDS, values.get("poverty_status", "")),
                year,
            )
            clan = None
            clan_code = values.get("clan_code", "")
            if clan_code:
                clan = clans.get(clan_code)
                if clan is None:
                    found.append(
                        row.error(
                            "clan_code", _("Unknown clan code “%(code)s”.") % {"code": clan_code}
                        )
                    )
                elif village is not None and clan["commune_id"] != village["parent_id"]:
                    found.append(row.error("clan_code", _("The clan belongs to another commune.")))
            current = existing.get(values["household_code"])
            if current is not None and village is not None:
                if not ctx.scope.covers_unit(current["village_id"]):
                    found.append(
                        row.error(
                            "household_code",
                            _("The code “%(code)s” is already used.") % {"code": current["code"]},
                        )
                    )
                elif current["village_id"] != village["id"]:
                    found.append(
                        row.error(
                            "household_code",
                            _("The household code “%(code)s” is used in another village.")
                            % {"code": current["code"]},
                        )
                    )
            if found:
                errors.extend(found)
                continue
            assert village is not None
            assert poverty is not None
            state = {
                "code": code,
                "village": village["code"],
                "address": address,
                "poverty_status": poverty[0],
                "poverty_year": poverty[1],
                "clan": clan["code"] if clan else None,
            }
            data = {
                "state": state,
                "village_id": village["id"],
                "clan_id": clan["id"] if clan else None,
            }
            if current is None:
                ctx.in_file[code] = village["id"]
                plans.append(Plan(row.number, code, CREATE, data=data))
                continue
            before = {
                "code": current["code"],
                "village": current["village__code"],
                "address": current["address"],
                "poverty_status": current["poverty_status"],
                "poverty_year": current["poverty_year"],
                "clan": current["clan__code"],
            }
            changes = diff(before, state)
            plans.append(
                Plan(
                    row.number,
                    code,
                    UPDATE if changes else UNCHANGED,
                    data={**data, "id": current["id"]},
                    changes=changes,
                )
            )
        return plans, errors

    @staticmethod
    def _record(plan: Plan, **extra: Any) -> Household:
        state = plan.data["state"]
        return Household(
            code=plan.key,
            village_id=plan.data["village_id"],
            address=state["address"],
            poverty_status=state["poverty_status"],
            poverty_year=state["poverty_year"],
            clan_id=plan.data["clan_id"],
            **extra,
        )

    def write(self, ctx: RegistryContext, plans: Sequence[Plan]) -> None:
        creates = [p for p in plans if p.action == CREATE]
        if creates:
            households = Household.objects.bulk_create(
                [self._record(p) for p in creates], batch_size=self.batch_size
            )
            audit_bulk(
                actor=ctx.actor,
                action="household.create",
                target_type="registry.household",
                items=(
                    (h.id, h.code, p.data["state"], h.village_id, None)
                    for p, h in zip(creates, households, strict=True)
                ),
            )
        updates = [p for p in plans if p.action == UPDATE]
        if updates:
            now = timezone.now()
            Household.objects.bulk_update(
                [self._record(p, id=p.data["id"], updated_at=now) for p in updates],
                ["address", "poverty_status", "poverty_year", "clan", "updated_at"],
                batch_size=self.batch_size,
            )
            audit_bulk(
                actor=ctx.actor,
                action="household.update",
                target_type="registry.household",
                items=(
                    (p.data["id"], p.key, p.changes, p.data["village_id"], None) for p in updates
                ),
            )


# ---------------------------------------------------------------------------------------------
# persons
# ---------------------------------------------------------------------------------------------

PERSON_FIELDS = (
    "full_name",
    "birth_date",
    "sex",
    "ethnicity",
    "village",
    "household",
    "relation_to_head",
    "phone",
    "eid_level",
    "eid_linked_on",
)


class PersonsKind(ImportKind):
    name = "persons"
    label = gettext_lazy("Persons")
    permission = Perm.MANAGE_REGISTRY
    key_column = "national_id"
    columns = (
        Column("national_id", ("số định danh", "số định danh cá nhân", "số cccd", "cccd")),
        Column("full_name", ("họ và tên", "họ tên")),
        Column("birth_date", ("ngày sinh",)),
        Column("sex", ("giới tính",)),
        Column("ethnicity", ("dân tộc",)),
        Column("village_code", ("mã thôn", "mã thôn tổ dân phố", "mã thôn/tổ dân phố")),
        Column("household_code", ("mã hộ", "mã hộ gia đình"), required=False, blank=True),
        Column("relation_to_head", ("quan hệ với chủ hộ",), required=False, blank=True),
        Column("phone", ("số điện thoại", "điện thoại"), required=False, blank=True),
        Column("eid_level", ("mức định danh điện tử", "mức định danh"), required=False, blank=True),
        Column("eid_linked_on", ("ngày liên kết",), required=False, blank=True),
    )

    def start(self, *, actor: Any) -> RegistryContext:
        return _start(actor)

    def check(self, ctx: RegistryContext, rows: Sequence[Row]) -> tuple[list[Plan], list[RowError]]:
        keys = {r.values["national_id"] for r in rows}
        existing = {
            p["national_id"]: p
            for p in Person.objects.filter(national_id__in=keys).values(
                "id",
                "national_id",
                "full_name",
                "birth_date",
                "sex",
                "ethnicity",
                "village_id",
                "village__code",
                "household__code",
                "relation_to_head",
                "phone",
                "eid_level",
                "eid_linked_on",
            )
        }
        villages = _units(ctx.scope, {r.values["village_code"] for r in rows}, UnitLevel.VILLAGE)
        household_codes = {r.values.get("household_code", "") for r in rows} - {""}
        households = {
            h["code"]: h
            for h in Household.objects.filter(
                ctx.scope.units_q("village_id"), code__in=household_codes
            ).values("id", "code", "village_id")
        }
        heads = dict(
            Person.objects.filter(
                household__code__in=household_codes, relation_to_head=RelationToHead.HEAD
            ).values_list("household__code", "national_id")
        )
        columns = {"household": "household_code", "village": "village_code"}
        plans: list[Plan] = []
        errors: list[RowError] = []
        for row in rows:
            found: list[RowError] = []
            values = row.values
            name = _run(found, row, columns, rules.clean_name, values["full_name"], "full_name")
            birth = _date(found, row, "birth_date")
            if birth is not None:
                birth = _run(found, row, columns, rules.clean_birth_date, birth)
            sex = _run(found, row, columns, rules.clean_sex, _word(SEX_WORDS, values["sex"]))
            number = _run(
                found,
                row,
                columns,
                rules.clean_national_id,
                values["national_id"],
                birth_date=birth,
                sex=sex,
            )
            ethnicity = _run(found, row, columns, rules.clean_ethnicity, values["ethnicity"])
            phone = _run(found, row, columns, rules.clean_phone, values.get("phone", ""))
            linked = _date(found, row, "eid_linked_on")
            eid = _run(
                found,
                row,
                columns,
                rules.clean_eid,
                _word(EID_WORDS, values.get("eid_level", "")),
                linked,
                birth_date=birth,
            )
            village = villages.get(values["village_code"])
            problem = _unit_error(row, "village_code", village)
            if problem is not None:
                found.append(problem)
            household_code = values.get("household_code", "")
            household = None
            if household_code:
                household = households.get(household_code)
                if household is None:
                    found.append(
                        row.error(
                            "household_code",
                            _("Unknown household code “%(code)s”.") % {"code": household_code},
                        )
                    )
                elif village is not None and household["village_id"] != village["id"]:
                    found.append(
                        row.error("household_code", _("The household belongs to another village."))
                    )
            relation = _run(
                found,
                row,
                columns,
                rules.clean_relation,
                _word(RELATION_WORDS, values.get("relation_to_head", "")),
                has_household=bool(household_code),
            )
            if household is not None and relation == RelationToHead.HEAD:
                head = ctx.in_file.get(household_code) or heads.get(household_code)
                if head is not None and head != values["national_id"]:
                    found.append(
                        row.error("relation_to_head", _("The household already has a head."))
                    )
            current = existing.get(values["national_id"])
            if current is not None and not ctx.scope.covers_unit(current["village_id"]):
                found.append(
                    row.error(
                        "national_id", _("A person with this ID number is already registered.")
                    )
                )
            if found:
                errors.extend(found)
                continue
            assert village is not None
            assert eid is not None
            assert number is not None
            if household is not None and relation == RelationToHead.HEAD:
                ctx.in_file[household_code] = number
            state = {
                "full_name": name,
                "birth_date": birth,
                "sex": sex,
                "ethnicity": ethnicity,
                "village": village["code"],
                "household": household["code"] if household else None,
                "relation_to_head": relation,
                "phone": phone,
                "eid_level": eid[0],
                "eid_linked_on": eid[1],
            }
            data = {
                "state": state,
                "village_id": village["id"],
                "household_id": household["id"] if household else None,
            }
            if current is None:
                plans.append(Plan(row.number, number, CREATE, data=data))
                continue
            before = {
                **{f: dict(current).get(f) for f in PERSON_FIELDS},
                "village": current["village__code"],
                "household": current["household__code"],
            }
            changes = diff(before, state)
            plans.append(
                Plan(
                    row.number,
                    number,
                    UPDATE if changes else UNCHANGED,
                    data={**data, "id": current["id"]},
                    changes=changes,
                )
            )
        return plans, errors

    @staticmethod
    def _record(plan: Plan, **extra: Any) -> Person:
        state = plan.data["state"]
        return Person(
            national_id=plan.key,
            full_name=state["full_name"],
            search_name=fold(state["full_name"]),
            birth_date=state["birth_date"],
            sex=state["sex"],
            ethnicity=state["ethnicity"],
            village_id=plan.data["village_id"],
            household_id=plan.data["household_id"],
            relation_to_head=state["relation_to_head"],
            phone=state["phone"],
            eid_level=state["eid_level"],
            eid_linked_on=state["eid_linked_on"],
            **extra,
        )

    def write(self, ctx: RegistryContext, plans: Sequence[Plan]) -> None:
        creates = [p for p in plans if p.action == CREATE]
        if creates:
            today = timezone.localdate()
            persons = Person.objects.bulk_create(
                [
                    self._record(p, status=PersonStatus.LIVING_HERE, status_since=today)
                    for p in creates
                ],
                batch_size=self.batch_size,
            )
            PersonStatusChange.objects.bulk_create(
                [
                    PersonStatusChange(person_id=p.id, status=PersonStatus.LIVING_HERE, on=today)
                    for p in persons
                ],
                batch_size=self.batch_size,
            )
            audit_bulk(
                actor=ctx.actor,
                action="person.create",
                target_type="registry.person",
                items=(
                    (
                        person.id,
                        f"{person.full_name} ({mask_national_id(person.national_id)})",
                        {"national_id": mask_national_id(person.national_id), **p.data["state"]},
                        person.village_id,
                        None,
                    )
                    for p, person in zip(creates, persons, strict=True)
                ),
            )
        updates = [p for p in plans if p.action == UPDATE]
        if updates:
            now = timezone.now()
            Person.objects.bulk_update(
                [self._record(p, id=p.data["id"], updated_at=now) for p in updates],
                [
                    "full_name",
                    "search_name",
                    "birth_date",
                    "sex",
                    "ethnicity",
                    "village",
                    "household",
                    "relation_to_head",
                    "phone",
                    "eid_level",
                    "eid_linked_on",
                    "updated_at",
                ],
                batch_size=self.batch_size,
            )
            audit_bulk(
                actor=ctx.actor,
                action="person.update",
                target_type="registry.person",
                items=(
                    (
                        p.data["id"],
                        f"{p.data['state']['full_name']} ({mask_national_id(p.key)})",
                        p.changes,
                        p.data["village_id"],
                        None,
                    )
                    for p in updates
                ),
            )


# ---------------------------------------------------------------------------------------------
# memberships
# ---------------------------------------------------------------------------------------------


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
        position = _word(POSITION_WORDS, values["position"])
        return " / ".join((values["national_id"], values["organisation_code"], position, start))

    def start(self, *, actor: Any) -> RegistryContext:
        return _start(actor)

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
            position = _run(
                found, row, {}, rules.clean_position, _word(POSITION_WORDS, values["position"])
            )
            start = _date(found, row, "start_date")
            end = _date(found, row, "end_date")
            period = None
            if start is not None:
                period = _run(found, row, {}, rules.clean_period, start, end)
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
                Plan(
                    row.number,
                    key,
                    UPDATE if changes else UNCHANGED,
                    data={**data, "id": current["id"]},
                    changes=changes,
                )
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


clans = ClansKind()
households = HouseholdsKind()
persons = PersonsKind()
memberships = MembershipsKind()
