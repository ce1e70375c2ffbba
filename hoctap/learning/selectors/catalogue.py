"""Reads of the catalogue: the published courses learners browse, and one course with its
modules and lessons.

Published courses are open to everyone signed in. An archived course is no longer listed and
takes no new learners, but the learners enrolled in it keep it: they can finish it and get
their certificate. An officer holding `learning.manage_course` over a course's owner
organisation also sees its drafts and archived versions; for anyone else an unpublished course
does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import scope_for
from hoctap.accounts.roles import Perm
from hoctap.core.errors import NotFound
from hoctap.core.text import fold
from hoctap.learning.models import (
    Competency,
    Course,
    CourseModule,
    CourseStatus,
    Enrolment,
    Lesson,
    Quiz,
    TargetGroup,
)
from hoctap.learning.selectors.scope import own_person_id


def _visible_q(actor: Any, *, with_managed: bool) -> Q:
    published = Q(status=CourseStatus.PUBLISHED)
    if not with_managed:
        return published
    scope = scope_for(actor, Perm.MANAGE_COURSES)
    if scope.is_empty:
        return published
    return published | scope.organisations_q("owner_id", "owner__unit_id")


def enrolled_archived_q(actor: Any, course: str = "") -> Q:
    """Archived courses (`course`: the path to the course; "" for courses themselves) the
    actor's learner account is enrolled in: they stay open to them. Nothing for anyone else."""
    person_id = own_person_id(actor)
    if person_id is None:
        return Q(pk__in=[])
    prefix = f"{course}__" if course else ""
    enrolled = Enrolment.objects.filter(person_id=person_id, course_id=OuterRef(f"{prefix}pk"))
    return Q(**{f"{prefix}status": CourseStatus.ARCHIVED}) & Q(Exists(enrolled))


def course_catalogue(
    *,
    actor: Any,
    target_group: str | None = None,
    q: str | None = None,
    with_managed: bool = False,
) -> list[Course]:
    """Published courses (and, with `with_managed`, every course the actor may edit), ordered
    by title; `target_group` keeps the courses for that group, `q` searches the title with
    diacritics ignored. The catalogue holds tens of courses: the target groups (a JSON list)
    are filtered in memory."""
    rows: QuerySet[Course] = (
        Course.objects.filter(_visible_q(actor, with_managed=with_managed))
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "competencies",
                queryset=Competency.objects.select_related("area").only("code", "area__framework"),
            )
        )
        .order_by("title", "code")
    )
    words = fold(q or "")
    if words:
        rows = rows.filter(search_title__contains=words)
    courses = list(rows)
    if target_group:
        courses = [c for c in courses if target_group in (c.target_groups or [])]
    return courses


def target_group_labels(course: Course) -> list[str]:
    """The course's target groups as their names, in the order of `TargetGroup`."""
    wanted = set(course.target_groups or [])
    return [str(label) for value, label in TargetGroup.choices if value in wanted]


def course_get(*, actor: Any, code: str, with_managed: bool = False) -> Course:
    """One course with its competencies, modules and lessons (no lesson bodies needed by the
    callers, but loaded with the row), the quiz if any, in a constant number of queries.
    `module_list` holds the modules in order, each with `lesson_list`. An archived course is
    found by the learners enrolled in it."""
    visible = _visible_q(actor, with_managed=with_managed) | enrolled_archived_q(actor)
    course = (
        Course.objects.filter(visible, code=code)
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "competencies",
                queryset=Competency.objects.select_related("area").order_by(
                    "area__framework", "area__position", "position", "code"
                ),
            ),
            Prefetch(
                "modules",
                queryset=CourseModule.objects.order_by("position").prefetch_related(
                    Prefetch(
                        "lessons",
                        queryset=Lesson.objects.order_by("position").defer("body_html"),
                        to_attr="lesson_list",
                    )
                ),
                to_attr="module_list",
            ),
        )
        .first()
    )
    if course is None:
        raise NotFound(_("Course not found."))
    course.quiz_or_none = (  # type: ignore[attr-defined]
        Quiz.objects.filter(course=course).first()
    )
    return course


def course_lessons(course: Course) -> list[Lesson]:
    """The lessons of a course loaded by `course_get`, in course order."""
    return [lesson for module in course.module_list for lesson in module.lesson_list]  # type: ignore[attr-defined]


def lesson_get_for_learner(*, actor: Any, lesson_id: int) -> Lesson:
    """A lesson of a published course (or of an archived one the actor is enrolled in), with
    its course, module and attachments, and its neighbours' ids (`previous_id`, `next_id`)."""
    lesson = (
        Lesson.objects.filter(
            Q(course__status=CourseStatus.PUBLISHED) | enrolled_archived_q(actor, "course"),
            pk=lesson_id,
        )
        .select_related("course", "module")
        .prefetch_related("attachments")
        .first()
    )
    if lesson is None:
        raise NotFound(_("Lesson not found."))
    neighbours = dict(
        Lesson.objects.filter(
            course_id=lesson.course_id, number__in=[lesson.number - 1, lesson.number + 1]
        ).values_list("number", "pk")
    )
    lesson.previous_id = neighbours.get(lesson.number - 1)  # type: ignore[attr-defined]
    lesson.next_id = neighbours.get(lesson.number + 1)  # type: ignore[attr-defined]
    return lesson
