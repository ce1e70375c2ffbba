"""Fixtures of the learning app: the shared `world` plus a published course (three lessons in
order and a two-question quiz) owned by the province's Department of Education, and a learner
account for a resident of commune A."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from hoctap.accounts.models import User
from hoctap.accounts.permissions import SYSTEM
from hoctap.conftest import PASSWORD, World
from hoctap.learning.models import Course, LearnerAccount, Lesson, Question, Quiz
from hoctap.learning.services import catalogue
from hoctap.learning.services.learners import learner_signup


@dataclass
class LearningWorld:
    world: World
    course: Course
    lessons: list[Lesson]
    quiz: Quiz
    questions: list[Question]  # the first: single choice; the second: true/false
    learner: User  # person_a's account (commune A)
    account: LearnerAccount


def build_course(code: str = "KNS-01", owner_code: str = "SGDDT-15", lessons: int = 3) -> Course:
    course = catalogue.course_create(
        actor=SYSTEM,
        code=code,
        title="Kỹ năng số cơ bản",
        owner_code=owner_code,
        summary="Tài khoản định danh điện tử, điện thoại thông minh, an toàn trên mạng.",
        target_groups=["citizens"],
        competency_codes=["1.1", "4.2"],
        level=1,
        estimated_hours=2,
    )
    module = catalogue.module_create(actor=SYSTEM, course=course, title="Bắt đầu")
    for n in range(1, lessons + 1):
        catalogue.lesson_create(
            actor=SYSTEM,
            module=module,
            title=f"Bài {n}",
            body_html=f"<p>Nội dung bài {n}</p><script>alert(1)</script>",
        )
    quiz = catalogue.quiz_set(
        actor=SYSTEM, course=course, title="Kiểm tra cuối khoá", pass_mark_percent=100
    )
    catalogue.question_create(
        actor=SYSTEM,
        quiz=quiz,
        kind="single",
        text="Ứng dụng định danh điện tử quốc gia tên là gì?",
        choices=[("VNeID", True), ("Zalo", False), ("Facebook", False)],
    )
    catalogue.question_create(
        actor=SYSTEM,
        quiz=quiz,
        kind="true_false",
        text="Có nên cho người lạ biết mã OTP?",
        choices=catalogue.true_false_choices(true_is_correct=False),
    )
    course.refresh_from_db()
    catalogue.course_set_status(actor=SYSTEM, course=course, status="published")
    return course


@pytest.fixture
def learning(world: World) -> LearningWorld:
    course = build_course()
    account = learner_signup(
        national_id=world.person_a.national_id,
        birth_date=world.person_a.birth_date,
        password=PASSWORD,
    )
    quiz = course.quiz
    return LearningWorld(
        world=world,
        course=course,
        lessons=list(course.lessons.order_by("number")),
        quiz=quiz,
        questions=list(quiz.questions.order_by("position")),
        learner=account.user,
        account=account,
    )


def second_learner(world: World) -> User:
    """A second resident (person A2) signs up: a learner who is not enrolled in anything."""
    account = learner_signup(
        national_id=world.person_a2.national_id,
        birth_date=world.person_a2.birth_date,
        password=PASSWORD,
    )
    return account.user


def correct_answers(attempt: Any) -> dict[int, list[int]]:
    from hoctap.learning.models import Choice

    ids = [item["question"] for item in attempt.layout]
    answers: dict[int, list[int]] = {qid: [] for qid in ids}
    for question_id, choice_id in Choice.objects.filter(
        question_id__in=ids, is_correct=True
    ).values_list("question_id", "pk"):
        answers[question_id].append(choice_id)
    return answers
