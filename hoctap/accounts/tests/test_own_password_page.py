"""An officer changes their own password on a page: the current one first, audited, and they
stay signed in."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse

from hoctap.audit.models import AuditEntry
from hoctap.conftest import PASSWORD, World, client_for

pytestmark = pytest.mark.django_db
NEW = "a-new-passphrase-for-2027"


def _post(client: Client, current: str, new: str, again: str) -> Any:
    url = reverse("accounts:own_password")
    fields = {"current_password": current, "new_password": new, "new_password_again": again}
    return client.post(url, fields)


def test_an_officer_changes_their_own_password_and_stays_signed_in(world: World) -> None:
    client = client_for(world.officer_a)
    page = client.get(reverse("accounts:own_password"))
    assert page.status_code == 200
    assert "<h1>Đổi mật khẩu</h1>" in page.content.decode()

    response = _post(client, PASSWORD, NEW, NEW)

    assert response.status_code == 302
    assert authenticate(None, username="officer_a", password=NEW) is not None
    assert client.get(reverse("accounts:home")).status_code == 200  # still signed in
    entry = AuditEntry.objects.filter(action="user.update", actor=world.officer_a).latest("id")
    assert "password" in entry.changes


@pytest.mark.parametrize(
    ("current", "again", "field"),
    [("not-the-password", NEW, "current_password"), (PASSWORD, NEW + "x", "new_password_again")],
)
def test_a_wrong_current_password_or_a_mismatch_changes_nothing(
    world: World, current: str, again: str, field: str
) -> None:
    response = _post(client_for(world.officer_a), current, NEW, again)
    assert response.status_code == 200
    assert f'id="id_{field}"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert authenticate(None, username="officer_a", password=PASSWORD) is not None
