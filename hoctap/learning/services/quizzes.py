"""Quiz attempts: starting one (within the attempt limit, once the lessons are done) and
submitting its answers (only for the questions it holds, before its deadline).

An attempt is scored on the questions and answers it showed (`QuizAttempt.layout`). The
catalogue refuses to delete or re-answer the questions of a quiz that has attempts, but
attempts started before that rule may name a question since deleted or answers since
replaced: such a question is left out of the score (neither earned nor counted), so the
learner is scored on what is left rather than refused."""

from __future__ import annotations

import datetime
import decimal
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.audit.services import audit_record
from hoctap.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from hoctap.learning.models import (
    AttemptAnswer,
    AttemptStatus,
    Certificate,
    Choice,
    CourseStatus,
    Enrolment,
    LearnerAccount,
    Question,
    QuestionKind,
    Quiz,
    QuizAttempt,
)
from hoctap.learning.selectors.scope import learner_account_of
from hoctap.learning.services.progress import OPEN_TO_ENROLLED, complete_if_done

# a submission this long after the deadline still counts (the page's clock, the network)
GRACE = datetime.timedelta(seconds=30)


def _learner_account(actor: Any) -> LearnerAccount:
    """The actor's learner account; anyone else is refused as by the rest of the portal
    (`progress._own_person`): the quiz exists, only a learner may take it."""
    account = learner_account_of(actor)
    if account is None:
        raise PermissionDenied(_("Only a learner account can do this."))
    return account


def _learner_enrolment(actor: Any, quiz: Quiz) -> Enrolment:
    """The learner's enrolment in the quiz's course: published, or archived (those enrolled
    keep it to finish it; for anyone else it no longer exists)."""
    account = _learner_account(actor)
    if quiz.course.status not in OPEN_TO_ENROLLED:
        raise NotFound(_("Quiz not found."))
    enrolment = (
        Enrolment.objects.filter(person_id=account.person_id, course_id=quiz.course_id)
        .select_related("course", "person")
        .first()
    )
    if enrolment is None:
        if quiz.course.status != CourseStatus.PUBLISHED:
            raise NotFound(_("Quiz not found."))
        raise Conflict(_("Enrol in the course first."))
    return enrolment


def _expire_if_late(actor: Any, attempt: QuizAttempt, now: datetime.datetime) -> bool:
    """Close an open attempt whose time has run out (it counts as failed), audited with the
    actor who found it late (the learner, or the system actor); True if it did."""
    if attempt.status != AttemptStatus.IN_PROGRESS or attempt.deadline is None:
        return False
    if now <= attempt.deadline + GRACE:
        return False
    attempt.status, attempt.submitted_at = AttemptStatus.EXPIRED, now
    attempt.score_percent, attempt.passed = decimal.Decimal(0), False
    attempt.save(update_fields=["status", "submitted_at", "score_percent", "passed"])
    course_code, village_id = (
        Enrolment.objects.filter(pk=attempt.enrolment_id)
        .values_list("course__code", "person__village_id")
        .get()
    )
    audit_record(
        actor=actor,
        action="quiz.attempt_expire",
        target=attempt,
        changes={
            "course": course_code,
            "number": attempt.number,
            "deadline": attempt.deadline,
            "passed": False,
        },
        unit_id=village_id,
    )
    return True


def attempts_left(quiz: Quiz, enrolment: Enrolment) -> int | None:
    """How many more attempts the learner may start (None: no limit)."""
    if quiz.max_attempts == 0:
        return None
    used = QuizAttempt.objects.filter(enrolment=enrolment, quiz=quiz).count()
    return max(0, quiz.max_attempts - used)


