"""The `hoctap` command: units, users and tokens, as an operator runs them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from hoctap import cli
from hoctap.accounts.models import ApiToken, RoleGrant, User
from hoctap.accounts.roles import Role
from hoctap.audit.models import AuditEntry
from hoctap.geo.models import AdminUnit, UnitClosure

PASSWORD = "correct-horse-battery-staple-42"
TABLES = (AdminUnit, UnitClosure, User, RoleGrant, ApiToken, AuditEntry)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_units_load_official_for_one_province():
    output = run("units", "load-official", "--province", "15")

    assert "tạo mới 100, cập nhật 0, không đổi 0" in output
    assert AdminUnit.objects.filter(parent__code="15").count() == 99
    assert set(AuditEntry.objects.values_list("channel", flat=True)) == {"cli"}
    assert "tạo mới 0, cập nhật 0, không đổi 100" in run(
        "units", "load-official", "--province", "15"
    )


@pytest.mark.django_db
def test_units_load_official_with_an_unknown_province_is_a_command_error():
    with pytest.raises(CommandError, match="province"):
        run("units", "load-official", "--province", "99")
    assert counts() == dict.fromkeys(counts(), 0)


def test_units_rebuild_closure(world):
    expected = set(UnitClosure.objects.values_list("ancestor_id", "descendant_id", "depth"))
    UnitClosure.objects.all().delete()

    output = run("units", "rebuild-closure")

    assert f"số dòng phân cấp đơn vị {len(expected)}," in output
    assert set(UnitClosure.objects.values_list("ancestor_id", "descendant_id", "depth")) == expected


def test_users_add_with_a_role_on_a_unit(world):
    output = run(
        "users",
        "add",
        "to_truong",
        "--role",
        "unit_officer",
        "--unit",
        "02647",
        "--password",
        PASSWORD,
    )

    assert "đã tạo người dùng to_truong (unit_officer)" in output
    assert "mật khẩu:" not in output
    user = User.objects.get(username="to_truong")
    grant = RoleGrant.objects.filter(user=user).values_list("role", "unit__code").get()
    assert grant == (Role.UNIT_OFFICER, "02647")
    assert Client().login(username="to_truong", password=PASSWORD)
    entry = AuditEntry.objects.get(action="user.create", target_id=str(user.pk))
    assert (entry.actor_label, entry.channel) == ("system", "cli")


def test_users_add_without_a_password_prints_a_random_one(world):
    output = run("users", "add", "hoi_vien", "--role", "viewer", "--org", "HKH-B")

    password = output.split("mật khẩu:", 1)[1].strip()
    assert len(password) >= 12
    assert Client().login(username="hoi_vien", password=password)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "99999"], "unit"),
        (["--org", "NOPE"], "organisation"),
        (["--unit", "02647", "--password", "123"], "password"),
    ],
)
def test_users_add_with_bad_input_is_a_command_error_and_writes_nothing(world, args, message):
    before = counts()
    with pytest.raises(CommandError, match=message):
        run("users", "add", "newcomer", "--role", "unit_officer", *args)
    assert counts() == before
    assert not User.objects.filter(username="newcomer").exists()


def test_users_add_with_a_taken_name_writes_nothing(world):
    before = counts()
    with pytest.raises(CommandError, match="username"):
        run("users", "add", "officer_a", "--role", "viewer", "--unit", "15", "--password", PASSWORD)
    assert counts() == before


def test_tokens_create_prints_a_key_that_works_on_the_api(world):
    output = run("tokens", "create", "officer_a", "--name", "sync")

    key = output.strip()
    assert key.startswith("hct_")
    token = ApiToken.objects.get(user=world.officer_a)
    assert token.name == "sync"
    assert key not in (token.key_hash, token.prefix)
    response = Client().get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert [item["code"] for item in response.json()["items"]] == ["02647", "02647-001"]


def test_tokens_create_for_an_unknown_user_is_a_command_error(world):
    before = counts()
    with pytest.raises(CommandError, match="Không có người dùng tên “nobody”"):
        run("tokens", "create", "nobody")
    assert counts() == before


@pytest.mark.django_db(transaction=True)
def test_the_hoctap_entry_point(capsys):
    # `hoctap ...` runs the same commands; a failure exits with status 1 and a message
    with pytest.raises(SystemExit) as exc:
        cli.main(["units", "load-official", "--province", "99"])
    assert exc.value.code == 1
    assert "province" in capsys.readouterr().err
    assert not AdminUnit.objects.exists()

    assert cli.main(["units", "load-official", "--province", "15"]) == 0
    assert "tạo mới 100" in capsys.readouterr().out
    assert AdminUnit.objects.count() == 100


@pytest.mark.django_db(transaction=True)
def test_the_hoctap_command_speaks_english_when_asked(capsys, monkeypatch):
    monkeypatch.setenv("HOCTAP_LANGUAGE", "en")
    assert cli.main(["units", "load-official", "--province", "15"]) == 0
    assert "created 100, updated 0, unchanged 0" in capsys.readouterr().out

    monkeypatch.setenv("HOCTAP_LANGUAGE", "fr")
    assert cli.main(["units", "load-official", "--province", "15"]) == 2
    assert "HOCTAP_LANGUAGE=fr: not one of vi, en" in capsys.readouterr().err
    assert AdminUnit.objects.count() == 100

    # the language asked for lasts as long as the command: the process goes back to Vietnamese
    monkeypatch.delenv("HOCTAP_LANGUAGE")
    assert cli.main(["units", "load-official", "--province", "15"]) == 0
    assert "tạo mới 0, cập nhật 0, không đổi 100" in capsys.readouterr().out


def test_tokens_revoke_stops_a_leaked_token_and_is_audited(world):
    key = run("tokens", "create", "officer_a", "--name", "leaked").strip()
    other = run("tokens", "create", "officer_a", "--name", "kept").strip()

    output = run("tokens", "revoke", "officer_a", "--prefix", key)

    assert f"{key[:10]}…" in output
    assert Client().get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert Client().get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200
    entry = AuditEntry.objects.get(action="token.revoke")
    assert (entry.actor_label, entry.channel) == ("system", "cli")
    # all the user's active tokens, then nothing left to revoke
    run("tokens", "revoke", "officer_a")
    assert Client().get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 401
    with pytest.raises(CommandError, match="officer_a"):
        run("tokens", "revoke", "officer_a")
