"""Reads for writing courses: the officers' course list, a course with its outline, a lesson,
a module, a question or an attachment to edit, and the frameworks with their course counts.

Who sees which course here: a holder of `learning.manage_course` over the course's owner
organisation sees it whatever its status; anyone else sees it only once it is published (it is
then open to every signed-in learner anyway), read-only. A draft or archived course of another
scope does not exist for them (404); changing a published one they may only read is refused by
the services (403).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import has_permission_somewhere, scope_for
from hoctap.accounts.roles import Perm
from hoctap.core.errors import NotFound
from hoctap.core.text import fold
from hoctap.geo.models import Organisation
from hoctap.geo.selectors import organisation_visible_q
from hoctap.learning.models import (
    Competency,
    CompetencyArea,
    Completion,
    Course,
    CourseModule,
    CourseStatus,
    Enrolment,
    Framework,
    Lesson,
    LessonAttachment,
    Question,
    Quiz,
)
from hoctap.learning.selectors.scope import person_scope_q

ORGANISATION_CHOICES_LIMIT = 300


def course_manage_q(actor: Any) -> Q:
    """Courses whose owner organisation is in the actor's `learning.manage_course` scope."""
    return scope_for(actor, Perm.MANAGE_COURSES).organisations_q("owner_id", "owner__unit_id")


def course_visible_q(actor: Any) -> Q:
    """Courses the actor may open on the officers' pages: their own, and published ones."""
    return course_manage_q(actor) | Q(status=CourseStatus.PUBLISHED)


def can_open_course_pages(actor: Any) -> bool:
    """Whether the officers' course pages are for this user at all (else 403): they write
    courses somewhere, or read learning records somewhere."""
    return has_permission_somewhere(actor, Perm.MANAGE_COURSES) or has_permission_somewhere(
        actor, Perm.VIEW_LEARNING
    )


def can_create_courses(actor: Any) -> bool:
    return has_permission_somewhere(actor, Perm.MANAGE_COURSES)


def course_can_edit(*, actor: Any, course: Course) -> bool:
    """Whether to offer the actions that change this course (the services check again)."""
    owner = course.owner
    return scope_for(actor, Perm.MANAGE_COURSES).covers_organisation(owner.id, owner.unit_id)