@transaction.atomic
def attempt_start(*, actor: Any, quiz: Quiz, seed: int | None = None) -> QuizAttempt:
    """Start an attempt, or return the one still open. Refused before the lessons are done,
    after the quiz is passed, and beyond the attempt limit. The questions and the order of
    their answers are fixed now (shuffled if the quiz says so)."""
    enrolment = _learner_enrolment(actor, quiz)
    now = timezone.now()
    open_attempt = QuizAttempt.objects.filter(
        enrolment=enrolment, quiz=quiz, status=AttemptStatus.IN_PROGRESS
    ).first()
    if open_attempt is not None and not _expire_if_late(actor, open_attempt, now):
        return open_attempt
    if enrolment.quiz_passed:
        raise Conflict(_("You have already passed this quiz."))
    if enrolment.lessons_done < quiz.course.lesson_count:
        raise Conflict(_("Finish every lesson before taking the quiz."))
    left = attempts_left(quiz, enrolment)
    if left == 0:
        raise Conflict(
            _("You have used all %(n)s attempts at this quiz.") % {"n": quiz.max_attempts}
        )
    # the catalogue's question edits take the same lock: the questions read below are not
    # being deleted or re-answered, and a question is not changed under this new attempt
    Quiz.objects.select_for_update().filter(pk=quiz.pk).first()
    questions = list(quiz.questions.prefetch_related("choices").order_by("position"))
    if not questions:
        raise Conflict(_("This quiz has no questions yet."))
    rng = random.Random(seed)  # noqa: S311 - shuffling questions, not a secret
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    layout = []
    for question in questions:
        choice_ids = [c.pk for c in question.choices.all()]
        if quiz.shuffle_choices and question.kind != QuestionKind.TRUE_FALSE:
            rng.shuffle(choice_ids)
        layout.append({"question": question.pk, "choices": choice_ids})
    number = QuizAttempt.objects.filter(enrolment=enrolment, quiz=quiz).count() + 1
    attempt = QuizAttempt.objects.create(
        enrolment=enrolment,
        quiz=quiz,
        number=number,
        layout=layout,
        started_at=now,
        deadline=(
            now + datetime.timedelta(minutes=quiz.time_limit_minutes)
            if quiz.time_limit_minutes
            else None
        ),
    )
    audit_record(
        actor=actor,
        action="quiz.attempt_start",
        target=attempt,
        changes={"course": quiz.course.code, "number": number},
        unit_id=enrolment.person.village_id,
    )
    return attempt


@dataclass
class AttemptResult:
    attempt: QuizAttempt
    certificate: Certificate | None = None


def _score(
    layout: Sequence[Mapping[str, Any]],
    answers: Mapping[int, Sequence[int]],
    questions: Mapping[int, Question],
    correct: Mapping[int, set[int]],
) -> tuple[decimal.Decimal, list[AttemptAnswer]]:
    """The percentage over the layout's questions found in `questions` (the others are left
    out), and an answer row for each of them."""
    total = earned = 0
    rows = []
    for item in layout:
        question = questions.get(item["question"])
        if question is None:
            continue
        chosen = sorted(set(answers.get(question.pk, ())))
        right = bool(chosen) and set(chosen) == correct[question.pk]
        total += question.points
        earned += question.points if right else 0
        rows.append(AttemptAnswer(question=question, choices=chosen, is_correct=right))
    percent = decimal.Decimal(100 * earned) / total if total else decimal.Decimal(0)
    return percent.quantize(decimal.Decimal("0.01")), rows


def attempt_submit(
    *, actor: Any, attempt_id: int, answers: Mapping[int, Sequence[int]]
) -> AttemptResult:
    """Score the answers (question id → chosen choice ids) of an open attempt. Every answer
    must name a question of this attempt and answers of that question; a single-answer or
    true/false question takes one. Unanswered questions score nothing. Refused after the
    deadline: the attempt is then closed as failed (that much is kept), and the answers are
    not recorded. A pass may complete the course."""
    with transaction.atomic():
        expired = _close_if_late(actor, attempt_id)
    if expired:
        raise Conflict(_("The time for this attempt ran out; it counts as not passed."))
    return _attempt_score(actor=actor, attempt_id=attempt_id, answers=answers)


