"""The registry services: every bad input is refused with the field named, and nothing is
written (rows and audit entries counted); permissions follow the record's village/commune."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone, translation

from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import START, World
from hoctap.core.errors import Conflict, InvalidInput, PermissionDenied
from hoctap.registry import services
from hoctap.registry.models import (
    Clan,
    Household,
    OrganisationMembership,
    Person,
    PersonStatus,
    PersonStatusChange,
)

D = datetime.date
TABLES = (Person, PersonStatusChange, Household, Clan, OrganisationMembership, AuditEntry)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def snapshot() -> dict[str, Any]:
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in TABLES}


@contextlib.contextmanager
def refused(*fields: str) -> Iterator[None]:
    """The block raises InvalidInput naming exactly `fields`, and changes nothing."""
    before = snapshot()
    with pytest.raises(InvalidInput) as caught:
        yield
    assert set(caught.value.errors) == set(fields), caught.value.errors
    assert snapshot() == before


def person_kwargs(world: World, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "national_id": "010192004321",
        "full_name": "  Nguyễn   Thị Hoa ",
        "birth_date": D(1992, 5, 4),
        "sex": "female",
        "ethnicity": "Tày",
        "village_code": world.village_a.code,
        "household_code": world.household_a.code,
        "relation_to_head": "child",
        "phone": "0912 345 678",
        "eid_level": "2",
        "eid_linked_on": D(2025, 8, 1),
    }
    values.update(overrides)
    return values


def test_person_create_stores_the_clean_record_history_and_audit(world: World) -> None:
    person = services.person_create(actor=world.officer_a, **person_kwargs(world))
    assert person.full_name == "Nguyễn Thị Hoa"
    assert person.search_name == "nguyen thi hoa"
    assert person.ethnicity == "02"
    assert person.phone == "0912345678"
    assert person.status == PersonStatus.LIVING_HERE
    assert not person.status_changes.exists()  # the history starts at the first change
    entry = AuditEntry.objects.get(action="person.create", target_id=str(person.pk))
    assert entry.unit_id == world.village_a.id
    assert entry.changes["national_id"] == "********4321"
    assert "010192004321" not in str(entry.changes)
    assert entry.target_label == "Nguyễn Thị Hoa (********4321)"


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"national_id": "12345"}, {"national_id"}),
        ({"national_id": "003192004321"}, {"national_id"}),
        ({"national_id": "010092004321"}, {"national_id"}),  # male digit, female person
        ({"national_id": "010392004321"}, {"national_id"}),  # 2000s digit, born 1992
        ({"national_id": "010193004321"}, {"national_id"}),  # year 93, born 1992
        ({"national_id": "010085001234"}, {"national_id"}),  # already registered (person_a)
        ({"full_name": "   "}, {"full_name"}),
        ({"full_name": "x" * 201}, {"full_name"}),
        ({"birth_date": D(2999, 1, 1)}, {"birth_date"}),
        ({"birth_date": D(1800, 1, 1)}, {"birth_date"}),
        ({"sex": "other"}, {"sex"}),
        ({"ethnicity": "Martian"}, {"ethnicity"}),
        ({"ethnicity": "99"}, {"ethnicity"}),
        ({"village_code": "NOWHERE"}, {"village"}),
        ({"village_code": "02647"}, {"village"}),  # a commune, not a village
        ({"village_code": "04465-001"}, {"village"}),  # commune B's village: not visible
        ({"household_code": "NOWHERE"}, {"household"}),
        ({"household_code": "HH-ZETA-001"}, {"household"}),  # commune B's: unknown
        ({"relation_to_head": ""}, {"relation_to_head"}),
        ({"relation_to_head": "cousin"}, {"relation_to_head"}),
        ({"relation_to_head": "head"}, {"relation_to_head"}),  # household_a has a head
        ({"household_code": "", "relation_to_head": "child"}, {"relation_to_head"}),
        ({"phone": "12ab"}, {"phone"}),
        ({"legacy_id_card": "12345"}, {"legacy_id_card"}),
        ({"eid_level": "3"}, {"eid_level"}),
        ({"eid_level": "none"}, {"eid_linked_on"}),
        ({"eid_linked_on": D(2999, 1, 1)}, {"eid_linked_on"}),
        ({"eid_linked_on": D(1980, 1, 1)}, {"eid_linked_on"}),
        ({"status_since": D(2999, 1, 1)}, {"status_since"}),
        # several at once: every field named in one answer
        ({"full_name": "", "sex": "x", "ethnicity": "?"}, {"full_name", "sex", "ethnicity"}),
    ],
)
def test_person_create_refuses_bad_input(
    world: World, overrides: dict[str, Any], fields: set[str]
) -> None:
    with refused(*fields):
        services.person_create(actor=world.officer_a, **person_kwargs(world, **overrides))


def test_a_household_of_another_village_is_refused(world: World) -> None:
    other = services.household_create(
        actor=SYSTEM, code="HH-A-OTHER", village_code=world.village_a.code
    )
    from hoctap.geo import services as geo

    village = geo.village_create(actor=SYSTEM, parent_code=world.commune_a.code, name="Thôn Mới")
    with refused("household"):
        services.person_create(
            actor=world.officer_a,
            **person_kwargs(world, village_code=village.code, household_code=other.code),
        )


def test_birth_date_not_in_the_future_even_today_plus_one(world: World) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with refused("birth_date"):
        services.person_create(actor=world.officer_a, **person_kwargs(world, birth_date=tomorrow))


@pytest.mark.parametrize("who", ["viewer", "secretariat", "org_officer_b"])
def test_person_create_needs_manage_registry(world: World, who: str) -> None:
    before = snapshot()
    with pytest.raises((PermissionDenied, InvalidInput)):
        services.person_create(actor=getattr(world, who), **person_kwargs(world))
    assert snapshot() == before


def test_the_officer_of_commune_b_cannot_register_in_commune_a(world: World) -> None:
    with refused("village", "household"):
        services.person_create(actor=world.officer_b, **person_kwargs(world))


def test_person_update_revalidates_the_whole_record(world: World) -> None:
    person = world.person_a
    with refused("national_id"):
        services.person_update(actor=world.officer_a, person=person, birth_date=D(1986, 3, 12))
    with refused("national_id"):
        services.person_update(actor=world.officer_a, person=person, sex="female")
    with refused("relation_to_head"):
        services.person_update(
            actor=world.officer_a, person=world.person_a2, relation_to_head="head"
        )
    updated = services.person_update(
        actor=world.officer_a, person=person, full_name="Nguyễn Văn Ân", phone=""
    )
    assert updated.search_name == "nguyen van an"
    entry = AuditEntry.objects.filter(action="person.update").latest("pk")
    assert entry.changes == {"full_name": ["Nguyễn Văn An", "Nguyễn Văn Ân"]}
    count = AuditEntry.objects.count()
    services.person_update(actor=world.officer_a, person=person, full_name="Nguyễn Văn Ân")
    assert AuditEntry.objects.count() == count  # nothing changed, nothing audited


def test_person_update_correcting_the_id_is_audited_masked(world: World) -> None:
    services.person_update(actor=world.officer_a, person=world.person_a, national_id="001085009999")
    entry = AuditEntry.objects.filter(action="person.update").latest("pk")
    assert entry.changes["national_id"] == ["********1234", "********9999"]


def test_person_update_leaving_the_household(world: World) -> None:
    person = services.person_update(
        actor=world.officer_a, person=world.person_a2, household_code=""
    )
    assert person.household is None
    assert person.relation_to_head == ""


def test_person_update_out_of_scope_is_refused(world: World) -> None:
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.person_update(actor=world.officer_a, person=world.person_b, full_name="X")
    with pytest.raises(PermissionDenied):
        services.person_update(actor=world.viewer, person=world.person_a, full_name="X")
    assert snapshot() == before


def test_status_changes_keep_their_history(world: World) -> None:
    person = world.person_a2
    services.person_change_status(
        actor=world.officer_a, person=person, status="moved_away", on=D(2025, 9, 1), note="Hà Nội"
    )
    services.person_change_status(
        actor=world.officer_a, person=person, status="living_here", on=D(2025, 12, 1)
    )
    person.refresh_from_db()
    assert person.status == "living_here"
    assert person.status_since == D(2025, 12, 1)
    history = list(person.status_changes.values_list("status", "on", "note"))
    assert history == [
        ("living_here", START, ""),
        ("moved_away", D(2025, 9, 1), "Hà Nội"),
        ("living_here", D(2025, 12, 1), ""),
    ]
    assert AuditEntry.objects.filter(action="person.change_status").count() == 2


@pytest.mark.parametrize(
    ("status", "on", "field"),
    [
        ("gone", D(2025, 9, 1), "status"),
        ("living_here", D(2025, 9, 1), "status"),  # already
        ("moved_away", D(2999, 1, 1), "on"),
        ("moved_away", D(2025, 1, 1), "on"),  # before the current status began
    ],
)
def test_status_change_refusals(world: World, status: str, on: datetime.date, field: str) -> None:
    with refused(field):
        services.person_change_status(
            actor=world.officer_a, person=world.person_a, status=status, on=on
        )


def test_a_deceased_person_stays_deceased(world: World) -> None:
    services.person_change_status(
        actor=world.officer_a, person=world.person_a, status="deceased", on=D(2025, 10, 1)
    )
    with refused("status"):
        services.person_change_status(
            actor=world.officer_a, person=world.person_a, status="living_here", on=D(2025, 11, 1)
        )


def test_show_national_id_in_full_is_audited_only_when_permitted(world: World) -> None:
    count = AuditEntry.objects.count()
    assert services.show_national_id(actor=world.viewer, person=world.person_a) == "********1234"
    assert AuditEntry.objects.count() == count
    assert services.show_national_id(actor=world.officer_a, person=world.person_a) == "010085001234"
    entry = AuditEntry.objects.latest("pk")
    assert entry.action == "person.view_national_id"
    assert entry.unit_id == world.village_a.id
    assert entry.actor == world.officer_a


def test_household_create_and_its_rules(world: World) -> None:
    household = services.household_create(
        actor=world.officer_a,
        code="HH-A-002",
        village_code=world.village_a.code,
        address=" 12  Cốc Lếu ",
        poverty_status="near_poor",
        poverty_year=2025,
        clan_code=world.clan_a.code,
    )
    assert household.address == "12 Cốc Lếu"
    assert AuditEntry.objects.filter(action="household.create", unit=world.village_a).exists()
    kwargs: dict[str, Any] = {"code": "HH-A-003", "village_code": world.village_a.code}
    with refused("code"):
        services.household_create(actor=world.officer_a, **{**kwargs, "code": "HH-A-002"})
    with refused("code"):  # a household code used in another village
        services.household_create(actor=world.officer_a, **{**kwargs, "code": "HH-ZETA-001"})
    with refused("code"):
        services.household_create(actor=world.officer_a, **{**kwargs, "code": "bad code!"})
    with refused("village"):
        services.household_create(actor=world.officer_a, **{**kwargs, "village_code": "04465"})
    with refused("poverty_status"):
        services.household_create(actor=world.officer_a, **kwargs, poverty_status="rich")
    with refused("poverty_year"):
        services.household_create(actor=world.officer_a, **kwargs, poverty_status="poor")
    with refused("poverty_year"):
        services.household_create(
            actor=world.officer_a, **kwargs, poverty_status="poor", poverty_year=1850
        )
    with refused("clan"):
        services.household_create(actor=world.officer_a, **kwargs, clan_code="HO-ZETA-B")
    with refused("address"):
        services.household_create(actor=world.officer_a, **kwargs, address="x" * 301)


def test_household_create_with_a_clan_of_another_commune(world: World) -> None:
    with refused("clan"):
        services.household_create(
            actor=SYSTEM, code="HH-X", village_code=world.village_a.code, clan_code="HO-ZETA-B"
        )


def test_household_update(world: World) -> None:
    household = services.household_update(
        actor=world.officer_a, household=world.household_a, poverty_status="poor", poverty_year=2025
    )
    assert household.poverty_status == "poor"
    with refused("poverty_year"):
        services.household_update(
            actor=world.officer_a, household=world.household_a, poverty_status="near_poor",
            poverty_year=None,
        )  # fmt: skip
    household = services.household_update(
        actor=world.officer_a, household=world.household_a, clan_code=""
    )
    assert household.clan is None
    with pytest.raises(PermissionDenied):
        services.household_update(actor=world.officer_a, household=world.household_b, address="x")


def test_clan_create_and_update(world: World) -> None:
    clan = services.clan_create(
        actor=world.officer_a,
        code="HO-TRAN-A",
        name="Họ Trần",
        commune_code=world.commune_a.code,
        representative_national_id=world.person_a.national_id,
    )
    assert clan.representative == world.person_a
    entry = AuditEntry.objects.get(action="clan.create", target_id=str(clan.pk))
    assert entry.unit_id == world.commune_a.id
    assert entry.changes["representative"] == "********1234"
    kwargs: dict[str, Any] = {"code": "HO-LE-A", "name": "Họ Lê", "commune_code": "02647"}
    with refused("code"):
        services.clan_create(actor=world.officer_a, **{**kwargs, "code": "HO-TRAN-A"})
    with refused("name"):
        services.clan_create(actor=world.officer_a, **{**kwargs, "name": " "})
    with refused("commune"):
        services.clan_create(actor=world.officer_a, **{**kwargs, "commune_code": "04465"})
    with refused("commune"):
        services.clan_create(
            actor=world.officer_a, **{**kwargs, "commune_code": world.village_a.code}
        )
    with refused("representative"):
        services.clan_create(
            actor=world.officer_a, **kwargs, representative_national_id="015190009876"
        )
    with refused("representative"):  # visible to the system, but not of this commune
        services.clan_create(actor=SYSTEM, **kwargs, representative_national_id="015190009876")
    clan = services.clan_update(
        actor=world.officer_a, clan=clan, name="Họ Trần Văn", representative_national_id=""
    )
    assert clan.representative is None
    assert clan.search_name == "ho tran van"
    with pytest.raises(PermissionDenied):
        services.clan_update(actor=world.officer_a, clan=world.clan_b, name="X")


def test_membership_create_and_end(world: World) -> None:
    membership = services.membership_create(
        actor=world.officer_a,
        national_id=world.person_a.national_id,
        organisation_code=world.org_a.code,
        position="teacher",
        start_date=D(2025, 9, 1),
    )
    entry = AuditEntry.objects.get(action="membership.create", target_id=str(membership.pk))
    assert entry.unit_id == world.village_a.id
    assert entry.organisation_id == world.org_a.id
    kwargs: dict[str, Any] = {
        "national_id": world.person_a.national_id,
        "organisation_code": world.org_a.code,
        "position": "staff",
        "start_date": D(2025, 9, 1),
    }
    with refused("organisation"):  # the same open position twice
        services.membership_create(actor=world.officer_a, **{**kwargs, "position": "teacher"})
    with refused("national_id"):
        services.membership_create(
            actor=world.officer_a, **{**kwargs, "national_id": "015190009876"}
        )
    with refused("organisation"):
        services.membership_create(
            actor=world.officer_a, **{**kwargs, "organisation_code": "HKH-B"}
        )
    with refused("position"):
        services.membership_create(actor=world.officer_a, **{**kwargs, "position": "king"})
    with refused("end_date"):
        services.membership_create(actor=world.officer_a, **kwargs, end_date=D(2025, 1, 1))
    with refused("start_date"):
        services.membership_create(actor=world.officer_a, **{**kwargs, "start_date": D(1970, 1, 1)})
    with refused("start_date"):
        services.membership_create(actor=world.officer_a, **{**kwargs, "start_date": D(2999, 1, 1)})
    with refused("end_date"):
        services.membership_end(
            actor=world.officer_a, membership=membership, end_date=D(2025, 1, 1)
        )
    ended = services.membership_end(
        actor=world.officer_a, membership=membership, end_date=D(2025, 12, 31)
    )
    assert ended.end_date == D(2025, 12, 31)
    with pytest.raises(Conflict):
        services.membership_end(
            actor=world.officer_a, membership=membership, end_date=D(2026, 1, 1)
        )
    with pytest.raises(PermissionDenied):
        services.membership_end(
            actor=world.officer_a, membership=world.membership_b, end_date=D(2026, 1, 1)
        )


def test_every_write_runs_in_one_transaction_with_its_audit(world: World) -> None:
    """A failure after the row is written (here: the audit) leaves nothing behind."""
    from unittest import mock

    before = snapshot()
    with (
        mock.patch.object(services, "audit_record", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        services.person_create(actor=world.officer_a, **person_kwargs(world))
    assert snapshot() == before
