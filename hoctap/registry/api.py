"""`/api/v1/persons`, `/households`, `/clans`, `/memberships`: thin endpoints over the registry
services. ID numbers are masked everywhere except `GET /persons/{national_id}?reveal=1` by a
holder of `registry.view_personal_id`, which is audited once."""

import datetime
from typing import Any

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from hoctap.core.api import ERRORS, AuthedRequest, Pages
from hoctap.registry import selectors, services
from hoctap.registry.ethnicity import ethnicity_name
from hoctap.registry.models import (
    Clan,
    EidLevel,
    Household,
    OrganisationMembership,
    Person,
    PersonStatus,
    Position,
    PovertyStatus,
    RelationToHead,
    Sex,
)
from hoctap.registry.rules import EARLIEST_POVERTY_YEAR, LARGEST_YEAR

router = Router(tags=["registers"])


class PersonOut(Schema):
    national_id: str = Field(..., description="Masked (`********6789`) unless revealed")
    full_name: str
    birth_date: datetime.date
    sex: str
    ethnicity: str
    ethnicity_name: str
    village_code: str
    household_code: str | None
    relation_to_head: str
    status: str
    status_since: datetime.date
    eid_level: str
    eid_linked_on: datetime.date | None

    @staticmethod
    def resolve_national_id(obj: Person) -> str:
        return getattr(obj, "shown_national_id", None) or obj.masked_national_id

    @staticmethod
    def resolve_ethnicity_name(obj: Person) -> str:
        return ethnicity_name(obj.ethnicity)

    @staticmethod
    def resolve_village_code(obj: Person) -> str:
        return obj.village.code

    @staticmethod
    def resolve_household_code(obj: Person) -> str | None:
        return obj.household.code if obj.household_id and obj.household else None


class StatusChangeOut(Schema):
    status: str
    on: datetime.date
    note: str


class PersonDetailOut(PersonOut):
    national_id_revealed: bool
    legacy_id_card: str
    phone: str
    history: list[StatusChangeOut]

    @staticmethod
    def resolve_national_id_revealed(obj: Person) -> bool:
        return getattr(obj, "shown_national_id", None) == obj.national_id

    @staticmethod
    def resolve_legacy_id_card(obj: Person) -> str:
        # an old ID card number is as personal as the new one
        if getattr(obj, "shown_national_id", None) == obj.national_id or not obj.legacy_id_card:
            return obj.legacy_id_card
        return "*****" + obj.legacy_id_card[-4:]

    @staticmethod
    def resolve_history(obj: Person) -> list[Any]:
        return list(selectors.person_history(person=obj))


class PersonFilter(Schema):
    within: str | None = Field(None, description="Persons anywhere beneath this unit")
    status: PersonStatus | None = None
    q: str | None = Field(
        None,
        max_length=100,
        description="Name, or ID number (whole if you see them masked)",
    )


class PersonIn(Schema):
    national_id: str
    full_name: str
    birth_date: datetime.date
    sex: Sex
    ethnicity: str = Field(..., description="Code (`01`) or name (`Kinh`)")
    village: str = Field(..., description="Code of the village")
    household: str = ""
    relation_to_head: RelationToHead | None = None
    phone: str = ""
    legacy_id_card: str = ""
    eid_level: EidLevel = EidLevel.NONE
    eid_linked_on: datetime.date | None = None
    status_since: datetime.date | None = None


class PersonPatch(Schema):
    national_id: str | None = None
    full_name: str | None = None
    birth_date: datetime.date | None = None
    sex: Sex | None = None
    ethnicity: str | None = None
    village: str | None = None
    household: str | None = Field(None, description='"" takes the person out of the household')
    relation_to_head: RelationToHead | None = None
    phone: str | None = None
    legacy_id_card: str | None = None
    eid_level: EidLevel | None = None
    eid_linked_on: datetime.date | None = None


class StatusIn(Schema):
    status: PersonStatus
    on: datetime.date | None = None
    note: str = ""


@router.get("/persons", response={200: list[PersonOut], **ERRORS})
@paginate(Pages, page_size=100)
def person_list(request: AuthedRequest, filters: Query[PersonFilter]) -> Any:
    return selectors.person_list(
        actor=request.auth, within_unit_code=filters.within, status=filters.status, q=filters.q
    )


@router.post("/persons", response={201: PersonDetailOut, **ERRORS})
def person_create(request: AuthedRequest, payload: PersonIn) -> Any:
    person = services.person_create(
        actor=request.auth,
        national_id=payload.national_id,
        full_name=payload.full_name,
        birth_date=payload.birth_date,
        sex=payload.sex,
        ethnicity=payload.ethnicity,
        village_code=payload.village,
        household_code=payload.household,
        relation_to_head=payload.relation_to_head or "",
        phone=payload.phone,
        legacy_id_card=payload.legacy_id_card,
        eid_level=payload.eid_level,
        eid_linked_on=payload.eid_linked_on,
        status_since=payload.status_since,
    )
    return Status(201, person)


