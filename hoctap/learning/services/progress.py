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

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record
from hoctap.core import bulk
from hoctap.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
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


def _own_person(actor: Any) -> Person:
    account = learner_account_of(actor)
    if account is None:
        raise PermissionDenied(_("Only a learner account can do this."))
    return account.person


@transaction.atomic
def enrolment_self(*, actor: Any, course: Course) -> Enrolment:
    """The signed-in learner enrols in a published course (again: their enrolment as it is)."""
    person = _own_person(actor)
    if course.status != CourseStatus.PUBLISHED:
        raise NotFound(_("Course not found."))
    existing = Enrolment.objects.filter(person=person, course=course).first()
    if existing is not None:
        return existing
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


def _enrolment_for(person_id: int, course_id: int) -> Enrolment:
    enrolment = Enrolment.objects.filter(person_id=person_id, course_id=course_id).first()
    if enrolment is None:
        raise Conflict(_("Enrol in the course first."))
    return enrolment


def _learner_lesson(actor: Any, lesson_id: int) -> tuple[Lesson, Enrolment]:
    person = _own_person(actor)
    lesson = (
        Lesson.objects.filter(pk=lesson_id, course__status=CourseStatus.PUBLISHED)
        .select_related("course")
        .first()
    )
    if lesson is None:
        raise NotFound(_("Lesson not found."))
    return lesson, _enrolment_for(person.pk, lesson.course_id)


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
    progress: LessonProgress
    enrolment: Enrolment
    next_lesson_id: int | None
    course_completed: bool
    certificate: Certificate | None = None


@transaction.atomic
def lesson_complete(*, actor: Any, lesson_id: int, seconds_spent: int = 0) -> LessonDone:
    """The learner finished a lesson. Done twice, the second call changes nothing (but the
    time spent). When it was the last lesson and the quiz is passed (or there is none), the
    course is complete."""
    if not 0 <= seconds_spent <= MAX_SECONDS_PER_CALL:
        raise InvalidInput({"seconds_spent": _("Not a plausible time spent.")})
    lesson, enrolment = _learner_lesson(actor, lesson_id)
    _refuse_if_locked(enrolment, lesson)
    now = timezone.now()
    progress, _created = LessonProgress.objects.get_or_create(
        enrolment=enrolment, lesson=lesson, defaults={"opened_at": now}
    )
    first_time = progress.completed_at is None
    if first_time:
        progress.completed_at = now
    progress.seconds_spent += seconds_spent
    progress.save(update_fields=["completed_at", "seconds_spent"])
    course = lesson.course
    certificate = None
    if first_time:
        Enrolment.objects.filter(pk=enrolment.pk).update(
            lessons_done=F("lessons_done") + 1, last_lesson=lesson
        )
        enrolment.refresh_from_db(fields=["lessons_done", "last_lesson", "status", "quiz_passed"])
        audit_record(
            actor=actor,
            action="lesson.complete",
            target=progress,
            changes={"course": course.code, "lesson": lesson.number},
            unit_id=_own_person(actor).village_id,
        )
        certificate = _complete_if_done(actor, enrolment, course)
    next_id = (
        Lesson.objects.filter(course_id=course.pk, number=lesson.number + 1)
        .values_list("pk", flat=True)
        .first()
    )
    return LessonDone(
        progress=progress,
        enrolment=enrolment,
        next_lesson_id=next_id,
        course_completed=enrolment.status == EnrolmentStatus.COMPLETED,
        certificate=certificate,
    )


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
