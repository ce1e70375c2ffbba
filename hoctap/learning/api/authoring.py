"""`/api/v1/learning/…`: writing courses, and the digital-skills frameworks.

- `POST /courses`, `PATCH /courses/{code}`, `POST /courses/{code}/status`: the same catalogue
  services as the pages (scope: the owner organisation in the caller's `learning.manage_course`
  scope; a published course of another scope answers 403, a draft of another scope 404).
- `GET /frameworks`: both frameworks, their areas and competencies, with the number of
  courses (among those the caller may see) mapped to each.

The course endpoints are registered on the router of `api/courses.py` (which owns
`GET /courses` and `GET /courses/{code}`): django-ninja serves one path from one router, so
the reading and the writing methods of a path must share it.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from hoctap.core.api import ERRORS, AuthedRequest
from hoctap.learning.api import courses
from hoctap.learning.models import Course, CourseLanguage, CourseStatus, TargetGroup
from hoctap.learning.selectors import authoring as selectors
from hoctap.learning.services import catalogue as services

router = Router(tags=["learning: frameworks"])


class AuthoringCourseOut(courses.CourseOut):
    """The course as `GET /courses/{code}` lists it, and when it was published."""

    published_at: datetime.datetime | None

    @staticmethod
    def resolve_competencies(obj: Course) -> list[str]:
        # read afresh: a write may have just replaced them
        return courses.qualified_codes(obj.competencies.select_related("area"))


# an unknown field is refused, not ignored: a writer still sending the old `owner` learns it
FORBID_UNKNOWN_FIELDS = ConfigDict(extra="forbid")


class CourseIn(Schema):
    model_config = FORBID_UNKNOWN_FIELDS

    code: str
    title: str
    owner_code: str = Field(..., description="Code of an organisation you manage courses for")
    summary: str = ""
    language: CourseLanguage = CourseLanguage.VIETNAMESE
    target_groups: list[TargetGroup] = []
    competencies: list[str] = Field(
        [], description="`<framework>:<code>` (`tt02_2025:1.1`, `qd757_2025:0.1`) or `1.1`"
    )
    level: int = Field(1, ge=1, le=8)
    estimated_hours: decimal.Decimal = decimal.Decimal(1)
    sequential: bool = True


class CoursePatch(Schema):
    model_config = FORBID_UNKNOWN_FIELDS

    title: str | None = None
    owner_code: str | None = None
    summary: str | None = None
    language: CourseLanguage | None = None
    target_groups: list[TargetGroup] | None = None
    competencies: list[str] | None = None
    level: int | None = Field(None, ge=1, le=8)
    estimated_hours: decimal.Decimal | None = None
    sequential: bool | None = None


class StatusIn(Schema):
    status: CourseStatus


@courses.router.post("/courses", response={201: AuthoringCourseOut, **ERRORS})
def course_create(request: AuthedRequest, payload: CourseIn) -> Any:
    """A new course, in draft."""
    course = services.course_create(
        actor=request.auth,
        code=payload.code,
        title=payload.title,
        owner_code=payload.owner_code,
        summary=payload.summary,
        language=payload.language,
        target_groups=[str(g) for g in payload.target_groups],
        competency_codes=payload.competencies,
        level=payload.level,
        estimated_hours=payload.estimated_hours,
        sequential=payload.sequential,
    )
    return Status(201, course)


@courses.router.patch("/courses/{code}", response={200: AuthoringCourseOut, **ERRORS})
def course_update(request: AuthedRequest, code: str, payload: CoursePatch) -> Any:
    """Change the fields given; the others stay."""
    course = selectors.course_admin_get(actor=request.auth, code=code)
    fields = payload.dict(exclude_unset=True)
    groups = fields.get("target_groups")
    return services.course_update(
        actor=request.auth,
        course=course,
        title=fields.get("title"),
        summary=fields.get("summary"),
        language=fields.get("language"),
        target_groups=None if groups is None else [str(g) for g in groups],
        competency_codes=fields.get("competencies"),
        level=fields.get("level"),
        estimated_hours=fields.get("estimated_hours"),
        sequential=fields.get("sequential"),
        owner_code=fields.get("owner_code"),
    )


@courses.router.post("/courses/{code}/status", response={200: AuthoringCourseOut, **ERRORS})
def course_set_status(request: AuthedRequest, code: str, payload: StatusIn) -> Any:
    """Publish (the course needs a lesson, and its quiz a question), archive, or take back to
    draft (only while no one is enrolled): 409 with the reason otherwise."""
    course = selectors.course_admin_get(actor=request.auth, code=code)
    return services.course_set_status(actor=request.auth, course=course, status=payload.status)


class CompetencyOut(Schema):
    code: str
    name: str
    description: str
    course_count: int


class AreaOut(Schema):
    code: str
    name: str
    target_group: str
    competencies: list[CompetencyOut]


class FrameworkOut(Schema):
    code: str
    label: str
    areas: list[AreaOut]


@router.get("/frameworks", response={200: list[FrameworkOut], **ERRORS})
def framework_list(request: AuthedRequest) -> Any:
    return [
        {
            "code": framework.code,
            "label": framework.label,
            "areas": [
                {
                    "code": entry.area.code,
                    "name": entry.area.name,
                    "target_group": entry.area.target_group,
                    "competencies": entry.competencies,
                }
                for entry in framework.areas
            ],
        }
        for framework in selectors.framework_overview(actor=request.auth)
    ]
