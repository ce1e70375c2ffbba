"""Reads of a learner's own learning: their enrolments with progress and where to resume, the
state of every lesson of a course, their quiz attempts and their certificates.

A learner sees their own records only (through their learner account): anything else does not
exist for them (NotFound). Lesson media are also open to the officers who may edit the course.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from hoctap.accounts.permissions import scope_for
from hoctap.accounts.roles import Perm
from hoctap.core.errors import NotFound
from hoctap.learning.codes import normalise_certificate_code
from hoctap.learning.models import (
    AttemptAnswer,
    AttemptStatus,
    Certificate,
    CertificateStatus,
    Choice,
    Course,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Lesson,
    LessonAttachment,
    LessonProgress,
    Question,
    Quiz,
    QuizAttempt,
)
from hoctap.learning.selectors.scope import learner_account_of


class LessonState(enum.StrEnum):
    DONE = "done"
    OPEN = "open"
    LOCKED = "locked"


def _own_person_id(actor: Any) -> int:
    account = learner_account_of(actor)
    if account is None:
        raise NotFound(_("Not found."))
    return account.person_id


def enrolment_get(*, actor: Any, course: Course) -> Enrolment | None:
    """The signed-in learner's enrolment in the course, or None."""
    account = learner_account_of(actor)
    if account is None:
        return None
    return Enrolment.objects.filter(person_id=account.person_id, course=course).first()


def lesson_states(
    *, enrolment: Enrolment | None, course: Course, lessons: Iterable[Lesson]
) -> dict[int, LessonState]:
    """Every lesson's state for this enrolment (lesson id → done / open / locked), in one
    query: in a course taken in order, a lesson is locked until the one before it is done.
    Without an enrolment nothing is done and every lesson but the first of an ordered course
    is locked."""
    done: set[int] = set()
    if enrolment is not None:
        done = set(
            LessonProgress.objects.filter(
                enrolment=enrolment, completed_at__isnull=False
            ).values_list("lesson_id", flat=True)
        )
    ordered = sorted(lessons, key=lambda lesson: lesson.number)
    by_number = {lesson.number: lesson.pk for lesson in ordered}
    states: dict[int, LessonState] = {}
    for lesson in ordered:
        previous = by_number.get(lesson.number - 1)
        if lesson.pk in done:
            states[lesson.pk] = LessonState.DONE
        elif course.sequential and previous is not None and previous not in done:
            states[lesson.pk] = LessonState.LOCKED
        else:
            states[lesson.pk] = LessonState.OPEN
    return states


@dataclass
class LearnerCourse:
    """One line of "my courses"."""

    enrolment: Enrolment
    course: Course
    lessons_done: int
    lesson_count: int
    resume_lesson_id: int | None  # the lesson to continue with; None when all are done
    quiz_due: bool  # the lessons are done, the quiz is still to pass
    certificate: Certificate | None


def learner_courses(*, actor: Any) -> list[LearnerCourse]:
    """The learner's enrolments, newest first, with their progress and where to resume: the
    last lesson opened if it is not done yet, else the first lesson not done. Four queries
    whatever the number of courses."""
    person_id = _own_person_id(actor)
    enrolments = list(
        Enrolment.objects.filter(person_id=person_id)
        .select_related("course")
        .order_by("-enrolled_at", "-id")
    )
    course_ids = [e.course_id for e in enrolments]
    lessons: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for lesson_id, course_id, number in (
        Lesson.objects.filter(course_id__in=course_ids)
        .order_by("number")
        .values_list("pk", "course_id", "number")
    ):
        lessons[course_id].append((number, lesson_id))
    done: dict[int, set[int]] = defaultdict(set)
    for enrolment_id, lesson_id in LessonProgress.objects.filter(
        enrolment__in=enrolments, completed_at__isnull=False
    ).values_list("enrolment_id", "lesson_id"):
        done[enrolment_id].add(lesson_id)
    with_quiz = set(
        Quiz.objects.filter(course_id__in=course_ids).values_list("course_id", flat=True)
    )
    certificates = {
        c.completion.course_id: c
        for c in Certificate.objects.filter(
            completion__person_id=person_id,
            completion__course_id__in=course_ids,
            status=CertificateStatus.VALID,
        ).select_related("completion")
    }
    rows = []
    for enrolment in enrolments:
        finished = done[enrolment.pk]
        ids = [lesson_id for _number, lesson_id in lessons[enrolment.course_id]]
        if enrolment.last_lesson_id in ids and enrolment.last_lesson_id not in finished:
            resume: int | None = enrolment.last_lesson_id
        else:
            resume = next((lesson_id for lesson_id in ids if lesson_id not in finished), None)
        all_done = resume is None and len(finished) >= len(ids)
        rows.append(
            LearnerCourse(
                enrolment=enrolment,
                course=enrolment.course,
                lessons_done=len(finished & set(ids)),
                lesson_count=len(ids),
                resume_lesson_id=resume,
                quiz_due=all_done
                and enrolment.course_id in with_quiz
                and not enrolment.quiz_passed
                and enrolment.status != EnrolmentStatus.COMPLETED,
                certificate=certificates.get(enrolment.course_id),
            )
        )
    return rows


