"""`/api/v1/learning/courses`: the published catalogue for anyone signed in, drafts for those
who may edit them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hoctap.accounts.permissions import SYSTEM
from hoctap.conftest import client_for
from hoctap.learning.services import catalogue
from hoctap.learning.tests.conftest import LearningWorld, build_course

pytestmark = pytest.mark.django_db


def codes(client: Client, query: str = "") -> list[str]:
    response = client.get(f"/api/v1/learning/courses{query}")
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


@pytest.fixture
def draft(learning: LearningWorld) -> Any:
    return catalogue.course_create(
        actor=SYSTEM, code="NHAP-01", title="Bản nháp", owner_code="SGDDT-15"
    )


def test_learners_and_officers_see_the_published_catalogue(
    learning: LearningWorld, draft: Any
) -> None:
    build_course(code="QS-01", lessons=1)
    assert codes(client_for(learning.learner)) == ["KNS-01", "QS-01"]
    assert codes(client_for(learning.world.officer_a)) == ["KNS-01", "QS-01"]
    # the province's secretariat may edit the Department's courses: it sees the draft too
    assert "NHAP-01" in codes(client_for(learning.world.secretariat))
    assert Client().get("/api/v1/learning/courses").status_code == 401


def test_the_catalogue_filters(learning: LearningWorld) -> None:
    soldiers = build_course(code="QS-01", lessons=1)
    catalogue.course_update(
        actor=SYSTEM, course=soldiers, title="An toàn thông tin", target_groups=["armed_forces"]
    )
    client = client_for(learning.learner)
    assert codes(client, "?target_group=armed_forces") == ["QS-01"]
    assert codes(client, "?q=ky%20nang") == ["KNS-01"]
    bad = client.get("/api/v1/learning/courses?target_group=aliens")
    assert bad.status_code == 400
    assert "target_group" in bad.json()["errors"]


def test_a_course_in_the_list_says_what_it_is(learning: LearningWorld) -> None:
    item = client_for(learning.learner).get("/api/v1/learning/courses").json()["items"][0]
    assert item == {
        "code": "KNS-01",
        "title": "Kỹ năng số cơ bản",
        "summary": learning.course.summary,
        "language": "vi",
        "target_groups": ["citizens"],
        "competencies": ["tt02_2025:1.1", "tt02_2025:4.2"],
        "level": 1,
        "estimated_hours": "2.0",
        "owner_code": "SGDDT-15",
        "owner_name": "Sở Giáo dục và Đào tạo",
        "status": "published",
        "sequential": True,
        "lesson_count": 3,
    }


def test_one_course_lists_modules_and_lessons_without_bodies(learning: LearningWorld) -> None:
    response = client_for(learning.learner).get("/api/v1/learning/courses/KNS-01")
    assert response.status_code == 200
    body = response.json()
    assert [m["title"] for m in body["modules"]] == ["Bắt đầu"]
    lessons = body["modules"][0]["lessons"]
    assert [(lesson["number"], lesson["title"]) for lesson in lessons] == [
        (1, "Bài 1"),
        (2, "Bài 2"),
        (3, "Bài 3"),
    ]
    assert [lesson["id"] for lesson in lessons] == [lesson.pk for lesson in learning.lessons]
    assert "Nội dung" not in response.content.decode()
    assert body["quiz"] == {
        "title": "Kiểm tra cuối khoá",
        "pass_mark_percent": 100,
        "max_attempts": 3,
        "time_limit_minutes": None,
    }


def test_a_draft_is_found_only_by_those_who_may_edit_it(
    learning: LearningWorld, draft: Any
) -> None:
    url = "/api/v1/learning/courses/NHAP-01"
    assert client_for(learning.learner).get(url).status_code == 404
    assert client_for(learning.world.officer_a).get(url).status_code == 404
    found = client_for(learning.world.secretariat).get(url)
    assert found.status_code == 200
    assert found.json()["status"] == "draft"
    assert client_for(learning.learner).get("/api/v1/learning/courses/NOPE").status_code == 404
