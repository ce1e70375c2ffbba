"""`POST /api/v1/learning/courses`, `PATCH …/courses/{code}`, `POST …/courses/{code}/status`
and `GET …/frameworks` through the HTTP client: 201/200, 400 naming the field, 403 for a
published course of another scope, 404 for a draft of another scope, 409 — and nothing written
when refused."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from hoctap.accounts import services as accounts
from hoctap.accounts.models import User
from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.learning.models import Course
from hoctap.learning.services import catalogue
from hoctap.learning.tests.conftest import LearningWorld

pytestmark = pytest.mark.django_db

BASE = "/api/v1/learning"


def english(user: User) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def send(client: Client, method: str, url: str, data: Any) -> Any:
    return client.generic(method, url, json.dumps(data), content_type="application/json")


def snapshot() -> dict[str, Any]:
    return {
        "courses": list(Course.objects.order_by("pk").values()),
        "links": list(Course.competencies.through.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


@contextlib.contextmanager
def writes_nothing() -> Iterator[None]:
    before = snapshot()
    yield
    assert snapshot() == before


NEW_COURSE = {
    "code": "KNS-THANHTOAN-01",
    "title": "Thanh toán không dùng tiền mặt",
    "owner_code": "THCS-A",
    "summary": "Chuyển khoản, mã QR, ví điện tử an toàn.",
    "target_groups": ["citizens", "enterprise_workers"],
    "competencies": ["tt02_2025:2.3", "qd757_2025:0.2", "4.2"],
    "level": 2,
    "estimated_hours": "2.5",
}


def test_create_a_course(world: World) -> None:
    response = send(english(world.sysadmin_a), "POST", f"{BASE}/courses", NEW_COURSE)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "KNS-THANHTOAN-01"
    assert body["status"] == "draft"
    assert body["owner_code"] == "THCS-A"
    assert body["owner_name"] == "Trường THCS Cốc Lếu"
    assert body["competencies"] == ["qd757_2025:0.2", "tt02_2025:2.3", "tt02_2025:4.2"]
    assert body["estimated_hours"] in ("2.5", 2.5)
    assert body["sequential"] is True
    assert body["lesson_count"] == 0
    assert AuditEntry.objects.filter(action="course.create").count() == 1


def test_create_refusals_name_the_field_and_write_nothing(world: World) -> None:
    client = english(world.sysadmin_a)
    with writes_nothing():
        foreign = send(client, "POST", f"{BASE}/courses", {**NEW_COURSE, "owner_code": "HKH-B"})
        unknown = send(
            client, "POST", f"{BASE}/courses", {**NEW_COURSE, "competencies": ["tt02_2025:9.9"]}
        )
        level = send(client, "POST", f"{BASE}/courses", {**NEW_COURSE, "level": 9})
        group = send(client, "POST", f"{BASE}/courses", {**NEW_COURSE, "target_groups": ["x"]})
    assert foreign.status_code == 400
    # an organisation outside the scope is an unknown code, not "forbidden"
    assert foreign.json()["errors"] == {"owner_code": "Unknown organisation code “HKH-B”."}
    assert unknown.status_code == 400
    assert unknown.json()["errors"]["competencies"] == "Unknown competency: tt02_2025:9.9."
    assert level.status_code == 400
    assert "level" in level.json()["errors"]
    assert group.status_code == 400
    assert "target_groups.0" in group.json()["errors"]
    # without the permission at all
    with writes_nothing():
        refused = send(english(world.officer_a), "POST", f"{BASE}/courses", NEW_COURSE)
    assert refused.status_code == 400
    assert "owner_code" in refused.json()["errors"]


def test_a_course_reads_as_it_was_written(world: World) -> None:
    """The writing and the reading endpoints answer one shape: framework-qualified
    competencies and `owner_code`."""
    client = english(world.sysadmin_a)
    written = send(client, "POST", f"{BASE}/courses", NEW_COURSE).json()
    read = client.get(f"{BASE}/courses/KNS-THANHTOAN-01").json()
    listed = next(
        item
        for item in client.get(f"{BASE}/courses").json()["items"]
        if item["code"] == "KNS-THANHTOAN-01"
    )
    assert read["competencies"] == ["qd757_2025:0.2", "tt02_2025:2.3", "tt02_2025:4.2"]
    assert listed["competencies"] == read["competencies"]
    assert read["owner_code"] == listed["owner_code"] == "THCS-A"
    shared = set(listed)
    assert shared <= set(written)
    assert {key: written[key] for key in shared} == listed
    assert set(written) - shared == {"published_at"}
    # what one endpoint answers, the other takes back as it is
    patched = send(
        client,
        "PATCH",
        f"{BASE}/courses/KNS-THANHTOAN-01",
        {"competencies": read["competencies"], "owner_code": read["owner_code"]},
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["competencies"] == read["competencies"]


def test_the_old_owner_field_is_refused_not_ignored(world: World) -> None:
    client = english(world.sysadmin_a)
    send(client, "POST", f"{BASE}/courses", NEW_COURSE)
    old = {**NEW_COURSE, "code": "KNS-OLD-01"}
    old["owner"] = old.pop("owner_code")
    with writes_nothing():
        created = send(client, "POST", f"{BASE}/courses", old)
        patched = send(client, "PATCH", f"{BASE}/courses/KNS-THANHTOAN-01", {"owner": "SGDDT-15"})
    assert created.status_code == 400
    assert set(created.json()["errors"]) == {"owner_code", "owner"}
    assert patched.status_code == 400
    assert set(patched.json()["errors"]) == {"owner"}


def test_patch_changes_only_what_is_given(world: World) -> None:
    client = english(world.sysadmin_a)
    send(client, "POST", f"{BASE}/courses", NEW_COURSE)
    response = send(
        client,
        "PATCH",
        f"{BASE}/courses/KNS-THANHTOAN-01",
        {"title": "Thanh toán số", "competencies": ["tt02_2025:4.1"], "sequential": False},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Thanh toán số"
    assert body["competencies"] == ["tt02_2025:4.1"]
    assert body["sequential"] is False
    assert body["summary"] == NEW_COURSE["summary"]
    assert body["target_groups"] == ["citizens", "enterprise_workers"]
    with writes_nothing():
        bad = send(client, "PATCH", f"{BASE}/courses/KNS-THANHTOAN-01", {"estimated_hours": "-1"})
    assert bad.status_code == 400
    assert "estimated_hours" in bad.json()["errors"]


def test_another_scope_published_is_403_and_draft_is_404(world: World) -> None:
    draft = catalogue.course_create(
        actor=SYSTEM, code="KNS-B-DRAFT", title="Nháp", owner_code="HKH-B"
    )
    published = catalogue.course_create(
        actor=SYSTEM, code="KNS-B-PUB", title="Đã xuất bản", owner_code="HKH-B"
    )
    module = catalogue.module_create(actor=SYSTEM, course=published, title="Chương 1")
    catalogue.lesson_create(actor=SYSTEM, module=module, title="Bài 1")
    published.refresh_from_db()
    catalogue.course_set_status(actor=SYSTEM, course=published, status="published")
    client = english(world.sysadmin_a)
    with writes_nothing():
        patch_published = send(client, "PATCH", f"{BASE}/courses/KNS-B-PUB", {"title": "X"})
        status_published = send(
            client, "POST", f"{BASE}/courses/KNS-B-PUB/status", {"status": "archived"}
        )
        patch_draft = send(client, "PATCH", f"{BASE}/courses/{draft.code}", {"title": "X"})
        status_draft = send(
            client, "POST", f"{BASE}/courses/{draft.code}/status", {"status": "published"}
        )
        nowhere = send(client, "PATCH", f"{BASE}/courses/NOWHERE-1", {"title": "X"})
    assert patch_published.status_code == 403
    assert patch_published.json() == {"detail": "You may not change this course."}
    assert status_published.status_code == 403
    assert patch_draft.status_code == 404
    assert status_draft.status_code == 404
    assert patch_draft.json() == {"detail": "Course KNS-B-DRAFT not found."}
    assert nowhere.status_code == 404
    # the owner organisation's officer may
    ok = send(english(world.org_officer_b), "PATCH", f"{BASE}/courses/KNS-B-PUB", {"level": 3})
    assert ok.status_code == 200
    assert ok.json()["level"] == 3


def test_status_changes_and_conflicts(world: World) -> None:
    client = english(world.sysadmin_a)
    send(client, "POST", f"{BASE}/courses", NEW_COURSE)
    url = f"{BASE}/courses/KNS-THANHTOAN-01/status"
    with writes_nothing():
        no_lessons = send(client, "POST", url, {"status": "published"})
        unknown = send(client, "POST", url, {"status": "deleted"})
    assert no_lessons.status_code == 409
    assert no_lessons.json() == {
        "detail": "A course needs at least one lesson before it is published."
    }
    assert unknown.status_code == 400
    course = Course.objects.get(code="KNS-THANHTOAN-01")
    module = catalogue.module_create(actor=SYSTEM, course=course, title="Chương 1")
    catalogue.lesson_create(actor=SYSTEM, module=module, title="Bài 1")
    published = send(client, "POST", url, {"status": "published"})
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["published_at"] is not None


def test_a_token_works_as_the_session_does(world: World) -> None:
    _token, key = accounts.token_create(actor=SYSTEM, user=world.sysadmin_a)
    response = Client().generic(
        "POST",
        f"{BASE}/courses",
        json.dumps(NEW_COURSE),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201
    assert Client().post(f"{BASE}/courses", NEW_COURSE).status_code == 401


def test_frameworks(learning: LearningWorld) -> None:
    response = english(learning.world.officer_a).get(f"{BASE}/frameworks")
    assert response.status_code == 200
    frameworks = {f["code"]: f for f in response.json()}
    assert set(frameworks) == {"tt02_2025", "qd757_2025"}
    learner = frameworks["tt02_2025"]
    assert [a["code"] for a in learner["areas"]] == ["1", "2", "3", "4", "5", "6"]
    assert sum(len(a["competencies"]) for a in learner["areas"]) == 24
    counts = {c["code"]: c["course_count"] for a in learner["areas"] for c in a["competencies"]}
    assert counts["1.1"] == 1  # the published course of the fixture
    assert counts["4.2"] == 1
    assert counts["6.1"] == 0
    basic = frameworks["qd757_2025"]
    assert basic["areas"][0]["name"] == "Sử dụng thiết bị và phần mềm trên thiết bị"
    assert [c["code"] for c in basic["areas"][0]["competencies"]] == ["0.1", "0.2"]
    assert Client().get(f"{BASE}/frameworks").status_code == 401
