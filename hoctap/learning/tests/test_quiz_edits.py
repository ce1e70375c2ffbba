"""Editing a quiz that learners have taken. Once the quiz has an attempt, deleting a question
or changing what scores it (its kind, points, answers or correct answers) is refused and
changes nothing; its wording and explanation can still be changed, and are audited. An attempt
whose question has gone since it started (as edits made before this rule left some) is still
shown and submitted, and scored on the rest, through the service, the API and the page. An
attempt whose time ran out is closed with an audit entry."""

from __future__ import annotations

import contextlib
import datetime
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from hoctap.accounts.models import User
from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import client_for
from hoctap.core.errors import Conflict, InvalidInput
from hoctap.learning.models import AttemptAnswer, Choice, Question, QuizAttempt
from hoctap.learning.services import catalogue, progress, quizzes
from hoctap.learning.tests.conftest import LearningWorld, correct_answers

pytestmark = pytest.mark.django_db

TABLES = (Question, Choice, QuizAttempt, AttemptAnswer, AuditEntry)

# the fixture's first question, as stored
FIRST: dict[str, Any] = {
    "kind": "single",
    "text": "Ứng dụng định danh điện tử quốc gia tên là gì?",
    "points": 1,
    "explanation": "",
    "choices": [("VNeID", True), ("Zalo", False), ("Facebook", False)],
}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The services' messages are compared in English."""
    with translation.override("en"):
        yield


def snapshot() -> dict[str, Any]:
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in TABLES}


@contextlib.contextmanager
def nothing_changes() -> Iterator[None]:
    before = snapshot()
    yield
    assert snapshot() == before


def officer(learning: LearningWorld) -> User:
    return learning.world.secretariat  # manages the Department of Education's courses


def open_attempt(learning: LearningWorld) -> QuizAttempt:
    """The learner enrols, does the lessons and starts an attempt at the quiz."""
    progress.enrolment_self(actor=learning.learner, course=learning.course)
    for lesson in learning.lessons:
        progress.lesson_complete(actor=learning.learner, lesson_id=lesson.pk)
    return quizzes.attempt_start(actor=learning.learner, quiz=learning.quiz)


def choice_ids(question: Question) -> list[int]:
    return list(
        Choice.objects.filter(question=question).order_by("pk").values_list("pk", flat=True)
    )


