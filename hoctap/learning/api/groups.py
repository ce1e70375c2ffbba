"""`/api/v1/learning/groups…`: community digital technology groups, their members and the help
they give. A group is named by its organisation's code (`CNS-<village code>` by default);
persons by their internal id (`person_id`) or their ID number (`national_id`, in the body
only). ID numbers in answers are masked."""

import datetime
from typing import Any

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from hoctap.core.api import ERRORS, AuthedRequest, Pages
from hoctap.core.ids import Id
from hoctap.learning.models import (
    ActivityKind,
    DigitalTechActivity,
    DigitalTechGroup,
    DigitalTechGroupMember,
    GroupRole,
    OfflineClass,
)
from hoctap.learning.selectors import groups as selectors
from hoctap.learning.services import groups as services
from hoctap.learning.services.groups import ActivitiesRecorded

router = Router(tags=["learning: groups"])


class GroupOut(Schema):
    code: str = Field(..., description="The group's organisation code")
    name: str
    village_code: str
    village_name: str
    commune_code: str
    decision_number: str
    decision_date: datetime.date
    decided_by: str
    member_count: int = Field(..., description="Current members")
    activity_count: int

    @staticmethod
    def resolve_code(obj: DigitalTechGroup) -> str:
        return obj.organisation.code

    @staticmethod
    def resolve_name(obj: DigitalTechGroup) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_village_code(obj: DigitalTechGroup) -> str:
        return obj.village.code

    @staticmethod
    def resolve_village_name(obj: DigitalTechGroup) -> str:
        return obj.village.name

    @staticmethod
    def resolve_commune_code(obj: DigitalTechGroup) -> str:
        parent = obj.village.parent
        return parent.code if parent else ""

    @staticmethod
    def resolve_member_count(obj: DigitalTechGroup) -> int:
        count = getattr(obj, "member_count", None)
        return count if count is not None else obj.members.filter(left_on__isnull=True).count()

    @staticmethod
    def resolve_activity_count(obj: DigitalTechGroup) -> int:
        count = getattr(obj, "activity_count", None)
        return count if count is not None else obj.activities.count()


class MemberOut(Schema):
    id: int
    person_id: int
    national_id: str = Field(..., description="Masked")
    full_name: str
    role: GroupRole
    joined_on: datetime.date
    left_on: datetime.date | None

    @staticmethod
    def resolve_national_id(obj: DigitalTechGroupMember) -> str:
        return obj.person.masked_national_id

    @staticmethod
    def resolve_full_name(obj: DigitalTechGroupMember) -> str:
        return obj.person.full_name


class ClassOut(Schema):
    code: str
    title: str
    course_code: str
    starts_on: datetime.date
    ends_on: datetime.date
    status: str

    @staticmethod
    def resolve_course_code(obj: OfflineClass) -> str:
        return obj.course.code


class GroupDetailOut(GroupOut):
    members: list[MemberOut] = Field(..., description="Current members first, then former ones")
    activities_by_kind: dict[str, int]
    people_helped: int = Field(..., description="Distinct persons helped")
    classes: list[ClassOut] = Field(..., description="Offline classes the group ran")

    @staticmethod
    def resolve_members(obj: DigitalTechGroup) -> list[Any]:
        return list(selectors.group_members(group=obj))

    @staticmethod
    def resolve_activities_by_kind(obj: DigitalTechGroup) -> dict[str, int]:
        return selectors.group_activity_counts(group=obj).by_kind

    @staticmethod
    def resolve_people_helped(obj: DigitalTechGroup) -> int:
        return selectors.group_people_helped_count(group=obj)

    @staticmethod
    def resolve_classes(obj: DigitalTechGroup) -> list[Any]:
        return list(selectors.group_classes(group=obj))


class GroupFilter(Schema):
    within: str | None = Field(None, description="Groups of villages beneath this unit")
    q: str | None = Field(None, description="Name, code, village or decision number")


class GroupIn(Schema):
    village: str = Field(..., description="Code of the village")
    decision_number: str
    decision_date: datetime.date
    decided_by: str = ""
    name: str = Field("", description="Default: “Tổ công nghệ số cộng đồng <village>”")
    code: str = Field("", description="Default: `CNS-<village code>`")


class GroupPatch(Schema):
    decision_number: str | None = None
    decision_date: datetime.date | None = None
    decided_by: str | None = None


class MemberIn(Schema):
    person_id: Id | None = Field(None, description="The person's internal id")
    national_id: str | None = Field(None, description="Or their personal ID number")
    role: GroupRole = GroupRole.MEMBER
    joined_on: datetime.date


class MemberEndIn(Schema):
    left_on: datetime.date


class ActivityIn(Schema):
    kind: ActivityKind
    on: datetime.date
    helper_id: Id | None = Field(None, description="Person id of a member of the group")
    person_id: Id | None = Field(None, description="One person helped (internal id)")
    national_id: str | None = Field(None, description="Or their personal ID number")
    person_ids: list[Id] = Field(
        default_factory=list, description="Many persons helped that day (internal ids)"
    )
    national_ids: list[str] = Field(
        default_factory=list, description="Many persons helped that day (ID numbers)"
    )
    note: str = ""
    link_eid: bool = Field(
        False,
        description="Kind `eid_linking`: also record the link date on the persons with an e-ID "
        "account not yet linked, if you may change the registers",
    )


