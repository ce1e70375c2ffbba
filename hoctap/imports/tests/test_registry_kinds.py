import datetime

import pytest
from django.utils import timezone

from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.imports import services
from hoctap.imports.kinds import KINDS
from hoctap.imports.tests.helpers import csv_bytes, located, xlsx_bytes
from hoctap.registry.imports import clans, households, memberships, persons
from hoctap.registry.models import (
    Clan,
    Household,
    OrganisationMembership,
    Person,
    PersonStatusChange,
)

CLANS = "clan_code,name,commune_code"
HOUSEHOLDS = "household_code,village_code,address,poverty_status,poverty_year,clan_code"
PERSONS = (
    "national_id,full_name,birth_date,sex,ethnicity,village_code,household_code,"
    "relation_to_head,phone,eid_level,eid_linked_on"
)


def run(kind, stream, actor=SYSTEM):
    return services.import_file(actor=actor, kind=kind, stream=stream)


def counts():
    return (
        Clan.objects.count(),
        Household.objects.count(),
        Person.objects.count(),
        PersonStatusChange.objects.count(),
        OrganisationMembership.objects.count(),
        AuditEntry.objects.count(),
    )


def test_the_registry_kinds_are_registered():
    assert {"clans", "households", "persons", "memberships"} <= set(KINDS)


@pytest.mark.django_db
def test_clans_create_reimport_update(world):
    lines = (CLANS, "HO-LY-A,Họ Lý Cốc Lếu,02647", "HO-VANG-B,Họ Vàng,04465")
    result = run(clans, csv_bytes(*lines))
    assert (result.created, result.errors) == (2, [])
    before = counts()
    again = run(clans, csv_bytes(*lines))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert counts() == before
    changed = run(clans, csv_bytes(CLANS, "HO-LY-A,Họ Lý,02647"))
    assert (changed.updated, changed.unchanged) == (1, 0)
    clan = Clan.objects.get(code="HO-LY-A")
    entry = AuditEntry.objects.get(action="clan.update", target_id=str(clan.id))
    assert entry.changes == {"name": ["Họ Lý Cốc Lếu", "Họ Lý"]}


@pytest.mark.django_db
def test_clans_bad_rows_and_scope(world):
    before = counts()
    result = run(
        clans,
        csv_bytes(CLANS, "HO-X,Họ X,99999", "HO-Y,,02647", "HO-A,A,02647", "HO-A,B,02647"),
    )
    assert located(result) == [
        (2, "commune_code", "99999"),
        (3, "name", ""),
        (5, "clan_code", "HO-A"),
    ]
    assert counts() == before
    outside = run(clans, csv_bytes(CLANS, "HO-Z,Họ Z,04465"), actor=world.officer_a)
    assert located(outside) == [(2, "commune_code", "04465")]
    assert "Unknown unit code" in outside.errors[0].message
    assert counts() == before


@pytest.mark.django_db
def test_households_good_and_bad(world):
    va, vb = world.village_a.code, world.village_b.code
    good = (
        HOUSEHOLDS,
        f"HH-A-002,{va},Số 2,poor,2025,HO-NGUYEN-A",
        f"HH-A-003,{va},,,,",
    )
    result = run(households, csv_bytes(*good))
    assert (result.created, result.errors) == (2, [])
    assert Household.objects.get(code="HH-A-002").clan == world.clan_a
    before = counts()
    assert run(households, csv_bytes(*good)).unchanged == 2
    assert counts() == before
    bad = run(
        households,
        csv_bytes(
            HOUSEHOLDS,
            f"HH-A-001,{vb},,,,",  # household code used in another village
            "HH-N,99999,,,,",  # unknown village
            f"HH-P,{va},,poor,,",  # poverty without a year
            f"HH-Q,{va},,,,HO-ZETA-B",  # clan of another commune
        ),
    )
    assert located(bad) == [
        (2, "household_code", "HH-A-001"),
        (3, "village_code", "99999"),
        (4, "poverty_year", ""),
        (5, "clan_code", "HO-ZETA-B"),
    ]
    assert "used in another village" in bad.errors[0].message
    assert counts() == before
    changed = run(households, csv_bytes(HOUSEHOLDS, f"HH-A-003,{va},Số 3,near_poor,2025,"))
    assert changed.updated == 1
    household = Household.objects.get(code="HH-A-003")
    entry = AuditEntry.objects.get(action="household.update", target_id=str(household.id))
    assert entry.changes["poverty_status"] == ["none", "near_poor"]


