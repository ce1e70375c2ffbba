"""Learner accounts in bulk for an organisation's members: who is chosen, the counts, the
account sheet (masked ID numbers, passwords that work), runs started again or crashed, the
low-cost hash upgraded at first sign-in, and who may ask, download and delete."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import override_settings
from openpyxl import load_workbook

from hoctap.accounts.models import User
from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import PASSWORD, START, World
from hoctap.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from hoctap.learning.models import AccountBatch, AccountOrigin, JobStatus, LearnerAccount
from hoctap.learning.services import account_batches
from hoctap.learning.services.account_batches import (
    account_batch_request,
    account_batch_run,
    account_batch_sheet_delete,
    account_batch_sheet_open,
)
from hoctap.learning.services.learners import learner_signup
from hoctap.registry import services as registry
from hoctap.registry.models import Person

pytestmark = pytest.mark.django_db


def member(person: Person, organisation_code: str, position: str = "teacher") -> None:
    registry.membership_create(
        actor=SYSTEM,
        national_id=person.national_id,
        organisation_code=organisation_code,
        position=position,
        start_date=START,
    )


@pytest.fixture
def teachers(world: World) -> World:
    """person_a and person_a2 (commune A) and person_b2 (commune B) teach at THCS-A, a school
    of commune A beneath the Department of Education; person_a2 is also staff of the
    Department."""
    member(world.person_a, world.org_a.code)
    member(world.person_a2, world.org_a.code)
    member(world.person_b2, world.org_a.code)
    member(world.person_a2, world.province_org.code, "staff")
    return world


def sheet_files() -> set[str]:
    """The sheets kept by the storage (the tests' in-memory storage outlives a test)."""
    from django.core.files.storage import default_storage

    if not default_storage.exists("learning/account-sheets"):
        return set()
    return set(default_storage.listdir("learning/account-sheets")[1])


def sheet_rows(batch: AccountBatch, actor: Any) -> list[list[str]]:
    sheet = account_batch_sheet_open(actor=actor, batch=batch, fmt="csv")
    rows = list(csv.reader(io.StringIO(sheet.file.read().decode("utf-8-sig"))))
    return rows[1:]


def run(actor: Any, code: str, position: str = "") -> AccountBatch:
    batch = account_batch_request(
        actor=actor, organisation_code=code, position=position, language="en", queue=False
    )
    return account_batch_run(batch_id=batch.pk)


def test_accounts_for_the_members_in_scope_with_a_sheet_of_working_passwords(
    teachers: World,
) -> None:
    world = teachers
    batch = run(world.officer_a, world.org_a.code, "teacher")
    assert batch.status == JobStatus.DONE
    # person_b2 teaches there but lives in commune B, outside officer A's scope
    assert (batch.total, batch.created_count, batch.existing_count) == (2, 2, 0)
    assert batch.done == 2
    assert "1 current members were left out" in batch.message
    accounts = LearnerAccount.objects.filter(origin=AccountOrigin.BULK)
    assert {a.person_id for a in accounts} == {world.person_a.pk, world.person_a2.pk}
    assert all(a.must_change_password and a.created_by == world.officer_a for a in accounts)
    assert not LearnerAccount.objects.filter(person=world.person_b2).exists()

    rows = sheet_rows(batch, world.officer_a)
    assert [r[0] for r in rows] == [world.person_a.full_name, world.person_a2.full_name]
    text = " ".join(" ".join(r) for r in rows)
    assert world.person_a.national_id not in text
    assert world.person_a2.national_id not in text
    assert rows[0][1] == world.person_a.masked_national_id
    assert rows[0][2] == world.org_a.name
    assert rows[0][3] == "Teacher"
    assert rows[0][4] == "your personal ID number"
    for row, person in zip(rows, (world.person_a, world.person_a2), strict=True):
        user = authenticate(None, username=person.national_id, password=row[5])
        assert user is not None
        assert user.learner_account.person_id == person.pk
        assert row[6] == user.username


def test_the_subtree_every_position_and_members_with_an_account_counted_not_touched(
    teachers: World,
) -> None:
    world = teachers
    own = learner_signup(
        national_id=world.person_a.national_id,
        birth_date=world.person_a.birth_date,
        password=PASSWORD,
    )
    before = User.objects.get(pk=own.user_id).password
    batch = run(world.admin, world.province_org.code)
    # the Department and its school: a, a2 (twice a member: once), b2
    assert (batch.total, batch.created_count, batch.existing_count) == (3, 2, 1)
    assert batch.message == ""
    assert User.objects.get(pk=own.user_id).password == before
    own.refresh_from_db()
    assert own.origin == AccountOrigin.SELF_SIGNUP
    rows = sheet_rows(batch, world.admin)
    assert {r[0] for r in rows} == {world.person_a2.full_name, world.person_b2.full_name}
    # a member listed once, with the first of their organisations by code
    a2 = next(r for r in rows if r[0] == world.person_a2.full_name)
    assert a2[2] == world.province_org.name


def test_one_audit_entry_per_chunk_and_one_for_the_batch(
    teachers: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(account_batches, "CHUNK", 2)
    batch = run(SYSTEM, teachers.province_org.code)
    entries = AuditEntry.objects.filter(
        target_id=str(batch.pk), target_type="learning.accountbatch"
    )
    actions = list(entries.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "account_batch.request",
        "learner_account.create_bulk",
        "learner_account.create_bulk",
        "account_batch.finish",
    ]
    finish = entries.get(action="account_batch.finish")
    assert finish.changes["created"] == 3
    assert finish.changes["organisation"] == teachers.province_org.code
    assert finish.actor is None
    assert finish.actor_label == "system"


def test_a_second_run_changes_nothing(teachers: World) -> None:
    batch = run(teachers.officer_a, teachers.org_a.code)
    accounts, entries = LearnerAccount.objects.count(), AuditEntry.objects.count()
    sheet = batch.sheet.name
    again = account_batch_run(batch_id=batch.pk)
    assert again.status == JobStatus.DONE
    assert (again.created_count, again.sheet.name) == (batch.created_count, sheet)
    assert (LearnerAccount.objects.count(), AuditEntry.objects.count()) == (accounts, entries)


def test_a_run_killed_half_way_carries_on_and_the_sheet_holds_every_password(
    teachers: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = teachers
    monkeypatch.setattr(account_batches, "CHUNK", 1)
    hash_of = account_batches.temporary_password_hash
    calls = {"n": 0}

    def killed_on_the_second_chunk(password: str) -> str:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # not an Exception: the process dies, nothing is marked
        return hash_of(password)

    monkeypatch.setattr(account_batches, "temporary_password_hash", killed_on_the_second_chunk)
    files = sheet_files()
    batch = account_batch_request(
        actor=SYSTEM, organisation_code=world.org_a.code, language="en", queue=False
    )
    with pytest.raises(KeyboardInterrupt):
        account_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == JobStatus.RUNNING
    assert (batch.total, batch.done, batch.created_count) == (3, 1, 1)
    first = LearnerAccount.objects.get()
    first_hash = first.user.password

    monkeypatch.setattr(account_batches, "temporary_password_hash", hash_of)
    batch = account_batch_run(batch_id=batch.pk)
    assert batch.status == JobStatus.DONE
    assert (batch.total, batch.done, batch.created_count, batch.existing_count) == (3, 3, 3, 0)
    assert LearnerAccount.objects.count() == 3
    assert User.objects.get(pk=first.user_id).password == first_hash
    rows = sheet_rows(batch, SYSTEM)
    assert len(rows) == 3
    by_name = {p.full_name: p for p in (world.person_a, world.person_a2, world.person_b2)}
    for row in rows:
        assert authenticate(None, username=by_name[row[0]].national_id, password=row[5])
    # the sheets of the earlier chunks were replaced, not left behind
    assert sheet_files() - files == {str(batch.sheet.name).split("/")[-1]}


def test_a_crashed_run_is_failed_and_keeps_what_it_committed(
    teachers: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = teachers
    monkeypatch.setattr(account_batches, "CHUNK", 1)
    audit = account_batches.audit_record
    calls = {"n": 0}

    def broken_on_the_second_chunk(**kwargs: Any) -> Any:
        # the last write of a chunk, after its users, accounts and sheet
        if kwargs["action"] == "learner_account.create_bulk":
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("disk full")
        return audit(**kwargs)

    monkeypatch.setattr(account_batches, "audit_record", broken_on_the_second_chunk)
    files = sheet_files()
    batch = account_batch_request(
        actor=world.officer_a, organisation_code=world.org_a.code, language="en", queue=False
    )
    with pytest.raises(RuntimeError):
        account_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == JobStatus.FAILED
    # a bug is told as such; Python's own words (about the code, in English) go to the log
    assert "unexpected error (RuntimeError)" in batch.message
    assert "disk full" not in batch.message
    assert batch.finished_at is not None
    assert (batch.created_count, LearnerAccount.objects.count()) == (1, 1)
    assert AuditEntry.objects.filter(action="account_batch.fail", target_id=str(batch.pk)).exists()
    rows = sheet_rows(batch, world.officer_a)
    assert len(rows) == 1
    assert authenticate(None, username=world.person_a.national_id, password=rows[0][5])
    # only the committed sheet is kept: the second chunk's was removed with its rollback
    assert sheet_files() - files == {str(batch.sheet.name).split("/")[-1]}

    monkeypatch.setattr(account_batches, "audit_record", audit)
    again = account_batch_run(batch_id=batch.pk)
    assert again.status == JobStatus.FAILED
    assert LearnerAccount.objects.count() == 1
    # a new request creates the rest
    rest = run(world.officer_a, world.org_a.code)
    assert (rest.created_count, rest.existing_count) == (1, 1)


@override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
)
def test_the_low_cost_hash_is_upgraded_at_the_first_sign_in(teachers: World) -> None:
    world = teachers
    batch = run(world.officer_a, world.org_a.code, "teacher")
    row = next(r for r in sheet_rows(batch, world.officer_a) if r[0] == world.person_a.full_name)
    user = User.objects.get(username=row[6])
    algorithm, iterations, _salt, _hash = user.password.split("$")
    assert (algorithm, int(iterations)) == ("pbkdf2_sha256", 1000)
    assert PBKDF2PasswordHasher().must_update(user.password)
    assert authenticate(None, username=world.person_a.national_id, password=row[5]) == user
    user.refresh_from_db()
    algorithm, iterations, _salt, _hash = user.password.split("$")
    assert int(iterations) == PBKDF2PasswordHasher.iterations > 1000
    assert not PBKDF2PasswordHasher().must_update(user.password)
    assert user.check_password(row[5])


def test_the_task_is_queued_after_commit_and_runs(
    teachers: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as queued:
        batch = account_batch_request(
            actor=teachers.officer_a, organisation_code=teachers.org_a.code
        )
        batch.refresh_from_db()
        assert batch.status == JobStatus.QUEUED  # nothing ran before the commit
    assert len(queued) == 1
    batch.refresh_from_db()
    assert (batch.status, batch.created_count) == (JobStatus.DONE, 2)


def test_refusals_write_nothing(teachers: World) -> None:
    world = teachers
    cases: list[tuple[Any, str, str, type[Exception]]] = [
        (world.officer_a, world.org_b.code, "", InvalidInput),  # not visible: unknown
        (world.officer_a, "NOWHERE", "", InvalidInput),
        (world.officer_a, "", "", InvalidInput),
        (world.viewer, world.org_a.code, "", PermissionDenied),  # visible, may not manage
        (world.secretariat, world.org_a.code, "", PermissionDenied),
        (world.officer_a, world.org_a.code, "captain", InvalidInput),
    ]
    entries = AuditEntry.objects.count()
    for actor, code, position, error in cases:
        with pytest.raises(error) as caught:
            account_batch_request(actor=actor, organisation_code=code, position=position)
        if error is InvalidInput:
            assert set(caught.value.errors) <= {"organisation", "position"}  # type: ignore[attr-defined]
    assert AccountBatch.objects.count() == 0
    assert AuditEntry.objects.count() == entries


def test_one_batch_at_a_time_for_the_same_members(teachers: World) -> None:
    world = teachers
    account_batch_request(actor=world.officer_a, organisation_code=world.org_a.code, queue=False)
    with pytest.raises(Conflict):
        account_batch_request(
            actor=world.officer_a, organisation_code=world.org_a.code, queue=False
        )
    assert AccountBatch.objects.count() == 1
    # another position is other members
    account_batch_request(
        actor=world.officer_a, organisation_code=world.org_a.code, position="staff", queue=False
    )


def test_the_sheet_is_the_requesters_and_every_download_is_audited(teachers: World) -> None:
    world = teachers
    batch = run(world.officer_a, world.org_a.code)
    for intruder in (world.officer_b, world.admin, world.sysadmin_a):
        with pytest.raises(NotFound):
            account_batch_sheet_open(actor=intruder, batch=batch)
        with pytest.raises(NotFound):
            account_batch_sheet_delete(actor=intruder, batch=batch)
    downloads = AuditEntry.objects.filter(action="account_batch.sheet_download")
    assert downloads.count() == 0
    sheet_rows(batch, world.officer_a)
    xlsx = account_batch_sheet_open(actor=world.officer_a, batch=batch, fmt="xlsx")
    assert xlsx.file_name.endswith(".xlsx")
    cells = list(load_workbook(xlsx.file, read_only=True).active.iter_rows(values_only=True))
    assert cells[0][5] == "Temporary password"
    assert {c[1] for c in cells[1:]} == {world.person_a.masked_national_id,
                                          world.person_a2.masked_national_id}  # fmt: skip
    assert downloads.count() == 2
    assert set(downloads.values_list("actor", flat=True)) == {world.officer_a.pk}
    with pytest.raises(InvalidInput):
        account_batch_sheet_open(actor=world.officer_a, batch=batch, fmt="pdf")


def test_deleting_the_sheet_removes_the_file_and_is_audited(
    teachers: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = teachers
    batch = run(world.officer_a, world.org_a.code)
    name, storage = str(batch.sheet.name), batch.sheet.storage
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        account_batch_sheet_delete(actor=world.officer_a, batch=batch)
    batch.refresh_from_db()
    assert not batch.sheet
    assert not storage.exists(name)
    assert AuditEntry.objects.filter(action="account_batch.sheet_delete").count() == 1
    with pytest.raises(Conflict):
        account_batch_sheet_delete(actor=world.officer_a, batch=batch)
    with pytest.raises(NotFound):
        account_batch_sheet_open(actor=world.officer_a, batch=batch)
    assert LearnerAccount.objects.count() == 2  # the accounts stay


def test_the_sheet_waits_for_the_end_of_the_run(teachers: World) -> None:
    batch = account_batch_request(
        actor=teachers.officer_a, organisation_code=teachers.org_a.code, queue=False
    )
    with pytest.raises(Conflict):
        account_batch_sheet_open(actor=teachers.officer_a, batch=batch)
    with pytest.raises(Conflict):
        account_batch_sheet_delete(actor=teachers.officer_a, batch=batch)


def test_an_organisation_officer_reaches_members_wherever_they_live(world: World) -> None:
    """An organisation officer's scope is the organisation's members, not a place."""
    member(world.person_a, world.school_b.code, "teacher")  # lives in commune A
    member(world.person_b2, world.school_b.code, "teacher")
    batch = run(world.org_officer_b, world.org_b.code, "teacher")
    assert (batch.total, batch.created_count) == (2, 2)
    assert batch.message == ""


def test_nobody_to_create(world: World) -> None:
    batch = run(world.officer_a, world.org_a.code)
    assert batch.status == JobStatus.DONE
    assert (batch.total, batch.created_count) == (0, 0)
    assert not batch.sheet
    assert "No current member" in batch.message
