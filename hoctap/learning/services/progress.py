"""Learning online: enrolment, opening and completing lessons, and completing the course.

A learner acts on their own records only (through their learner account); officers assign
courses to the persons in their `learning.manage_learner` scope. When the last lesson is done
and the quiz (if any) passed, the course is complete: a completion is recorded and a
certificate issued, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record, audit_record_fields
from hoctap.core import bulk
from hoctap.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from hoctap.learning.models import (
    Certificate,
    Channel,
    Course,
    CourseStatus,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    Lesson,
    LessonProgress,
    Platform,
    Quiz,
    QuizAttempt,
)
from hoctap.learning.selectors.scope import learner_account_of, person_scope_q
from hoctap.learning.services.completions import certificate_issue, completion_record
from hoctap.registry.models import Person

MAX_SECONDS_PER_CALL = 4 * 3600  # time spent reported by one page: more is a clock error
# An archived course takes no new learners, but those enrolled keep it: they can finish it
# and get their certificate. A draft is open to no learner.
OPEN_TO_ENROLLED = (CourseStatus.PUBLISHED, CourseStatus.ARCHIVED)


def _own_person(actor: Any) -> Person:
    account = learner_account_of(actor)
    if account is None:
        raise PermissionDenied(_("Only a learner account can do this."))
    return account.person


@transaction.atomic
def enrolment_self(*, actor: Any, course: Course) -> Enrolment:
    """The signed-in learner enrols in a published course (again: their enrolment as it is,
    also once the course is archived; an archived course takes no one new)."""
    person = _own_person(actor)
    if course.status not in OPEN_TO_ENROLLED:
        raise NotFound(_("Course not found."))
    existing = Enrolment.objects.filter(person=person, course=course).first()
    if existing is not None:
        return existing
    if course.status != CourseStatus.PUBLISHED:
        raise NotFound(_("Course not found."))
    enrolment = Enrolment.objects.create(person=person, course=course, source=EnrolmentSource.SELF)
    audit_record(
        actor=actor,
        action="enrolment.create",
        target=enrolment,
        changes={"course": course.code, "source": EnrolmentSource.SELF},
        unit_id=person.village_id,
    )
    return enrolment


@dataclass
class AssignResult:
    created: int = 0
    existing: int = 0


@transaction.atomic
def enrolment_assign(
    *,
    actor: Any,
    course: Course,
    person_ids: Iterable[int],
    source: str = EnrolmentSource.OFFICER,
    organisation_id: int | None = None,
    offline_class_id: int | None = None,
) -> AssignResult:
    """Assign a published course to persons in the actor's `learning.manage_learner` scope
    (one by one, an organisation's members, or a class's participants). Persons already
    enrolled are left as they are; one audit entry records the assignment and its counts."""
    if course.status != CourseStatus.PUBLISHED:
        raise Conflict(_("Only a published course can be assigned."))
    wanted = sorted(set(person_ids))
    if not wanted:
        raise InvalidInput({"persons": _("Nobody to assign the course to.")})
    in_scope = set(
        Person.objects.filter(
            person_scope_q(actor, Perm.MANAGE_LEARNERS, ""), pk__in=wanted
        ).values_list("pk", flat=True)
    )
    outside = [pid for pid in wanted if pid not in in_scope]
    if outside:
        raise PermissionDenied(_("Some of these persons are outside your scope."))
    already = set(
        Enrolment.objects.filter(course=course, person_id__in=wanted).values_list(
            "person_id", flat=True
        )
    )
    now = bulk.stored_now()
    assigned_by = actor.pk if getattr(actor, "is_authenticated", False) else None
    rows = [
        (pid, course.pk, source, organisation_id, offline_class_id, assigned_by, now,
         EnrolmentStatus.ACTIVE, 0, False)
        for pid in wanted
        if pid not in already
    ]  # fmt: skip
    bulk.bulk_insert(
        Enrolment,
        [
            "person_id",
            "course_id",
            "source",
            "organisation_id",
            "offline_class_id",
            "assigned_by_id",
            "enrolled_at",
            "status",
            "lessons_done",
            "quiz_passed",
        ],
        rows,
    )
    result = AssignResult(created=len(rows), existing=len(already))
    audit_record(
        actor=actor,
        action="enrolment.assign",
        target=course,
        changes={
            "source": source,
            "organisation": organisation_id,
            "offline_class": offline_class_id,
            "created": result.created,
            "existing": result.existing,
        },
        unit_id=course.owner.unit_id,
        organisation_id=organisation_id,
    )
    return result


def _learner_lesson(actor: Any, lesson_id: int) -> tuple[Lesson, Enrolment]:
    person = _own_person(actor)
    lesson = (
        Lesson.objects.filter(pk=lesson_id, course__status__in=OPEN_TO_ENROLLED)
        .select_related("course")
        .first()
    )
    if lesson is None:
        raise NotFound(_("Lesson not found."))
    enrolment = Enrolment.objects.filter(person_id=person.pk, course_id=lesson.course_id).first()
    if enrolment is None:
        if lesson.course.status != CourseStatus.PUBLISHED:
            raise NotFound(_("Lesson not found."))  # archived: no enrolling any more
        raise Conflict(_("Enrol in the course first."))
    return lesson, enrolment


def lesson_is_locked(*, enrolment: Enrolment, lesson: Lesson) -> bool:
    """Whether the lesson waits for the one before it (in a course taken in order)."""
    if not lesson.course.sequential or lesson.number <= 1:
        return False
    return not LessonProgress.objects.filter(
        enrolment=enrolment,
        lesson__course_id=lesson.course_id,
        lesson__number=lesson.number - 1,
        completed_at__isnull=False,
    ).exists()


def _refuse_if_locked(enrolment: Enrolment, lesson: Lesson) -> None:
    if lesson_is_locked(enrolment=enrolment, lesson=lesson):
        raise Conflict(_("This lesson opens when lesson %(n)s is done.") % {"n": lesson.number - 1})


@transaction.atomic
def lesson_open(*, actor: Any, lesson_id: int) -> LessonProgress:
    """The learner opens a lesson: its progress row is created the first time and the
    enrolment remembers it as the place to resume. A locked lesson is refused."""
    lesson, enrolment = _learner_lesson(actor, lesson_id)
    _refuse_if_locked(enrolment, lesson)
    progress, _created = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    if enrolment.last_lesson_id != lesson.pk:
        Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson)
    return progress


@dataclass
class LessonDone:
    """What completing a lesson did (plain values: the busiest path of the portal)."""

    lesson_id: int
    lesson_number: int
    course_id: int
    enrolment_id: int
    lessons_done: int
    lesson_count: int
    next_lesson_id: int | None
    first_time: bool
    course_completed: bool
    certificate: Certificate | None = None

    @property
    def enrolment(self) -> Enrolment:
        return Enrolment.objects.select_related("course").get(pk=self.enrolment_id)

    @property
    def progress(self) -> LessonProgress:
        return LessonProgress.objects.get(enrolment_id=self.enrolment_id, lesson_id=self.lesson_id)


# The learner's state for one lesson in one statement: their enrolment in its course, the
# lesson's place, whether it and the one before it are done, and the next lesson. The
# lesson-completed path is the portal's busiest (every learner, every lesson): one indexed
# read, then the writes, instead of an ORM query per fact (docs/adr/0013-learning.md).
_LESSON_STATE_SQL = """
SELECT e.id, e.lessons_done, e.status, l.number, l.course_id, c.sequential, c.lesson_count,
       p.id, p.completed_at,
       (SELECT pp.completed_at FROM {progress} pp JOIN {lesson} pl ON pl.id = pp.lesson_id
         WHERE pp.enrolment_id = e.id AND pl.course_id = l.course_id AND pl.number = l.number - 1),
       (SELECT nl.id FROM {lesson} nl
         WHERE nl.course_id = l.course_id AND nl.number = l.number + 1),
       per.village_id