def _persons_rows(world):
    va = world.village_a.code
    return [
        ["Số định danh", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Mã thôn", "Mã hộ",
         "Quan hệ với chủ hộ", "Số điện thoại", "Mức định danh điện tử", "Ngày liên kết"],
        ["010090001111", "Nguyễn Văn Cường", "15/04/1990", "Nam", "Kinh", va, "HH-A-001",
         "child", "0912345678", "2", "01/03/2025"],
        ["010195002222", "Lê Thị Dung", "1995-07-20", "female", "01", va, "", "", "", "", ""],
    ]  # fmt: skip


@pytest.mark.django_db
def test_persons_from_xlsx_with_vietnamese_headers_then_reimport_unchanged(world):
    rows = _persons_rows(world)
    result = run(persons, xlsx_bytes(rows))
    assert (result.created, result.errors) == (2, [])
    person = Person.objects.get(national_id="010090001111")
    assert (person.sex, person.ethnicity, person.household, person.eid_level) == (
        "male",
        "01",
        world.household_a,
        "2",
    )
    assert (person.status, person.status_since) == ("living_here", timezone.localdate())
    # the import is audited as one entry: who, which file, its SHA-256 and the counts
    entry = AuditEntry.objects.get(action="persons.import")
    assert (entry.changes["created"], entry.changes["rows"]) == (2, 2)
    assert len(entry.changes["sha256"]) == 64
    assert not AuditEntry.objects.filter(changes__icontains="010090001111").exists()
    before = counts()
    again = run(persons, xlsx_bytes(rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert counts() == before


@pytest.mark.django_db
def test_persons_from_csv_changed_row_is_updated_and_audited_masked(world):
    header = ",".join(_persons_rows(world)[0])
    line = ",".join(_persons_rows(world)[2])
    assert run(persons, csv_bytes(header, line, bom=True)).created == 1
    changed = run(persons, csv_bytes(header, line.replace("Lê Thị Dung", "Lê Thị Dũng")))
    assert (changed.updated, changed.errors) == (1, [])
    person = Person.objects.get(national_id="010195002222")
    entry = AuditEntry.objects.get(action="person.update", target_id=str(person.id))
    assert entry.changes == {"full_name": ["Lê Thị Dung", "Lê Thị Dũng"]}
    assert "010195002222" not in entry.target_label
    assert "********2222" in entry.target_label


@pytest.mark.django_db
def test_persons_bad_rows_name_row_and_column_and_write_nothing(world):
    va, vb = world.village_a.code, world.village_b.code
    future = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    before = counts()
    result = run(
        persons,
        csv_bytes(
            PERSONS,
            f"010090001111,Một,1990-04-15,male,Kinh,{va},,,,,",
            f"010090001111,Hai,1990-04-15,male,Kinh,{va},,,,,",  # same ID twice
            f"010090001112,Ba,1991-04-15,male,Kinh,{va},,,,,",  # ID year ≠ birth year
            f"010390001113,Bốn,{future},male,Kinh,{va},,,,,",  # birth date in the future
            "010090001114,Năm,1990-04-15,male,Kinh,99999,,,,,",  # unknown village
            f"010090001115,,1990-04-15,male,Kinh,{va},,,,,",  # empty required cell
            f"010090001116,Bảy,1990-04-15,male,Kinh,{va},HH-ZETA-001,child,,,",  # other village
            f"010090001117,Tám,1990-04-15,male,Kinh,{vb},,,,,",  # fine for SYSTEM
        ),
    )
    found = located(result)
    assert (3, "national_id", "010090001111") in found
    assert (4, "national_id", "010090001112") in found
    assert (5, "birth_date", future) in found
    assert (6, "village_code", "99999") in found
    assert (7, "full_name", "") in found
    assert (8, "household_code", "HH-ZETA-001") in found
    assert not [e for e in result.errors if e.row in (2, 9)]
    assert counts() == before


@pytest.mark.django_db
def test_persons_outside_the_scope_are_unknown(world):
    vb = world.village_b.code
    before = counts()
    result = run(
        persons,
        csv_bytes(PERSONS, f"010090001117,Tám,1990-04-15,male,Kinh,{vb},,,,,"),
        actor=world.officer_a,
    )
    assert located(result) == [(2, "village_code", vb)]
    assert "Unknown unit code" in result.errors[0].message
    assert counts() == before


MEMBERSHIPS = "national_id,organisation_code,position,start_date,end_date"


@pytest.mark.django_db
def test_memberships_create_reimport_end_and_bad_rows(world):
    good = (
        "Số định danh,Mã tổ chức,Chức vụ,Từ ngày,Đến ngày",
        "010085001234,THCS-A,giáo viên,01/09/2020,",
        "010085001234,THCS-A,staff,2019-09-01,2020-08-31",
        "010303004567,THCS-A,teacher,2024-09-01,",
    )
    result = run(memberships, csv_bytes(*good))
    assert (result.created, result.errors) == (3, [])
    before = counts()
    again = run(memberships, csv_bytes(*good))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert counts() == before
    ended = run(
        memberships, csv_bytes(MEMBERSHIPS, "010303004567,THCS-A,teacher,2024-09-01,2025-06-30")
    )
    assert (ended.updated, ended.errors) == (1, [])
    entry = AuditEntry.objects.get(action="membership.update")
    assert entry.changes == {"end_date": [None, "2025-06-30"]}
    assert "010303004567" not in entry.target_label
    before = counts()
    bad = run(
        memberships,
        csv_bytes(
            MEMBERSHIPS,
            "999999999999,THCS-A,teacher,2024-09-01,",  # unknown person
            "010085001234,NOPE,teacher,2024-09-01,",  # unknown organisation
            "010085001234,THCS-A,captain,2024-09-01,",  # unknown position
            "010085001234,THCS-A,teacher,2024-09-01,2020-01-01",  # end before start
            "010085001234,THCS-A,teacher,2023-09-01,",  # already holds it (open)
            "010085001234,HKH-B,member,2024-01-01,",
            "010085001234,HKH-B,member,01/01/2024,",  # same membership twice
        ),
    )
    assert located(bad) == [
        (2, "national_id", "999999999999"),
        (3, "organisation_code", "NOPE"),
        (4, "position", "captain"),
        (5, "end_date", "2020-01-01"),
        (6, "organisation_code", "THCS-A"),
        (8, "national_id", "010085001234"),
    ]
    assert counts() == before
    outside = run(
        memberships,
        csv_bytes(MEMBERSHIPS, "015190009876,HKH-B,member,2025-01-01,"),
        actor=world.officer_a,
    )
    assert located(outside)[0] == (2, "national_id", "015190009876")


def _person_line(number: str, name: str, village: str, born: str = "1990-04-15") -> str:
    return f"{number},{name},{born},male,Kinh,{village},,,,,"


@pytest.mark.django_db
def test_a_wrong_row_after_batches_were_written_rolls_them_all_back(world, monkeypatch):
    # batches of 2: the first two batches are written before the wrong row is read
    monkeypatch.setattr(persons, "batch_size", 2)
    va = world.village_a.code
    good = [_person_line(f"0100900010{i:02d}", f"Người Thứ {i}", va) for i in range(5)]
    before = counts()
    result = run(persons, csv_bytes(PERSONS, *good, _person_line("0100900019", "Sai", va)))
    assert [(e.row, e.column) for e in result.errors] == [(7, "national_id")]
    assert "12 digits" in result.errors[0].message
    assert (result.created, result.written) == (5, False)
    assert counts() == before


@pytest.mark.django_db
def test_a_persons_import_killed_half_way_leaves_the_database_as_it_was(world, monkeypatch):
    monkeypatch.setattr(persons, "batch_size", 2)
    original = type(persons).write_batch
    calls = []

    def dying_write(self, ctx, batch):
        calls.append(len(batch.creates))
        original(self, ctx, batch)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the operator's Ctrl-C, or a kill: no clean-up of ours runs

    monkeypatch.setattr(type(persons), "write_batch", dying_write)
    va = world.village_a.code
    good = [_person_line(f"0100900020{i:02d}", f"Người Thứ {i}", va) for i in range(5)]
    before = counts()
    with pytest.raises(KeyboardInterrupt):
        run(persons, csv_bytes(PERSONS, *good))
    assert calls == [2, 2]
    assert counts() == before


@pytest.mark.django_db
def test_the_preview_and_a_dry_run_write_nothing_but_count_what_would_happen(world):
    va = world.village_a.code
    lines = (PERSONS, _person_line("010090003001", "Hà Văn Mới", va))
    before = counts()
    checked = services.import_check(actor=SYSTEM, kind=persons, stream=csv_bytes(*lines))
    dry = services.import_file(actor=SYSTEM, kind=persons, stream=csv_bytes(*lines), dry_run=True)
    assert (checked.created, checked.written, dry.created, dry.written) == (1, False, 1, False)
    assert counts() == before


@pytest.mark.django_db
def test_a_changed_person_is_compared_field_by_field_and_moves_village(world):
    va, vb = world.village_a.code, world.village_b.code
    assert run(persons, csv_bytes(PERSONS, _person_line("010090004001", "Lò Văn Páo", va))).created
    again = run(persons, csv_bytes(PERSONS, _person_line("010090004001", "Lò Văn Páo", va)))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    # the system actor manages both communes: the person moves to village B
    moved = run(persons, csv_bytes(PERSONS, _person_line("010090004001", "Lò Văn Páo", vb)))
    assert (moved.updated, moved.errors) == (1, [])
    person = Person.objects.get(national_id="010090004001")
    assert person.village_id == world.village_b.id
    entry = AuditEntry.objects.get(action="person.update", target_id=str(person.id))
    assert entry.changes == {"village": [va, vb]}


@pytest.mark.django_db
def test_an_officer_cannot_overwrite_a_person_registered_elsewhere(world):
    b = world.person_b
    line = (
        f"{b.national_id},Tên Mới,{b.birth_date.isoformat()},{b.sex},Kinh,"
        f"{world.village_a.code},,,,,"
    )
    before = counts()
    result = run(persons, csv_bytes(PERSONS, line), actor=world.officer_a)
    assert [(e.column, e.message) for e in result.errors] == [
        ("national_id", "A person with this ID number is already registered.")
    ]
    assert counts() == before


@pytest.mark.django_db
def test_imported_persons_are_found_by_any_word_of_their_name(world):
    from hoctap.registry import selectors

    va = world.village_a.code
    lines = [_person_line("010090005001", "Thào Seo Páo", va)]
    lines.append(_person_line("010090005002", "Vàng Mí Páo Sử", va))
    assert run(persons, csv_bytes(PERSONS, *lines)).created == 2
    found = selectors.person_list(actor=world.admin, q="pao")
    assert [p.full_name for p in found] == ["Thào Seo Páo", "Vàng Mí Páo Sử"]
    # a second import, into a table that already holds persons, indexes its own rows
    assert run(persons, csv_bytes(PERSONS, _person_line("010090005003", "Lý Páo", va))).created
    assert len(selectors.person_list(actor=world.admin, q="pao")) == 3


@pytest.mark.django_db
def test_a_big_persons_import_refreshes_the_planner_statistics(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    import importlib

    from django.db import connection

    # the module (the package's `persons` is the kind itself)
    persons_module = importlib.import_module("hoctap.registry.imports.persons")
    monkeypatch.setattr(persons_module, "ANALYZE_AFTER", 2)
    va = world.village_a.code
    lines = [_person_line(f"0100900060{i:02d}", f"Người Thứ {i}", va) for i in range(3)]
    with django_capture_on_commit_callbacks() as queued:
        assert run(persons, csv_bytes(PERSONS, *lines)).created == 3
    # the VACUUM is queued for when the import commits (it cannot run inside a transaction)
    assert [c.__self__.name for c in queued] == ["register_tables_tidy_task"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'registry_person'")
            assert cursor.fetchone()[0] > 0
        else:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'registry_person'")
            assert cursor.fetchone()[0] >= Person.objects.count()


@pytest.mark.django_db(transaction=True)
def test_the_tidy_task_runs_outside_a_transaction(world):
    from hoctap.registry.tasks import register_tables_tidy_task

    # VACUUM ANALYZE on PostgreSQL (refused inside a transaction block), ANALYZE on SQLite
    result = register_tables_tidy_task.enqueue()
    assert result.status == "SUCCESSFUL"
