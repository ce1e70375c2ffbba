"""`/api/v1/learning/classes…` through the HTTP client."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hoctap.conftest import World, client_for
from hoctap.learning.models import Attendance, Certificate, ClassParticipant, ClassStatus
from hoctap.learning.services import classes as class_services
from hoctap.learning.tests.classes_helpers import ClassWorld, build_class, build_foreign_class
from hoctap.learning.tests.conftest import build_course

BASE = "/api/v1/learning/classes"


@pytest.fixture
def cw(world: World) -> ClassWorld:
    return build_class(world, build_course())


def post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def test_the_list_and_the_detail(cw: ClassWorld) -> None:
    build_foreign_class(cw.world, cw.course)
    client = client_for(cw.world.officer_a)
    listed = client.get(BASE).json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert (item["code"], item["participant_count"], item["session_count"]) == ("LOP-A-01", 3, 2)
    assert item["unit_code"] == cw.world.village_a.code
    detail = client.get(f"{BASE}/LOP-A-01").json()
    assert [s["number"] for s in detail["sessions"]] == [1, 2]
    assert detail["instructors"][0]["national_id"] == cw.instructor.masked_national_id
    people = {p["person_id"]: p for p in detail["participants"]}
    assert set(people) == {p.pk for p in cw.participants}
    assert all(p["national_id"].startswith("********") for p in people.values())
    assert people[cw.participants[0].pk]["attendance"] == [None, None]
    # commune B's class does not exist for officer A
    assert client.get(f"{BASE}/LOP-ZETA-B").status_code == 404
    assert client.get(f"{BASE}/NOWHERE").status_code == 404


def test_the_instructor_lists_their_classes(cw: ClassWorld) -> None:
    client = client_for(cw.instructor_user)
    assert [c["code"] for c in client.get(f"{BASE}?mine=true").json()["items"]] == ["LOP-A-01"]


def test_attendance_through_the_api(cw: ClassWorld) -> None:
    client = client_for(cw.instructor_user)
    a, b, c = cw.participants
    path = f"{BASE}/LOP-A-01/sessions/1/attendance"
    response = post(client, path, {"present": [a.pk, b.pk], "absent": [c.pk]})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "session": 1,
        "present": 2,
        "absent": 1,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
    }
    again = post(client, path, {"present": [a.pk, b.pk], "absent": [c.pk]})
    assert again.json()["unchanged"] == 3
    # someone not in the class: 400 naming them, nothing recorded
    before = list(Attendance.objects.values_list("participant_id", "present"))
    refused = post(client, path, {"present": [cw.instructor.pk], "absent": [a.pk]})
    assert refused.status_code == 400
    assert cw.instructor.full_name in refused.json()["detail"]
    assert list(Attendance.objects.values_list("participant_id", "present")) == before
    assert (
        post(client, f"{BASE}/LOP-A-01/sessions/9/attendance", {"present": [a.pk]}).status_code
        == 404
    )
    bad = post(client, path, {"present": ["x"]})
    assert bad.status_code == 400


def test_completion_through_the_api(cw: ClassWorld) -> None:
    officer = client_for(cw.world.officer_a)
    a, b, c = cw.participants
    for number in (1, 2):
        post(officer, f"{BASE}/LOP-A-01/sessions/{number}/attendance",
             {"present": [a.pk, b.pk], "absent": [c.pk]})  # fmt: skip
    # the instructor may not complete
    assert post(client_for(cw.instructor_user), f"{BASE}/LOP-A-01/complete").status_code == 403

    class_services.test_score_record(
        actor=cw.world.officer_a,
        participant=ClassParticipant.objects.get(person=a),
        score=90,
    )
    done = post(officer, f"{BASE}/LOP-A-01/complete")
    assert done.status_code == 200
    assert done.json() == {
        "code": "LOP-A-01",
        "status": ClassStatus.COMPLETED,
        "completed": 1,
        "not_completed": 2,
        "certificates_issued": 1,
        "already_completed": False,
    }
    twice = post(officer, f"{BASE}/LOP-A-01/complete")
    assert twice.json()["already_completed"] is True
    assert twice.json()["certificates_issued"] == 0
    assert Certificate.objects.count() == 1
    results = {
        p["person_id"]: p["result"] for p in officer.get(f"{BASE}/LOP-A-01").json()["participants"]
    }
    assert results == {a.pk: "completed", b.pk: "not_completed", c.pk: "not_completed"}


def test_a_class_of_commune_b_cannot_be_touched(cw: ClassWorld) -> None:
    foreign = build_foreign_class(cw.world, cw.course)
    client = client_for(cw.world.officer_a)
    path = f"{BASE}/{foreign.code}/sessions/1/attendance"
    assert post(client, path, {"present": [cw.world.person_b.pk]}).status_code == 404
    assert post(client, f"{BASE}/{foreign.code}/complete").status_code == 404
    assert not Attendance.objects.exists()