class ActivityOut(Schema):
    id: int
    kind: ActivityKind
    on: datetime.date
    helper_id: int | None
    person_id: int | None
    person_national_id: str | None = Field(None, description="Masked")
    person_full_name: str | None
    note: str

    @staticmethod
    def resolve_person_national_id(obj: DigitalTechActivity) -> str | None:
        return obj.person.masked_national_id if obj.person else None

    @staticmethod
    def resolve_person_full_name(obj: DigitalTechActivity) -> str | None:
        return obj.person.full_name if obj.person else None


class ActivitiesOut(Schema):
    recorded: list[ActivityOut]
    already_recorded: list[int] = Field(
        ..., description="Person ids skipped: the same help that day is on record"
    )
    eid_linked: list[int] = Field(..., description="Person ids whose e-ID link date was recorded")
    eid_not_linked: list[int] = Field(
        ..., description="Person ids asked for but not linked (see `link_eid`)"
    )

    @staticmethod
    def resolve_recorded(obj: ActivitiesRecorded) -> list[Any]:
        return obj.activities

    @staticmethod
    def resolve_already_recorded(obj: ActivitiesRecorded) -> list[int]:
        return [p.pk for p in obj.already_recorded]

    @staticmethod
    def resolve_eid_linked(obj: ActivitiesRecorded) -> list[int]:
        return [p.pk for p in obj.eid_linked]

    @staticmethod
    def resolve_eid_not_linked(obj: ActivitiesRecorded) -> list[int]:
        return [p.pk for p in obj.eid_not_linked]


@router.get("/groups", response={200: list[GroupOut], **ERRORS})
@paginate(Pages, page_size=100)
def group_list(request: AuthedRequest, filters: Query[GroupFilter]) -> Any:
    return selectors.group_list(actor=request.auth, within_unit_code=filters.within, q=filters.q)


@router.post("/groups", response={201: GroupDetailOut, **ERRORS})
def group_create(request: AuthedRequest, payload: GroupIn) -> Any:
    group = services.group_create(
        actor=request.auth,
        village_code=payload.village,
        decision_number=payload.decision_number,
        decision_date=payload.decision_date,
        decided_by=payload.decided_by,
        name=payload.name,
        code=payload.code,
    )
    return Status(201, group)


@router.get("/groups/{code}", response={200: GroupDetailOut, **ERRORS})
def group_detail(request: AuthedRequest, code: str) -> Any:
    return selectors.group_get(actor=request.auth, code=code)


@router.patch("/groups/{code}", response={200: GroupDetailOut, **ERRORS})
def group_update(request: AuthedRequest, code: str, payload: GroupPatch) -> Any:
    group = selectors.group_get(actor=request.auth, code=code)
    fields = payload.dict(exclude_unset=True)
    return services.group_update(
        actor=request.auth,
        group=group,
        decision_number=fields.get("decision_number"),
        decision_date=fields.get("decision_date"),
        decided_by=fields.get("decided_by"),
    )


@router.post("/groups/{code}/members", response={201: MemberOut, **ERRORS})
def member_add(request: AuthedRequest, code: str, payload: MemberIn) -> Any:
    group = selectors.group_get(actor=request.auth, code=code)
    member = services.member_add(
        actor=request.auth,
        group=group,
        person_id=payload.person_id,
        national_id=payload.national_id,
        role=payload.role,
        joined_on=payload.joined_on,
    )
    return Status(201, member)


@router.post("/groups/{code}/members/{member_id}/end", response={200: MemberOut, **ERRORS})
def member_end(request: AuthedRequest, code: str, member_id: int, payload: MemberEndIn) -> Any:
    group = selectors.group_get(actor=request.auth, code=code)
    member = selectors.group_member_get(actor=request.auth, group=group, member_id=member_id)
    return services.member_end(actor=request.auth, member=member, left_on=payload.left_on)


@router.post("/groups/{code}/activities", response={201: ActivitiesOut, **ERRORS})
def activity_record(request: AuthedRequest, code: str, payload: ActivityIn) -> Any:
    """One person helped (`person_id` or `national_id`, or neither for help to no one in
    particular), or many on the same day (`person_ids` and/or `national_ids`; persons whose
    same help that day is on record are skipped and listed in `already_recorded`)."""
    group = selectors.group_get(actor=request.auth, code=code)
    common: dict[str, Any] = {
        "actor": request.auth,
        "group": group,
        "kind": payload.kind,
        "on": payload.on,
        "helper_id": payload.helper_id,
        "note": payload.note,
        "link_eid": payload.link_eid,
    }
    if payload.person_ids or payload.national_ids:
        ids = [*payload.person_ids, *([payload.person_id] if payload.person_id else [])]
        numbers = [*payload.national_ids, *([payload.national_id] if payload.national_id else [])]
        result = services.activity_record_many(**common, person_ids=ids, national_ids=numbers)
    else:
        result = services.activity_record(
            **common, person_id=payload.person_id, national_id=payload.national_id
        )
    return Status(201, result)