@router.get("/persons/{national_id}", response={200: PersonDetailOut, **ERRORS})
def person_detail(request: AuthedRequest, national_id: str, reveal: bool = False) -> Any:
    """`?reveal=1` shows the ID number in full to a holder of `registry.view_personal_id`
    (audited as `person.view_national_id`); otherwise, and for everyone else, it is masked."""
    person = selectors.person_get(actor=request.auth, national_id=national_id)
    if reveal:
        person.shown_national_id = services.show_national_id(actor=request.auth, person=person)  # type: ignore[attr-defined]
    return person


@router.patch("/persons/{national_id}", response={200: PersonDetailOut, **ERRORS})
def person_update(request: AuthedRequest, national_id: str, payload: PersonPatch) -> Any:
    person = selectors.person_get(actor=request.auth, national_id=national_id)
    fields = payload.dict(exclude_unset=True)
    return services.person_update(
        actor=request.auth,
        person=person,
        national_id=fields.get("national_id"),
        full_name=fields.get("full_name"),
        birth_date=fields.get("birth_date"),
        sex=fields.get("sex"),
        ethnicity=fields.get("ethnicity"),
        village_code=fields.get("village"),
        household_code=fields.get("household"),
        relation_to_head=(
            (fields["relation_to_head"] or "") if "relation_to_head" in fields else None
        ),
        phone=fields.get("phone"),
        legacy_id_card=fields.get("legacy_id_card"),
        eid_level=fields.get("eid_level"),
        eid_linked_on=fields.get("eid_linked_on"),
        clear_eid_linked_on="eid_linked_on" in fields and fields["eid_linked_on"] is None,
    )


@router.post("/persons/{national_id}/status", response={200: PersonDetailOut, **ERRORS})
def person_change_status(request: AuthedRequest, national_id: str, payload: StatusIn) -> Any:
    person = selectors.person_get(actor=request.auth, national_id=national_id)
    return services.person_change_status(
        actor=request.auth, person=person, status=payload.status, on=payload.on, note=payload.note
    )


class HouseholdOut(Schema):
    code: str
    village_code: str
    address: str
    poverty_status: str
    poverty_year: int | None
    clan_code: str | None

    @staticmethod
    def resolve_village_code(obj: Household) -> str:
        return obj.village.code

    @staticmethod
    def resolve_clan_code(obj: Household) -> str | None:
        return obj.clan.code if obj.clan_id and obj.clan else None


class MemberOut(Schema):
    national_id: str
    full_name: str
    relation_to_head: str

    @staticmethod
    def resolve_national_id(obj: Person) -> str:
        return obj.masked_national_id


class HouseholdDetailOut(HouseholdOut):
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj: Household) -> list[Person]:
        return list(obj.members.order_by("relation_to_head", "birth_date"))


class HouseholdFilter(Schema):
    within: str | None = None
    q: str | None = Field(None, max_length=100, description="Code prefix")


class HouseholdIn(Schema):
    code: str
    village: str
    address: str = ""
    poverty_status: PovertyStatus = PovertyStatus.NONE
    poverty_year: int | None = Field(None, ge=EARLIEST_POVERTY_YEAR, le=LARGEST_YEAR)
    clan: str = ""


class HouseholdPatch(Schema):
    address: str | None = None
    poverty_status: PovertyStatus | None = None
    poverty_year: int | None = Field(None, ge=EARLIEST_POVERTY_YEAR, le=LARGEST_YEAR)
    clan: str | None = Field(None, description='"" takes the household out of its clan')


@router.get("/households", response={200: list[HouseholdOut], **ERRORS})
@paginate(Pages, page_size=100)
def household_list(request: AuthedRequest, filters: Query[HouseholdFilter]) -> Any:
    return selectors.household_list(
        actor=request.auth, within_unit_code=filters.within, q=filters.q
    )


@router.post("/households", response={201: HouseholdOut, **ERRORS})
def household_create(request: AuthedRequest, payload: HouseholdIn) -> Any:
    household = services.household_create(
        actor=request.auth,
        code=payload.code,
        village_code=payload.village,
        address=payload.address,
        poverty_status=payload.poverty_status,
        poverty_year=payload.poverty_year,
        clan_code=payload.clan,
    )
    return Status(201, household)


@router.get("/households/{code}", response={200: HouseholdDetailOut, **ERRORS})
def household_detail(request: AuthedRequest, code: str) -> Any:
    return selectors.household_get(actor=request.auth, code=code)


