"""Odd numbers sent to the learning pages and API: "²" (a digit to `str.isdigit()`, not to
`int()`), thousands of digits (beyond Python's int-conversion limit), ids beyond the database's
64-bit integers (SQLite raises `OverflowError`). A page gives its usual refusal (an error on the
form, a 404, or the value read as an id that names nobody); the API a 400 in its error shape;
never a server error, and nothing is written."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from hoctap.audit.models import AuditEntry
from hoctap.conftest import World, client_for
from hoctap.learning.models import (
    AttemptAnswer,
    Attendance,
    ClassInstructor,
    ClassParticipant,
    Enrolment,
    LearnerAccount,
    LessonProgress,
    QuizAttempt,
)
from hoctap.learning.services import progress, quizzes
from hoctap.learning.tests.classes_helpers import ClassWorld, add_resident, build_class
from hoctap.learning.tests.conftest import LearningWorld, build_course, correct_answers
from hoctap.learning.tests.groups_fixtures import GroupWorld, build_group, snapshot

pytestmark = pytest.mark.django_db

SUPERSCRIPT_TWO = "²"  # "²".isdigit() is True, int("²") raises ValueError
THOUSANDS_OF_DIGITS = "7" * 5000  # int() refuses more than 4,300 digits
TOO_BIG_AN_ID = str(2**64)  # fits in Python, not in the database's 64-bit integers


def arabic_indic(number: int) -> str:
    """A number in Arabic-Indic digits ("٤٢"): `int()` reads it, an id must not."""
    return "".join(chr(0x660 + int(digit)) for digit in str(number))


BEYOND_64_BITS = 2**64
JUST_BEYOND = 2**63  # one more than the largest id the database holds
HUGE = 10**30


def text(response: Any) -> str:
    return str(response.content.decode())


def post_json(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    """An API call asking for English messages."""
    return client.post(
        path,
        json.dumps(body or {}),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )


# --- learner accounts and course assignment (officers' pages) ---------------------------------


def _spelled(world: World, how: str) -> str:
    return arabic_indic(world.person_a2.pk) if how == "arabic_indic" else how


@pytest.mark.parametrize("odd", [SUPERSCRIPT_TWO, THOUSANDS_OF_DIGITS, "arabic_indic"])
def test_an_odd_person_on_the_account_page_is_not_found(world: World, odd: str) -> None:
    client = client_for(world.officer_a)
    url = reverse("learning:account_create")
    person = _spelled(world, odd)
    before = LearnerAccount.objects.count(), AuditEntry.objects.count()
    assert client.get(url, {"person": person}).status_code == 404
    assert client.post(url, {"person": person}).status_code == 404
    assert (LearnerAccount.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize(
    "odd", [SUPERSCRIPT_TWO, THOUSANDS_OF_DIGITS, TOO_BIG_AN_ID, "arabic_indic"]
)
def test_an_odd_person_on_the_assign_page_is_left_out(world: World, odd: str) -> None:
    build_course()
    client = client_for(world.officer_a)
    response = client.get(reverse("learning:assign"), {"person": _spelled(world, odd)})
    # the form, no person chosen: as for a person that is not a number at all ("abc")
    assert response.status_code == 200
    assert response.context["person"] is None
    assert 'name="course"' in text(response)
    assert not Enrolment.objects.exists()


# --- the learner's lesson and quiz pages ------------------------------------------------------


@pytest.mark.parametrize("odd", [SUPERSCRIPT_TWO, THOUSANDS_OF_DIGITS])
def test_an_odd_time_spent_on_a_lesson_counts_as_none(learning: LearningWorld, odd: str) -> None:
    """The page's clock cannot have sent it: the lesson is done, no time is recorded (the
    form's rule for any implausible time)."""
    progress.enrolment_self(actor=learning.learner, course=learning.course)
    first = learning.lessons[0]
    client = client_for(learning.learner)
    response = client.post(reverse("learning:lesson", args=[first.pk]), {"seconds_spent": odd})
    assert response.status_code == 302
    done = LessonProgress.objects.get(lesson=first)
    assert done.completed_at is not None
    assert done.seconds_spent == 0


def test_an_odd_time_spent_on_a_locked_lesson_records_nothing(learning: LearningWorld) -> None:
    progress.enrolment_self(actor=learning.learner, course=learning.course)
    second = learning.lessons[1]
    client = client_for(learning.learner)
    url = reverse("learning:lesson", args=[second.pk])
    assert client.post(url, {"seconds_spent": SUPERSCRIPT_TWO}).status_code == 409
    assert not LessonProgress.objects.exists()


@pytest.fixture
def attempt(learning: LearningWorld) -> QuizAttempt:
    progress.enrolment_self(actor=learning.learner, course=learning.course)
    for lesson in learning.lessons:
        progress.lesson_complete(actor=learning.learner, lesson_id=lesson.pk)
    return quizzes.attempt_start(actor=learning.learner, quiz=learning.quiz)


def _post_answers(learning: LearningWorld, attempt: QuizAttempt, data: dict[str, Any]) -> Any:
    """Posted as the page's form posts (urlencoded)."""
    client: Client = client_for(learning.learner)
    return client.post(
        reverse("learning:attempt", args=[attempt.pk]),
        urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )


def _answer_fields(attempt: QuizAttempt, how: str) -> dict[str, Any]:
    if how == "arabic_indic":  # the right answers, each question's id spelled in Arabic-Indic
        return {
            f"question_{arabic_indic(q)}": [str(c) for c in cs]
            for q, cs in correct_answers(attempt).items()
        }
    return {
        "superscript_answer": {"question_99999": SUPERSCRIPT_TWO},
        "long_answer": {"question_99999": THOUSANDS_OF_DIGITS},
        "long_question": {f"question_{THOUSANDS_OF_DIGITS}": "1"},
    }[how]


