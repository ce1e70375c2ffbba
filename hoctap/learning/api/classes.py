"""`/api/v1/learning/classes…`: offline classes, their attendance and their completion.

Classes outside the caller's scope answer 404. Persons are given by their internal id (the
`person_id` the class's detail lists), with the ID number masked.
"""

import datetime
import decimal
from typing import Any

from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from hoctap.core.api import ERRORS, AuthedRequest, Pages
from hoctap.core.ids import Id
from hoctap.learning.models import ClassStatus, OfflineClass
from hoctap.learning.selectors import classes as selectors
from hoctap.learning.services import classes as services

router = Router(tags=["learning: classes"])


class ClassOut(Schema):
    code: str
    title: str
    course_code: str
    course_title: str
    unit_code: str
    unit_name: str
    organisation_code: str | None
    venue: str
    capacity: int
    starts_on: datetime.date
    ends_on: datetime.date
    min_attendance_percent: int
    requires_test: bool
    test_pass_mark: decimal.Decimal
    status: str
    completed_at: datetime.datetime | None

    @staticmethod
    def resolve_course_code(obj: OfflineClass) -> str:
        return obj.course.code

    @staticmethod
    def resolve_course_title(obj: OfflineClass) -> str:
        return obj.course.title

    @staticmethod
    def resolve_unit_code(obj: OfflineClass) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: OfflineClass) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_organisation_code(obj: OfflineClass) -> str | None:
        return obj.organisation.code if obj.organisation_id and obj.organisation else None


class ClassListOut(ClassOut):
    participant_count: int
    session_count: int


class SessionOut(Schema):
    number: int
    on: datetime.date
    starts_at: datetime.time | None
    topic: str
    attendance_taken: bool
    present: int


class InstructorOut(Schema):
    person_id: int
    national_id: str = Field(..., description="Masked")
    full_name: str
    role: str


class ParticipantOut(Schema):
    person_id: int
    national_id: str = Field(..., description="Masked")
    full_name: str
    attendance: list[bool | None] = Field(
        ..., description="Per session, in order: present, absent, or null (not taken)"
    )
    sessions_attended: int
    attendance_percent: int
    test_score: decimal.Decimal | None
    result: str = Field(..., description="pending, completed or not_completed")


class ClassDetailOut(ClassOut):
    """Read from a class with its `sheet` (`selectors.class_sheet`) attached."""

    sessions: list[SessionOut]
    instructors: list[InstructorOut]
    participants: list[ParticipantOut]

    @staticmethod
    def resolve_sessions(obj: Any) -> list[dict[str, Any]]:
        sheet = obj.sheet
        return [
            {
                "number": s.number,
                "on": s.on,
                "starts_at": s.starts_at,
                "topic": s.topic,
                "attendance_taken": taken,
                "present": present,
            }
            for s, taken, present in zip(
                sheet.sessions, sheet.taken, sheet.present_counts, strict=True
            )
        ]

    @staticmethod
    def resolve_instructors(obj: Any) -> list[dict[str, Any]]:
        return [
            {
                "person_id": i.person_id,
                "national_id": i.person.masked_national_id,
                "full_name": i.person.full_name,
                "role": i.role,
            }
            for i in selectors.class_instructors(offline_class=obj)
        ]

    @staticmethod
    def resolve_participants(obj: Any) -> list[dict[str, Any]]:
        return [
            {
                "person_id": row.participant.person_id,
                "national_id": row.participant.person.masked_national_id,
                "full_name": row.participant.person.full_name,
                "attendance": row.marks,
                "sessions_attended": row.attended,
                "attendance_percent": row.percent,
                "test_score": row.participant.test_score,
                "result": row.participant.result,
            }
            for row in obj.sheet.rows
        ]


class ClassFilter(Schema):
    q: str | None = Field(None, description="Start of the code, or words of the title")
    status: ClassStatus | None = None
    within: str | None = Field(None, description="Classes held anywhere beneath this unit")
    mine: bool = Field(False, description="Only the classes the caller teaches")


class AttendanceIn(Schema):
    present: list[Id] = Field(default_factory=list, description="Person ids present")
    absent: list[Id] = Field(default_factory=list, description="Person ids absent")


class AttendanceOut(Schema):
    session: int
    present: int
    absent: int
    created: int
    updated: int
    unchanged: int


class CompleteOut(Schema):
    code: str
    status: str
    completed: int
    not_completed: int
    certificates_issued: int
    already_completed: bool


@router.get("/classes", response={200: list[ClassListOut], **ERRORS})
@paginate(Pages, page_size=100)
def class_list(request: AuthedRequest, filters: Query[ClassFilter]) -> Any:
    return selectors.class_list(
        actor=request.auth,
        q=filters.q,
        status=filters.status,
        within_unit_code=filters.within,
        mine=filters.mine,
    )


@router.get("/classes/{code}", response={200: ClassDetailOut, **ERRORS})
def class_detail(request: AuthedRequest, code: str) -> Any:
    """The class, its sessions, instructors and participants with their attendance (the class
    sheet), test scores and results."""
    offline_class = selectors.class_get_by_code(actor=request.auth, code=code)
    offline_class.sheet = selectors.class_sheet(offline_class=offline_class)  # type: ignore[attr-defined]
    return offline_class


@router.post(
    "/classes/{code}/sessions/{number}/attendance", response={200: AttendanceOut, **ERRORS}
)
def attendance_take(request: AuthedRequest, code: str, number: int, payload: AttendanceIn) -> Any:
    """Who was present and who absent (person ids of participants). An id that is not a
    participant of this class: 400 naming it, nothing recorded. Sent again: what differs is
    updated. By an instructor of the class or an officer who runs it."""
    offline_class = selectors.class_get_by_code(actor=request.auth, code=code)
    session = selectors.class_session_get(
        actor=request.auth, class_id=offline_class.pk, number=number
    )
    taken = services.attendance_take(
        actor=request.auth,
        session=session,
        present_ids=set(payload.present),
        absent_ids=set(payload.absent),
    )
    return {
        "session": session.number,
        "present": taken.present,
        "absent": taken.absent,
        "created": taken.created,
        "updated": taken.updated,
        "unchanged": taken.unchanged,
    }


@router.post("/classes/{code}/complete", response={200: CompleteOut, **ERRORS})
def class_complete(request: AuthedRequest, code: str) -> Any:
    """Decide each participant's result by the class's rule, record completions and issue
    certificates. Completing a completed class again changes nothing."""
    offline_class = selectors.class_get_by_code(actor=request.auth, code=code)
    outcome = services.class_complete(actor=request.auth, offline_class=offline_class)
    return {
        "code": outcome.offline_class.code,
        "status": outcome.offline_class.status,
        "completed": outcome.completed,
        "not_completed": outcome.not_completed,
        "certificates_issued": outcome.certificates,
        "already_completed": outcome.already_done,
    }