def _count(model: Any, *conditions: Q) -> Coalesce:
    rows = (
        model.objects.filter(*conditions, course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def course_admin_list(
    *,
    actor: Any,
    status: str | None = None,
    owner_code: str | None = None,
    target_group: str | None = None,
    q: str | None = None,
    competency: str | None = None,
    editable_only: bool = False,
) -> QuerySet[Course]:
    """The courses the actor may edit, and the published ones, with the number of learners
    enrolled and of completions (every platform) counted in the same query, among the persons
    in the actor's learning scope (as the reports count them)."""
    in_scope = person_scope_q(actor, Perm.VIEW_LEARNING)
    courses = (
        Course.objects.filter(course_manage_q(actor) if editable_only else course_visible_q(actor))
        .select_related("owner")
        .annotate(
            enrolment_count=_count(Enrolment, in_scope),
            completion_count=_count(Completion, in_scope),
        )
    )
    if status:
        courses = courses.filter(status=status)
    if owner_code:
        courses = courses.filter(owner__code=owner_code.strip())
    if q:
        folded = fold(q)
        courses = courses.filter(Q(search_title__contains=folded) | Q(code__istartswith=q.strip()))
    if competency:
        # `<framework>:<code>` as the forms name it
        framework, _sep, code = competency.rpartition(":")
        courses = courses.filter(
            pk__in=Course.competencies.through.objects.filter(
                competency__area__framework=framework or Framework.LEARNER_COMPETENCY,
                competency__code=code,
            ).values("course_id")
        )
    if target_group:
        # a JSON list: `contains` is not on SQLite, and the catalogue holds tens of courses
        ids = [
            pk
            for pk, groups in courses.values_list("pk", "target_groups")
            if target_group in (groups or [])
        ]
        courses = courses.filter(pk__in=ids)
    return courses.order_by("code")


def course_admin_get(*, actor: Any, code: str) -> Course:
    """A course the actor may open here (their own, or a published one), else NotFound."""
    course = (
        Course.objects.filter(course_visible_q(actor), code=code)
        .select_related("owner__unit")
        .prefetch_related("competencies__area")
        .first()
    )
    if course is None:
        raise NotFound(_("Course %(code)s not found.") % {"code": code})
    return course


def course_outline(*, course: Course) -> list[CourseModule]:
    """The course's modules in order, each with its lessons in order (and each lesson's
    number of attachments): three queries however long the course."""
    lessons = Lesson.objects.order_by("position").annotate(attachment_count=Count("attachments"))
    return list(
        CourseModule.objects.filter(course=course)
        .order_by("position")
        .prefetch_related(Prefetch("lessons", queryset=lessons))
    )


def course_quiz(*, course: Course) -> Quiz | None:
    """The course's quiz with its questions and their answers in order (or None)."""
    quiz = Quiz.objects.filter(course=course).first()
    if quiz is not None:
        quiz.question_list = list(  # type: ignore[attr-defined]
            quiz.questions.order_by("position").prefetch_related("choices")
        )
    return quiz


def _course_of(actor: Any, rows: QuerySet[Any], path: str, what: str, key: int) -> Any:
    row = rows.filter(**{f"{path}__in": Course.objects.filter(course_visible_q(actor))}).first()
    if row is None:
        raise NotFound(_("%(what)s %(id)s not found.") % {"what": what, "id": key})
    return row


def module_admin_get(*, actor: Any, module_id: int) -> CourseModule:
    rows = CourseModule.objects.filter(pk=module_id).select_related("course__owner__unit")
    module: CourseModule = _course_of(actor, rows, "course", _("Module"), module_id)
    return module


def lesson_admin_get(*, actor: Any, lesson_id: int) -> Lesson:
    rows = Lesson.objects.filter(pk=lesson_id).select_related("course__owner__unit", "module")
    lesson: Lesson = _course_of(actor, rows, "course", _("Lesson"), lesson_id)
    return lesson


def lesson_attachments(*, lesson: Lesson) -> list[LessonAttachment]:
    return list(lesson.attachments.order_by("id"))


def attachment_admin_get(*, actor: Any, attachment_id: int) -> LessonAttachment:
    rows = LessonAttachment.objects.filter(pk=attachment_id).select_related(
        "lesson__course__owner__unit"
    )
    attachment: LessonAttachment = _course_of(
        actor, rows, "lesson__course", _("Attachment"), attachment_id
    )
    return attachment


def question_admin_get(*, actor: Any, question_id: int) -> Question:
    rows = (
        Question.objects.filter(pk=question_id)
        .select_related("quiz__course__owner__unit")
        .prefetch_related("choices")
    )
    question: Question = _course_of(actor, rows, "quiz__course", _("Question"), question_id)
    return question


def course_owner_choices(*, actor: Any) -> list[Organisation] | None:
    """The active organisations the actor may own courses for, by code — or None when there
    are more than a select box should hold (the form then asks for the code)."""
    orgs = list(
        Organisation.objects.filter(
            organisation_visible_q(actor, Perm.MANAGE_COURSES), is_active=True
        ).order_by("code")[: ORGANISATION_CHOICES_LIMIT + 1]
    )
    return None if len(orgs) > ORGANISATION_CHOICES_LIMIT else orgs


def competency_choices() -> list[Competency]:
    """Every competency with its area: the learners' framework first, then by area and
    position."""
    frameworks = list(Framework.values)
    rows = Competency.objects.select_related("area").order_by(
        "area__position", "area__code", "position", "code"
    )
    return sorted(
        rows,
        key=lambda c: frameworks.index(c.area.framework) if c.area.framework in frameworks else 99,
    )


@dataclass
class AreaWithCounts:
    area: CompetencyArea
    competencies: list[Competency] = field(default_factory=list)  # each with `.course_count`


@dataclass
class FrameworkWithCounts:
    code: str
    label: str
    areas: list[AreaWithCounts] = field(default_factory=list)


def framework_overview(*, actor: Any) -> list[FrameworkWithCounts]:
    """Both frameworks with their areas and competencies, and for each competency the number
    of courses mapped to it among those the actor may see (their own and the published)."""
    through = Course.competencies.through
    counts: dict[int, int] = {
        row["competency_id"]: row["n"]
        for row in through.objects.filter(course__in=Course.objects.filter(course_visible_q(actor)))
        .values("competency_id")
        .annotate(n=Count("course_id"))
    }
    frameworks = {f.value: FrameworkWithCounts(code=f.value, label=str(f.label)) for f in Framework}
    areas: dict[int, AreaWithCounts] = {}
    for area in CompetencyArea.objects.order_by("framework", "position", "code"):
        entry = AreaWithCounts(area=area)
        areas[area.pk] = entry
        if area.framework in frameworks:
            frameworks[area.framework].areas.append(entry)
    for competency in Competency.objects.order_by("area_id", "position", "code"):
        competency.course_count = counts.get(competency.pk, 0)  # type: ignore[attr-defined]
        if competency.area_id in areas:
            areas[competency.area_id].competencies.append(competency)
    return list(frameworks.values())


def course_counts(*, actor: Any, course: Course) -> dict[str, int]:
    """How many learners in the actor's learning scope are enrolled, and how many completions
    (every platform) they have."""
    in_scope = person_scope_q(actor, Perm.VIEW_LEARNING)
    return {
        "enrolments": Enrolment.objects.filter(in_scope, course=course).count(),
        "completions": Completion.objects.filter(in_scope, course=course).count(),
    }


def course_quiz_summary(*, course: Course) -> Quiz | None:
    """The course's quiz with its number of questions (`question_count`), or None."""
    return Quiz.objects.filter(course=course).annotate(question_count=Count("questions")).first()


def lesson_neighbours(*, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    """The lessons before and after this one in the course."""
    rows = Lesson.objects.filter(course_id=lesson.course_id).only("pk", "number", "title")
    return (
        rows.filter(number__lt=lesson.number).order_by("-number").first(),
        rows.filter(number__gt=lesson.number).order_by("number").first(),
    )
