"""Learning online, through the services: enrol, lessons in order, the quiz, completion and
the certificate; each refusal changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from hoctap.audit.models import AuditEntry
from hoctap.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from hoctap.learning.models import (
    Certificate,
    Completion,
    EnrolmentStatus,
    LessonProgress,
    QuizAttempt,
)
from hoctap.learning.services import progress, quizzes
from hoctap.learning.tests.conftest import LearningWorld, correct_answers, second_learner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    """The services' messages are compared in English; test_language checks the Vietnamese."""
    with translation.override("en"):
        yield


def test_lesson_content_is_sanitised(learning: LearningWorld) -> None:
    body = learning.lessons[0].body_html
    assert "<p>Nội dung bài 1</p>" in body
    assert "script" not in body


def test_lessons_open_in_order_and_the_second_is_locked_first(learning: LearningWorld) -> None:
    actor = learning.learner
    progress.enrolment_self(actor=actor, course=learning.course)
    first, second, _third = learning.lessons
    with pytest.raises(Conflict, match="1"):
        progress.lesson_open(actor=actor, lesson_id=second.pk)
    assert not LessonProgress.objects.filter(lesson=second).exists()
    progress.lesson_open(actor=actor, lesson_id=first.pk)
    done = progress.lesson_complete(actor=actor, lesson_id=first.pk, seconds_spent=120)
    assert done.next_lesson_id == second.pk
    assert done.enrolment.lessons_done == 1
    progress.lesson_open(actor=actor, lesson_id=second.pk)  # now open


def test_completing_twice_counts_once(learning: LearningWorld) -> None:
    actor = learning.learner
    progress.enrolment_self(actor=actor, course=learning.course)
    first = learning.lessons[0]
    progress.lesson_complete(actor=actor, lesson_id=first.pk, seconds_spent=60)
    again = progress.lesson_complete(actor=actor, lesson_id=first.pk, seconds_spent=30)
    assert again.enrolment.lessons_done == 1
    assert again.progress.seconds_spent == 90
    assert AuditEntry.objects.filter(action="lesson.complete").count() == 1


def test_a_lesson_of_a_course_not_enrolled_is_refused(learning: LearningWorld) -> None:
    with pytest.raises(Conflict):
        progress.lesson_complete(actor=learning.learner, lesson_id=learning.lessons[0].pk)
    assert not LessonProgress.objects.exists()


def test_an_officer_without_a_learner_account_cannot_learn(learning: LearningWorld) -> None:
    with pytest.raises(Exception, match="learner account"):
        progress.enrolment_self(actor=learning.world.officer_a, course=learning.course)


def _finish_lessons(learning: LearningWorld) -> None:
    actor = learning.learner
    progress.enrolment_self(actor=actor, course=learning.course)
    for lesson in learning.lessons:
        progress.lesson_complete(actor=actor, lesson_id=lesson.pk)


def test_the_quiz_waits_for_the_lessons(learning: LearningWorld) -> None:
    progress.enrolment_self(actor=learning.learner, course=learning.course)
    with pytest.raises(Conflict):
        quizzes.attempt_start(actor=learning.learner, quiz=learning.quiz)
    assert not QuizAttempt.objects.exists()


def test_fail_then_pass_completes_the_course_and_issues_a_certificate(
    learning: LearningWorld,
) -> None:
    _finish_lessons(learning)
    actor = learning.learner
    first = quizzes.attempt_start(actor=actor, quiz=learning.quiz)
    result = quizzes.attempt_submit(actor=actor, attempt_id=first.pk, answers={})
    assert result.attempt.passed is False
    assert result.certificate is None
    assert not Completion.objects.exists()

    second = quizzes.attempt_start(actor=actor, quiz=learning.quiz)
    assert second.number == 2
    result = quizzes.attempt_submit(
        actor=actor, attempt_id=second.pk, answers=correct_answers(second)
    )
    assert result.attempt.passed is True
    assert result.certificate is not None
    completion = Completion.objects.get()
    assert completion.person_id == learning.world.person_a.pk
    assert completion.channel == "online"
    assert completion.score == 100
    assert result.certificate.completion == completion
    assert result.certificate.full_name == "Nguyễn Văn An"
    enrolment = completion.enrolment
    assert enrolment is not None
    assert enrolment.status == EnrolmentStatus.COMPLETED


def test_an_answer_to_a_question_not_in_the_attempt_is_refused(learning: LearningWorld) -> None:
    _finish_lessons(learning)
    attempt = quizzes.attempt_start(actor=learning.learner, quiz=learning.quiz)
    answers = correct_answers(attempt)
    answers[999999] = [1]
    with pytest.raises(InvalidInput, match="not part of the attempt"):
        quizzes.attempt_submit(actor=learning.learner, attempt_id=attempt.pk, answers=answers)
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"
    assert not attempt.answers.exists()


def test_no_attempt_beyond_the_limit(learning: LearningWorld) -> None:
    _finish_lessons(learning)
    actor = learning.learner
    for _n in range(learning.quiz.max_attempts):
        attempt = quizzes.attempt_start(actor=actor, quiz=learning.quiz)
        quizzes.attempt_submit(actor=actor, attempt_id=attempt.pk, answers={})
    with pytest.raises(Conflict, match="all 3 attempts"):
        quizzes.attempt_start(actor=actor, quiz=learning.quiz)
    assert QuizAttempt.objects.count() == 3


def test_another_learners_attempt_does_not_exist(learning: LearningWorld) -> None:
    _finish_lessons(learning)
    attempt = quizzes.attempt_start(actor=learning.learner, quiz=learning.quiz)
    other = second_learner(learning.world)
    with pytest.raises(NotFound):
        quizzes.attempt_submit(actor=other, attempt_id=attempt.pk, answers=correct_answers(attempt))
    # without a learner account: refused as everywhere in the portal, not "not found"
    with pytest.raises(PermissionDenied, match="Only a learner account"):
        quizzes.attempt_submit(
            actor=learning.world.officer_a, attempt_id=attempt.pk, answers=correct_answers(attempt)
        )
    with pytest.raises(PermissionDenied, match="Only a learner account"):
        quizzes.attempt_start(actor=learning.world.officer_a, quiz=learning.quiz)
    assert not Certificate.objects.exists()
    assert QuizAttempt.objects.get().status == "in_progress"


def test_a_late_submission_is_refused_and_the_attempt_ends_as_failed(
    learning: LearningWorld,
) -> None:
    import datetime

    from django.utils import timezone

    _finish_lessons(learning)
    learning.quiz.time_limit_minutes = 5
    learning.quiz.save()
    attempt = quizzes.attempt_start(actor=learning.learner, quiz=learning.quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=2)
    )
    with pytest.raises(Conflict, match="ran out"):
        quizzes.attempt_submit(
            actor=learning.learner, attempt_id=attempt.pk, answers=correct_answers(attempt)
        )
    attempt.refresh_from_db()
    assert attempt.status == "expired"
    assert attempt.passed is False
    assert not attempt.answers.exists()
    assert not Completion.objects.exists()
