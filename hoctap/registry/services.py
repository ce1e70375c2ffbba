"""Writes to the registers. Each runs in a transaction, validates every field first (one
`InvalidInput` naming all that is wrong, nothing written), checks `registry.manage_record` over
the record's village or commune, and records an audit entry.

Whether an ID number or a record code is already taken is a look-up across the whole province,
so it is answered only to an actor who may manage the record's village or commune: the service
first refuses an actor without the manage right anywhere (403), then resolves the village or
commune and checks the right over it, and only then looks for a duplicate. Otherwise anyone
could learn whether a number is registered anywhere, outside their scope too. The answer never
says where the duplicate is.

Personal ID numbers (and old ID card numbers) never enter the audit log in full: the log is read
by roles that may not see them, so changes carry the masked form.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import scope_for
from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record, diff
from hoctap.core import bulk
from hoctap.core.errors import Conflict, InvalidInput, PermissionDenied
from hoctap.core.formatting import show_date
from hoctap.core.text import fold
from hoctap.geo.models import AdminUnit, Organisation, UnitLevel
from hoctap.geo.selectors import organisation_visible_q, unit_visible_q
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
from hoctap.registry.selectors import can_view_national_id, registry_visible_q

# ---------------------------------------------------------------------------------------------
# Lookups by code: a record outside the actor's scope is an unknown code, never a 403
# ---------------------------------------------------------------------------------------------


def _require_manage(actor: Any, unit_id: int) -> None:
    if not scope_for(actor, Perm.MANAGE_REGISTRY).covers_unit(unit_id):
        raise PermissionDenied(_("You may not change the registers here."))


def _require_manage_somewhere(actor: Any) -> None:
    """Refuse at once an actor who may change the registers nowhere: nothing of the input is
    looked up for them (whether a number or a code is taken, in particular)."""
    scope = scope_for(actor, Perm.MANAGE_REGISTRY)
    if not (scope.is_global or scope.unit_ids):  # registry rights are held over units only
        raise PermissionDenied(_("You may not change the registers."))


def _open_unit(actor: Any, code: str, field: str, level: int, wrong_level: str) -> AdminUnit:
    """A visible, open unit of `level` by code, or a field error (hidden units look unknown)."""
    unit = AdminUnit.objects.filter(unit_visible_q(actor), code=(code or "").strip()).first()
    if unit is None:
        raise InvalidInput({field: _("Unknown unit code “%(code)s”.") % {"code": code or ""}})
    if unit.level != level:
        raise InvalidInput({field: wrong_level % {"code": unit.code}})
    if unit.valid_to is not None:
        raise InvalidInput({field: _("The unit %(code)s is closed.") % {"code": unit.code}})
    return unit


def _village(actor: Any, code: str, field: str = "village") -> AdminUnit:
    return _open_unit(
        actor, code, field, UnitLevel.VILLAGE, _("%(code)s is not a village or residential group.")
    )


def _commune(actor: Any, code: str, field: str = "commune") -> AdminUnit:
    return _open_unit(
        actor,
        code,
        field,
        UnitLevel.COMMUNE,
        _("%(code)s is not a commune, ward or special zone."),
    )


def _household(actor: Any, code: str, field: str = "household") -> Household:
    household = Household.objects.filter(
        registry_visible_q(actor, "village_id"), code=(code or "").strip()
    ).first()
    if household is None:
        raise InvalidInput({field: _("Unknown household code “%(code)s”.") % {"code": code or ""}})
    return household


def _clan(actor: Any, code: str, field: str = "clan") -> Clan:
    clan = Clan.objects.filter(
        registry_visible_q(actor, "commune_id"), code=(code or "").strip()
    ).first()
    if clan is None:
        raise InvalidInput({field: _("Unknown clan code “%(code)s”.") % {"code": code or ""}})
    return clan


def _person(actor: Any, national_id: str, field: str = "national_id") -> Person:
    person = (
        Person.objects.filter(
            registry_visible_q(actor, "village_id"), national_id=(national_id or "").strip()
        )
        .select_related("village")
        .first()
    )
    if person is None:
        raise InvalidInput({field: _("No person with this ID number is registered.")})
    return person


def _organisation(actor: Any, code: str, field: str = "organisation") -> Organisation:
    org = Organisation.objects.filter(
        organisation_visible_q(actor), code=(code or "").strip()
    ).first()
    if org is None:
        raise InvalidInput(
            {field: _("Unknown organisation code “%(code)s”.") % {"code": code or ""}}
        )
    return org


# ---------------------------------------------------------------------------------------------
# Persons
# ---------------------------------------------------------------------------------------------


# the fields of a person the audit log keeps masked: personal ID and old ID card numbers
MASKED_IN_AUDIT = ("national_id", "legacy_id_card")


def _person_audit_view(values: dict[str, Any]) -> dict[str, Any]:
    """What the audit log keeps of a person's fields (a value, or an `[old, new]` pair): the ID
    numbers masked."""
    shown = dict(values)
    for field in MASKED_IN_AUDIT:
        value = shown.get(field)
        if isinstance(value, list):
            shown[field] = [mask_national_id(v) if v else v for v in value]
        elif value:
            shown[field] = mask_national_id(value)
    return shown


def _person_state(person: Person) -> dict[str, Any]:
    return {
        "national_id": person.national_id,
        "legacy_id_card": person.legacy_id_card,
        "full_name": person.full_name,
        "birth_date": person.birth_date,
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "village": person.village.code,
        "household": person.household.code if person.household_id and person.household else None,
        "relation_to_head": person.relation_to_head,
        "phone": person.phone,
        "eid_level": person.eid_level,
        "eid_linked_on": person.eid_linked_on,
    }


def _clean_person(
    actor: Any,
    *,
    person: Person | None,
    national_id: str,
    full_name: str,
    birth_date: datetime.date | None,
    sex: str,
    ethnicity: str,
    village_code: str,
    household_code: str,
    relation_to_head: str,
    phone: str,
    legacy_id_card: str,
    eid_level: str,
    eid_linked_on: datetime.date | None,
) -> dict[str, Any]:
    """Every rule of a person's record; the model fields to store, or every error at once.

    The village comes first: an actor who may not manage it is refused (403) before the ID
    number is looked up, and with no valid village the number is not looked up at all."""
    check = rules.ErrorCollector()
    village = check.run(_village, actor, village_code)
    if village is not None:
        _require_manage(actor, village.id)
    name = check.run(rules.clean_name, full_name, "full_name")
    birth = check.run(rules.clean_birth_date, birth_date)
    sex_value = check.run(rules.clean_sex, sex)
    number = check.run(rules.clean_national_id, national_id, birth_date=birth, sex=sex_value)
    if number is not None and village is not None:
        # anywhere in the province, and not said where: the actor may manage this village only
        taken = Person.objects.filter(national_id=number)
        if person is not None:
            taken = taken.exclude(pk=person.pk)
        if taken.exists():
            check.add("national_id", _("A person with this ID number is already registered."))
    legacy = check.run(rules.clean_legacy_id_card, legacy_id_card)
    ethnicity_code = check.run(rules.clean_ethnicity, ethnicity)
    phone_value = check.run(rules.clean_phone, phone)
    eid = check.run(rules.clean_eid, eid_level, eid_linked_on, birth_date=birth)
    household = None
    if (household_code or "").strip():
        household = check.run(_household, actor, household_code)
    relation = check.run(
        rules.clean_relation, relation_to_head, has_household=bool((household_code or "").strip())
    )
    if household is not None and village is not None and household.village_id != village.id:
        check.add("household", _("The household belongs to another village."))
    if household is not None and relation == RelationToHead.HEAD:
        heads = Person.objects.filter(household=household, relation_to_head=RelationToHead.HEAD)
        if person is not None:
            heads = heads.exclude(pk=person.pk)
        if heads.exists():
            check.add("relation_to_head", _("The household already has a head."))
    check.raise_if_any()
    assert village is not None
    assert eid is not None
    assert name is not None
    return {
        "national_id": number,
        "legacy_id_card": legacy,
        "full_name": name,
        "search_name": fold(name),
        "birth_date": birth,
        "sex": sex_value,
        "ethnicity": ethnicity_code,
        "village": village,
        "household": household,
        "relation_to_head": relation,
        "phone": phone_value,
        "eid_level": eid[0],
        "eid_linked_on": eid[1],
    }


@transaction.atomic
def person_create(
    *,
    actor: Any,
    national_id: str,
    full_name: str,
    birth_date: datetime.date | None,
    sex: str,
    ethnicity: str,
    village_code: str,
    household_code: str = "",
    relation_to_head: str = "",
    phone: str = "",
    legacy_id_card: str = "",
    eid_level: str = "none",
    eid_linked_on: datetime.date | None = None,
    status_since: datetime.date | None = None,
) -> Person:
    """Register a person living in a village (status "living here" from `status_since`)."""
    _require_manage_somewhere(actor)
    fields = _clean_person(
        actor,
        person=None,
        national_id=national_id,
        full_name=full_name,
        birth_date=birth_date,
        sex=sex,
        ethnicity=ethnicity,
        village_code=village_code,
        household_code=household_code,
        relation_to_head=relation_to_head,
        phone=phone,
        legacy_id_card=legacy_id_card,
        eid_level=eid_level,
        eid_linked_on=eid_linked_on,
    )
    since = status_since or timezone.localdate()
    if since > timezone.localdate() or since < fields["birth_date"]:
        raise InvalidInput({"status_since": _("The date must lie between birth and today.")})
    # no history row yet: the status and its date are on the person until it first changes
    person = Person.objects.create(**fields, status=PersonStatus.LIVING_HERE, status_since=since)
    audit_record(
        actor=actor,
        action="person.create",
        target=person,
        changes=_person_audit_view(_person_state(person)),
        unit_id=person.village_id,
    )
    return person


@transaction.atomic
def person_update(
    *,
    actor: Any,
    person: Person,
    national_id: str | None = None,
    full_name: str | None = None,
    birth_date: datetime.date | None = None,
    sex: str | None = None,
    ethnicity: str | None = None,
    village_code: str | None = None,
    household_code: str | None = None,
    relation_to_head: str | None = None,
    phone: str | None = None,
    legacy_id_card: str | None = None,
    eid_level: str | None = None,
    eid_linked_on: datetime.date | None = None,
    clear_eid_linked_on: bool = False,
) -> Person:
    """Change some fields (None = unchanged; "" clears household, relation, phone, old ID).

    The whole record is validated again, so a new birth date must still agree with the ID.
    """
    _require_manage(actor, person.village_id)
    before = _person_state(person)
    linked = None if clear_eid_linked_on else (eid_linked_on or person.eid_linked_on)
    new_household = before["household"] or "" if household_code is None else household_code
    fields = _clean_person(
        actor,
        person=person,
        national_id=person.national_id if national_id is None else national_id,
        full_name=person.full_name if full_name is None else full_name,
        birth_date=person.birth_date if birth_date is None else birth_date,
        sex=person.sex if sex is None else sex,
        ethnicity=person.ethnicity if ethnicity is None else ethnicity,
        village_code=person.village.code if village_code is None else village_code,
        household_code=new_household,
        relation_to_head=(
            ("" if not new_household else person.relation_to_head)
            if relation_to_head is None
            else relation_to_head
        ),
        phone=person.phone if phone is None else phone,
        legacy_id_card=person.legacy_id_card if legacy_id_card is None else legacy_id_card,
        eid_level=person.eid_level if eid_level is None else eid_level,
        eid_linked_on=linked,
    )  # the manage right over a new village is checked there, before the ID number
    for name, value in fields.items():
        setattr(person, name, value)
    changes = diff(before, _person_state(person))
    if not changes:
        return person
    person.save()
    audit_record(
        actor=actor,
        action="person.update",
        target=person,
        changes=_person_audit_view(changes),
        unit_id=person.village_id,
    )
    return person


@transaction.atomic
def person_change_status(
    *,
    actor: Any,
    person: Person,
    status: str,
    on: datetime.date | None = None,
    note: str = "",
) -> Person:
    """Moved away, deceased, or back ("living_here"); the history keeps every change."""
    _require_manage(actor, person.village_id)
    check = rules.ErrorCollector()
    new_status = check.run(rules.clean_status, status)
    day = on or timezone.localdate()
    if new_status is not None and new_status == person.status:
        check.add("status", _("The person already has this status."))
    if person.status == PersonStatus.DECEASED and new_status is not None:
        check.add("status", _("A deceased person's status cannot change."))
    if day > timezone.localdate():
        check.add("on", _("The date is in the future."))
    elif day < person.status_since:
        check.add(
            "on",
            _("The date is before the current status began (%(date)s).")
            % {"date": show_date(person.status_since)},
        )
    if len(note) > 300:
        check.add("note", _("At most %(n)s characters.") % {"n": 300})
    check.raise_if_any()
    assert new_status is not None
    before = {"status": person.status, "status_since": person.status_since}
    if not PersonStatusChange.objects.filter(person=person).exists():
        # The first change: the history starts with the status the person was registered with
        # (registering a person, one by one or a million by import, writes no history row).
        PersonStatusChange.objects.create(
            person=person, status=person.status, on=person.status_since
        )
    person.status, person.status_since = new_status, day
    person.save(update_fields=["status", "status_since", "updated_at"])
    PersonStatusChange.objects.create(person=person, status=new_status, on=day, note=note)
    changes: dict[str, Any] = diff(before, {"status": person.status, "status_since": day})
    if note:
        changes["note"] = note
    audit_record(
        actor=actor,
        action="person.change_status",
        target=person,
        changes=changes,
        unit_id=person.village_id,
    )
    return person


@transaction.atomic
def show_national_id(*, actor: Any, person: Person) -> str:
    """The ID number in full for an actor holding `registry.view_personal_id` over the person's
    village (and an audit entry saying so), else masked. Call it for one record the user asked
    to see in full, never for each row of a list."""
    if not can_view_national_id(actor, person):
        return mask_national_id(person.national_id)
    audit_record(
        actor=actor, action="person.view_national_id", target=person, unit_id=person.village_id
    )
    return person.national_id


# ---------------------------------------------------------------------------------------------
# Households
# ---------------------------------------------------------------------------------------------


def _household_state(household: Household) -> dict[str, Any]:
    return {
        "code": household.code,
        "village": household.village.code,
        "address": household.address,
        "poverty_status": household.poverty_status,
        "poverty_year": household.poverty_year,
        "clan": household.clan.code if household.clan_id and household.clan else None,
    }


def _check_clan_for_village(
    check: rules.ErrorCollector, clan: Clan | None, village: AdminUnit | None
) -> None:
    if clan is not None and village is not None and clan.commune_id != village.parent_id:
        check.add("clan", _("The clan belongs to another commune."))


@transaction.atomic
def household_create(
    *,
    actor: Any,
    code: str,
    village_code: str,
    address: str = "",
    poverty_status: str = "none",
    poverty_year: int | None = None,
    clan_code: str = "",
) -> Household:
    _require_manage_somewhere(actor)
    check = rules.ErrorCollector()
    code_value = check.run(rules.clean_code, code, "code")
    village = check.run(_village, actor, village_code)
    if village is not None:
        _require_manage(actor, village.id)  # before the code is looked up, province-wide
    if code_value is not None and village is not None:
        existing = Household.objects.filter(code=code_value).first()
        if existing is not None and village is not None and existing.village_id != village.id:
            check.add(
                "code",
                _("The household code “%(code)s” is used in another village.")
                % {"code": code_value},
            )
        elif existing is not None:
            check.add("code", _("The code “%(code)s” is already used.") % {"code": code_value})
    address_value = " ".join((address or "").split())
    if len(address_value) > 300:
        check.add("address", _("At most %(n)s characters.") % {"n": 300})
    poverty = check.run(rules.clean_poverty, poverty_status, poverty_year)
    clan = check.run(_clan, actor, clan_code) if (clan_code or "").strip() else None
    _check_clan_for_village(check, clan, village)
    check.raise_if_any()
    assert village is not None
    assert poverty is not None
    assert code_value is not None
    household = Household.objects.create(
        code=code_value,
        village=village,
        address=address_value,
        poverty_status=poverty[0],
        poverty_year=poverty[1],
        clan=clan,
    )
    audit_record(
        actor=actor,
        action="household.create",
        target=household,
        changes=_household_state(household),
        unit_id=village.id,
    )
    return household


@transaction.atomic
def household_update(
    *,
    actor: Any,
    household: Household,
    address: str | None = None,
    poverty_status: str | None = None,
    poverty_year: int | None = None,
    clan_code: str | None = None,
) -> Household:
    """Change a household (None = unchanged; `clan_code=""` takes it out of its clan). A
    household does not move village: its members would be left behind."""
    _require_manage(actor, household.village_id)
    before = _household_state(household)
    check = rules.ErrorCollector()
    if address is not None:
        address_value = " ".join(address.split())
        if len(address_value) > 300:
            check.add("address", _("At most %(n)s characters.") % {"n": 300})
        household.address = address_value
    if poverty_status is not None or poverty_year is not None:
        status = household.poverty_status if poverty_status is None else poverty_status
        year = (
            poverty_year if poverty_year is not None or poverty_status else household.poverty_year
        )
        poverty = check.run(rules.clean_poverty, status, year)
        if poverty is not None:
            household.poverty_status, household.poverty_year = poverty
    if clan_code is not None:
        clan = check.run(_clan, actor, clan_code) if clan_code.strip() else None
        _check_clan_for_village(check, clan, household.village)
        household.clan = clan
    check.raise_if_any()
    changes = diff(before, _household_state(household))
    if not changes:
        return household
    household.save()
    audit_record(
        actor=actor,
        action="household.update",
        target=household,
        changes=changes,
        unit_id=household.village_id,
    )
    return household


# ---------------------------------------------------------------------------------------------
# Clans
# ---------------------------------------------------------------------------------------------


def _representative(
    check: rules.ErrorCollector, actor: Any, national_id: str, commune: AdminUnit | None
) -> Person | None:
    person = check.run(_person, actor, national_id, "representative")
    if person is not None and commune is not None and person.village.parent_id != commune.id:
        check.add("representative", _("The representative must live in the clan's commune."))
    return person


@transaction.atomic
def clan_create(
    *,
    actor: Any,
    code: str,
    name: str,
    commune_code: str,
    representative_national_id: str = "",
) -> Clan:
    _require_manage_somewhere(actor)
    check = rules.ErrorCollector()
    commune = check.run(_commune, actor, commune_code)
    if commune is not None:
        _require_manage(actor, commune.id)  # before the code is looked up, province-wide
    code_value = check.run(rules.clean_code, code, "code")
    if (
        code_value is not None
        and commune is not None
        and Clan.objects.filter(code=code_value).exists()
    ):
        check.add("code", _("The code “%(code)s” is already used.") % {"code": code_value})
    name_value = check.run(rules.clean_name, name, "name")
    representative = None
    if (representative_national_id or "").strip():
        representative = _representative(check, actor, representative_national_id, commune)
    check.raise_if_any()
    assert commune is not None
    assert code_value is not None
    assert name_value is not None
    clan = Clan.objects.create(
        code=code_value,
        name=name_value,
        search_name=fold(name_value),
        commune=commune,
        representative=representative,
    )
    audit_record(
        actor=actor,
        action="clan.create",
        target=clan,
        changes={
            "code": clan.code,
            "name": clan.name,
            "commune": commune.code,
            "representative": representative.masked_national_id if representative else None,
        },
        unit_id=commune.id,
    )
    return clan


@transaction.atomic
def clan_update(
    *,
    actor: Any,
    clan: Clan,
    name: str | None = None,
    representative_national_id: str | None = None,
) -> Clan:
    """Rename a clan or change its representative (`""` removes the representative)."""
    _require_manage(actor, clan.commune_id)
    rep = clan.representative
    before = {"name": clan.name, "representative": rep.masked_national_id if rep else None}
    check = rules.ErrorCollector()
    if name is not None:
        name_value = check.run(rules.clean_name, name, "name")
        if name_value is not None:
            clan.name, clan.search_name = name_value, fold(name_value)
    if representative_national_id is not None:
        clan.representative = (
            _representative(check, actor, representative_national_id, clan.commune)
            if representative_national_id.strip()
            else None
        )
    check.raise_if_any()
    rep = clan.representative
    changes = diff(
        before, {"name": clan.name, "representative": rep.masked_national_id if rep else None}
    )
    if not changes:
        return clan
    clan.save()
    audit_record(
        actor=actor, action="clan.update", target=clan, changes=changes, unit_id=clan.commune_id
    )
    return clan


# ---------------------------------------------------------------------------------------------
# Organisation memberships
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def membership_create(
    *,
    actor: Any,
    national_id: str,
    organisation_code: str,
    position: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None = None,
) -> OrganisationMembership:
    _require_manage_somewhere(actor)
    check = rules.ErrorCollector()
    person = check.run(_person, actor, national_id)
    org = check.run(_organisation, actor, organisation_code)
    position_value = check.run(rules.clean_position, position)
    period = check.run(rules.clean_period, start_date, end_date)
    if period is not None and period[0] > timezone.localdate():
        check.add("start_date", _("The date is in the future."))
    if person is not None and period is not None and period[0] < person.birth_date:
        check.add("start_date", _("The date is before the birth date."))
    if (
        person is not None
        and org is not None
        and position_value is not None
        and OrganisationMembership.objects.filter(
            person=person, organisation=org, position=position_value, end_date__isnull=True
        ).exists()
    ):
        check.add("organisation", _("The person already holds this position in this organisation."))
    check.raise_if_any()
    assert person is not None
    assert org is not None
    assert period is not None
    assert position_value is not None
    _require_manage(actor, person.village_id)
    membership = OrganisationMembership.objects.create(
        person=person,
        organisation=org,
        position=position_value,
        start_date=period[0],
        end_date=period[1],
    )
    audit_record(
        actor=actor,
        action="membership.create",
        target=membership,
        changes={
            "person": person.masked_national_id,
            "organisation": org.code,
            "position": position_value,
            "start_date": period[0],
            "end_date": period[1],
        },
        unit_id=person.village_id,
        organisation_id=org.id,
    )
    return membership


@transaction.atomic
def membership_end(
    *, actor: Any, membership: OrganisationMembership, end_date: datetime.date
) -> OrganisationMembership:
    _require_manage(actor, membership.person.village_id)
    if membership.end_date is not None:
        raise Conflict(_("The membership has already ended."))
    if end_date < membership.start_date:
        raise InvalidInput({"end_date": _("The end date is before the start date.")})
    membership.end_date = end_date
    membership.save(update_fields=["end_date", "updated_at"])
    audit_record(
        actor=actor,
        action="membership.end",
        target=membership,
        changes={"end_date": end_date},
        unit_id=membership.person.village_id,
        organisation_id=membership.organisation_id,
    )
    return membership


def register_tables_tidy() -> None:
    """Maintenance after a bulk load of persons and households (an import, the demo): the
    database's statistics and visibility information, so that searches stay fast. Run outside
    a transaction (as a task)."""
    bulk.vacuum_analyze(Household)
    bulk.vacuum_analyze(Person)