@router.patch("/households/{code}", response={200: HouseholdOut, **ERRORS})
def household_update(request: AuthedRequest, code: str, payload: HouseholdPatch) -> Any:
    household = selectors.household_get(actor=request.auth, code=code)
    fields = payload.dict(exclude_unset=True)
    return services.household_update(
        actor=request.auth,
        household=household,
        address=fields.get("address"),
        poverty_status=fields.get("poverty_status"),
        poverty_year=fields.get("poverty_year"),
        clan_code=fields.get("clan"),
    )


class ClanOut(Schema):
    code: str
    name: str
    commune_code: str
    representative: str | None = Field(
        None, description="Masked ID number; null when none, or outside your scope"
    )
    representative_outside_scope: bool = Field(
        False, description="The clan has a representative you may not see (who moved away)"
    )

    @staticmethod
    def resolve_commune_code(obj: Clan) -> str:
        return obj.commune.code

    @staticmethod
    def resolve_representative(obj: Clan) -> str | None:
        rep = selectors.clan_representative(clan=obj)
        return rep.masked_national_id if rep else None

    @staticmethod
    def resolve_representative_outside_scope(obj: Clan) -> bool:
        return obj.representative_id is not None and selectors.clan_representative(clan=obj) is None


class ClanFilter(Schema):
    within: str | None = None
    q: str | None = Field(None, max_length=100)


class ClanIn(Schema):
    code: str
    name: str
    commune: str
    representative: str = Field("", description="ID number of the representative")


class ClanPatch(Schema):
    name: str | None = None
    representative: str | None = None


@router.get("/clans", response={200: list[ClanOut], **ERRORS})
@paginate(Pages, page_size=100)
def clan_list(request: AuthedRequest, filters: Query[ClanFilter]) -> Any:
    return selectors.clan_list(actor=request.auth, within_unit_code=filters.within, q=filters.q)


@router.post("/clans", response={201: ClanOut, **ERRORS})
def clan_create(request: AuthedRequest, payload: ClanIn) -> Any:
    clan = services.clan_create(
        actor=request.auth,
        code=payload.code,
        name=payload.name,
        commune_code=payload.commune,
        representative_national_id=payload.representative,
    )
    return Status(201, selectors.clan_get(actor=request.auth, code=clan.code))


@router.get("/clans/{code}", response={200: ClanOut, **ERRORS})
def clan_detail(request: AuthedRequest, code: str) -> Any:
    return selectors.clan_get(actor=request.auth, code=code)


@router.patch("/clans/{code}", response={200: ClanOut, **ERRORS})
def clan_update(request: AuthedRequest, code: str, payload: ClanPatch) -> Any:
    clan = selectors.clan_get(actor=request.auth, code=code)
    fields = payload.dict(exclude_unset=True)
    services.clan_update(
        actor=request.auth,
        clan=clan,
        name=fields.get("name"),
        representative_national_id=fields.get("representative"),
    )
    return selectors.clan_get(actor=request.auth, code=code)  # as the actor's reads show it


class MembershipOut(Schema):
    id: int
    national_id: str
    full_name: str
    organisation_code: str
    position: str
    start_date: datetime.date
    end_date: datetime.date | None

    @staticmethod
    def resolve_national_id(obj: OrganisationMembership) -> str:
        return obj.person.masked_national_id

    @staticmethod
    def resolve_full_name(obj: OrganisationMembership) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_organisation_code(obj: OrganisationMembership) -> str:
        return obj.organisation.code


class MembershipFilter(Schema):
    organisation: str | None = None
    national_id: str | None = None
    position: Position | None = None
    current: bool = False


class MembershipIn(Schema):
    national_id: str
    organisation: str
    position: Position
    start_date: datetime.date
    end_date: datetime.date | None = None


class MembershipEndIn(Schema):
    end_date: datetime.date


@router.get("/memberships", response={200: list[MembershipOut], **ERRORS})
@paginate(Pages, page_size=100)
def membership_list(request: AuthedRequest, filters: Query[MembershipFilter]) -> Any:
    return selectors.membership_list(
        actor=request.auth,
        organisation_code=filters.organisation,
        national_id=filters.national_id,
        position=filters.position,
        current_only=filters.current,
    )


@router.post("/memberships", response={201: MembershipOut, **ERRORS})
def membership_create(request: AuthedRequest, payload: MembershipIn) -> Any:
    membership = services.membership_create(
        actor=request.auth,
        national_id=payload.national_id,
        organisation_code=payload.organisation,
        position=payload.position,
        start_date=payload.start_date,
        end_date=payload.end_date,
    )
    return Status(201, membership)


@router.post("/memberships/{membership_id}/end", response={200: MembershipOut, **ERRORS})
def membership_end(request: AuthedRequest, membership_id: int, payload: MembershipEndIn) -> Any:
    membership = selectors.membership_get(actor=request.auth, membership_id=membership_id)
    return services.membership_end(
        actor=request.auth, membership=membership, end_date=payload.end_date
    )
