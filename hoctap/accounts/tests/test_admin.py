"""Users, grants, tokens and failed attempts are read-only in the Django admin: their changes go
through the services, which check the scope and write the audit log (ADR 0008)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from hoctap.accounts import services, throttle
from hoctap.accounts.models import ApiToken, FailedAttempt, RoleGrant, User
from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import PASSWORD, World, client_for

pytestmark = pytest.mark.django_db


def _user_row(user: User) -> dict[str, Any]:
    return dict(User.objects.filter(pk=user.pk).values().get())


@pytest.mark.parametrize("model", [User, ApiToken])
def test_the_admin_may_only_view(world: World, model: Any) -> None:
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    # grants show only as the read-only table of a user
    assert RoleGrant not in admin.site._registry
    inlines = admin.site._registry[User].get_inline_instances(request)
    assert [inline.model for inline in inlines] == [RoleGrant]
    for inline in inlines:
        assert not inline.has_add_permission(request, None)
        assert not inline.has_change_permission(request)
        assert not inline.has_delete_permission(request)


def test_a_superuser_cannot_change_a_user_in_the_admin(world: World) -> None:
    client = client_for(world.admin)
    viewer = world.viewer
    before = _user_row(viewer)
    grants_before = list(RoleGrant.objects.filter(user=viewer).values())
    audit_before = AuditEntry.objects.count()
    url = f"/admin/accounts/user/{viewer.pk}/change/"

    page = client.get(url)
    posted = client.post(
        url,
        {"username": viewer.username, "is_active": "on", "is_staff": "on", "is_superuser": "on"},
    )
    password = client.post(
        f"/admin/accounts/user/{viewer.pk}/password/",
        {"password1": "Another-pass-123456", "password2": "Another-pass-123456"},
    )
    deleted = client.post(f"/admin/accounts/user/{viewer.pk}/delete/", {"post": "yes"})
    bulk_deleted = client.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [viewer.pk], "post": "yes"},
    )
    added = client.get("/admin/accounts/user/add/")

    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert b"viewer" in page.content
    assert posted.status_code == 403
    assert password.status_code in (302, 403, 404)  # no password form: at most a redirect
    assert deleted.status_code == 403
    assert bulk_deleted.status_code in (200, 302)
    assert added.status_code == 403
    assert _user_row(viewer) == before
    assert list(RoleGrant.objects.filter(user=viewer).values()) == grants_before
    assert AuditEntry.objects.count() == audit_before
    assert User.objects.get(pk=viewer.pk).check_password(PASSWORD)
    assert not User.objects.get(pk=viewer.pk).is_superuser


def test_tokens_cannot_be_deleted_and_a_block_is_lifted_with_an_audit_entry(world: World) -> None:
    token, key = services.token_create(actor=SYSTEM, user=world.officer_b)
    throttle.attempt_failed("sign_in", {"name": "officer_b"})
    attempt = FailedAttempt.objects.get()
    client = client_for(world.admin)

    responses = [
        client.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"}),
        client.post(f"/admin/accounts/apitoken/{token.pk}/change/", {"name": "renamed"}),
        client.post(f"/admin/accounts/failedattempt/{attempt.pk}/delete/", {"post": "yes"}),
    ]

    assert [r.status_code for r in responses] == [403, 403, 302]
    assert ApiToken.objects.filter(pk=token.pk, name="", revoked_at__isnull=True).exists()
    assert services.token_authenticate(key) == world.officer_b
    # the block is lifted (ADR 0015), and the audit log says who lifted it
    assert not FailedAttempt.objects.filter(pk=attempt.pk).exists()
    lifted = AuditEntry.objects.get(action="failed_attempt.lift")
    assert (lifted.actor, lifted.changes["failures"]) == (world.admin, 1)
    assert client.get("/admin/accounts/apitoken/").status_code == 200
    assert client.get("/admin/accounts/failedattempt/").status_code == 200
    assert Client().get("/admin/accounts/user/").status_code == 302  # sign in first