FROM {account} a
JOIN {person} per ON per.id = a.person_id
JOIN {lesson} l ON l.id = %s
JOIN {course} c ON c.id = l.course_id AND c.status IN (%s, %s)
JOIN {enrolment} e ON e.person_id = a.person_id AND e.course_id = l.course_id
LEFT JOIN {progress} p ON p.enrolment_id = e.id AND p.lesson_id = l.id
WHERE a.user_id = %s
"""


def _tables() -> dict[str, str]:
    from hoctap.learning.models import LearnerAccount

    quote = connection.ops.quote_name
    return {
        "account": quote(LearnerAccount._meta.db_table),
        "person": quote(Person._meta.db_table),
        "lesson": quote(Lesson._meta.db_table),
        "course": quote(Course._meta.db_table),
        "enrolment": quote(Enrolment._meta.db_table),
        "progress": quote(LessonProgress._meta.db_table),
    }


def _why_not(actor: Any, lesson_id: int) -> DomainError:
    """The refusal when the one-statement read found nothing: no learner account (403), no
    such lesson of a published course or of an archived one the learner is enrolled in (404),
    or not enrolled (409)."""
    try:
        _learner_lesson(actor, lesson_id)
    except DomainError as exc:
        return exc
    return NotFound(_("Lesson not found."))  # pragma: no cover - the read would have found it


@transaction.atomic
def lesson_complete(*, actor: Any, lesson_id: int, seconds_spent: int = 0) -> LessonDone:
    """The learner finished a lesson. Done twice, the second call changes nothing but the
    time spent. When it was the last lesson and the quiz is passed (or there is none), the
    course is complete: the completion is recorded and the certificate issued."""
    if not 0 <= seconds_spent <= MAX_SECONDS_PER_CALL:
        raise InvalidInput({"seconds_spent": _("Not a plausible time spent.")})
    user_id = getattr(actor, "pk", None)
    tables = _tables()
    with connection.cursor() as cursor:
        cursor.execute(_LESSON_STATE_SQL.format(**tables), [lesson_id, *OPEN_TO_ENROLLED, user_id])
        row = cursor.fetchone() if user_id is not None else None
        if row is None:
            raise _why_not(actor, lesson_id)
        (enrolment_id, lessons_done, status, number, course_id, sequential, lesson_count,
         progress_id, completed_at, previous_done, next_id, village_id) = row  # fmt: skip
        if sequential and number > 1 and previous_done is None:
            raise Conflict(_("This lesson opens when lesson %(n)s is done.") % {"n": number - 1})
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        if completed_at is not None:  # done before: only the time spent grows
            cursor.execute(
                f"UPDATE {tables['progress']} SET seconds_spent = seconds_spent + %s "  # noqa: S608
                "WHERE id = %s",
                [seconds_spent, progress_id],
            )
            return LessonDone(
                lesson_id=lesson_id, lesson_number=number, course_id=course_id,
                enrolment_id=enrolment_id, lessons_done=lessons_done, lesson_count=lesson_count,
                next_lesson_id=next_id, first_time=False,
                course_completed=status == EnrolmentStatus.COMPLETED,
            )  # fmt: skip
        if progress_id is None:
            cursor.execute(
                f"INSERT INTO {tables['progress']} "  # noqa: S608
                "(enrolment_id, lesson_id, opened_at, completed_at, seconds_spent) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                [enrolment_id, lesson_id, now, now, seconds_spent],
            )
            progress_id = cursor.fetchone()[0]
        else:
            cursor.execute(
                f"UPDATE {tables['progress']} SET completed_at = %s, "  # noqa: S608
                "seconds_spent = seconds_spent + %s WHERE id = %s",
                [now, seconds_spent, progress_id],
            )
        cursor.execute(
            f"UPDATE {tables['enrolment']} SET lessons_done = lessons_done + 1, "  # noqa: S608
            "last_lesson_id = %s WHERE id = %s RETURNING lessons_done",
            [lesson_id, enrolment_id],
        )
        lessons_done = cursor.fetchone()[0]
    audit_record_fields(
        actor=actor,
        action="lesson.complete",
        target_type=LessonProgress._meta.label_lower,
        target_id=progress_id,
        target_label=f"{enrolment_id}: {lesson_id}",
        changes={"course": course_id, "lesson": number},
        unit_id=village_id,
    )
    certificate = None
    completed = status == EnrolmentStatus.COMPLETED
    if lessons_done >= lesson_count and not completed:  # the last lesson: maybe the course
        enrolment = Enrolment.objects.select_related("course__owner", "person").get(pk=enrolment_id)
        certificate = _complete_if_done(actor, enrolment, enrolment.course)
        completed = enrolment.status == EnrolmentStatus.COMPLETED
    return LessonDone(
        lesson_id=lesson_id, lesson_number=number, course_id=course_id,
        enrolment_id=enrolment_id, lessons_done=lessons_done, lesson_count=lesson_count,
        next_lesson_id=next_id, first_time=True, course_completed=completed,
        certificate=certificate,
    )  # fmt: skip


def course_requirements_met(enrolment: Enrolment, course: Course) -> bool:
    if enrolment.lessons_done < course.lesson_count:
        return False
    has_quiz = Quiz.objects.filter(course_id=course.pk).exists()
    return enrolment.quiz_passed or not has_quiz


def _complete_if_done(actor: Any, enrolment: Enrolment, course: Course) -> Certificate | None:
    """Complete the course when its requirements are met: the enrolment is marked, the
    completion recorded and a certificate issued. Inside the caller's transaction."""
    if enrolment.status == EnrolmentStatus.COMPLETED or not course_requirements_met(
        enrolment, course
    ):
        return None
    now = timezone.now()
    enrolment.status, enrolment.completed_at = EnrolmentStatus.COMPLETED, now
    enrolment.save(update_fields=["status", "completed_at"])
    best = (
        QuizAttempt.objects.filter(enrolment=enrolment, passed=True)
        .aggregate(best=Max("score_percent"))
        .get("best")
    )
    completion, created = completion_record(
        actor=actor,
        person=enrolment.person,
        course=course,
        title=course.title,
        platform=Platform.PROVINCIAL_PORTAL,
        channel=Channel.ONLINE,
        completed_on=timezone.localdate(),
        score=best,
        enrolment_id=enrolment.pk,
    )
    audit_record(
        actor=actor,
        action="enrolment.complete",
        target=enrolment,
        changes={"course": course.code},
        unit_id=enrolment.person.village_id,
    )
    if not created:
        return None  # completed before (e.g. in a class): that completion has its certificate
    return certificate_issue(actor=actor, completion=completion)


def complete_if_done(*, actor: Any, enrolment: Enrolment) -> Certificate | None:
    """For the quiz service: after a passed attempt, the course may be complete."""
    return _complete_if_done(actor, enrolment, enrolment.course)
