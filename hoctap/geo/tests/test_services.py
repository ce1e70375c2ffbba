"""The geo services: the official register, villages, closing units, organisations, closures.

A refused action is checked for its error and for every geo and audit table being unchanged."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

import pytest
from django.utils import timezone

from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.core import request_context
from hoctap.core.errors import Conflict, InvalidInput, PermissionDenied
from hoctap.geo import selectors, services
from hoctap.geo.models import (
    AdminUnit,
    Organisation,
    OrganisationClosure,
    OrganisationKind,
    UnitClosure,
    UnitKind,
    UnitLevel,
    UnitSuccession,
)

START = datetime.date(2025, 7, 1)
END = datetime.date(2025, 12, 31)
TABLES = (AdminUnit, UnitClosure, UnitSuccession, Organisation, OrganisationClosure, AuditEntry)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


@contextlib.contextmanager
def writes_nothing() -> Iterator[None]:
    before = counts()
    yield
    assert counts() == before


def unit_closure() -> set[tuple[int, int, int]]:
    return set(UnitClosure.objects.values_list("ancestor_id", "descendant_id", "depth"))


def org_closure() -> set[tuple[int, int, int]]:
    return set(OrganisationClosure.objects.values_list("ancestor_id", "descendant_id", "depth"))


def ancestors_of(org: Organisation) -> dict[str, int]:
    return dict(
        OrganisationClosure.objects.filter(descendant=org).values_list("ancestor__code", "depth")
    )


# ---------------------------------------------------------------------------------------------
# The official register
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_official_province_15_gives_the_province_and_its_99_communes():
    result = services.units_load_official(actor=SYSTEM, province_code="15")

    assert (result.created, result.updated, result.unchanged) == (100, 0, 0)
    province = AdminUnit.objects.get(code="15")
    assert (province.name, province.kind, province.level, province.parent) == (
        "Lào Cai",
        UnitKind.PROVINCE,
        UnitLevel.PROVINCE,
        None,
    )
    communes = AdminUnit.objects.filter(parent=province)
    assert communes.count() == 99
    assert set(communes.values_list("level", flat=True)) == {UnitLevel.COMMUNE}
    assert communes.filter(kind=UnitKind.COMMUNE).count() == 89  # xã
    assert communes.filter(kind=UnitKind.WARD).count() == 10  # phường
    khao_mang = AdminUnit.objects.get(code="04465")
    assert (khao_mang.name, khao_mang.kind, khao_mang.search_name) == (
        "Xã Khao Mang",
        UnitKind.COMMUNE,
        "xa khao mang",
    )
    assert AdminUnit.objects.get(code="02647").kind == UnitKind.WARD
    # one self row per unit and one province → commune row per commune
    assert UnitClosure.objects.count() == 100 + 99
    assert set(
        UnitClosure.objects.filter(descendant=khao_mang).values_list("ancestor__code", "depth")
    ) == {("04465", 0), ("15", 1)}
    assert AuditEntry.objects.filter(action="unit.load_official").count() == 100


@pytest.mark.django_db
def test_load_official_twice_creates_and_updates_nothing():
    services.units_load_official(actor=SYSTEM, province_code="15")
    before = counts()
    stamps = dict(AdminUnit.objects.values_list("code", "updated_at"))

    result = services.units_load_official(actor=SYSTEM, province_code="15")

    assert (result.created, result.updated, result.unchanged) == (0, 0, 100)
    assert counts() == before
    assert dict(AdminUnit.objects.values_list("code", "updated_at")) == stamps


@pytest.mark.django_db
def test_load_official_puts_back_a_changed_name_and_audits_it():
    services.units_load_official(actor=SYSTEM, province_code="15")
    AdminUnit.objects.filter(code="04465").update(name="Xã Sai Tên", search_name="xa sai ten")

    result = services.units_load_official(actor=SYSTEM, province_code="15")

    assert (result.created, result.updated, result.codes) == (0, 1, ["04465"])
    unit = AdminUnit.objects.get(code="04465")
    assert (unit.name, unit.search_name) == ("Xã Khao Mang", "xa khao mang")
    entry = AuditEntry.objects.get(action="unit.update_official")
    assert entry.changes == {"name": ["Xã Sai Tên", "Xã Khao Mang"]}


@pytest.mark.django_db
def test_load_official_without_province_loads_the_whole_country():
    result = services.units_load_official(actor=SYSTEM)

    assert result.created == 34 + 3321
    assert AdminUnit.objects.filter(level=UnitLevel.PROVINCE).count() == 34
    assert AdminUnit.objects.filter(level=UnitLevel.COMMUNE).count() == 3321
    assert AdminUnit.objects.filter(kind=UnitKind.CITY).count() == 6
    assert AdminUnit.objects.filter(kind=UnitKind.SPECIAL_ZONE).count() == 13
    assert not AdminUnit.objects.filter(level=UnitLevel.COMMUNE, parent__isnull=True).exists()
    assert UnitClosure.objects.count() == 34 + 3321 + 3321


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["99", "xx", "1 5"])
def test_load_official_with_an_unknown_province_names_the_province_and_writes_nothing(code):
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.units_load_official(actor=SYSTEM, province_code=code)
    assert set(exc.value.errors) == {"province"}


# ---------------------------------------------------------------------------------------------
# Villages
# ---------------------------------------------------------------------------------------------


def test_village_codes_are_generated_in_order_and_never_reused(world):
    assert world.village_a.code == "02647-001"
    second = services.village_create(
        actor=world.officer_a, parent_code="02647", name="Tổ 2", valid_from=START
    )
    third = services.village_create(
        actor=world.officer_a, parent_code="02647", name="Tổ 3", valid_from=START
    )
    assert (second.code, third.code) == ("02647-002", "02647-003")

    services.unit_close(actor=world.officer_a, unit=third, valid_to=END)
    fourth = services.village_create(
        actor=world.officer_a, parent_code="02647", name="Tổ 3", valid_from=START
    )

    assert fourth.code == "02647-004"
    # numbering is per commune
    other = services.village_create(
        actor=SYSTEM, parent_code="04465", name="Bản Mới", valid_from=START
    )
    assert other.code == "04465-002"


def test_village_create_stores_the_village_with_its_closure_rows(world):
    village = services.village_create(
        actor=world.officer_a,
        parent_code="02647",
        name="  Tổ dân phố   Đồng Tâm ",
        kind=UnitKind.RESIDENTIAL_GROUP,
        valid_from=datetime.date(2025, 8, 1),
    )

    village.refresh_from_db()
    assert village.name == "Tổ dân phố Đồng Tâm"
    assert village.search_name == "to dan pho dong tam"
    assert (village.kind, village.level, village.parent, village.valid_from) == (
        UnitKind.RESIDENTIAL_GROUP,
        UnitLevel.VILLAGE,
        world.commune_a,
        datetime.date(2025, 8, 1),
    )
    assert set(
        UnitClosure.objects.filter(descendant=village).values_list("ancestor__code", "depth")
    ) == {(village.code, 0), ("02647", 1), ("15", 2)}


def test_village_create_starts_today_unless_told(world):
    village = services.village_create(actor=world.officer_a, parent_code="02647", name="Tổ 8")
    assert village.valid_from == timezone.localdate()


def test_village_create_audits_actor_request_id_and_ip(world):
    with request_context.bound(
        channel="api", request_id="req-0123456789", ip_address="203.0.113.7"
    ):
        village = services.village_create(
            actor=world.officer_a, parent_code="02647", name="Tổ 9", valid_from=START
        )

    entry = AuditEntry.objects.get(action="unit.create", target_id=str(village.pk))
    assert entry.actor == world.officer_a
    assert entry.actor_label == "officer_a"
    assert entry.target_type == "geo.adminunit"
    assert entry.unit_id == village.id
    assert (entry.request_id, entry.ip_address, entry.channel) == (
        "req-0123456789",
        "203.0.113.7",
        "api",
    )
    assert entry.changes["code"] == village.code
    assert entry.changes["parent"] == "02647"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"parent_code": "99999"}, "parent"),
        ({"parent_code": "15"}, "parent"),  # directly under a province
        ({"parent_code": "02647-001"}, "parent"),  # under another village
        ({"kind": UnitKind.COMMUNE}, "kind"),
        ({"kind": "castle"}, "kind"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"valid_from": datetime.date(2025, 6, 30)}, "valid_from"),  # before its commune
    ],
)
def test_village_create_rejects_bad_input_naming_the_field(world, kwargs, field):
    arguments = {
        "parent_code": "02647",
        "name": "Tổ 7",
        "kind": UnitKind.VILLAGE,
        "valid_from": START,
        **kwargs,
    }
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.village_create(actor=SYSTEM, **arguments)
    assert set(exc.value.errors) == {field}


def test_village_create_reports_every_wrong_field_at_once(world):
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.village_create(
            actor=SYSTEM, parent_code="99999", name="", kind="castle", valid_from=START
        )
    assert set(exc.value.errors) == {"parent", "name", "kind"}


def test_village_create_under_a_commune_outside_scope_looks_unknown(world):
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.village_create(
            actor=world.officer_a, parent_code="04465", name="Bản X", valid_from=START
        )
    assert set(exc.value.errors) == {"parent"}
    assert "04465" in exc.value.errors["parent"]


def test_village_create_under_a_closed_commune_is_refused(world):
    services.unit_close(actor=SYSTEM, unit=world.village_b, valid_to=END)
    services.unit_close(actor=SYSTEM, unit=world.commune_b, valid_to=END)
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.village_create(actor=SYSTEM, parent_code="04465", name="Bản X", valid_from=START)
    assert set(exc.value.errors) == {"parent"}


def test_a_viewer_may_not_create_villages(world):
    with writes_nothing(), pytest.raises(PermissionDenied):
        services.village_create(
            actor=world.viewer, parent_code="02647", name="Tổ 7", valid_from=START
        )


def test_village_update_renames_and_audits_the_change(world):
    unit = services.village_update(
        actor=world.officer_a, unit=world.village_a, name="Tổ dân phố Đông Hải"
    )

    unit.refresh_from_db()
    assert (unit.name, unit.search_name) == ("Tổ dân phố Đông Hải", "to dan pho dong hai")
    entry = AuditEntry.objects.get(action="unit.update")
    assert entry.changes == {"name": ["Tổ dân phố Cốc Lếu", "Tổ dân phố Đông Hải"]}
    assert entry.actor == world.officer_a


def test_village_update_without_a_change_records_nothing(world):
    with writes_nothing():
        services.village_update(
            actor=world.officer_a, unit=world.village_a, name="Tổ dân phố Cốc Lếu"
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": " "}, "name"),
        ({"kind": UnitKind.WARD}, "kind"),
        ({"valid_from": datetime.date(2025, 6, 30)}, "valid_from"),  # before its commune
    ],
)
def test_village_update_rejects_bad_input_and_keeps_the_row(world, kwargs, field):
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.village_update(actor=world.officer_a, unit=world.village_a, **kwargs)
    assert set(exc.value.errors) == {field}
    stored = AdminUnit.objects.get(pk=world.village_a.pk)
    assert (stored.name, stored.kind, stored.valid_from) == (
        "Tổ dân phố Cốc Lếu",
        UnitKind.VILLAGE,
        START,
    )


def test_a_closed_village_cannot_start_after_it_ended(world):
    services.unit_close(actor=world.officer_a, unit=world.village_a, valid_to=END)
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.village_update(
            actor=world.officer_a, unit=world.village_a, valid_from=datetime.date(2026, 1, 1)
        )
    assert set(exc.value.errors) == {"valid_from"}
    assert AdminUnit.objects.get(pk=world.village_a.pk).valid_from == START


@pytest.mark.parametrize("code", ["15", "02647"])
def test_village_update_is_only_for_villages(world, code):
    unit = AdminUnit.objects.get(code=code)
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.village_update(actor=SYSTEM, unit=unit, name="Renamed")
    assert set(exc.value.errors) == {"code"}
    assert AdminUnit.objects.get(code=code).name == unit.name


def test_village_update_of_another_commune_is_refused(world):
    with writes_nothing(), pytest.raises(PermissionDenied):
        services.village_update(actor=world.officer_b, unit=world.village_a, name="Renamed")
    assert AdminUnit.objects.get(pk=world.village_a.pk).name == "Tổ dân phố Cốc Lếu"


# ---------------------------------------------------------------------------------------------
# Closing units and succession
# ---------------------------------------------------------------------------------------------


def test_commune_officer_closes_a_village_of_their_commune(world):
    with request_context.bound(channel="web", request_id="close-request-1"):
        unit = services.unit_close(actor=world.officer_a, unit=world.village_a, valid_to=END)

    unit.refresh_from_db()
    assert unit.valid_to == END
    assert unit.is_closed
    entry = AuditEntry.objects.get(action="unit.close")
    assert (entry.actor, entry.unit_id, entry.request_id) == (
        world.officer_a,
        unit.id,
        "close-request-1",
    )
    assert entry.changes == {"valid_to": "2025-12-31", "successors": []}


def test_closing_a_closed_unit_is_a_conflict(world):
    services.unit_close(actor=world.officer_a, unit=world.village_a, valid_to=END)
    with writes_nothing(), pytest.raises(Conflict):
        services.unit_close(
            actor=world.officer_a, unit=world.village_a, valid_to=datetime.date(2026, 1, 31)
        )
    assert AdminUnit.objects.get(pk=world.village_a.pk).valid_to == END


def test_commune_officer_may_not_close_their_own_commune(world):
    services.unit_close(actor=world.officer_a, unit=world.village_a, valid_to=END)
    with writes_nothing(), pytest.raises(PermissionDenied):
        services.unit_close(actor=world.officer_a, unit=world.commune_a, valid_to=END)
    assert AdminUnit.objects.get(pk=world.commune_a.pk).valid_to is None


def test_commune_officer_may_not_close_a_village_of_another_commune(world):
    with writes_nothing(), pytest.raises(PermissionDenied):
        services.unit_close(actor=world.officer_a, unit=world.village_b, valid_to=END)
    assert AdminUnit.objects.get(pk=world.village_b.pk).valid_to is None


def test_a_province_cannot_be_closed_through_the_app(world):
    with writes_nothing(), pytest.raises(PermissionDenied):
        services.unit_close(actor=world.admin, unit=world.other_province, valid_to=END)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"valid_to": datetime.date(2025, 6, 30)}, "valid_to"),
        ({"successor_codes": ["02647-999"]}, "successors"),
        ({"successor_codes": ["04465-001"]}, "successors"),  # exists, outside scope
        ({"successor_codes": ["02647"]}, "successors"),  # not at the same level
        ({"successor_codes": ["02647-001"]}, "successors"),  # itself
    ],
)
def test_unit_close_rejects_bad_input_and_keeps_the_unit_open(world, kwargs, field):
    arguments = {"valid_to": END, **kwargs}
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.unit_close(actor=world.officer_a, unit=world.village_a, **arguments)
    assert set(exc.value.errors) == {field}
    assert AdminUnit.objects.get(pk=world.village_a.pk).valid_to is None


def test_a_closed_successor_is_refused(world):
    closed = services.village_create(
        actor=world.officer_a, parent_code="02647", name="Tổ cũ", valid_from=START
    )
    services.unit_close(actor=world.officer_a, unit=closed, valid_to=END)
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.unit_close(
            actor=world.officer_a, unit=world.village_a, valid_to=END, successor_codes=[closed.code]
        )
    assert set(exc.value.errors) == {"successors"}


def test_a_commune_with_open_villages_cannot_be_closed(world):
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.unit_close(actor=SYSTEM, unit=world.commune_a, valid_to=END)
    assert set(exc.value.errors) == {"code"}


def test_closing_with_successors_records_the_succession(world):
    new = services.village_create(
        actor=world.officer_a, parent_code="02647", name="Tổ mới", valid_from=START
    )
    services.unit_close(
        actor=world.officer_a,
        unit=world.village_a,
        valid_to=END,
        successor_codes=[new.code],
        note="merged",
    )

    succession = UnitSuccession.objects.get()
    assert (succession.predecessor, succession.successor, succession.effective_on) == (
        world.village_a,
        new,
        END,
    )
    assert succession.note == "merged"
    assert AuditEntry.objects.get(action="unit.close").changes["successors"] == [new.code]


def test_a_split_records_one_succession_per_successor(world):
    first = services.village_create(
        actor=world.officer_a, parent_code="02647", name="Tổ 1A", valid_from=START
    )
    second = services.village_create(
        actor=world.officer_a, parent_code="02647", name="Tổ 1B", valid_from=START
    )
    services.unit_close(
        actor=world.officer_a,
        unit=world.village_a,
        valid_to=END,
        successor_codes=[first.code, second.code],
    )
    assert set(
        UnitSuccession.objects.filter(predecessor=world.village_a).values_list(
            "successor__code", flat=True
        )
    ) == {first.code, second.code}


def test_current_successors_follow_a_chain(world):
    middle = services.village_create(
        actor=SYSTEM, parent_code="02647", name="Tổ giữa", valid_from=START
    )
    last = services.village_create(
        actor=SYSTEM, parent_code="02647", name="Tổ cuối", valid_from=START
    )
    services.unit_close(
        actor=SYSTEM, unit=world.village_a, valid_to=END, successor_codes=[middle.code]
    )
    services.unit_close(
        actor=SYSTEM,
        unit=middle,
        valid_to=datetime.date(2026, 6, 30),
        successor_codes=[last.code],
    )

    assert selectors.unit_current_successors(unit=world.village_a) == [last]
    assert selectors.unit_current_successors(unit=middle) == [last]
    assert selectors.unit_current_successors(unit=last) == [last]


def test_succession_record_refuses_self_and_duplicates(world):
    new = services.village_create(
        actor=SYSTEM, parent_code="02647", name="Tổ mới", valid_from=START
    )
    with writes_nothing(), pytest.raises(InvalidInput):
        services.unit_succession_record(
            actor=SYSTEM, predecessor=new, successor=new, effective_on=END
        )
    services.unit_succession_record(
        actor=SYSTEM, predecessor=world.village_a, successor=new, effective_on=END
    )
    with writes_nothing(), pytest.raises(Conflict):
        services.unit_succession_record(
            actor=SYSTEM, predecessor=world.village_a, successor=new, effective_on=END
        )


# ---------------------------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------------------------


def test_organisation_create_stores_it_with_closure_and_audit(world):
    org = services.organisation_create(
        actor=world.officer_b,
        code="CNS-B",
        name="Tổ công nghệ số Bản Zơ",
        kind=OrganisationKind.DIGITAL_TECH_GROUP,
        unit_code=world.village_b.code,
        parent_code="HKH-B",
    )

    org.refresh_from_db()
    assert (org.unit, org.parent, org.is_active, org.search_name) == (
        world.village_b,
        world.org_b,
        True,
        "to cong nghe so ban zo",
    )
    assert ancestors_of(org) == {"CNS-B": 0, "HKH-B": 1}
    entry = AuditEntry.objects.get(action="organisation.create", target_id=str(org.pk))
    assert (entry.actor, entry.unit_id, entry.organisation_id) == (
        world.officer_b,
        world.village_b.id,
        org.id,
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"code": "HKH-B"}, "code"),  # already used
        ({"code": "bad code!"}, "code"),
        ({"code": ""}, "code"),
        ({"name": " "}, "name"),
        ({"kind": "castle"}, "kind"),
        ({"unit_code": "99999"}, "unit"),
        ({"unit_code": "02647"}, "unit"),  # exists, outside the officer's scope
        ({"parent_code": "NOPE"}, "parent"),
        ({"parent_code": "THCS-A"}, "parent"),  # exists, outside the officer's scope
    ],
)
def test_organisation_create_rejects_bad_input_naming_the_field(world, kwargs, field):
    arguments = {
        "code": "NEW-B",
        "name": "Trường Mầm non Khao Mang",
        "kind": OrganisationKind.SCHOOL,
        "unit_code": "04465",
        **kwargs,
    }
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.organisation_create(actor=world.officer_b, **arguments)
    assert set(exc.value.errors) == {field}


def test_organisation_create_on_a_closed_unit_is_refused(world):
    services.unit_close(actor=SYSTEM, unit=world.village_a, valid_to=END)
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.organisation_create(
            actor=SYSTEM,
            code="NEW",
            name="Nhóm",
            kind=OrganisationKind.OTHER,
            unit_code=world.village_a.code,
        )
    assert set(exc.value.errors) == {"unit"}


def test_an_organisation_officer_adds_organisations_beneath_their_own_only(world):
    child = services.organisation_create(
        actor=world.org_officer_b,
        code="CLB-B",
        name="Câu lạc bộ học tập",
        kind=OrganisationKind.OTHER,
        unit_code="04465-001",
        parent_code="TH-B",
    )
    assert ancestors_of(child) == {"CLB-B": 0, "TH-B": 1, "HKH-B": 2}
    with writes_nothing(), pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=world.org_officer_b,
            code="LOOSE-B",
            name="Không thuộc hội",
            kind=OrganisationKind.OTHER,
            unit_code="04465",
        )


def test_a_viewer_may_not_create_organisations(world):
    with writes_nothing(), pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=world.viewer, code="NEW", name="Nhóm", kind="other", unit_code="04465"
        )


def test_organisation_update_changes_fields_and_audits_the_diff(world):
    services.organisation_update(
        actor=world.officer_b, organisation=world.org_b, name="Hội Khuyến học xã Khao Mang"
    )

    org = Organisation.objects.get(code="HKH-B")
    assert (org.name, org.search_name) == (
        "Hội Khuyến học xã Khao Mang",
        "hoi khuyen hoc xa khao mang",
    )
    entry = AuditEntry.objects.get(action="organisation.update")
    assert entry.changes == {"name": ["Hội Khuyến học Khao Mang", "Hội Khuyến học xã Khao Mang"]}


def test_organisation_cannot_move_under_its_own_child(world):
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.organisation_update(actor=SYSTEM, organisation=world.org_b, parent_code="TH-B")
    assert set(exc.value.errors) == {"parent"}
    assert Organisation.objects.get(code="HKH-B").parent is None


def test_organisation_cannot_be_its_own_parent(world):
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.organisation_update(actor=SYSTEM, organisation=world.org_b, parent_code="HKH-B")
    assert set(exc.value.errors) == {"parent"}


def test_organisation_update_to_an_unknown_unit_names_the_unit(world):
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.organisation_update(
            actor=world.officer_b, organisation=world.org_b, unit_code="02647"
        )
    assert set(exc.value.errors) == {"unit"}
    assert Organisation.objects.get(code="HKH-B").unit == world.commune_b


def test_moving_a_parent_keeps_the_closure_of_its_subtree(world):
    services.organisation_update(actor=SYSTEM, organisation=world.org_b, parent_code="SGDDT-15")

    assert ancestors_of(world.school_b) == {"TH-B": 0, "HKH-B": 1, "SGDDT-15": 2}
    assert ancestors_of(world.org_b) == {"HKH-B": 0, "SGDDT-15": 1}
    incremental = org_closure()
    assert services.organisation_closure_rebuild() == len(incremental)
    assert org_closure() == incremental

    services.organisation_update(actor=SYSTEM, organisation=world.org_b, clear_parent=True)

    assert ancestors_of(world.school_b) == {"TH-B": 0, "HKH-B": 1}
    assert ancestors_of(world.org_b) == {"HKH-B": 0}
    assert Organisation.objects.get(code="HKH-B").parent is None
    incremental = org_closure()
    services.organisation_closure_rebuild()
    assert org_closure() == incremental


def test_deactivate_then_deactivate_again_is_a_conflict(world):
    services.organisation_deactivate(actor=world.officer_b, organisation=world.org_b)

    org = Organisation.objects.get(code="HKH-B")
    assert org.is_active is False
    assert AuditEntry.objects.get(action="organisation.update").changes == {
        "is_active": [True, False]
    }
    with writes_nothing(), pytest.raises(Conflict):
        services.organisation_deactivate(actor=world.officer_b, organisation=org)


def test_an_officer_of_another_commune_may_not_deactivate(world):
    with writes_nothing(), pytest.raises(PermissionDenied):
        services.organisation_deactivate(actor=world.officer_a, organisation=world.org_b)
    assert Organisation.objects.get(code="HKH-B").is_active is True


# ---------------------------------------------------------------------------------------------
# Closure rebuild
# ---------------------------------------------------------------------------------------------


def test_unit_closure_rebuild_reproduces_the_incremental_rows(world):
    services.units_load_official(actor=SYSTEM, province_code="15")
    for index in range(3):
        services.village_create(
            actor=SYSTEM, parent_code="04465", name=f"Bản {index}", valid_from=START
        )
    services.unit_close(actor=SYSTEM, unit=world.village_a, valid_to=END)
    incremental = unit_closure()
    assert len(incremental) > AdminUnit.objects.count()

    rows = services.unit_closure_rebuild()

    assert rows == len(incremental)
    assert unit_closure() == incremental


def test_unit_closure_rebuild_repairs_lost_rows(world):
    expected = unit_closure()
    UnitClosure.objects.filter(descendant=world.village_b).delete()

    services.unit_closure_rebuild()

    assert unit_closure() == expected


def test_village_codes_keep_counting_past_999(world):
    commune = world.commune_a
    for number in (998, 999):
        AdminUnit.objects.create(
            code=f"{commune.code}-{number:03d}",
            name=f"Thôn {number}",
            search_name=f"thon {number}",
            kind="village",
            level=3,
            parent=commune,
            valid_from=commune.valid_from,
        )
    services.unit_closure_rebuild()

    first = services.village_create(actor=SYSTEM, parent_code=commune.code, name="Thôn Một Nghìn")
    second = services.village_create(actor=SYSTEM, parent_code=commune.code, name="Thôn Tiếp")

    assert (first.code, second.code) == (f"{commune.code}-1000", f"{commune.code}-1001")


def test_a_branch_is_not_attached_to_a_unit_its_creator_may_only_see(world):
    """Commune A's officer, who may also read the whole province, adds a branch of commune A's
    organisation: inside commune A, yes; attached to commune B, no (the branch would carry the
    grants on its parent into commune B)."""
    from hoctap.accounts import services as accounts

    accounts.role_grant(actor=SYSTEM, user=world.officer_a, role="viewer", unit_code="15")
    inside = services.organisation_create(
        actor=world.officer_a,
        code="CLB-A",
        name="Câu lạc bộ",
        kind=OrganisationKind.OTHER,
        unit_code=world.village_a.code,
        parent_code=world.org_a.code,
    )
    assert inside.unit == world.village_a
    with writes_nothing(), pytest.raises(InvalidInput) as refused:
        services.organisation_create(
            actor=world.officer_a,
            code="CN-B",
            name="Chi nhánh ở xã B",
            kind=OrganisationKind.OTHER,
            unit_code=world.commune_b.code,
            parent_code=world.org_a.code,
        )
    assert set(refused.value.errors) == {"unit"}
