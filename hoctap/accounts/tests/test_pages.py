"""Sign-in, the home page per role, users and role grants, API tokens: through the HTTP client."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hoctap.accounts import services
from hoctap.accounts.models import ApiToken, RoleGrant, User
from hoctap.accounts.permissions import SYSTEM
from hoctap.accounts.roles import Role
from hoctap.audit.models import AuditEntry
from hoctap.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db

AsUser = Callable[[Any], Client]


def _counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        RoleGrant.objects.count(),
        ApiToken.objects.count(),
        AuditEntry.objects.count(),
    )


@contextlib.contextmanager
def page_writes_nothing() -> Iterator[None]:
    before = _counts()
    yield
    assert _counts() == before


def _text(response: Any) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------------------------
# Sign-in and home
# ---------------------------------------------------------------------------------------------


def test_sign_in_and_out(world: World) -> None:
    client = Client()
    assert client.get(reverse("accounts:login")).status_code == 200
    refused = client.post(reverse("accounts:login"), {"username": "officer_a", "password": "wrong"})
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session

    response = client.post(
        reverse("accounts:login"), {"username": "officer_a", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:home")
    assert "Hoàng" not in _text(response)  # not the demo: the fixture user has no full name
    assert "officer_a" in _text(response)

    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:home")).status_code == 302


def test_root_redirects_to_home(world: World, as_user: AsUser) -> None:
    response = as_user(world.officer_a).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")


def test_home_of_a_commune_officer(world: World, as_user: AsUser) -> None:
    text = _text(as_user(world.officer_a).get(reverse("accounts:home")))
    assert "Cán bộ xã" in text
    assert reverse("geo:unit_detail", args=[world.commune_a.code]) in text
    assert reverse("geo:village_create", args=[world.commune_a.code]) in text
    assert reverse("geo:unit_tree") in text
    assert reverse("accounts:user_list") not in text
    assert reverse("audit:audit_list") not in text


def test_home_of_the_secretariat(world: World, as_user: AsUser) -> None:
    text = _text(as_user(world.secretariat).get(reverse("accounts:home")))
    assert "Thường trực Ban Chỉ đạo" in text
    assert reverse("geo:unit_detail", args=["15"]) in text
    for section in ("geo:unit_tree", "geo:organisation_list", "accounts:user_list"):
        assert reverse(section) in text
    assert reverse("audit:audit_list") in text
    assert reverse("geo:village_create", args=["15"]) not in text


def test_home_of_an_organisation_officer(world: World, as_user: AsUser) -> None:
    text = _text(as_user(world.org_officer_b).get(reverse("accounts:home")))
    assert "Cán bộ cơ quan, đơn vị" in text
    assert reverse("geo:organisation_detail", args=[world.org_b.code]) in text
    assert f"?parent={world.org_b.code}" in text  # add a child organisation
    assert reverse("accounts:user_list") not in text


def test_home_without_roles(db: Any) -> None:
    lonely = User.objects.create_user(username="lonely", password=PASSWORD)
    client = Client()
    client.force_login(lonely)
    text = _text(client.get(reverse("accounts:home")))
    assert "Bạn chưa được giao vai trò nào" in text
    assert reverse("geo:unit_tree") not in text


# ---------------------------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------------------------


def test_user_list_filters_and_scope(world: World, as_user: AsUser) -> None:
    client = as_user(world.secretariat)
    url = reverse("accounts:user_list")
    everyone = _text(client.get(url))
    assert "officer_a" in everyone
    assert "officer_b" in everyone
    by_name = _text(client.get(url, {"q": "officer_a"}))
    assert "officer_a" in by_name
    assert "officer_b" not in by_name
    by_role = _text(client.get(url, {"role": Role.VIEWER}))
    assert reverse("accounts:user_detail", args=["viewer"]) in by_role
    assert reverse("accounts:user_detail", args=["officer_a"]) not in by_role


def test_user_pages_answer_403_without_the_permission(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:user_create")).status_code == 403
    assert client.get(reverse("accounts:user_detail", args=["officer_b"])).status_code == 404
    assert client.get(reverse("accounts:user_detail", args=["officer_a"])).status_code == 200


def test_user_list_query_count_does_not_grow_with_rows(
    world: World, as_user: AsUser, django_assert_max_num_queries: Any
) -> None:
    client = as_user(world.secretariat)
    url = reverse("accounts:user_list")
    client.get(url)
    with django_assert_max_num_queries(9):
        client.get(url)
    for number in range(40):
        services.user_create(
            actor=SYSTEM, username=f"page_user_{number}", role=Role.VIEWER, unit_code="15"
        )
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert "page_user_39" in _text(response)


def test_user_is_created_through_the_form(world: World, as_user: AsUser) -> None:
    client = as_user(world.admin)
    assert client.get(reverse("accounts:user_create")).status_code == 200
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "thu.ha",
            "full_name": "Nguyễn Thu Hà",
            "email": "thu.ha@example.vn",
            "password": "mot-mat-khau-dai-2026",
            "role": Role.UNIT_OFFICER,
            "unit": world.commune_a.code,
            "organisation": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=["thu.ha"])
    user = User.objects.get(username="thu.ha")
    assert user.check_password("mot-mat-khau-dai-2026")
    assert RoleGrant.objects.filter(user=user, role=Role.UNIT_OFFICER, unit=world.commune_a)
    assert AuditEntry.objects.filter(action="user.create", target_id=str(user.pk))


def test_user_form_with_bad_values_changes_nothing(world: World, as_user: AsUser) -> None:
    client = as_user(world.admin)
    data = {
        "username": "x",
        "password": "123",
        "role": Role.UNIT_OFFICER,
        "unit": "ZZ-NOWHERE",
        "organisation": "",
    }
    with page_writes_nothing():
        response = client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"username", "password", "unit"}
    with page_writes_nothing():
        both = client.post(
            reverse("accounts:user_create"),
            {**data, "username": "okname", "password": "", "organisation": "THCS-A", "unit": "15"},
        )
    assert both.context["form"].non_field_errors()


def test_user_detail_shows_grants_and_revokes_one(world: World, as_user: AsUser) -> None:
    client = as_user(world.admin)
    grant = RoleGrant.objects.get(user=world.officer_a)
    detail = _text(client.get(reverse("accounts:user_detail", args=["officer_a"])))
    assert "Cán bộ xã" in detail
    assert reverse("accounts:grant_revoke", args=[grant.id]) in detail

    confirm = client.get(reverse("accounts:grant_revoke", args=[grant.id]))
    assert confirm.status_code == 200
    grant.refresh_from_db()
    assert grant.valid_to is None  # GET only asks

    response = client.post(reverse("accounts:grant_revoke", args=[grant.id]))
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.valid_to == timezone.localdate()
    assert AuditEntry.objects.filter(action="role.revoke", target_id=str(grant.pk))

    again = client.post(reverse("accounts:grant_revoke", args=[grant.id]), follow=True)
    assert "Phân quyền này đã hết hiệu lực." in _text(again)


def test_secretariat_sees_grants_but_no_revoke_button(world: World, as_user: AsUser) -> None:
    grant = RoleGrant.objects.get(user=world.officer_a)
    client = as_user(world.secretariat)
    detail = _text(client.get(reverse("accounts:user_detail", args=["officer_a"])))
    assert "Cán bộ xã" in detail
    assert reverse("accounts:grant_revoke", args=[grant.id]) not in detail
    with page_writes_nothing():
        assert client.post(reverse("accounts:grant_revoke", args=[grant.id])).status_code == 403


def test_grant_is_created_through_the_form(world: World, as_user: AsUser) -> None:
    client = as_user(world.admin)
    url = reverse("accounts:grant_create", args=["officer_a"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"role": Role.VIEWER, "unit": "", "organisation": world.org_b.code})
    assert response.status_code == 302
    assert RoleGrant.objects.filter(
        user=world.officer_a, role=Role.VIEWER, organisation=world.org_b
    )

    with page_writes_nothing():
        duplicate = client.post(
            url, {"role": Role.VIEWER, "unit": "", "organisation": world.org_b.code}
        )
    assert "Người dùng đã có vai trò này trong phạm vi này." in _text(duplicate)


def test_grant_form_with_bad_dates_changes_nothing(world: World, as_user: AsUser) -> None:
    with page_writes_nothing():
        response = as_user(world.admin).post(
            reverse("accounts:grant_create", args=["officer_a"]),
            {
                "role": Role.VIEWER,
                "unit": "15",
                "valid_from": "2026-11-22",
                "valid_to": "2026-01-01",
            },
        )
    assert "valid_to" in response.context["form"].errors


def test_a_commune_system_admin_cannot_grant_outside_the_commune(
    world: World, as_user: AsUser
) -> None:
    client = as_user(world.sysadmin_a)
    with page_writes_nothing():
        response = client.post(
            reverse("accounts:grant_create", args=["officer_a"]),
            {"role": Role.VIEWER, "unit": world.commune_b.code},
        )
    assert "unit" in response.context["form"].errors
    assert client.get(reverse("accounts:grant_create", args=["officer_b"])).status_code == 404


# ---------------------------------------------------------------------------------------------
# API tokens
# ---------------------------------------------------------------------------------------------


def test_token_is_created_shown_once_and_revoked(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    url = reverse("accounts:token_list")
    assert "Bạn chưa có mã truy cập API nào." in _text(client.get(url))

    created = client.post(url, {"name": "nhập liệu"})
    assert created.status_code == 200
    key = created.context["new_key"]
    assert key.startswith("hct_")
    assert key in _text(created)
    assert created["Cache-Control"] == "no-store"
    assert services.token_authenticate(key) == world.officer_a

    listing = _text(client.get(url))
    assert key not in listing
    assert "nhập liệu" in listing

    token = ApiToken.objects.get(user=world.officer_a)
    revoked = client.post(reverse("accounts:token_revoke", args=[token.id]))
    assert revoked.status_code == 302
    assert services.token_authenticate(key) is None


def test_someone_elses_token_is_not_found(world: World, as_user: AsUser) -> None:
    token, key = services.token_create(actor=SYSTEM, user=world.officer_b)
    response = as_user(world.officer_a).post(reverse("accounts:token_revoke", args=[token.id]))
    assert response.status_code == 404
    assert services.token_authenticate(key) == world.officer_b
