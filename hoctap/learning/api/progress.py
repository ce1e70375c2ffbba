"""`/api/v1/learning/…`: a learner's own learning — enrol, open and complete lessons, take the
quiz, read their progress. The portal's pages call the same services; a phone app could call
these. Only a learner account can use them (403 otherwise); another learner's records do not
exist (404)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from hoctap.core.api import ERRORS, AuthedRequest
from hoctap.core.errors import NotFound, PermissionDenied
from hoctap.learning.models import Course, Enrolment, LessonProgress, Quiz
from hoctap.learning.selectors import progress as progress_selectors
from hoctap.learning.selectors.scope import learner_account_of
from hoctap.learning.services import progress, quizzes
from hoctap.learning.services.progress import OPEN_TO_ENROLLED

router = Router(tags=["learning: progress"])


class LessonDoneIn(Schema):
    seconds_spent: int = Field(0, ge=0, description="Time spent on the lesson since it was shown")


class LessonDoneOut(Schema):
    lesson_id: int
    lesson_number: int
    lessons_done: int
    lesson_count: int
    next_lesson_id: int | None
    course_completed: bool
    certificate_code: str | None = Field(None, description="Set when this completed the course")


@router.post(
    "/lessons/{lesson_id}/complete",
    response={200: LessonDoneOut, **ERRORS},
    summary="Mark a lesson as done (the learner's own)",
)
def lesson_complete(request: AuthedRequest, lesson_id: int, payload: LessonDoneIn) -> LessonDoneOut:
    """Done twice, the second call changes nothing but the time spent. A locked lesson (the
    previous one is not done) answers 409, a lesson of a course the learner is not enrolled in
    409, an unknown lesson 404."""
    done = progress.lesson_complete(
        actor=request.auth, lesson_id=lesson_id, seconds_spent=payload.seconds_spent
    )
    return LessonDoneOut(
        lesson_id=done.lesson_id,
        lesson_number=done.lesson_number,
        lessons_done=done.lessons_done,
        lesson_count=done.lesson_count,
        next_lesson_id=done.next_lesson_id,
        course_completed=done.course_completed,
        certificate_code=done.certificate.code if done.certificate else None,
    )


class LessonOpenOut(Schema):
    lesson_id: int
    opened_at: datetime.datetime
    completed_at: datetime.datetime | None


@router.post(
    "/lessons/{lesson_id}/open",
    response={200: LessonOpenOut, **ERRORS},
    summary="Record that the learner opened a lesson (the place to resume)",
)
def lesson_open(request: AuthedRequest, lesson_id: int) -> LessonOpenOut:
    row = progress.lesson_open(actor=request.auth, lesson_id=lesson_id)
    return LessonOpenOut(
        lesson_id=row.lesson_id, opened_at=row.opened_at, completed_at=row.completed_at
    )


class EnrolmentOut(Schema):
    id: int
    course: str
    status: str
    lessons_done: int
    lesson_count: int
    quiz_passed: bool
    enrolled_at: datetime.datetime
    completed_at: datetime.datetime | None

    @staticmethod
    def resolve_course(obj: Enrolment) -> str:
        return obj.course.code

    @staticmethod
    def resolve_lesson_count(obj: Enrolment) -> int:
        return obj.course.lesson_count


def _course(code: str) -> Course:
    """A published or archived course: the services then tell whether the learner may use
    it (an archived one only by those enrolled)."""
    course = Course.objects.filter(code=code, status__in=OPEN_TO_ENROLLED).first()
    if course is None:
        raise NotFound(_("Course not found."))
    return course


@router.post(
    "/courses/{code}/enrol",
    response={200: EnrolmentOut, **ERRORS},
    summary="Enrol the signed-in learner in a published course",
)
def course_enrol(request: AuthedRequest, code: str) -> Enrolment:
    return progress.enrolment_self(actor=request.auth, course=_course(code))


class LessonStateOut(Schema):
    lesson_id: int
    number: int
    title: str
    opened_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    seconds_spent: int


class ProgressOut(Schema):
    enrolment: EnrolmentOut
    lessons: list[LessonStateOut]


@router.get(
    "/courses/{code}/progress",
    response={200: ProgressOut, **ERRORS},
    summary="The signed-in learner's progress in a course, lesson by lesson",
)
def course_progress(request: AuthedRequest, code: str) -> dict[str, object]:
    account = learner_account_of(request.auth)
    if account is None:
        raise PermissionDenied(_("Only a learner account can do this."))
    enrolment = (
        Enrolment.objects.filter(person_id=account.person_id, course__code=code)
        .select_related("course")
        .first()
    )
    if enrolment is None:
        raise NotFound(_("You are not enrolled in this course."))
    rows = {
        p.lesson_id: p
        for p in LessonProgress.objects.filter(enrolment=enrolment).only(
            "lesson_id", "opened_at", "completed_at", "seconds_spent"
        )
    }
    lessons = []
    for lesson in enrolment.course.lessons.order_by("number").only("id", "number", "title"):
        row = rows.get(lesson.pk)
        lessons.append(
            LessonStateOut(
                lesson_id=lesson.pk,
                number=lesson.number,
                title=lesson.title,
                opened_at=row.opened_at if row else None,
                completed_at=row.completed_at if row else None,
                seconds_spent=row.seconds_spent if row else 0,
            )
        )
    return {"enrolment": enrolment, "lessons": lessons}


class AttemptQuestionOut(Schema):
    question_id: int
    kind: str
    text: str
    choices: list[dict[str, int | str]]


class AttemptOut(Schema):
    id: int
    number: int
    status: str
    deadline: datetime.datetime | None
    questions: list[AttemptQuestionOut]


@router.post(
    "/courses/{code}/attempts",
    response={200: AttemptOut, **ERRORS},
    summary="Start an attempt at the course's quiz (or get the one still open)",
)
def attempt_start(request: AuthedRequest, code: str) -> AttemptOut:
    """The questions and their answers in the order the attempt fixed, as the portal's page
    shows them. Should a question have been deleted since the attempt started, it is left out;
    should its answers have been replaced, it comes without answers. Either way the
    submission leaves it out of the score."""
    quiz = Quiz.objects.filter(course=_course(code)).select_related("course").first()
    if quiz is None:
        raise NotFound(_("This course has no quiz."))
    attempt = quizzes.attempt_start(actor=request.auth, quiz=quiz)
    return AttemptOut(
        id=attempt.pk,
        number=attempt.number,
        status=attempt.status,
        deadline=attempt.deadline,
        questions=[
            AttemptQuestionOut(
                question_id=item.question.pk,
                kind=item.question.kind,
                text=item.question.text,
                choices=[{"id": choice.pk, "text": choice.text} for choice in item.choices],
            )
            for item in progress_selectors.attempt_questions(attempt=attempt)
        ],
    )


class AttemptSubmitIn(Schema):
    answers: dict[int, list[int]] = Field(
        ..., description="Question id → the ids of the chosen answers"
    )


class AttemptResultOut(Schema):
    id: int
    score_percent: float
    passed: bool
    certificate_code: str | None


@router.post(
    "/attempts/{attempt_id}/submit",
    response={200: AttemptResultOut, **ERRORS},
    summary="Submit the answers of an open attempt",
)
def attempt_submit(
    request: AuthedRequest, attempt_id: int, payload: AttemptSubmitIn
) -> AttemptResultOut:
    """An answer for a question not in the attempt, or a choice not of its question: 400 and
    nothing recorded. After the deadline or a second time: 409."""
    result = quizzes.attempt_submit(
        actor=request.auth, attempt_id=attempt_id, answers=payload.answers
    )
    attempt = result.attempt
    return AttemptResultOut(
        id=attempt.pk,
        score_percent=float(attempt.score_percent or 0),
        passed=bool(attempt.passed),
        certificate_code=result.certificate.code if result.certificate else None,
    )