def learner_certificates(*, actor: Any) -> list[Certificate]:
    """The learner's certificates, newest first (revoked ones too: the page says so)."""
    person_id = _own_person_id(actor)
    return list(
        Certificate.objects.filter(completion__person_id=person_id)
        .select_related("completion")
        .order_by("-issued_at", "-id")
    )


def learner_certificate_get(*, actor: Any, code: str) -> Certificate:
    """One of the learner's own certificates by its code; anyone else's does not exist."""
    person_id = _own_person_id(actor)
    normal = normalise_certificate_code(code)
    certificate = (
        Certificate.objects.filter(code=normal, completion__person_id=person_id)
        .select_related("completion", "issuer")
        .first()
        if normal
        else None
    )
    if certificate is None:
        raise NotFound(_("No certificate has this code."))
    return certificate


def course_certificate(*, actor: Any, course: Course) -> Certificate | None:
    """The learner's valid certificate for this course, if any."""
    account = learner_account_of(actor)
    if account is None:
        return None
    return (
        Certificate.objects.filter(
            completion__person_id=account.person_id,
            completion__course_id=course.pk,
            status=CertificateStatus.VALID,
        )
        .order_by("-issued_at")
        .first()
    )


def learner_attempts(*, enrolment: Enrolment, quiz: Quiz) -> list[QuizAttempt]:
    """The attempts of this enrolment at the quiz, oldest first."""
    return list(QuizAttempt.objects.filter(enrolment=enrolment, quiz=quiz).order_by("number"))


@dataclass
class AttemptQuestion:
    question: Question
    choices: list[Choice]  # in the order fixed when the attempt started


def attempt_get(*, actor: Any, attempt_id: int) -> QuizAttempt:
    """One of the learner's own attempts, with its quiz and course; anyone else's does not
    exist."""
    person_id = _own_person_id(actor)
    attempt = (
        QuizAttempt.objects.filter(pk=attempt_id, enrolment__person_id=person_id)
        .select_related("quiz__course", "enrolment")
        .first()
    )
    if attempt is None:
        raise NotFound(_("Attempt not found."))
    return attempt


def attempt_questions(*, attempt: QuizAttempt) -> list[AttemptQuestion]:
    """The attempt's questions and answers in the order its layout fixed (two queries)."""
    question_ids = [item["question"] for item in attempt.layout]
    questions = Question.objects.in_bulk(question_ids)
    choices = Choice.objects.in_bulk(
        [choice_id for item in attempt.layout for choice_id in item["choices"]]
    )
    return [
        AttemptQuestion(
            question=questions[item["question"]],
            choices=[choices[c] for c in item["choices"] if c in choices],
        )
        for item in attempt.layout
        if item["question"] in questions
    ]


@dataclass
class ReviewedChoice:
    choice: Choice
    chosen: bool  # by the learner; whether it was a right answer is not said (the answer key)


@dataclass
class ReviewedQuestion:
    question: Question
    choices: list[ReviewedChoice]  # in the order the attempt showed them
    answered: bool
    is_correct: bool

    @property
    def explanation(self) -> str:
        return self.question.explanation


def attempt_review(*, attempt: QuizAttempt) -> list[ReviewedQuestion]:
    """A submitted attempt, question by question in the order it showed them: the answers the
    learner chose, whether the question was answered right, and its explanation. Empty for
    an attempt still open (nothing about the answers is told before it is submitted) and for
    one whose time ran out (no answers were recorded). The answer key itself is not told: the
    same questions come back in the next attempt. Three queries."""
    if attempt.status != AttemptStatus.SUBMITTED:
        return []
    answers = {
        answer.question_id: answer for answer in AttemptAnswer.objects.filter(attempt=attempt)
    }
    reviewed = []
    for item in attempt_questions(attempt=attempt):
        answer = answers.get(item.question.pk)
        chosen = set(answer.choices) if answer is not None else set()
        reviewed.append(
            ReviewedQuestion(
                question=item.question,
                choices=[ReviewedChoice(choice=c, chosen=c.pk in chosen) for c in item.choices],
                answered=bool(chosen),
                is_correct=answer is not None and answer.is_correct,
            )
        )
    return reviewed


def _may_see_media(actor: Any, course: Course) -> bool:
    owner = course.owner
    if scope_for(actor, Perm.MANAGE_COURSES).covers_organisation(owner.pk, owner.unit_id):
        return True
    if course.status not in (CourseStatus.PUBLISHED, CourseStatus.ARCHIVED):
        return False  # an archived course stays open to those enrolled
    return enrolment_get(actor=actor, course=course) is not None


def lesson_media_get(*, actor: Any, lesson_id: int) -> Lesson:
    """A lesson whose video the actor may watch: enrolled in its published (or archived)
    course, or allowed to edit the course."""
    lesson = Lesson.objects.filter(pk=lesson_id).select_related("course__owner").first()
    if lesson is None or not _may_see_media(actor, lesson.course):
        raise NotFound(_("Lesson not found."))
    return lesson


def attachment_get(*, actor: Any, attachment_id: int) -> LessonAttachment:
    """An attachment the actor may download (the same rule as the lesson's video)."""
    attachment = (
        LessonAttachment.objects.filter(pk=attachment_id)
        .select_related("lesson__course__owner")
        .first()
    )
    if attachment is None or not _may_see_media(actor, attachment.lesson.course):
        raise NotFound(_("Attachment not found."))
    return attachment
