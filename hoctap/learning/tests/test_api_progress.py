"""The learner's API: enrol, lessons in order, the quiz, through HTTP with the session."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hoctap.accounts.permissions import SYSTEM
from hoctap.conftest import client_for
from hoctap.learning.models import Certificate, Enrolment, LessonProgress, QuizAttempt
from hoctap.learning.services import catalogue, progress
from hoctap.learning.tests.conftest import LearningWorld, correct_answers, second_learner

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def test_a_learner_enrols_completes_lessons_and_passes(learning: LearningWorld) -> None:
    client = client_for(learning.learner)
    code = learning.course.code
    assert post(client, f"/api/v1/learning/courses/{code}/enrol").status_code == 200
    first, second, third = learning.lessons

    locked = post(client, f"/api/v1/learning/lessons/{second.pk}/complete")
    assert locked.status_code == 409
    assert "1" in locked.json()["detail"]
    assert not LessonProgress.objects.filter(lesson=second).exists()

    for lesson in (first, second, third):
        answer = post(
            client, f"/api/v1/learning/lessons/{lesson.pk}/complete", {"seconds_spent": 30}
        )
        assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["lessons_done"] == 3
    assert body["lesson_count"] == 3
    assert body["next_lesson_id"] is None
    assert body["course_completed"] is False  # the quiz is still to pass

    progress = client.get(f"/api/v1/learning/courses/{code}/progress").json()
    assert [row["number"] for row in progress["lessons"]] == [1, 2, 3]
    assert all(row["completed_at"] for row in progress["lessons"])

    attempt = post(client, f"/api/v1/learning/courses/{code}/attempts").json()
    stored = QuizAttempt.objects.get(pk=attempt["id"])
    result = post(
        client,
        f"/api/v1/learning/attempts/{attempt['id']}/submit",
        {"answers": {str(k): v for k, v in correct_answers(stored).items()}},
    ).json()
    assert result["passed"] is True
    assert Certificate.objects.get().code == result["certificate_code"]


def test_a_foreign_question_is_refused_and_nothing_recorded(learning: LearningWorld) -> None:
    client = client_for(learning.learner)
    code = learning.course.code
    post(client, f"/api/v1/learning/courses/{code}/enrol")
    for lesson in learning.lessons:
        post(client, f"/api/v1/learning/lessons/{lesson.pk}/complete")
    attempt = post(client, f"/api/v1/learning/courses/{code}/attempts").json()
    answer = post(
        client, f"/api/v1/learning/attempts/{attempt['id']}/submit", {"answers": {"999999": [1]}}
    )
    assert answer.status_code == 400
    assert "question_999999" in answer.json()["errors"]
    assert QuizAttempt.objects.get(pk=attempt["id"]).status == "in_progress"


def test_an_officer_without_a_learner_account_gets_403(learning: LearningWorld) -> None:
    client = client_for(learning.world.officer_a)
    answer = post(client, f"/api/v1/learning/courses/{learning.course.code}/enrol")
    assert answer.status_code == 403
    assert not Enrolment.objects.exists()


def test_the_quiz_answers_a_user_without_a_learner_account_403_like_the_rest(
    learning: LearningWorld,
) -> None:
    """Enrolling, lessons and the quiz refuse an officer without a learner account alike:
    403, not a 404 that would say the quiz or the attempt does not exist."""
    learner = client_for(learning.learner)
    code = learning.course.code
    post(learner, f"/api/v1/learning/courses/{code}/enrol")
    for lesson in learning.lessons:
        post(learner, f"/api/v1/learning/lessons/{lesson.pk}/complete")
    attempt = post(learner, f"/api/v1/learning/courses/{code}/attempts").json()
    stored = QuizAttempt.objects.get(pk=attempt["id"])
    answers = {str(k): v for k, v in correct_answers(stored).items()}

    officer = client_for(learning.world.officer_a)
    refusals = [
        post(officer, f"/api/v1/learning/courses/{code}/enrol"),
        post(officer, f"/api/v1/learning/lessons/{learning.lessons[0].pk}/complete"),
        officer.get(f"/api/v1/learning/courses/{code}/progress"),
        post(officer, f"/api/v1/learning/courses/{code}/attempts"),
        post(officer, f"/api/v1/learning/attempts/{attempt['id']}/submit", {"answers": answers}),
    ]
    assert [r.status_code for r in refusals] == [403] * 5
    # the API answers in Vietnamese unless the caller chose English
    assert {r.json()["detail"] for r in refusals} == {
        "Chỉ tài khoản người học mới thực hiện được thao tác này."
    }
    assert QuizAttempt.objects.count() == 1
    stored.refresh_from_db()
    assert stored.status == "in_progress"
    assert not Certificate.objects.exists()
    # a course that does not exist is still 404 for anyone
    nowhere = post(officer, "/api/v1/learning/courses/NOWHERE-1/attempts")
    assert nowhere.status_code == 404


def test_an_archived_course_is_finished_by_its_learners_only(learning: LearningWorld) -> None:
    client = client_for(learning.learner)
    code = learning.course.code
    post(client, f"/api/v1/learning/courses/{code}/enrol")
    catalogue.course_set_status(actor=SYSTEM, course=learning.course, status="archived")
    # enrolled before: enrolling again answers the enrolment, the lessons and the quiz go on
    again = post(client, f"/api/v1/learning/courses/{code}/enrol")
    assert again.status_code == 200
    assert again.json()["lessons_done"] == 0
    for lesson in learning.lessons:
        answer = post(client, f"/api/v1/learning/lessons/{lesson.pk}/complete")
        assert answer.status_code == 200, answer.content
    assert answer.json()["lessons_done"] == len(learning.lessons)
    attempt = post(client, f"/api/v1/learning/courses/{code}/attempts")
    assert attempt.status_code == 200, attempt.content
    stored = QuizAttempt.objects.get(pk=attempt.json()["id"])
    result = post(
        client,
        f"/api/v1/learning/attempts/{stored.pk}/submit",
        {"answers": {str(k): v for k, v in correct_answers(stored).items()}},
    ).json()
    assert result["passed"] is True
    assert Certificate.objects.get().code == result["certificate_code"]
    # someone not enrolled: the course is gone for them, nothing is recorded
    newcomer = second_learner(learning.world)
    other = client_for(newcomer)
    refusals = [
        post(other, f"/api/v1/learning/courses/{code}/enrol"),
        post(other, f"/api/v1/learning/lessons/{learning.lessons[0].pk}/complete"),
        post(other, f"/api/v1/learning/lessons/{learning.lessons[0].pk}/open"),
        post(other, f"/api/v1/learning/courses/{code}/attempts"),
    ]
    assert [r.status_code for r in refusals] == [404] * 4
    assert Enrolment.objects.count() == 1
    assert code not in [c["code"] for c in other.get("/api/v1/learning/courses").json()["items"]]


def test_completing_a_lesson_of_an_archived_course_reads_once(learning: LearningWorld) -> None:
    """The lesson-completed path stays one read (then its writes), archived course or not."""
    progress.enrolment_self(actor=learning.learner, course=learning.course)
    catalogue.course_set_status(actor=SYSTEM, course=learning.course, status="archived")
    learner = type(learning.learner).objects.get(pk=learning.learner.pk)
    with CaptureQueriesContext(connection) as queries:
        done = progress.lesson_complete(actor=learner, lesson_id=learning.lessons[0].pk)
    assert done.lessons_done == 1
    reads = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1, reads


def test_anonymous_gets_401(learning: LearningWorld) -> None:
    answer = post(Client(), f"/api/v1/learning/lessons/{learning.lessons[0].pk}/complete")
    assert answer.status_code == 401
