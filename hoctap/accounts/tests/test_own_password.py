"""One's own password: changed with a session and the current password, never with an API token
(a token is for scripts; whoever holds one must not be able to keep the account)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from hoctap.accounts import services
from hoctap.accounts.models import FailedAttempt, User
from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import PASSWORD, World, client_for
from hoctap.core.errors import InvalidInput

pytestmark = pytest.mark.django_db

NEW = "Brand-new-pass-98765"
EN = {"Accept-Language": "en"}


def _patch(client: Client, username: str, data: dict[str, Any], **headers: str) -> Any:
    return client.patch(
        f"/api/v1/users/{username}",
        json.dumps(data),
        content_type="application/json",
        headers={**EN, **headers},
    )


def _stored(user: User) -> User:
    return User.objects.get(pk=user.pk)


def _updates() -> int:
    return AuditEntry.objects.filter(action="user.update").count()


@pytest.mark.parametrize("current", [None, PASSWORD])
def test_an_api_token_cannot_change_its_own_users_password(world: World, current: Any) -> None:
    _token, key = services.token_create(actor=SYSTEM, user=world.officer_a, name="import script")
    data = {"password": NEW, "email": "attacker@example.com"}
    if current:
        data["current_password"] = current

    response = _patch(Client(), "officer_a", data, Authorization=f"Bearer {key}")

    assert response.status_code == 403
    assert "API token" in response.json()["detail"]
    stored = _stored(world.officer_a)
    assert stored.check_password(PASSWORD)
    assert stored.email == ""
    assert _updates() == 0
    assert not Client().login(username="officer_a", password=NEW)


def test_a_token_still_changes_its_users_name_and_others_passwords(world: World) -> None:
    _token, key = services.token_create(actor=SYSTEM, user=world.officer_a)
    named = _patch(Client(), "officer_a", {"full_name": "Lò Văn A"}, Authorization=f"Bearer {key}")
    assert named.status_code == 200
    assert _stored(world.officer_a).full_name == "Lò Văn A"
    # an administrator's script may set the password of a user they manage
    _token, admin_key = services.token_create(actor=SYSTEM, user=world.sysadmin_a)
    reset = _patch(Client(), "officer_a", {"password": NEW}, Authorization=f"Bearer {admin_key}")
    assert reset.status_code == 200
    assert _stored(world.officer_a).check_password(NEW)


@pytest.mark.parametrize(
    ("current", "message"),
    [(None, "This field is required."), ("not-the-password", "The current password is not right.")],
)
def test_with_a_session_the_current_password_is_needed(
    world: World, current: Any, message: str
) -> None:
    data = {"password": NEW}
    if current:
        data["current_password"] = current

    response = _patch(client_for(world.officer_a), "officer_a", data)

    assert response.status_code == 400
    assert response.json()["errors"] == {"current_password": message}
    assert _stored(world.officer_a).check_password(PASSWORD)
    assert _updates() == 0


def test_with_a_session_and_the_current_password_it_changes(world: World) -> None:
    response = _patch(
        client_for(world.officer_a), "officer_a", {"password": NEW, "current_password": PASSWORD}
    )

    assert response.status_code == 200
    assert _stored(world.officer_a).check_password(NEW)
    entry = AuditEntry.objects.get(action="user.update")
    assert (entry.actor, entry.changes) == (world.officer_a, {"password": ["***", "***"]})
    assert Client().login(username="officer_a", password=NEW)


@override_settings(HOCTAP_FAILED_ATTEMPT_LIMITS={"sign_in": {"name": 3, "address": 100}})
def test_guessing_the_current_password_counts_as_failed_sign_ins(world: World) -> None:
    client = client_for(world.officer_a)
    for n in range(3):
        _patch(client, "officer_a", {"password": NEW, "current_password": f"guess-{n}"})
    assert FailedAttempt.objects.filter(scope="sign_in").exists()

    # blocked for the hour: even the right one is refused now, and so is signing in
    response = _patch(client, "officer_a", {"password": NEW, "current_password": PASSWORD})
    assert response.status_code == 400
    assert "Too many failed attempts" in response.json()["errors"]["current_password"]
    assert _stored(world.officer_a).check_password(PASSWORD)
    browser = Client()
    browser.cookies["django_language"] = "en"
    signing_in = browser.post(
        reverse("accounts:login"), {"username": "officer_a", "password": PASSWORD}
    )
    assert signing_in.status_code == 200
    assert "Too many failed attempts" in signing_in.content.decode()


def test_the_service_asks_for_the_current_password_of_ones_own(world: World) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.user_update(actor=world.viewer, user=world.viewer, password=NEW)
    assert set(exc.value.errors) == {"current_password"}
    assert _stored(world.viewer).check_password(PASSWORD)

    services.user_update(
        actor=world.viewer, user=world.viewer, password=NEW, current_password=PASSWORD
    )
    assert _stored(world.viewer).check_password(NEW)
    # someone who manages the user needs no current password (they reset a forgotten one)
    services.user_update(actor=world.sysadmin_a, user=world.officer_a, password=NEW)
    assert _stored(world.officer_a).check_password(NEW)
