"""`/api/v1/learning/accounts`, `/account-batches`, `/enrolments` and `/enrolments/assign`
through the HTTP client, with a token as machines call them; and `hoctap learners
create-accounts`."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from hoctap.accounts import services as accounts
from hoctap.accounts.models import User
from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.core.errors import PermissionDenied
from hoctap.learning.models import AccountBatch, Enrolment, JobStatus, LearnerAccount
from hoctap.learning.services.learners import learner_account_create, learner_phone_set
from hoctap.learning.tests.conftest import LearningWorld, build_course
from hoctap.learning.tests.test_account_batches import member

pytestmark = pytest.mark.django_db
API = "/api/v1/learning"


def api(user: User) -> Client:
    _token, key = accounts.token_create(actor=SYSTEM, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


def counts() -> tuple[int, ...]:
    return (
        LearnerAccount.objects.count(),
        AccountBatch.objects.count(),
        Enrolment.objects.count(),
        AuditEntry.objects.count(),
    )


def test_the_account_list_is_scoped_and_masked(world: World) -> None:
    learner_account_create(actor=SYSTEM, person=world.person_a)
    learner_account_create(actor=SYSTEM, person=world.person_b)
    body = api(world.officer_a).get(f"{API}/accounts").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["person_id"] == world.person_a.pk
    assert item["national_id"] == world.person_a.masked_national_id
    assert item["must_change_password"] is True
    assert world.person_a.national_id not in str(body)
    province = api(world.viewer)
    assert province.get(f"{API}/accounts").json()["count"] == 2
    assert province.get(f"{API}/accounts?q=zeta").json()["count"] == 1
    assert province.get(f"{API}/accounts?within=02647").json()["count"] == 1
    assert province.get(f"{API}/accounts?origin=bulk").json()["count"] == 0
    assert province.get(f"{API}/accounts?origin=wrong").status_code == 400


def test_create_an_account_and_reset_its_password(world: World) -> None:
    client = api(world.officer_a)
    response = post(client, f"{API}/accounts", {"person_id": world.person_a2.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["national_id"] == world.person_a2.masked_national_id
    first = body["temporary_password"]
    assert authenticate(None, username=world.person_a2.national_id, password=first)
    reset = post(client, f"{API}/accounts/{body['id']}/reset-password")
    assert reset.status_code == 200
    second = reset.json()["temporary_password"]
    assert second != first
    assert authenticate(None, username=world.person_a2.national_id, password=first) is None
    assert authenticate(None, username=world.person_a2.national_id, password=second)


def test_account_refusals_change_nothing(world: World) -> None:
    other = learner_account_create(actor=SYSTEM, person=world.person_b)[0]
    own = learner_account_create(actor=SYSTEM, person=world.person_a)[0]
    client, viewer = api(world.officer_a), api(world.viewer)
    before = counts()
    response = post(client, f"{API}/accounts", {"person_id": world.person_b2.pk})
    assert response.status_code == 400
    assert response.json()["errors"] == {"person_id": "Không tìm thấy người này."}
    assert post(client, f"{API}/accounts", {"person_id": world.person_a.pk}).status_code == 409
    assert post(client, f"{API}/accounts", {}).status_code == 400
    response = post(client, f"{API}/accounts", {"person_id": world.person_a2.pk, "phone": "1"})
    assert response.status_code == 400
    assert "phone" in response.json()["errors"]
    assert post(client, f"{API}/accounts/{other.pk}/reset-password").status_code == 404
    assert post(viewer, f"{API}/accounts/{own.pk}/reset-password").status_code == 403
    assert post(viewer, f"{API}/accounts", {"person_id": world.person_a2.pk}).status_code == 400
    assert counts() == before


def test_a_bulk_creation_through_the_api(world: World, django_capture_on_commit_callbacks: Any):
    member(world.person_a, world.org_a.code)
    member(world.person_a2, world.org_a.code, "staff")
    client = api(world.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, f"{API}/account-batches", {"organisation": world.org_a.code,
                                               "position": "teacher"}
        )  # fmt: skip
    assert response.status_code == 202, response.content
    batch_id = response.json()["id"]
    assert response.json()["status"] == JobStatus.QUEUED
    body = client.get(f"{API}/account-batches/{batch_id}").json()
    assert (body["status"], body["created"], body["existing"]) == ("done", 1, 0)
    assert body["has_sheet"] is True
    assert api(world.officer_b).get(f"{API}/account-batches/{batch_id}").status_code == 404
    assert api(world.admin).get(f"{API}/account-batches/{batch_id}").status_code == 404
    viewer = api(world.viewer)
    before = counts()
    refused = post(client, f"{API}/account-batches", {"organisation": world.org_b.code})
    assert refused.status_code == 400
    assert "organisation" in refused.json()["errors"]
    refused = post(viewer, f"{API}/account-batches", {"organisation": "THCS-A"})
    assert refused.status_code == 403
    bad = post(client, f"{API}/account-batches", {"organisation": "THCS-A", "position": "king"})
    assert bad.status_code == 400
    assert counts() == before


def test_enrolments_for_officers_and_the_learners_own(learning: LearningWorld) -> None:
    world = learning.world
    other = learner_account_create(actor=SYSTEM, person=world.person_b)[0]
    for person in (world.person_a, world.person_b):
        response = post(
            api(world.admin), f"{API}/enrolments/assign",
            {"course": learning.course.code, "person_id": person.pk},
        )  # fmt: skip
        assert response.json() == {"created": 1, "existing": 0, "left_out": 0}
    officer = api(world.officer_a).get(f"{API}/enrolments").json()
    assert [e["person_id"] for e in officer["items"]] == [world.person_a.pk]
    assert officer["items"][0]["national_id"] == world.person_a.masked_national_id
    assert officer["items"][0]["lesson_count"] == 3
    assert api(world.viewer).get(f"{API}/enrolments").json()["count"] == 2
    assert api(world.viewer).get(f"{API}/enrolments?organisation=HKH-B").json()["count"] == 1
    # a learner: their own only
    own = api(learning.learner).get(f"{API}/enrolments").json()
    assert [e["person_id"] for e in own["items"]] == [world.person_a.pk]
    theirs = api(other.user).get(f"{API}/enrolments").json()
    assert [e["person_id"] for e in theirs["items"]] == [world.person_b.pk]


def test_assign_to_an_organisation_through_the_api(world: World) -> None:
    member(world.person_a, world.org_a.code)
    member(world.person_a2, world.org_a.code)
    member(world.person_b2, world.org_a.code)  # lives in commune B
    course = build_course()
    client = api(world.officer_a)
    response = post(
        client, f"{API}/enrolments/assign", {"course": course.code, "organisation": "THCS-A"}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "existing": 0, "left_out": 1}
    again = post(
        client, f"{API}/enrolments/assign", {"course": course.code, "organisation": "THCS-A"}
    )
    assert again.json() == {"created": 0, "existing": 2, "left_out": 1}
    viewer = api(world.viewer)
    before = counts()
    cases = [
        {"course": course.code},
        {"course": course.code, "organisation": "THCS-A", "person_id": world.person_a.pk},
        {"course": "NOPE", "organisation": "THCS-A"},
        {"course": course.code, "organisation": world.org_b.code},
        {"course": course.code, "person_id": world.person_b.pk},
    ]
    for data in cases:
        assert post(client, f"{API}/enrolments/assign", data).status_code == 400, data
    assert post(viewer, f"{API}/enrolments/assign",
                {"course": course.code, "organisation": "THCS-A"}).status_code == 403  # fmt: skip
    assert counts() == before


def test_the_command_creates_accounts_and_writes_the_sheet(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    member(world.person_a, world.province_org.code, "staff")
    member(world.person_a2, world.org_a.code)
    member(world.person_b2, world.org_a.code)
    path = tmp_path / "sheet.xlsx"
    call_command(
        "learners", "create-accounts", "--org", "SGDDT-15", "--position", "teacher",
        "--sheet", str(path),
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "tạo mới 2, đã có tài khoản 0 (2 thành viên" in out
    assert f"danh sách tài khoản: {path}" in out
    assert os.stat(path).st_mode & 0o777 == 0o600
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 3
    by_name = {p.full_name: p for p in (world.person_a2, world.person_b2)}
    for row in rows[1:]:
        assert str(row[1]) == by_name[str(row[0])].masked_national_id
        assert authenticate(None, username=by_name[str(row[0])].national_id, password=row[5])
    batch = AccountBatch.objects.get()
    assert batch.actor is None
    assert not batch.sheet  # the passwords are in the operator's file only
    actions = set(
        AuditEntry.objects.filter(target_id=str(batch.pk)).values_list("action", flat=True)
    )
    assert {"account_batch.sheet_download", "account_batch.sheet_delete"} <= actions
    # again: everybody has an account, no sheet
    call_command("learners", "create-accounts", "--org", "SGDDT-15", "--position", "teacher")
    assert "tạo mới 0, đã có tài khoản 2" in capsys.readouterr().out


def test_the_command_writes_a_csv_sheet_by_default(
    world: World, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    member(world.person_a, world.org_a.code)
    call_command("learners", "create-accounts", "--org", "THCS-A")
    batch = AccountBatch.objects.get()
    path = tmp_path / f"accounts-THCS-A-{batch.pk}.csv"
    with path.open(encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream))
    assert rows[1][0] == world.person_a.full_name


def test_the_command_refuses_unknown_input(world: World, tmp_path: Path) -> None:
    before = counts()
    with pytest.raises(CommandError, match="NOWHERE"):
        call_command("learners", "create-accounts", "--org", "NOWHERE")
    with pytest.raises(CommandError, match=r"tệp \.csv hoặc \.xlsx"):
        call_command(
            "learners", "create-accounts", "--org", "THCS-A", "--sheet", str(tmp_path / "x.pdf")
        )
    with pytest.raises(CommandError):
        call_command("learners", "create-accounts", "--org", "THCS-A", "--position", "king")
    assert counts() == before


def test_a_learner_who_also_holds_a_role_is_not_reset_by_a_learning_officer(
    learning: LearningWorld,
) -> None:
    """Resetting the password of a learner who is also an instructor of the whole province
    would give a commune's officer that role: only who manages users over the province may."""
    w = learning.world
    accounts.role_grant(
        actor=SYSTEM, user=learning.learner, role="instructor", unit_code=w.province.code
    )
    password_before = User.objects.get(pk=learning.learner.pk).password
    changes = AuditEntry.objects.filter(action__startswith="learner_account.")
    entries_before = changes.count()
    url = f"{API}/accounts/{learning.account.pk}"

    reset = post(api(w.officer_a), f"{url}/reset-password")
    # a system administrator of commune A manages users there, not over the province
    local_admin = post(api(w.sysadmin_a), f"{url}/reset-password")
    with pytest.raises(PermissionDenied):
        learner_phone_set(actor=w.officer_a, account=learning.account, phone="0912345678")

    assert reset.status_code == local_admin.status_code == 403
    assert "temporary_password" not in reset.json()
    assert User.objects.get(pk=learning.learner.pk).password == password_before
    assert LearnerAccount.objects.get(pk=learning.account.pk).phone == learning.account.phone
    assert changes.count() == entries_before
    # a plain learner of the same commune is still reset by the same officer
    plain = learner_account_create(actor=SYSTEM, person=w.person_a2)[0]
    assert post(api(w.officer_a), f"{API}/accounts/{plain.pk}/reset-password").status_code == 200
    # and who manages users over the instructor's role (here the superuser) may
    assert post(api(w.admin), f"{url}/reset-password").status_code == 200


def test_an_officer_who_sees_masked_numbers_finds_an_account_by_the_whole_number_only(
    world: World,
) -> None:
    """An organisation's officer sees its members' ID numbers masked: a search by their start,
    digit by digit, would spell them out."""
    learner_account_create(actor=SYSTEM, person=world.person_b)
    number = world.person_b.national_id
    organisation, commune = api(world.org_officer_b), api(world.officer_b)

    listed = organisation.get(f"{API}/accounts").json()
    assert listed["count"] == 1
    assert listed["items"][0]["national_id"] != number  # masked
    assert organisation.get(f"{API}/accounts", {"q": number[:6]}).json()["count"] == 0
    assert organisation.get(f"{API}/accounts", {"q": number[:11]}).json()["count"] == 0
    assert organisation.get(f"{API}/accounts", {"q": number}).json()["count"] == 1
    assert commune.get(f"{API}/accounts", {"q": number[:6]}).json()["count"] == 1
