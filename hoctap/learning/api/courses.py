"""`/api/v1/learning/courses`: the catalogue. Published courses for anyone signed in; an officer
holding `learning.manage_course` over a course's owner also sees its drafts and archived
versions. Lesson bodies are not part of the API (the lesson pages show them).

A course has one shape, read or written (`api/authoring.py` adds what only its writers need):
competencies named with their framework (`tt02_2025:1.1`, as the writing endpoints take them:
both frameworks have a `1.1`), the owner as `owner_code`."""

import decimal
from collections.abc import Iterable

from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from hoctap.core.api import ERRORS, AuthedRequest, Pages
from hoctap.learning.models import Competency, Course, CourseModule, Lesson, TargetGroup
from hoctap.learning.selectors import catalogue

router = Router(tags=["learning: courses"])


def qualified_codes(competencies: Iterable[Competency]) -> list[str]:
    """`<framework>:<code>` of each competency (its area loaded with it), sorted."""
    return sorted(f"{c.area.framework}:{c.code}" for c in competencies)


class CourseOut(Schema):
    code: str
    title: str
    summary: str
    language: str
    target_groups: list[str]
    competencies: list[str] = Field(
        ...,
        description="The competencies it builds, `<framework>:<code>` (e.g. `tt02_2025:1.1`)",
    )
    level: int
    estimated_hours: decimal.Decimal
    owner_code: str = Field(..., description="Code of the owner organisation")
    owner_name: str
    status: str
    sequential: bool = Field(..., description="Lessons open in order")
    lesson_count: int

    @staticmethod
    def resolve_competencies(obj: Course) -> list[str]:
        return qualified_codes(obj.competencies.all())  # prefetched with their areas

    @staticmethod
    def resolve_owner_code(obj: Course) -> str:
        return obj.owner.code

    @staticmethod
    def resolve_owner_name(obj: Course) -> str:
        return obj.owner.name


class LessonOut(Schema):
    id: int
    number: int = Field(..., description="Place in the whole course (1, 2, …)")
    title: str
    estimated_minutes: int
    has_video: bool

    @staticmethod
    def resolve_has_video(obj: Lesson) -> bool:
        return bool(obj.video_file or obj.video_url)


class ModuleOut(Schema):
    position: int
    title: str
    lessons: list[LessonOut]

    @staticmethod
    def resolve_lessons(obj: CourseModule) -> list[Lesson]:
        return list(obj.lesson_list)  # type: ignore[attr-defined]


class QuizOut(Schema):
    title: str
    pass_mark_percent: int
    max_attempts: int = Field(..., description="0: no limit")
    time_limit_minutes: int | None


class CourseDetailOut(CourseOut):
    modules: list[ModuleOut]
    quiz: QuizOut | None

    @staticmethod
    def resolve_modules(obj: Course) -> list[CourseModule]:
        return list(obj.module_list)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_quiz(obj: Course) -> object:
        return obj.quiz_or_none  # type: ignore[attr-defined]


class CourseFilter(Schema):
    target_group: TargetGroup | None = None
    q: str | None = Field(None, description="Title (diacritics ignored)")


@router.get("/courses", response={200: list[CourseOut], **ERRORS})
@paginate(Pages, page_size=100)
def course_list(request: AuthedRequest, filters: Query[CourseFilter]) -> list[Course]:
    return catalogue.course_catalogue(
        actor=request.auth,
        target_group=filters.target_group,
        q=filters.q,
        with_managed=True,
    )


@router.get("/courses/{code}", response={200: CourseDetailOut, **ERRORS})
def course_detail(request: AuthedRequest, code: str) -> Course:
    return catalogue.course_get(actor=request.auth, code=code, with_managed=True)
