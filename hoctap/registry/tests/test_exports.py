"""Exports of the register lists: read back from CSV and XLSX, masked unless the full export was
asked by someone allowed, scoped, filtered, audited once, and re-importable by the importer."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from hoctap.accounts import services as accounts
from hoctap.accounts.permissions import SYSTEM
from hoctap.accounts.roles import Role
from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.imports.services import import_file, kind_get
from hoctap.registry import services
from hoctap.registry.models import OrganisationMembership

pytestmark = pytest.mark.django_db

AsUser = Callable[[Any], Client]


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _csv(response: Any) -> list[list[str]]:
    raw = _body(response)
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def _xlsx(response: Any) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(_body(response)), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def _exports() -> Any:
    return AuditEntry.objects.filter(action__endswith=".export")


def _english(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def test_person_csv_is_masked_scoped_streamed_and_audited(world: World, as_user: AsUser) -> None:
    response = as_user(world.officer_a).get(reverse("registry:person_export_csv"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    # Vietnamese page, Vietnamese headers: the importer's names
    assert rows[0][:3] == ["Số định danh", "Họ và tên", "Ngày sinh"]
    names = sorted(r[1] for r in rows[1:])
    assert names == ["Nguyễn Văn An", "Trần Thị Bình"]
    numbers = {r[0] for r in rows[1:]}
    assert numbers == {world.person_a.masked_national_id, world.person_a2.masked_national_id}
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["Nguyễn Văn An"][2:8] == [
        "12/03/1985",
        "Nam",
        "Kinh",
        world.village_a.code,
        world.household_a.code,
        "Chủ hộ",
    ]
    assert by_name["Trần Thị Bình"][7] == "Vợ"
    entry = _exports().get()
    assert entry.action == "person.export"
    assert entry.actor == world.officer_a
    assert entry.unit_id == world.commune_a.id
    assert entry.changes == {
        "list": "persons",
        "format": "csv",
        "filters": [],
        "rows": 2,
        "national_id": "masked",
    }


def test_full_export_shows_numbers_only_where_the_actor_may_see_them(
    world: World, as_user: AsUser
) -> None:
    # a viewer of the whole province who is also the officer of commune A
    accounts.role_grant(
        actor=SYSTEM, user=world.viewer, role=Role.UNIT_OFFICER, unit_code=world.commune_a.code
    )
    response = as_user(world.viewer).get(reverse("registry:person_export_csv"), {"full": "1"})
    rows = {r[1]: r[0] for r in _csv(response)[1:]}
    assert rows["Nguyễn Văn An"] == world.person_a.national_id
    assert rows["Lù Thị Zeta"] == world.person_b.masked_national_id
    assert _exports().get().changes["national_id"] == "full"


def test_full_export_is_refused_without_the_personal_id_right(
    world: World, as_user: AsUser
) -> None:
    before = AuditEntry.objects.count()
    response = as_user(world.viewer).get(reverse("registry:person_export_csv"), {"full": "1"})
    assert response.status_code == 403
    assert AuditEntry.objects.count() == before
    # the masked export is theirs to take
    rows = _csv(as_user(world.viewer).get(reverse("registry:person_export_csv")))
    assert world.person_b.masked_national_id in {r[0] for r in rows}
    assert world.person_b.national_id not in {r[0] for r in rows}
    assert (
        as_user(world.org_officer_b).get(reverse("registry:person_export_csv")).status_code == 403
    )


def test_export_follows_the_lists_filters(world: World, as_user: AsUser) -> None:
    client = as_user(world.secretariat)
    rows = _csv(client.get(reverse("registry:person_export_csv"), {"q": "nguyen van"}))
    assert [r[1] for r in rows[1:]] == ["Nguyễn Văn An"]
    rows = _csv(client.get(reverse("registry:person_export_csv"), {"within": "04465"}))
    assert sorted(r[1] for r in rows[1:]) == ["Lù Thị Zeta", "Vàng A Zeta"]
    number_search = client.get(
        reverse("registry:person_export_csv"), {"q": world.person_a.national_id}
    )
    assert len(_csv(number_search)) == 2
    entries = list(_exports().order_by("id"))
    assert entries[0].changes["filters"] == ["q=nguyen van"]
    assert entries[1].changes["filters"] == ["within_unit_code=04465"]
    assert entries[1].unit_id == world.commune_b.id
    # a searched ID number is kept masked in the audit log
    assert entries[2].changes["filters"] == [f"q={world.person_a.masked_national_id}"]


def test_person_xlsx_reads_back(world: World, as_user: AsUser) -> None:
    response = as_user(world.officer_a).get(reverse("registry:person_export_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _xlsx(response)
    assert rows[0][0] == "Số định danh"
    by_name = {r[1]: r for r in rows[1:]}
    assert set(by_name) == {"Nguyễn Văn An", "Trần Thị Bình"}
    assert by_name["Nguyễn Văn An"][0] == world.person_a.masked_national_id
    assert by_name["Nguyễn Văn An"][2].date() == datetime.date(1985, 3, 12)
    assert _exports().get().changes["format"] == "xlsx"
    # a date cell, shown as Vietnamese write dates, on a sheet named in Vietnamese
    again = as_user(world.officer_a).get(reverse("registry:person_export_xlsx"))
    sheet = load_workbook(io.BytesIO(_body(again))).worksheets[0]
    assert sheet.title == "Nhân khẩu"
    birth = next(c for c in sheet["C"][1:] if c.value.date() == datetime.date(1985, 3, 12))
    assert birth.number_format == "DD/MM/YYYY"


def test_english_page_exports_canonical_headers_and_codes(world: World, as_user: AsUser) -> None:
    client = _english(as_user(world.officer_a))
    rows = _csv(client.get(reverse("registry:person_export_csv")))
    assert rows[0] == [
        "national_id",
        "full_name",
        "birth_date",
        "sex",
        "ethnicity",
        "village_code",
        "household_code",
        "relation_to_head",
        "phone",
        "eid_level",
        "eid_linked_on",
    ]
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["Nguyễn Văn An"][2:4] == ["1985-03-12", "male"]


def test_household_clan_and_membership_exports(world: World, as_user: AsUser) -> None:
    services.membership_create(
        actor=SYSTEM,
        national_id=world.person_a.national_id,
        organisation_code=world.org_a.code,
        position="teacher",
        start_date=datetime.date(2020, 9, 1),
    )
    client = as_user(world.officer_a)
    households = _csv(client.get(reverse("registry:household_export_csv")))
    assert households[0] == [
        "Mã hộ",
        "Mã thôn",
        "Địa chỉ",
        "Hộ nghèo",
        "Năm",
        "Mã dòng họ",
    ]
    assert households[1:] == [
        [world.household_a.code, world.village_a.code, "", "Không", "", world.clan_a.code]
    ]
    clans = _xlsx(client.get(reverse("registry:clan_export_xlsx")))
    assert clans == [
        ["Mã dòng họ", "Tên", "Mã xã"],
        [world.clan_a.code, world.clan_a.name, world.commune_a.code],
    ]
    memberships = _csv(client.get(reverse("registry:membership_export_csv")))
    assert memberships[1:] == [
        [world.person_a.masked_national_id, world.org_a.code, "Giáo viên", "01/09/2020", ""]
    ]
    assert [e.changes["list"] for e in _exports().order_by("id")] == [
        "households",
        "clans",
        "memberships",
    ]
    # the poor household of commune B is the secretariat's to export, not the officer's
    everything = _csv(as_user(world.secretariat).get(reverse("registry:household_export_csv")))
    assert [world.household_b.code, world.village_b.code, "", "Hộ nghèo", "2025", "HO-ZETA-B"] in (
        everything
    )


def _reimport(actor: Any, kind: str, data: bytes) -> Any:
    return import_file(actor=actor, kind=kind_get(kind), stream=io.BytesIO(data), dry_run=True)


@pytest.mark.parametrize("english", [False, True])
def test_a_full_export_imports_back_unchanged(world: World, as_user: AsUser, english: bool) -> None:
    services.membership_create(
        actor=SYSTEM,
        national_id=world.person_a2.national_id,
        organisation_code=world.org_a.code,
        position="pupil",
        start_date=datetime.date(2020, 9, 1),
    )
    services.household_update(
        actor=SYSTEM, household=world.household_a, poverty_status="near_poor", poverty_year=2025
    )
    client = as_user(world.officer_a)
    if english:
        _english(client)
    for kind, name in [
        ("persons", "person"),
        ("households", "household"),
        ("clans", "clan"),
        ("memberships", "membership"),
    ]:
        for fmt in ("csv", "xlsx"):
            response = client.get(reverse(f"registry:{name}_export_{fmt}"), {"full": "1"})
            result = _reimport(world.officer_a, kind, _body(response))
            assert not result.errors, (kind, fmt, result.errors)
            assert result.rows > 0
            assert result.created == result.updated == 0, (kind, fmt)
    assert OrganisationMembership.objects.count() == 2


def test_exports_never_hold_other_communes_records(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    for name in ("person", "household", "clan", "membership"):
        for fmt in ("csv", "xlsx"):
            body = _body(client.get(reverse(f"registry:{name}_export_{fmt}"), {"full": "1"}))
            if fmt == "xlsx":
                body = b"".join(
                    str(cell).encode()
                    for row in load_workbook(io.BytesIO(body), read_only=True).worksheets[0].rows
                    for cell in (c.value for c in row)
                )
            for marker in ("Zeta", world.household_b.code, world.person_b.national_id, "04465"):
                assert marker.encode() not in body, (name, fmt, marker)


def test_anonymous_export_asks_to_sign_in(world: World) -> None:
    response = Client().get(reverse("registry:person_export_csv"))
    assert response.status_code == 302
    assert not _exports().exists()
