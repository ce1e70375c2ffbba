"""`/api/v1/persons`, `/households`, `/clans`, `/memberships` through the HTTP client:
201/400/403/404, masking, and the audited reveal."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.registry.models import Clan, Household, OrganisationMembership, Person

TABLES = (Person, Household, Clan, OrganisationMembership, AuditEntry)


def snapshot() -> dict[str, Any]:
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in TABLES}


@contextlib.contextmanager
def writes_nothing() -> Iterator[None]:
    before = snapshot()
    yield
    assert snapshot() == before


def post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(url, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


NEW_PERSON = {
    "national_id": "010192004321",
    "full_name": "Nguyễn Thị Hoa",
    "birth_date": "1992-05-04",
    "sex": "female",
    "ethnicity": "Kinh",
    "village": "02647-001",
    "household": "HH-A-001",
    "relation_to_head": "child",
    "eid_level": "2",
    "eid_linked_on": "2025-08-01",
}


def test_person_list_is_masked_paginated_scoped_and_searchable(world: World, as_user: Any) -> None:
    response = as_user(world.officer_a).get("/api/v1/persons")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {p["national_id"] for p in body["items"]} == {"********1234", "********4567"}
    assert "010085001234" not in response.content.decode()
    client = as_user(world.secretariat)
    assert client.get("/api/v1/persons").json()["count"] == 4
    found = client.get("/api/v1/persons", {"q": "nguyen van"}).json()["items"]
    assert [p["full_name"] for p in found] == ["Nguyễn Văn An"]
    # the secretariat sees the numbers masked: the whole number finds a person, its start not
    assert client.get("/api/v1/persons", {"q": world.person_b.national_id}).json()["count"] == 1
    assert client.get("/api/v1/persons", {"q": "015190"}).json()["count"] == 0
    assert client.get("/api/v1/persons", {"within": "04465"}).json()["count"] == 2
    assert client.get("/api/v1/persons", {"status": "deceased"}).json()["count"] == 0
    assert client.get("/api/v1/persons", {"status": "gone"}).status_code == 400


def test_person_detail_is_masked_unless_revealed_and_the_reveal_is_audited(
    world: World, as_user: Any
) -> None:
    client = as_user(world.officer_a)
    url = f"/api/v1/persons/{world.person_a.national_id}"
    with writes_nothing():
        body = client.get(url).json()
    assert body["national_id"] == "********1234"
    assert body["national_id_revealed"] is False
    assert body["history"] == [{"status": "living_here", "on": "2025-07-01", "note": ""}]
    revealed = client.get(url, {"reveal": "1"}).json()
    assert revealed["national_id"] == "010085001234"
    assert revealed["national_id_revealed"] is True
    entry = AuditEntry.objects.latest("pk")
    assert (entry.action, entry.actor, entry.unit_id) == (
        "person.view_national_id",
        world.officer_a,
        world.village_a.id,
    )
    assert entry.channel == "api"


def test_reveal_without_the_permission_stays_masked_and_writes_nothing(
    world: World, as_user: Any
) -> None:
    with writes_nothing():
        body = (
            as_user(world.viewer)
            .get(f"/api/v1/persons/{world.person_a.national_id}", {"reveal": "1"})
            .json()
        )
    assert body["national_id"] == "********1234"
    assert body["national_id_revealed"] is False


def test_person_outside_scope_is_404_like_nowhere(world: World, as_user: Any) -> None:
    client = as_user(world.officer_a)
    foreign = client.get(f"/api/v1/persons/{world.person_b.national_id}")
    nowhere = client.get("/api/v1/persons/987654321")
    assert foreign.status_code == nowhere.status_code == 404
    assert foreign.json() == nowhere.json()
    with writes_nothing():
        response = patch(client, f"/api/v1/persons/{world.person_b.national_id}", {"phone": ""})
    assert response.status_code == 404


def test_post_person_201(world: World, as_user: Any) -> None:
    response = post(as_user(world.officer_a), "/api/v1/persons", NEW_PERSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["national_id"] == "********4321"
    assert body["ethnicity"] == "01"
    assert body["ethnicity_name"] == "Kinh"
    assert Person.objects.filter(national_id="010192004321").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"national_id": "010092004321"}, "national_id"),
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"sex": "x"}, "sex"),
        ({"village": "04465-001"}, "village"),
        ({"ethnicity": "?"}, "ethnicity"),
        ({"relation_to_head": "head"}, "relation_to_head"),
    ],
)
def test_post_person_400_names_the_field(
    world: World, as_user: Any, change: dict[str, Any], field: str
) -> None:
    with writes_nothing():
        response = post(as_user(world.officer_a), "/api/v1/persons", {**NEW_PERSON, **change})
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_post_person_403_for_a_viewer(world: World, as_user: Any) -> None:
    with writes_nothing():
        response = post(as_user(world.viewer), "/api/v1/persons", NEW_PERSON)
    assert response.status_code == 403


def test_patch_person_and_status(world: World, as_user: Any) -> None:
    client = as_user(world.officer_a)
    url = f"/api/v1/persons/{world.person_a2.national_id}"
    response = patch(client, url, {"phone": "0912345678", "eid_level": "1"})
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "0912345678"
    response = patch(client, url, {"birth_date": "2004-06-01"})
    assert response.status_code == 400
    assert "national_id" in response.json()["errors"]
    response = post(client, f"{url}/status", {"status": "moved_away", "on": "2025-10-01"})
    assert response.status_code == 200
    assert [h["status"] for h in response.json()["history"]] == ["living_here", "moved_away"]
    response = post(client, f"{url}/status", {"status": "moved_away"})
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_households(world: World, as_user: Any) -> None:
    client = as_user(world.officer_a)
    listing = client.get("/api/v1/households").json()
    assert [h["code"] for h in listing["items"]] == ["HH-A-001"]
    detail = client.get("/api/v1/households/HH-A-001").json()
    assert [m["national_id"] for m in detail["members"]] == ["********1234", "********4567"]
    assert client.get("/api/v1/households/HH-ZETA-001").status_code == 404
    response = post(client, "/api/v1/households", {"code": "HH-A-002", "village": "02647-001"})
    assert response.status_code == 201
    with writes_nothing():
        response = post(
            client, "/api/v1/households", {"code": "HH-ZETA-001", "village": "02647-001"}
        )
    assert response.status_code == 400
    assert "code" in response.json()["errors"]
    response = patch(client, "/api/v1/households/HH-A-002", {"poverty_status": "poor"})
    assert response.status_code == 400
    assert "poverty_year" in response.json()["errors"]
    response = patch(
        client, "/api/v1/households/HH-A-002", {"poverty_status": "poor", "poverty_year": 2025}
    )
    assert response.status_code == 200
    assert response.json()["poverty_status"] == "poor"


def test_clans(world: World, as_user: Any) -> None:
    client = as_user(world.officer_a)
    assert [c["code"] for c in client.get("/api/v1/clans").json()["items"]] == ["HO-NGUYEN-A"]
    assert client.get("/api/v1/clans/HO-ZETA-B").status_code == 404
    response = post(
        client,
        "/api/v1/clans",
        {"code": "HO-LE", "name": "Họ Lê", "commune": "02647", "representative": "010085001234"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["representative"] == "********1234"
    response = patch(client, "/api/v1/clans/HO-LE", {"name": "Họ Lê Văn"})
    assert response.json()["name"] == "Họ Lê Văn"
    with writes_nothing():
        response = post(
            as_user(world.viewer), "/api/v1/clans", {"code": "X", "name": "X", "commune": "02647"}
        )
    assert response.status_code == 403


def test_memberships(world: World, as_user: Any) -> None:
    client = as_user(world.officer_a)
    assert client.get("/api/v1/memberships").json()["count"] == 0
    response = post(
        client,
        "/api/v1/memberships",
        {
            "national_id": "010085001234",
            "organisation": "THCS-A",
            "position": "teacher",
            "start_date": "2025-09-01",
        },
    )
    assert response.status_code == 201, response.content
    membership = response.json()
    assert membership["national_id"] == "********1234"
    response = post(
        client, f"/api/v1/memberships/{membership['id']}/end", {"end_date": "2025-12-31"}
    )
    assert response.status_code == 200
    assert response.json()["end_date"] == "2025-12-31"
    response = post(
        client, f"/api/v1/memberships/{membership['id']}/end", {"end_date": "2026-01-01"}
    )
    assert response.status_code == 409
    response = post(
        client, f"/api/v1/memberships/{world.membership_b.pk}/end", {"end_date": "2026-01-01"}
    )
    assert response.status_code == 404
    assert (
        as_user(world.secretariat)
        .get("/api/v1/memberships", {"organisation": "HKH-B"})
        .json()["count"]
        == 1
    )


def test_unauthenticated_is_401(world: World) -> None:
    assert Client().get("/api/v1/persons").status_code == 401


def test_admin_is_read_only_and_masks(world: World, as_user: Any) -> None:
    client = as_user(world.admin)
    response = client.get("/admin/registry/person/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "********1234" in text
    assert "010085001234" not in text
    assert client.get(f"/admin/registry/person/{world.person_a.pk}/change/").status_code == 200
    assert (
        "010085001234"
        not in client.get(f"/admin/registry/person/{world.person_a.pk}/change/").content.decode()
    )
    assert client.get("/admin/registry/person/add/").status_code == 403
    for model in ("household", "clan", "organisationmembership"):
        assert client.get(f"/admin/registry/{model}/").status_code == 200
        assert client.get(f"/admin/registry/{model}/add/").status_code == 403