def post_json(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def page_client(user: User) -> Client:
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# ---------------------------------------------------------------------------------------------
# The catalogue's guard
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("submitted", [False, True], ids=["open attempt", "submitted attempt"])
def test_a_question_of_a_quiz_with_attempts_cannot_be_deleted(
    learning: LearningWorld, submitted: bool
) -> None:
    attempt = open_attempt(learning)
    if submitted:
        quizzes.attempt_submit(
            actor=learning.learner, attempt_id=attempt.pk, answers=correct_answers(attempt)
        )
        assert AttemptAnswer.objects.filter(attempt=attempt).count() == 2
    with nothing_changes(), pytest.raises(Conflict) as refused:
        catalogue.question_delete(actor=officer(learning), question=learning.questions[0])
    assert refused.value.message == (
        "Learners have taken this quiz: its questions can no longer be deleted."
    )


CHANGES: dict[str, dict[str, Any]] = {
    "an answer's text": {"choices": [("VNeID", True), ("Zalo Pay", False), ("Facebook", False)]},
    "the correct answer": {"choices": [("VNeID", False), ("Zalo", True), ("Facebook", False)]},
    "an answer removed": {"choices": [("VNeID", True), ("Zalo", False)]},
    "an answer added": {"choices": [*FIRST["choices"], ("TikTok", False)]},
    "the kind": {"kind": "multiple"},
    "the points": {"points": 2},
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_what_scores_a_question_cannot_change_once_the_quiz_has_attempts(
    learning: LearningWorld, change: dict[str, Any]
) -> None:
    open_attempt(learning)
    question = learning.questions[0]
    with nothing_changes(), pytest.raises(Conflict) as refused:
        catalogue.question_update(actor=officer(learning), question=question, **{**FIRST, **change})
    assert refused.value.message == (
        "Learners have taken this quiz: a question's kind, points and answers can no longer"
        " be changed, only its wording and explanation."
    )


def test_a_question_changes_freely_until_the_quiz_is_taken(learning: LearningWorld) -> None:
    question, second = learning.questions
    catalogue.question_update(
        actor=officer(learning), question=question, **{**FIRST, **CHANGES["the correct answer"]}
    )
    assert [(c.text, c.is_correct) for c in question.choices.order_by("position")] == [
        ("VNeID", False),
        ("Zalo", True),
        ("Facebook", False),
    ]
    catalogue.question_delete(actor=officer(learning), question=second)
    assert list(learning.quiz.questions.values_list("pk", flat=True)) == [question.pk]
    open_attempt(learning)
    with nothing_changes(), pytest.raises(Conflict):
        catalogue.question_update(actor=officer(learning), question=question, **FIRST)
    with nothing_changes(), pytest.raises(Conflict):
        catalogue.question_delete(actor=officer(learning), question=question)


def test_the_wording_and_explanation_can_change_and_the_open_attempt_still_scores(
    learning: LearningWorld,
) -> None:
    attempt = open_attempt(learning)
    question = learning.questions[0]
    before = choice_ids(question)
    catalogue.question_update(
        actor=officer(learning),
        question=question,
        **{
            **FIRST,
            "text": "Tên ứng dụng định danh điện tử quốc gia?",
            "explanation": "VNeID là ứng dụng của Bộ Công an.",
        },
    )
    question.refresh_from_db()
    assert question.text == "Tên ứng dụng định danh điện tử quốc gia?"
    assert choice_ids(question) == before  # the attempt's answers are the same rows
    entry = AuditEntry.objects.get(action="course.question_update")
    assert entry.changes == {
        "text": [FIRST["text"], "Tên ứng dụng định danh điện tử quốc gia?"],
        "explanation": ["", "VNeID là ứng dụng của Bộ Công an."],
    }
    result = quizzes.attempt_submit(
        actor=learning.learner, attempt_id=attempt.pk, answers=correct_answers(attempt)
    )
    assert result.attempt.score_percent == 100
    assert result.attempt.passed is True


def test_an_edit_of_the_explanation_alone_is_audited(learning: LearningWorld) -> None:
    question = learning.questions[0]
    catalogue.question_update(
        actor=officer(learning),
        question=question,
        **{**FIRST, "explanation": "Ứng dụng VNeID do Bộ Công an phát hành."},
    )
    question.refresh_from_db()
    assert question.explanation == "Ứng dụng VNeID do Bộ Công an phát hành."
    entry = AuditEntry.objects.get(action="course.question_update")
    assert entry.actor == officer(learning)
    assert entry.changes == {"explanation": ["", "Ứng dụng VNeID do Bộ Công an phát hành."]}


def test_a_true_false_question_saved_in_another_language_keeps_its_answers(
    learning: LearningWorld,
) -> None:
    """The form always sends "True" and "False" in the editor's language: the same correct
    answer under other labels is no change (the stored answers stay), so the explanation of a
    taken quiz's true/false question can still be edited."""
    open_attempt(learning)
    question = learning.questions[1]
    stored = [(c.text, c.is_correct) for c in question.choices.order_by("position")]
    assert [ok for _text, ok in stored] == [False, True]
    before = choice_ids(question)
    catalogue.question_update(
        actor=officer(learning),
        question=question,
        kind="true_false",
        text=question.text,
        choices=[("Đúng", False), ("Sai", True)],
        explanation="Mã OTP chỉ dành cho chính bạn.",
    )
    assert choice_ids(question) == before
    assert [(c.text, c.is_correct) for c in question.choices.order_by("position")] == stored
    entry = AuditEntry.objects.get(action="course.question_update")
    assert entry.changes == {"explanation": ["", "Mã OTP chỉ dành cho chính bạn."]}


# ---------------------------------------------------------------------------------------------
# The authoring pages show the refusal
# ---------------------------------------------------------------------------------------------


def _question_form(**fields: str) -> dict[str, str]:
    return {
        "kind": "single",
        "text": FIRST["text"],
        "points": "1",
        "explanation": "",
        "answer_1": "VNeID",
        "correct_1": "on",
        "answer_2": "Zalo",
        "answer_3": "Facebook",
        **fields,
    }


def test_the_question_pages_show_the_refusal_and_change_nothing(learning: LearningWorld) -> None:
    open_attempt(learning)
    question = learning.questions[0]
    client = page_client(officer(learning))
    delete = reverse("learning:question_admin_delete", args=[question.pk])
    with nothing_changes():
        refused = client.post(delete)
    assert refused.status_code == 200
    assert "Learners have taken this quiz: its questions can no longer be deleted." in (
        refused.content.decode()
    )
    edit = reverse("learning:question_admin_edit", args=[question.pk])
    with nothing_changes():
        refused = client.post(edit, _question_form(correct_1="", correct_2="on"))
    assert refused.status_code == 200
    assert "a question&#x27;s kind, points and answers can no longer be changed" in (
        refused.content.decode()
    )
    saved = client.post(edit, _question_form(explanation="VNeID là ứng dụng của Bộ Công an."))
    assert saved.status_code == 302
    question.refresh_from_db()
    assert question.explanation == "VNeID là ứng dụng của Bộ Công an."


# ---------------------------------------------------------------------------------------------
# An attempt whose question has gone since it started
# ---------------------------------------------------------------------------------------------


def _remove_behind_the_services(question: Question) -> None:
    """What editing a taken quiz did before it was refused: the attempt's layout still names
    the question (deleted) or its old answers (replaced)."""
    Question.objects.filter(pk=question.pk).delete()


def _replace_answers_behind_the_services(question: Question) -> None:
    Choice.objects.filter(question=question).delete()
    Choice.objects.bulk_create(
        [
            Choice(question=question, position=1, text="VNeID", is_correct=True),
            Choice(question=question, position=2, text="Zalo", is_correct=False),
        ]
    )


def test_an_open_attempt_whose_question_was_deleted_is_scored_on_the_rest(
    learning: LearningWorld,
) -> None:
    attempt = open_attempt(learning)
    answers = correct_answers(attempt)  # an answer to the question about to go, too
    gone, kept = learning.questions
    _remove_behind_the_services(gone)
    # an answer to a question the attempt never held is still refused, and nothing recorded
    with pytest.raises(InvalidInput, match="not part of the attempt"):
        quizzes.attempt_submit(
            actor=learning.learner, attempt_id=attempt.pk, answers={**answers, 999999: [1]}
        )
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"
    assert not AttemptAnswer.objects.exists()
    result = quizzes.attempt_submit(actor=learning.learner, attempt_id=attempt.pk, answers=answers)
    assert result.attempt.status == "submitted"
    assert result.attempt.score_percent == 100
    assert result.attempt.passed is True
    assert list(AttemptAnswer.objects.values_list("question_id", "is_correct")) == [(kept.pk, True)]
    entry = AuditEntry.objects.get(action="quiz.attempt_submit")
    assert entry.changes["left_out"] == [gone.pk]


@pytest.mark.parametrize(
    "edit",
    [_remove_behind_the_services, _replace_answers_behind_the_services],
    ids=["question deleted", "answers replaced"],
)
def test_the_api_shows_and_scores_an_attempt_whose_question_changed(
    learning: LearningWorld, edit: Any
) -> None:
    client = client_for(learning.learner)
    code = learning.course.code
    attempt = open_attempt(learning)
    changed, kept = learning.questions
    edit(changed)
    resumed = post_json(client, f"/api/v1/learning/courses/{code}/attempts")
    assert resumed.status_code == 200, resumed.content
    shown = {q["question_id"]: q for q in resumed.json()["questions"]}
    assert resumed.json()["id"] == attempt.pk
    assert [c["id"] for c in shown[kept.pk]["choices"]] == next(
        item["choices"] for item in attempt.layout if item["question"] == kept.pk
    )
    if changed.pk in shown:  # its answers were replaced: none of those the attempt showed
        assert shown[changed.pk]["choices"] == []
    answers = {str(k): v for k, v in correct_answers(attempt).items() if k == kept.pk}
    submitted = post_json(
        client, f"/api/v1/learning/attempts/{attempt.pk}/submit", {"answers": answers}
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["score_percent"] == 100
    assert submitted.json()["passed"] is True


def test_the_attempt_page_submits_an_attempt_whose_question_was_deleted(
    learning: LearningWorld,
) -> None:
    attempt = open_attempt(learning)
    gone, kept = learning.questions
    right = correct_answers(attempt)
    _remove_behind_the_services(gone)
    client = page_client(learning.learner)
    url = reverse("learning:attempt", args=[attempt.pk])
    assert client.get(url).status_code == 200
    answered = client.post(url, {f"question_{kept.pk}": [str(c) for c in right[kept.pk]]})
    assert answered.status_code == 302
    assert answered["Location"] == reverse("learning:attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert (attempt.status, attempt.passed) == ("submitted", True)
    assert client.get(answered["Location"]).status_code == 200


# ---------------------------------------------------------------------------------------------
# An attempt whose time ran out
# ---------------------------------------------------------------------------------------------


def _late(learning: LearningWorld) -> QuizAttempt:
    learning.quiz.time_limit_minutes = 5
    learning.quiz.save()
    attempt = open_attempt(learning)
    deadline = timezone.now() - datetime.timedelta(minutes=2)
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=deadline)
    attempt.refresh_from_db()
    return attempt


def _expire_entry(learning: LearningWorld, attempt: QuizAttempt) -> AuditEntry:
    assert attempt.deadline is not None
    entry = AuditEntry.objects.get(action="quiz.attempt_expire")
    assert entry.actor == learning.learner
    assert (entry.target_type, entry.target_id) == ("learning.quizattempt", str(attempt.pk))
    assert entry.unit_id == learning.world.person_a.village_id
    assert entry.changes == {
        "course": learning.course.code,
        "number": attempt.number,
        "deadline": attempt.deadline.isoformat(),
        "passed": False,
    }
    return entry


def test_a_late_submission_closes_the_attempt_with_an_audit_entry(
    learning: LearningWorld,
) -> None:
    attempt = _late(learning)
    with pytest.raises(Conflict, match="ran out"):
        quizzes.attempt_submit(
            actor=learning.learner, attempt_id=attempt.pk, answers=correct_answers(attempt)
        )
    attempt.refresh_from_db()
    assert (attempt.status, attempt.passed) == ("expired", False)
    _expire_entry(learning, attempt)


def test_starting_again_after_the_time_ran_out_audits_the_closed_attempt(
    learning: LearningWorld,
) -> None:
    attempt = _late(learning)
    second = quizzes.attempt_start(actor=learning.learner, quiz=learning.quiz)
    assert second.number == 2
    attempt.refresh_from_db()
    assert attempt.status == "expired"
    _expire_entry(learning, attempt)


# ---------------------------------------------------------------------------------------------
# Numbers in messages
# ---------------------------------------------------------------------------------------------


def test_the_summary_limit_is_a_grouped_number(learning: LearningWorld) -> None:
    with pytest.raises(InvalidInput) as refused:
        catalogue.course_update(actor=SYSTEM, course=learning.course, summary="x" * 5001)
    assert refused.value.errors["summary"] == "At most 5,000 characters."
