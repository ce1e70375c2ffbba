"""Quiz attempts: starting one (within the attempt limit, once the lessons are done) and
submitting its answers (only for the questions it holds, before its deadline)."""

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


def _expire_if_late(attempt: QuizAttempt, now: datetime.datetime) -> bool:
    """Close an open attempt whose time has run out (it counts as failed); True if it did."""
    if attempt.status != AttemptStatus.IN_PROGRESS or attempt.deadline is None:
        return False
    if now <= attempt.deadline + GRACE:
        return False
    attempt.status, attempt.submitted_at = AttemptStatus.EXPIRED, now
    attempt.score_percent, attempt.passed = decimal.Decimal(0), False
    attempt.save(update_fields=["status", "submitted_at", "score_percent", "passed"])
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
    if open_attempt is not None and not _expire_if_late(open_attempt, now):
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
    total = earned = 0
    rows = []
    for item in layout:
        question = questions[item["question"]]
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
    return attempt is not None and _expire_if_late(attempt, timezone.now())


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
    question_ids = [item["question"] for item in attempt.layout]
    shown = {item["question"]: set(item["choices"]) for item in attempt.layout}
    questions = {q.pk: q for q in Question.objects.filter(pk__in=question_ids)}
    errors: dict[str, str] = {}
    for question_id, chosen in answers.items():
        field = f"question_{question_id}"
        if question_id not in shown or question_id not in questions:
            errors[field] = _("This question is not part of the attempt.")
            continue
        if not set(chosen) <= shown[question_id]:
            errors[field] = _("This answer does not belong to the question.")
        elif questions[question_id].kind != QuestionKind.MULTIPLE and len(set(chosen)) > 1:
            errors[field] = _("Choose one answer.")
    if errors:
        raise InvalidInput(errors)
    correct: dict[int, set[int]] = {qid: set() for qid in question_ids}
    for question_id, choice_id in Choice.objects.filter(
        question_id__in=question_ids, is_correct=True
    ).values_list("question_id", "pk"):
        correct[question_id].add(choice_id)
    percent, rows = _score(attempt.layout, answers, questions, correct)
    for row in rows:
        row.attempt = attempt
    AttemptAnswer.objects.bulk_create(rows)
    passed = percent >= attempt.quiz.pass_mark_percent
    attempt.status, attempt.submitted_at = AttemptStatus.SUBMITTED, now
    attempt.score_percent, attempt.passed = percent, passed
    attempt.save(update_fields=["status", "submitted_at", "score_percent", "passed"])
    enrolment = attempt.enrolment
    audit_record(
        actor=actor,
        action="quiz.attempt_submit",
        target=attempt,
        changes={"course": attempt.quiz.course.code, "score": str(percent), "passed": passed},
        unit_id=enrolment.person.village_id,
    )
    certificate = None
    if passed and not enrolment.quiz_passed:
        enrolment.quiz_passed = True
        enrolment.save(update_fields=["quiz_passed"])
        certificate = complete_if_done(actor=actor, enrolment=enrolment)
    return AttemptResult(attempt=attempt, certificate=certificate)
