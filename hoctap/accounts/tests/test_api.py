"""`/api/v1/users` and role grants through HTTP, with a session and with a bearer token."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from hoctap.accounts import services
from hoctap.accounts.models import ApiToken, RoleGrant, User
from hoctap.accounts.permissions import SYSTEM
from hoctap.accounts.roles import Role
from hoctap.audit.models import AuditEntry

PASSWORD = "correct-horse-battery-staple-42"
TABLES = (User, RoleGrant, ApiToken, AuditEntry)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


@contextlib.contextmanager
def writes_nothing() -> Iterator[None]:
    before = counts()
    yield
    assert counts() == before


def post(client: Client, url: str, data: Any, **extra: Any) -> Any:
    return client.post(url, data, content_type="application/json", **extra)


def usernames(response: Any) -> list[str]:
    assert response.status_code == 200
    return [item["username"] for item in response.json()["items"]]


def test_user_list_is_scoped(world, as_user):
    assert usernames(as_user(world.sysadmin_a).get("/api/v1/users")) == ["officer_a", "sysadmin_a"]
    assert usernames(as_user(world.secretariat).get("/api/v1/users")) == [
        "officer_a",
        "officer_b",
        "org_officer_b",
        "secretariat",
        "sysadmin_a",
        "viewer",
    ]
    assert usernames(as_user(world.secretariat).get("/api/v1/users", {"role": "viewer"})) == [
        "viewer"
    ]
    # a viewer holds no user permission: an empty list, not an error
    response = as_user(world.viewer).get("/api/v1/users")
    assert response.json() == {"items": [], "count": 0}


def test_user_detail_with_grants(world, as_user):
    response = as_user(world.sysadmin_a).get("/api/v1/users/officer_a")

    assert response.status_code == 200
    body = response.json()
    assert (body["username"], body["is_active"]) == ("officer_a", True)
    assert [(g["role"], g["unit_code"], g["organisation_code"]) for g in body["grants"]] == [
        ("unit_officer", "02647", None)
    ]


def test_user_detail_shows_only_the_grants_in_the_actors_scope(world, as_user):
    services.role_grant(actor=SYSTEM, user=world.officer_a, role=Role.VIEWER, unit_code="04465")

    seen_by_admin_a = as_user(world.sysadmin_a).get("/api/v1/users/officer_a").json()
    seen_by_self = as_user(world.officer_a).get("/api/v1/users/officer_a").json()
    grants_a = as_user(world.sysadmin_a).get("/api/v1/users/officer_a/grants").json()

    assert [g["unit_code"] for g in seen_by_admin_a["grants"]] == ["02647"]
    assert [g["unit_code"] for g in grants_a] == ["02647"]
    assert sorted(g["unit_code"] for g in seen_by_self["grants"]) == ["02647", "04465"]


def test_lists_and_answers_show_no_grant_outside_the_actors_scope(world, as_user):
    services.role_grant(actor=SYSTEM, user=world.officer_a, role=Role.VIEWER, unit_code="04465")
    client = as_user(world.sysadmin_a)

    listed = client.get("/api/v1/users").json()["items"]
    shown = client.get("/api/v1/users/officer_a").json()
    # officer_a now also holds a role in commune B, which sysadmin_a does not manage: seeing
    # them is allowed, changing them is not.
    refused = client.patch(
        "/api/v1/users/officer_a", {"full_name": "A"}, content_type="application/json"
    )

    officer = next(item for item in listed if item["username"] == "officer_a")
    assert [g["unit_code"] for g in officer["grants"]] == ["02647"]
    assert [g["unit_code"] for g in shown["grants"]] == ["02647"]
    assert refused.status_code == 403
    world.officer_a.refresh_from_db()
    assert world.officer_a.full_name != "A"
    everything = as_user(world.admin).get("/api/v1/users", {"q": "officer_a"}).json()["items"]
    assert sorted(g["unit_code"] for g in everything[0]["grants"]) == ["02647", "04465"]


def test_a_user_outside_scope_is_404(world, as_user):
    client = as_user(world.sysadmin_a)
    with writes_nothing():
        assert client.get("/api/v1/users/officer_b").status_code == 404
        assert client.get("/api/v1/users/officer_b/grants").status_code == 404
        assert client.get("/api/v1/users/nobody").status_code == 404
        response = client.patch(
            "/api/v1/users/officer_b", {"full_name": "X"}, content_type="application/json"
        )
        assert response.status_code == 404
        response = post(
            client, "/api/v1/users/officer_b/grants", {"role": "viewer", "unit": "02647"}
        )
        assert response.status_code == 404
        grant_b = RoleGrant.objects.get(user=world.officer_b)
        assert post(client, f"/api/v1/grants/{grant_b.pk}/revoke", {}).status_code == 404
    assert User.objects.get(username="officer_b").full_name == ""


def test_an_administrator_creates_a_user(world, as_user):
    response = post(
        as_user(world.sysadmin_a),
        "/api/v1/users",
        {
            "username": "to_truong",
            "full_name": "Lò Văn Tú",
            "password": PASSWORD,
            "role": "unit_officer",
            "unit": "02647-001",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "to_truong"
    assert [(g["role"], g["unit_code"]) for g in body["grants"]] == [("unit_officer", "02647-001")]
    user = User.objects.get(username="to_truong")
    assert user.check_password(PASSWORD)
    assert Client().login(username="to_truong", password=PASSWORD)


def test_a_viewer_creating_a_user_is_403(world, as_user):
    with writes_nothing():
        response = post(
            as_user(world.viewer),
            "/api/v1/users",
            {"username": "intruder", "password": PASSWORD, "role": "viewer", "unit": "15"},
        )
    assert response.status_code == 403
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "officer_a"}, "username"),
        ({"password": "123456789"}, "password"),
        ({"unit": "04465"}, "unit"),  # outside the administrator's commune
        ({"unit": None}, "scope"),
        ({"role": "emperor"}, "role"),
        ({"username": None}, "username"),
    ],
)
def test_user_create_with_bad_input_is_400(world, as_user, payload, field):
    data = {"username": "newcomer", "password": PASSWORD, "role": "viewer", "unit": "02647"}
    data.update(payload)
    with writes_nothing():
        response = post(as_user(world.sysadmin_a), "/api/v1/users", data)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {field}


def test_grant_and_revoke_through_the_api(world, as_user):
    client = as_user(world.sysadmin_a)

    created = post(
        client,
        "/api/v1/users/officer_a/grants",
        {"role": "inspector", "unit": "02647", "valid_from": "2025-07-01"},
    )
    assert created.status_code == 201
    grant = created.json()
    assert (grant["role"], grant["unit_code"], grant["valid_from"], grant["valid_to"]) == (
        "inspector",
        "02647",
        "2025-07-01",
        None,
    )
    listed = client.get("/api/v1/users/officer_a/grants").json()
    assert sorted(g["role"] for g in listed) == ["inspector", "unit_officer"]

    revoked = post(client, f"/api/v1/grants/{grant['id']}/revoke", {"valid_to": "2025-12-31"})
    assert revoked.status_code == 200
    assert revoked.json()["valid_to"] == "2025-12-31"
    with writes_nothing():
        again = post(client, f"/api/v1/grants/{grant['id']}/revoke", {"valid_to": "2025-12-31"})
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"role": "viewer", "unit": "04465"}, "unit"),
        ({"role": "viewer", "organisation": "HKH-B"}, "organisation"),
        ({"role": "viewer", "unit": "02647", "organisation": "THCS-A"}, "scope"),
        ({"role": "viewer"}, "scope"),
        ({"role": "king", "unit": "02647"}, "role"),
        (
            {
                "role": "viewer",
                "unit": "02647",
                "valid_from": "2026-01-01",
                "valid_to": "2025-01-01",
            },
            "valid_to",
        ),
    ],
)
def test_grant_with_bad_input_is_400(world, as_user, payload, field):
    with writes_nothing():
        response = post(as_user(world.sysadmin_a), "/api/v1/users/officer_a/grants", payload)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {field}


def test_a_duplicate_grant_is_409(world, as_user):
    with writes_nothing():
        response = post(
            as_user(world.sysadmin_a),
            "/api/v1/users/officer_a/grants",
            {"role": "unit_officer", "unit": "02647"},
        )
    assert response.status_code == 409


def test_granting_without_user_management_is_403(world, as_user):
    with writes_nothing():
        response = post(
            as_user(world.secretariat),
            "/api/v1/users/officer_a/grants",
            {"role": "viewer", "unit": "02647"},
        )
    assert response.status_code == 403


def test_patch_user(world, as_user):
    client = as_user(world.sysadmin_a)
    response = client.patch(
        "/api/v1/users/officer_a",
        {"full_name": "Giàng A Páo", "email": "pao@example.vn"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["full_name"], response.json()["email"]) == (
        "Giàng A Páo",
        "pao@example.vn",
    )
    with writes_nothing():
        self_off = client.patch(
            "/api/v1/users/sysadmin_a", {"is_active": False}, content_type="application/json"
        )
    assert self_off.status_code == 400
    assert set(self_off.json()["errors"]) == {"is_active"}


def test_a_bearer_token_works_on_the_users_api(world):
    _token, key = services.token_create(actor=SYSTEM, user=world.sysadmin_a)
    client = Client(enforce_csrf_checks=True)
    auth = {"Authorization": f"Bearer {key}"}

    assert usernames(client.get("/api/v1/users", headers=auth)) == ["officer_a", "sysadmin_a"]
    created = post(
        client,
        "/api/v1/users",
        {"username": "by_token", "password": PASSWORD, "role": "viewer", "unit": "02647"},
        headers=auth,
    )
    assert created.status_code == 201
    entry = AuditEntry.objects.get(
        action="user.create", target_id=str(User.objects.get(username="by_token").pk)
    )
    assert (entry.actor, entry.channel) == (world.sysadmin_a, "api")


def test_session_user_create_without_csrf_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.sysadmin_a)
    with writes_nothing():
        response = post(
            client,
            "/api/v1/users",
            {"username": "csrf_victim", "password": PASSWORD, "role": "viewer", "unit": "02647"},
        )
    assert response.status_code == 403


def test_a_partial_administrator_cannot_take_over_a_visible_user(world, as_user):
    mixed = services.user_create(
        actor=SYSTEM, username="mixed_admin", role=Role.SYSTEM_ADMIN, unit_code="02647"
    )
    services.role_grant(actor=SYSTEM, user=mixed, role=Role.INSPECTOR, unit_code="15")
    client = as_user(mixed)
    assert client.get("/api/v1/users/secretariat").status_code == 200

    with writes_nothing():
        response = client.patch(
            "/api/v1/users/secretariat",
            {"password": "taken-over-passphrase-91"},
            content_type="application/json",
        )
    assert response.status_code == 403
    assert User.objects.get(username="secretariat").check_password(PASSWORD)


def test_me_names_the_signed_in_user_by_session_and_by_token(world, as_user, client):
    response = as_user(world.officer_a).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {"username": "officer_a", "full_name": world.officer_a.full_name}
    _token, key = services.token_create(actor=SYSTEM, user=world.viewer, name="phone")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.json()["username"] == "viewer"
    assert Client().get("/api/v1/me").status_code == 401


def test_the_role_filter_counts_only_the_grants_in_the_actors_scope(world, as_user):
    """A role held only outside one's scope must not make a visible user show up: the filter
    would tell that they hold it elsewhere."""
    mixed = services.user_create(
        actor=SYSTEM, username="mixed", role=Role.VIEWER, unit_code="02647", password=PASSWORD
    )
    services.role_grant(actor=SYSTEM, user=mixed, role=Role.INSPECTOR, unit_code="04465")
    client = as_user(world.sysadmin_a)

    assert usernames(client.get("/api/v1/users", {"role": "inspector"})) == []
    assert usernames(client.get("/api/v1/users", {"role": "viewer"})) == ["mixed"]
    page = client.get("/users/", {"role": "inspector"}).content.decode()
    assert "mixed" not in page
    assert "mixed" in client.get("/users/", {"role": "viewer"}).content.decode()
    # whoever sees commune B finds them by it
    seen = as_user(world.secretariat).get("/api/v1/users", {"role": "inspector"})
    assert usernames(seen) == ["mixed"]
