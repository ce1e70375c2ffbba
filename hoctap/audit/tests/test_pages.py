"""The audit log pages: scoped, filtered, paginated, read-only."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.geo import services as geo

pytestmark = pytest.mark.django_db

AsUser = Callable[[Any], Client]


def _text(response: Any) -> str:
    return response.content.decode()


def _entry_of(action: str, target_id: int) -> AuditEntry:
    return AuditEntry.objects.get(action=action, target_id=str(target_id))


def test_audit_list_shows_who_did_what(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    client.post(
        reverse("geo:village_create", args=[world.commune_a.code]),
        {"name": "Tổ dân phố Nhật Ký", "kind": "residential_group"},
    )
    entry = AuditEntry.objects.get(action="unit.create", target_label__contains="Nhật Ký")
    response = as_user(world.secretariat).get(reverse("audit:audit_list"))
    assert response.status_code == 200
    text = _text(response)
    assert reverse("audit:audit_detail", args=[entry.id]) in text
    assert "officer_a" in text
    assert "unit.create" in text
    assert entry.request_id[:8] in text
    assert "name: Tổ dân phố Nhật Ký" in text  # the changes summary
    assert entry.created_at.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y") in text


def test_audit_filters(world: World, as_user: AsUser) -> None:
    client = as_user(world.admin)
    url = reverse("audit:audit_list")
    grants = _text(client.get(url, {"action": "role."}))
    assert "<code>role.grant</code>" in grants
    assert "<code>organisation.create</code>" not in grants
    orgs = _text(client.get(url, {"target_type": "geo.organisation"}))
    assert "<code>organisation.create</code>" in orgs
    assert "<code>role.grant</code>" not in orgs
    by_system = _text(client.get(url, {"actor": "system", "action": "unit."}))
    assert "<code>unit.create</code>" in by_system
    assert "<code>unit.create</code>" not in _text(client.get(url, {"actor": "officer_a"}))
    today = timezone.localdate()
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    assert "<code>unit.create</code>" not in _text(client.get(url, {"since": tomorrow}))
    assert "<code>unit.create</code>" in _text(client.get(url, {"until": tomorrow}))
    bad = client.get(url, {"since": tomorrow, "until": today.isoformat()})
    assert "until" in bad.context["form"].errors


def test_audit_is_scoped(world: World, as_user: AsUser) -> None:
    outside = geo.organisation_create(
        actor=SYSTEM, code="TQ-1", name="Sở Tuyên Quang", kind="agency", unit_code="08"
    )
    entry = _entry_of("organisation.create", outside.id)
    client = as_user(world.secretariat)
    assert reverse("audit:audit_detail", args=[entry.id]) not in _text(
        client.get(reverse("audit:audit_list"))
    )
    assert client.get(reverse("audit:audit_detail", args=[entry.id])).status_code == 404
    assert (
        as_user(world.admin).get(reverse("audit:audit_detail", args=[entry.id])).status_code == 200
    )


def test_audit_pages_answer_403_or_404_without_the_permission(
    world: World, as_user: AsUser
) -> None:
    entry = _entry_of("organisation.create", world.org_a.id)
    client = as_user(world.officer_a)
    assert client.get(reverse("audit:audit_list")).status_code == 403
    assert client.get(reverse("audit:audit_detail", args=[entry.id])).status_code == 404


def test_audit_detail_shows_the_changes(world: World, as_user: AsUser) -> None:
    geo.village_update(actor=SYSTEM, unit=world.village_a, name="Tổ dân phố Đổi Tên")
    entry = _entry_of("unit.update", world.village_a.id)
    text = _text(as_user(world.admin).get(reverse("audit:audit_detail", args=[entry.id])))
    assert "Tổ dân phố Cốc Lếu" in text  # before
    assert "Tổ dân phố Đổi Tên" in text  # after
    assert reverse("geo:unit_detail", args=[world.village_a.code]) in text


def test_audit_is_read_only(world: World, as_user: AsUser) -> None:
    entry = _entry_of("organisation.create", world.org_a.id)
    client = as_user(world.admin)
    before = AuditEntry.objects.count()
    for method in ("post", "put", "patch", "delete"):
        url = reverse("audit:audit_detail", args=[entry.id])
        assert getattr(client, method)(url).status_code == 405
        assert getattr(client, method)(reverse("audit:audit_list")).status_code == 405
    assert AuditEntry.objects.count() == before
    assert "edit" not in _text(client.get(reverse("audit:audit_detail", args=[entry.id])))


def test_audit_list_query_count_does_not_grow_with_rows(
    world: World, as_user: AsUser, django_assert_max_num_queries: Any
) -> None:
    client = as_user(world.secretariat)
    url = reverse("audit:audit_list")
    client.get(url)
    with django_assert_max_num_queries(8):
        client.get(url)
    for number in range(60):
        geo.village_create(actor=SYSTEM, parent_code=world.commune_b.code, name=f"Thôn {number}")
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert _text(response).count(reverse("audit:audit_list").rstrip("/") + "/") >= 50
    assert "?page=2" in _text(response)