@pytest.mark.parametrize(
    "how", ["superscript_answer", "long_answer", "long_question", "arabic_indic"]
)
def test_an_odd_answer_field_is_refused_and_the_attempt_stays_open(
    learning: LearningWorld, attempt: QuizAttempt, how: str
) -> None:
    response = _post_answers(learning, attempt, _answer_fields(attempt, how))
    assert response.status_code == 200
    assert "Câu hỏi này không thuộc lượt làm bài." in text(response)
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"
    assert not AttemptAnswer.objects.exists()


# --- offline classes: participants and attendance ---------------------------------------------


@pytest.fixture
def cw(world: World) -> ClassWorld:
    return build_class(world, build_course())


def _class_url(cw: ClassWorld, tail: str) -> str:
    return f"/learning/classes/{cw.offline_class.pk}/{tail}"


@pytest.mark.parametrize("how", ["superscript", "arabic_indic"])
def test_an_odd_person_to_add_to_a_class_is_an_error_on_the_form(cw: ClassWorld, how: str) -> None:
    new = add_resident(cw.world, "010088003333", "Lò Văn Dũng", datetime.date(1988, 1, 2), "male")
    person = SUPERSCRIPT_TWO if how == "superscript" else arabic_indic(new.pk)
    client = client_for(cw.world.officer_a)
    before = ClassParticipant.objects.count(), AuditEntry.objects.count()
    response = client.post(_class_url(cw, "participants/add"), {"person": [person]})
    assert response.status_code == 200
    assert response.context["form"].errors["person"]
    assert (ClassParticipant.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("how", ["superscript", "arabic_indic"])
def test_odd_attendance_is_an_error_on_the_form(cw: ClassWorld, how: str) -> None:
    client = client_for(cw.instructor_user)
    a = cw.participants[0]
    odd = SUPERSCRIPT_TWO if how == "superscript" else arabic_indic(a.pk)
    page = _class_url(cw, "sessions/1/attendance")
    for data in (
        {"shown": [str(a.pk)], "present": [odd]},
        {"shown": [odd], "present": [odd]},
    ):
        response = client.post(page, data)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not Attendance.objects.exists()


def test_an_instructor_beyond_the_databases_ids_is_an_error_on_the_form(cw: ClassWorld) -> None:
    client = client_for(cw.world.officer_a)
    before = ClassInstructor.objects.count(), AuditEntry.objects.count()
    response = client.post(
        _class_url(cw, "instructors/add"), {"person": TOO_BIG_AN_ID, "role": "assistant"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["person"]
    assert (ClassInstructor.objects.count(), AuditEntry.objects.count()) == before


# --- the API: ids beyond the database's integers, a 400 -------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"present": [HUGE]}, "present.0"),
        ({"absent": [BEYOND_64_BITS]}, "absent.0"),
        ({"present": [1, JUST_BEYOND]}, "present.1"),
    ],
)
def test_attendance_naming_a_person_id_beyond_the_database_is_refused(
    cw: ClassWorld, body: dict[str, Any], field: str
) -> None:
    before = AuditEntry.objects.count()
    response = post_json(
        client_for(cw.instructor_user),
        "/api/v1/learning/classes/LOP-A-01/sessions/1/attendance",
        body,
    )
    assert response.status_code == 400
    answer = response.json()
    assert answer["errors"] == {field: "Must be at most 9,223,372,036,854,775,807."}
    assert answer["detail"].startswith(f"{field}: ")
    assert not Attendance.objects.exists()
    assert AuditEntry.objects.count() == before


@pytest.fixture
def grouped(world: World) -> GroupWorld:
    return build_group(world)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"helper_id": HUGE}, "helper_id"),
        ({"person_ids": [HUGE]}, "person_ids.0"),
        ({"person_ids": [1, BEYOND_64_BITS], "national_ids": ["015190009876"]}, "person_ids.1"),
    ],
)
def test_help_naming_a_person_id_beyond_the_database_is_refused(
    grouped: GroupWorld, extra: dict[str, Any], field: str
) -> None:
    before = snapshot()
    code = grouped.group.organisation.code
    body = {"kind": "safety", "on": "2025-08-05", **extra}
    response = post_json(
        client_for(grouped.world.officer_a), f"/api/v1/learning/groups/{code}/activities", body
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert snapshot() == before


@pytest.mark.parametrize("lesson_id", [HUGE, BEYOND_64_BITS, JUST_BEYOND])
def test_a_lesson_id_beyond_the_database_in_the_path_is_refused(
    learning: LearningWorld, lesson_id: int
) -> None:
    """No schema bounds a path parameter: the API's safety net (`hoctap.core.api`) answers."""
    progress.enrolment_self(actor=learning.learner, course=learning.course)
    before = AuditEntry.objects.count()
    client = client_for(learning.learner)
    response = post_json(
        client, f"/api/v1/learning/lessons/{lesson_id}/complete", {"seconds_spent": 5}
    )
    if connection.vendor == "sqlite":  # its driver refuses the number: the safety net answers
        assert response.status_code == 400
        assert response.json() == {"detail": "A number or a date in the request is too large."}
    else:  # PostgreSQL compares it as a numeric and finds no such lesson
        assert response.status_code == 404
    assert not LessonProgress.objects.exists()
    assert AuditEntry.objects.count() == before


def test_an_attendance_sheet_session_cell_with_odd_digits_is_no_session_number() -> None:
    from hoctap.learning.imports.attendance import session_number

    assert session_number("²") is None
    assert session_number("3.0") == 3