def _close_if_late(actor: Any, attempt_id: int) -> bool:
    """Close the learner's open attempt if its time ran out (committed on its own, so that a
    late submission, refused, still ends the attempt)."""
    account = learner_account_of(actor)
    if account is None:
        return False
    attempt = (
        QuizAttempt.objects.select_for_update()
        .filter(
            pk=attempt_id,
            enrolment__person_id=account.person_id,
            status=AttemptStatus.IN_PROGRESS,
        )
        .first()
    )
    return attempt is not None and _expire_if_late(actor, attempt, timezone.now())


@transaction.atomic
def _attempt_score(
    *, actor: Any, attempt_id: int, answers: Mapping[int, Sequence[int]]
) -> AttemptResult:
    account = _learner_account(actor)
    attempt = (
        QuizAttempt.objects.select_for_update()
        .filter(pk=attempt_id, enrolment__person_id=account.person_id)
        .select_related("quiz__course", "enrolment__person", "enrolment__course")
        .first()
    )
    if attempt is None:
        raise NotFound(_("Attempt not found."))
    now = timezone.now()
    if attempt.status == AttemptStatus.EXPIRED:
        raise Conflict(_("The time for this attempt ran out; it counts as not passed."))
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise Conflict(_("This attempt has already been submitted."))
    shown = {item["question"]: set(item["choices"]) for item in attempt.layout}
    found = Question.objects.in_bulk(list(shown))
    answer_key: dict[int, dict[int, bool]] = {question_id: {} for question_id in found}
    for question_id, choice_id, is_correct in Choice.objects.filter(
        question_id__in=list(found)
    ).values_list("question_id", "pk", "is_correct"):
        answer_key[question_id][choice_id] = is_correct
    # scored: the questions still as the attempt showed them (the same answers)
    questions = {
        question_id: question
        for question_id, question in found.items()
        if set(answer_key[question_id]) == shown[question_id]
    }
    left_out = sorted(set(shown) - set(questions))
    errors: dict[str, str] = {}
    for question_id, chosen in answers.items():
        field = f"question_{question_id}"
        if question_id not in shown:
            errors[field] = _("This question is not part of the attempt.")
            continue
        if question_id not in questions:
            continue  # gone or re-answered since the attempt started: left out
        if not set(chosen) <= shown[question_id]:
            errors[field] = _("This answer does not belong to the question.")
        elif questions[question_id].kind != QuestionKind.MULTIPLE and len(set(chosen)) > 1:
            errors[field] = _("Choose one answer.")
    if errors:
        raise InvalidInput(errors)
    correct = {
        question_id: {choice_id for choice_id, ok in answer_key[question_id].items() if ok}
        for question_id in questions
    }
    percent, rows = _score(attempt.layout, answers, questions, correct)
    for row in rows:
        row.attempt = attempt
    AttemptAnswer.objects.bulk_create(rows)
    passed = percent >= attempt.quiz.pass_mark_percent
    attempt.status, attempt.submitted_at = AttemptStatus.SUBMITTED, now
    attempt.score_percent, attempt.passed = percent, passed
    attempt.save(update_fields=["status", "submitted_at", "score_percent", "passed"])
    enrolment = attempt.enrolment
    changes: dict[str, Any] = {
        "course": attempt.quiz.course.code,
        "score": str(percent),
        "passed": passed,
    }
    if left_out:
        changes["left_out"] = left_out  # the ids of the questions not scored
    audit_record(
        actor=actor,
        action="quiz.attempt_submit",
        target=attempt,
        changes=changes,
        unit_id=enrolment.person.village_id,
    )
    certificate = None
    if passed and not enrolment.quiz_passed:
        enrolment.quiz_passed = True
        enrolment.save(update_fields=["quiz_passed"])
        certificate = complete_if_done(actor=actor, enrolment=enrolment)
    return AttemptResult(attempt=attempt, certificate=certificate)
