"""`/api/v1/learning/groups…` through the HTTP client: list, detail, set up, members, help
(one and many); errors as `{"detail", "errors"}`; another commune's group is a 404."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from hoctap.accounts.models import User
from hoctap.accounts.permissions import SYSTEM
from hoctap.conftest import World, client_for
from hoctap.learning.models import ActivityKind, DigitalTechActivity, DigitalTechGroup
from hoctap.learning.services import groups
from hoctap.learning.tests.groups_fixtures import GroupWorld, build_group, snapshot
from hoctap.registry import services as registry

pytestmark = pytest.mark.django_db

BASE = "/api/v1/learning/groups"


@pytest.fixture
def grouped(world: World) -> GroupWorld:
    return build_group(world)


def api(user: User) -> Client:
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_the_list_and_the_detail(grouped: GroupWorld) -> None:
    world = grouped.world
    groups.activity_record(
        actor=world.officer_a,
        group=grouped.group,
        kind=ActivityKind.SAFETY,
        on=grouped.leader.joined_on,
        person_id=world.person_a2.pk,
    )
    client = api(world.officer_a)
    listed = client.get(BASE).json()
    assert listed["count"] == 1
    item = listed["items"][0]
    code = grouped.group.organisation.code
    assert item["code"] == code
    assert item["village_code"] == world.village_a.code
    assert item["commune_code"] == world.commune_a.code
    assert (item["member_count"], item["activity_count"]) == (1, 1)
    detail = client.get(f"{BASE}/{code}").json()
    assert detail["decision_number"] == "125/QĐ-UBND"
    assert detail["members"][0]["role"] == "leader"
    assert detail["members"][0]["national_id"] == world.person_a.masked_national_id
    assert detail["activities_by_kind"] == {"safety": 1}
    assert detail["people_helped"] == 1
    assert detail["classes"] == []
    assert world.person_a.national_id not in json.dumps(detail)
    assert client.get(BASE, {"within": world.commune_b.code}).json()["count"] == 0


def test_commune_b_officer_gets_404_and_changes_nothing(grouped: GroupWorld) -> None:
    world = grouped.world
    client = api(world.officer_b)
    code = grouped.group.organisation.code
    assert client.get(BASE).json()["count"] == 0
    before = snapshot()
    assert client.get(f"{BASE}/{code}").status_code == 404
    member = {"person_id": world.person_b.pk, "role": "member", "joined_on": "2025-07-20"}
    assert post(client, f"{BASE}/{code}/members", member).status_code == 404
    activity = {"kind": "safety", "on": "2025-08-05"}
    assert post(client, f"{BASE}/{code}/activities", activity).status_code == 404
    end = f"{BASE}/{code}/members/{grouped.leader.pk}/end"
    assert post(client, end, {"left_on": "2025-08-05"}).status_code == 404
    assert snapshot() == before


def test_setting_up_a_group(world: World) -> None:
    client = api(world.officer_a)
    body = {
        "village": world.village_a.code,
        "decision_number": "125/QĐ-UBND",
        "decision_date": "2025-07-15",
    }
    response = post(client, BASE, body)
    assert response.status_code == 201
    assert response.json()["code"] == f"CNS-{world.village_a.code}"
    assert response.json()["members"] == []
    again = post(client, BASE, body)
    assert again.status_code == 409
    assert "one per village" in again.json()["detail"]
    before = snapshot()
    future = post(
        client,
        BASE,
        {"village": world.village_b.code, "decision_number": "", "decision_date": "2999-01-01"},
    )
    assert future.status_code == 400
    assert set(future.json()["errors"]) == {"village_code", "decision_number", "decision_date"}
    assert snapshot() == before
    assert DigitalTechGroup.objects.count() == 1


def test_members_through_the_api(grouped: GroupWorld) -> None:
    world = grouped.world
    client = api(world.officer_a)
    code = grouped.group.organisation.code
    response = post(
        client,
        f"{BASE}/{code}/members",
        {"national_id": world.person_a2.national_id, "role": "deputy", "joined_on": "2025-07-20"},
    )
    assert response.status_code == 201
    member = response.json()
    assert member["person_id"] == world.person_a2.pk
    assert member["national_id"] == world.person_a2.masked_national_id
    refused = post(
        client,
        f"{BASE}/{code}/members",
        {"person_id": world.person_b.pk, "role": "leader", "joined_on": "2025-07-20"},
    )
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"person_id", "role"}
    ended = post(client, f"{BASE}/{code}/members/{member['id']}/end", {"left_on": "2025-08-01"})
    assert ended.status_code == 200
    assert ended.json()["left_on"] == "2025-08-01"


def test_help_to_one_and_to_many(grouped: GroupWorld) -> None:
    world = grouped.world
    registry.person_update(actor=SYSTEM, person=world.person_a2, eid_level="1")
    client = api(world.officer_a)
    url = f"{BASE}/{grouped.group.organisation.code}/activities"
    one = post(
        client,
        url,
        {
            "kind": "device_skills",
            "on": "2025-08-05",
            "helper_id": world.person_a.pk,
            "person_id": world.person_a2.pk,
        },
    )
    assert one.status_code == 201
    assert one.json()["recorded"][0]["person_national_id"] == world.person_a2.masked_national_id
    many = post(
        client,
        url,
        {
            "kind": "eid_linking",
            "on": "2025-08-06",
            "person_ids": [world.person_a2.pk],
            "national_ids": [world.person_a.national_id],
            "link_eid": True,
        },
    )
    assert many.status_code == 201
    body = many.json()
    assert len(body["recorded"]) == 2
    assert body["eid_linked"] == [world.person_a2.pk]
    assert body["eid_not_linked"] == [world.person_a.pk]
    resent = post(
        client, url, {"kind": "eid_linking", "on": "2025-08-06", "person_ids": [world.person_a.pk]}
    )
    assert resent.json()["recorded"] == []
    assert resent.json()["already_recorded"] == [world.person_a.pk]
    assert DigitalTechActivity.objects.count() == 3


def test_a_helper_who_is_not_a_member_is_a_400_and_nothing_is_written(
    grouped: GroupWorld,
) -> None:
    world = grouped.world
    before = snapshot()
    response = post(
        api(world.officer_a),
        f"{BASE}/{grouped.group.organisation.code}/activities",
        {"kind": "eid_linking", "on": "2025-08-05", "helper_id": world.person_a2.pk},
    )
    assert response.status_code == 400
    assert "member of the group" in response.json()["errors"]["helper_id"]
    future = post(
        api(world.officer_a),
        f"{BASE}/{grouped.group.organisation.code}/activities",
        {"kind": "eid_linking", "on": "2999-01-01"},
    )
    assert future.status_code == 400
    assert future.json()["errors"] == {"on": "The date is in the future."}
    assert snapshot() == before


def test_a_viewer_reads_but_may_not_write(grouped: GroupWorld) -> None:
    world = grouped.world
    client = api(world.viewer)
    code = grouped.group.organisation.code
    assert client.get(f"{BASE}/{code}").status_code == 200
    before = snapshot()
    response = post(client, f"{BASE}/{code}/activities", {"kind": "safety", "on": "2025-08-05"})
    assert response.status_code == 403
    assert snapshot() == before
