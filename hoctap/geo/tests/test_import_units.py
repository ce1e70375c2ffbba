"""The `units` kind through the pipeline: every bad input refused whole, re-import unchanged."""

import datetime

import pytest

from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.geo.imports.units import units
from hoctap.geo.models import AdminUnit, UnitClosure
from hoctap.imports import services
from hoctap.imports.tests.conftest import _english  # noqa: F401 (messages in English)
from hoctap.imports.tests.helpers import counts, csv_bytes, located, xlsx_bytes

HEADER = "code,name,kind,parent_code,valid_from"
GOOD = (
    HEADER,
    "02647-101,Tổ dân phố 1,residential_group,02647,2025-08-01",
    "02647-102,Tổ dân phố 2,Tổ dân phố,02647,01/08/2025",
    "04465-101,Bản Nặm Pạc,bản,04465,",
)


def run(stream, actor=SYSTEM, **kwargs):
    return services.import_file(actor=actor, kind=units, stream=stream, **kwargs)


@pytest.mark.django_db
def test_villages_are_created_with_closure_rows_and_audit(world):
    result = run(csv_bytes(*GOOD))
    assert (result.created, result.updated, result.unchanged, result.errors) == (3, 0, 0, [])
    village = AdminUnit.objects.get(code="02647-102")
    assert village.parent == world.commune_a
    assert village.kind == "residential_group"
    assert village.valid_from == datetime.date(2025, 8, 1)
    assert set(
        UnitClosure.objects.filter(descendant=village).values_list("ancestor_id", "depth")
    ) == {(village.id, 0), (world.commune_a.id, 1), (world.province.id, 2)}
    entries = AuditEntry.objects.filter(action="unit.create", target_id=str(village.id))
    assert entries.count() == 1
    assert entries.get().unit_id == village.id


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(world):
    run(csv_bytes(*GOOD))
    before = counts()
    result = run(csv_bytes(*GOOD))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert counts() == before


@pytest.mark.django_db
def test_a_changed_row_is_updated_and_audited(world):
    run(csv_bytes(*GOOD))
    result = run(csv_bytes(HEADER, "02647-101,Tổ dân phố Một,residential_group,02647,2025-08-01"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    village = AdminUnit.objects.get(code="02647-101")
    assert village.name == "Tổ dân phố Một"
    assert village.search_name == "to dan pho mot"
    entry = AuditEntry.objects.get(action="unit.update", target_id=str(village.id))
    assert entry.changes == {"name": ["Tổ dân phố 1", "Tổ dân phố Một"]}
    assert entry.actor_label == "system"


@pytest.mark.django_db
def test_official_rows_that_match_are_unchanged_and_others_are_errors(world):
    result = run(
        csv_bytes(
            HEADER,
            "15,Lào Cai,province,,",
            "02647,Phường Lào Cai,ward,15,2025-07-01",
            "04465,Xã Khao Mang Mới,commune,15,",
            "99999,Xã Không Có,commune,15,",
        )
    )
    assert located(result) == [(4, "code", "04465"), (5, "kind", "commune")]
    assert "official register" in result.errors[0].message
    result = run(csv_bytes(HEADER, "15,Lào Cai,province,,", "02647,Phường Lào Cai,ward,15,"))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


@pytest.mark.django_db
def test_every_bad_row_is_reported_and_nothing_is_written(world):
    before = counts()
    result = run(
        csv_bytes(
            HEADER,
            "02647-201,Thôn Tốt,village,02647,2025-08-01",  # fine, but not written
            "99999-001,Thôn Lạc,village,99999,",  # unknown parent code
            "02647-202,,village,02647,",  # empty required cell
            "02647-203,Thôn Ngày,village,02647,2025/08/01",  # wrong date format
            "02647-201,Thôn Trùng,village,02647,",  # same code twice
            "02647-204,Thôn Lạ,village,04465,",  # code of another commune
            "02647-205,Thôn Loại,castle,02647,",  # unknown kind
            "02647-206,Thôn Sớm,village,02647,01/01/2020",  # before its commune
            "02215-001,Thôn Tỉnh Khác,village,02215,",  # a real commune, fine for SYSTEM
        )
    )
    assert located(result) == [
        (3, "parent_code", "99999"),
        (4, "name", ""),
        (5, "valid_from", "2025/08/01"),
        (6, "code", "02647-201"),
        (7, "code", "02647-204"),
        (8, "kind", "castle"),
        (9, "valid_from", "01/01/2020"),
    ]
    messages = [e.message for e in result.errors]
    assert "Unknown unit code “99999”." in messages[0]
    assert messages[1] == "This field is required."
    assert "YYYY-MM-DD or DD/MM/YYYY" in messages[2]
    assert "appears twice in this file (first in row 2)" in messages[3]
    assert not result.written
    assert counts() == before


@pytest.mark.django_db
def test_a_wrong_header_is_refused_naming_the_columns(world):
    before = counts()
    result = run(csv_bytes("code,nmae,parent_code", "02647-301,Thôn,02647"))
    assert located(result) == [(1, "nmae", "nmae"), (1, "name", "")]
    assert "expected: code, name, kind, parent_code, valid_from" in result.errors[0].message
    assert result.errors[1].message == "Required column missing from the header."
    assert counts() == before


@pytest.mark.django_db
def test_files_that_are_not_csv_or_xlsx_or_are_truncated_write_nothing(world):
    before = counts()
    result = run(csv_bytes("x").__class__(b"\x00\x01\x02binary\xff"))
    assert located(result) == [(0, "", "")]
    assert "neither a CSV" in result.errors[0].message
    data = xlsx_bytes(
        [
            HEADER.split(","),
            *[[f"02647-{i:03d}", "Thôn", "village", "02647", ""] for i in range(400, 600)],
        ]
    ).getvalue()
    result = run(csv_bytes("x").__class__(data[: len(data) * 2 // 3]))
    assert "damaged or truncated" in result.errors[0].message
    assert counts() == before


@pytest.mark.django_db
def test_csv_with_bom_and_vietnamese_headers(world):
    result = run(
        csv_bytes(
            "Mã,Tên,Loại,Mã đơn vị cha,Hiệu lực từ",
            "02647-401,Thôn Bốn,thôn,02647,15/08/2025",
            bom=True,
        )
    )
    assert result.errors == []
    assert result.created == 1
    village = AdminUnit.objects.get(code="02647-401")
    assert (village.kind, village.valid_from) == ("village", datetime.date(2025, 8, 15))


@pytest.mark.django_db
def test_xlsx_import_and_reimport(world):
    rows: list[list[object]] = [
        ["ma", "ten", "ma don vi cha", "hieu luc tu"],
        ["02647-501", "Thôn Năm", "02647", datetime.date(2025, 9, 1)],
        ["04465-501", "Bản Năm", "04465", "2025-09-01"],
    ]
    result = run(xlsx_bytes(rows))
    assert (result.created, result.errors) == (2, [])
    assert AdminUnit.objects.get(code="02647-501").valid_from == datetime.date(2025, 9, 1)
    again = run(xlsx_bytes(rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


@pytest.mark.django_db
def test_rows_outside_the_actors_scope_are_unknown_codes(world):
    before = counts()
    result = run(
        csv_bytes(HEADER, "02647-601,Thôn A,village,02647,", "04465-601,Bản B,village,04465,"),
        actor=world.officer_a,
    )
    assert located(result) == [(3, "parent_code", "04465")]
    assert result.errors[0].message == "Unknown unit code “04465”."
    assert counts() == before
    result = run(csv_bytes(HEADER, "02647-601,Thôn A,village,02647,"), actor=world.officer_a)
    assert result.created == 1
    assert AuditEntry.objects.get(
        action="unit.create", target_label__contains="02647-601"
    ).actor == (world.officer_a)


@pytest.mark.django_db
def test_dry_run_counts_and_writes_nothing(world):
    before = counts()
    result = run(csv_bytes(*GOOD), dry_run=True)
    assert (result.created, result.written) == (3, False)
    assert counts() == before


@pytest.mark.django_db
def test_an_import_interrupted_in_the_write_phase_leaves_the_database_as_it_was(world, monkeypatch):
    before = counts()
    original = units.write
    calls = []

    def failing_write(ctx, plans):
        calls.append(len(plans))
        original(ctx, plans)
        if len(calls) == 2:
            raise RuntimeError("power cut")

    monkeypatch.setattr(units, "batch_size", 2)
    monkeypatch.setattr(units, "write", failing_write)
    rows = [f"02647-{700 + i},Thôn {i},village,02647," for i in range(5)]
    with pytest.raises(RuntimeError, match="power cut"):
        run(csv_bytes(HEADER, *rows))
    assert calls == [2, 2]  # two batches had been written when it stopped
    assert counts() == before
