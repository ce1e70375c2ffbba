"""`/api/v1/learning/…`: learner accounts, their bulk creation, course assignment and the
enrolments of the persons in scope.

ID numbers are masked; persons are named by their internal id (`person_id`). A temporary
password appears once, in the answer to the call that set it. A bulk creation is seen by the
user who asked for it only."""

import datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from hoctap.core.api import ERRORS, AuthedRequest, Pages
from hoctap.core.errors import InvalidInput, NotFound
from hoctap.learning.models import AccountBatch, AccountOrigin, Enrolment, EnrolmentStatus
from hoctap.learning.models import LearnerAccount as Account
from hoctap.learning.selectors import assignments as assignment_selectors
from hoctap.learning.selectors import learners as selectors
from hoctap.learning.services import account_batches, assignments
from hoctap.learning.services import learners as services

router = Router(tags=["learning: learners"])


class AccountOut(Schema):
    id: int
    person_id: int
    full_name: str
    national_id: str = Field(..., description="Masked (`********6789`)")
    village_code: str
    origin: str
    has_phone: bool = Field(..., description="Whether the learner may also sign in by phone")
    must_change_password: bool
    created_at: datetime.datetime
    last_login: datetime.datetime | None

    @staticmethod
    def resolve_full_name(obj: Account) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_national_id(obj: Account) -> str:
        return obj.person.masked_national_id

    @staticmethod
    def resolve_village_code(obj: Account) -> str:
        return obj.person.village.code

    @staticmethod
    def resolve_has_phone(obj: Account) -> bool:
        return bool(obj.phone)

    @staticmethod
    def resolve_last_login(obj: Account) -> datetime.datetime | None:
        return obj.user.last_login


class AccountCreatedOut(AccountOut):
    temporary_password: str = Field(..., description="Shown this once; changed at first sign-in")


class AccountFilter(Schema):
    within: str | None = Field(None, description="Persons living beneath this unit")
    organisation: str | None = Field(None, description="Current members of it and beneath it")
    origin: AccountOrigin | None = None
    q: str | None = Field(None, description="Name, or ID number (whole if you see them masked)")


class AccountIn(Schema):
    person_id: int
    phone: str = Field("", description="Optional sign-in phone")


class PasswordOut(Schema):
    temporary_password: str


@router.get("/accounts", response={200: list[AccountOut], **ERRORS})
@paginate(Pages, page_size=100)
def account_list(request: AuthedRequest, filters: Query[AccountFilter]) -> Any:
    return selectors.learner_account_list(
        actor=request.auth,
        within_unit_code=filters.within,
        organisation_code=filters.organisation,
        origin=filters.origin,
        q=filters.q,
    )


def _person(actor: Any, person_id: int) -> Any:
    """A person named in a body: outside the actor's scope it is an unknown person (400)."""
    try:
        return selectors.account_candidate_get(actor=actor, person_id=person_id)
    except NotFound as exc:
        raise InvalidInput({"person_id": _("Unknown person.")}) from exc


@router.post("/accounts", response={201: AccountCreatedOut, **ERRORS})
def account_create(request: AuthedRequest, payload: AccountIn) -> Any:
    """Create the account of a person in your `learning.manage_learner` scope; the answer holds
    its temporary password, once."""
    person = _person(request.auth, payload.person_id)
    account, password = services.learner_account_create(
        actor=request.auth, person=person, phone=payload.phone
    )
    account.temporary_password = password  # type: ignore[attr-defined]
    return Status(201, account)


@router.post("/accounts/{account_id}/reset-password", response={200: PasswordOut, **ERRORS})
def account_reset_password(request: AuthedRequest, account_id: int) -> Any:
    account = selectors.learner_account_get(actor=request.auth, account_id=account_id)
    password = services.learner_password_reset(actor=request.auth, account=account)
    return {"temporary_password": password}


class BatchIn(Schema):
    organisation: str = Field(..., description="Code of the organisation")
    position: str = Field("", description="One position (`teacher`), or every position")


class BatchOut(Schema):
    id: int
    organisation: str
    position: str
    status: str
    total: int = Field(..., description="Members given an account or found with one")
    done: int
    created: int
    existing: int = Field(..., description="Members who already had an account")
    message: str
    has_sheet: bool = Field(..., description="Whether the account sheet is still kept")
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_organisation(obj: AccountBatch) -> str:
        return obj.organisation.code

    @staticmethod
    def resolve_created(obj: AccountBatch) -> int:
        return obj.created_count

    @staticmethod
    def resolve_existing(obj: AccountBatch) -> int:
        return obj.existing_count

    @staticmethod
    def resolve_has_sheet(obj: AccountBatch) -> bool:
        return bool(obj.sheet)


@router.post("/account-batches", response={202: BatchOut, **ERRORS})
def account_batch_create(request: AuthedRequest, payload: BatchIn) -> Any:
    """Create accounts in the background for the current members of an organisation and those
    beneath it; follow it with `GET /learning/account-batches/{id}`. The account sheet is
    downloaded from the batch's page by the user who asked."""
    batch = account_batches.account_batch_request(
        actor=request.auth,
        organisation_code=payload.organisation,
        position=payload.position,
        language=translation.get_language() or "",
    )
    return Status(202, batch)


@router.get("/account-batches/{batch_id}", response={200: BatchOut, **ERRORS})
def account_batch_detail(request: AuthedRequest, batch_id: int) -> Any:
    return selectors.account_batch_get(actor=request.auth, batch_id=batch_id)


class EnrolmentOut(Schema):
    id: int
    person_id: int
    full_name: str
    national_id: str = Field(..., description="Masked")
    village_code: str
    course: str
    course_title: str
    source: str
    organisation: str | None
    enrolled_at: datetime.datetime
    status: str
    lessons_done: int
    lesson_count: int
    quiz_passed: bool
    completed_at: datetime.datetime | None

    @staticmethod
    def resolve_full_name(obj: Enrolment) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_national_id(obj: Enrolment) -> str:
        return obj.person.masked_national_id

    @staticmethod
    def resolve_village_code(obj: Enrolment) -> str:
        return obj.person.village.code

    @staticmethod
    def resolve_course(obj: Enrolment) -> str:
        return obj.course.code

    @staticmethod
    def resolve_course_title(obj: Enrolment) -> str:
        return obj.course.title

    @staticmethod
    def resolve_organisation(obj: Enrolment) -> str | None:
        return obj.organisation.code if obj.organisation_id and obj.organisation else None

    @staticmethod
    def resolve_lesson_count(obj: Enrolment) -> int:
        return obj.course.lesson_count


class EnrolmentFilter(Schema):
    course: str | None = Field(None, description="Course code")
    organisation: str | None = Field(None, description="Current members of it and beneath it")
    within: str | None = Field(None, description="Persons living beneath this unit")
    status: EnrolmentStatus | None = None
    q: str | None = Field(None, description="Name, or ID number (whole if you see them masked)")


@router.get("/enrolments", response={200: list[EnrolmentOut], **ERRORS})
@paginate(Pages, page_size=100)
def enrolment_list(request: AuthedRequest, filters: Query[EnrolmentFilter]) -> Any:
    """The enrolments of the persons in your `learning.view_record` scope; a learner gets
    their own."""
    return assignment_selectors.enrolment_list(
        actor=request.auth,
        course_code=filters.course,
        organisation_code=filters.organisation,
        within_unit_code=filters.within,
        status=filters.status,
        q=filters.q,
    )


class AssignIn(Schema):
    course: str = Field(..., description="Code of a published course")
    person_id: int | None = Field(None, description="One person…")
    organisation: str | None = Field(None, description="…or an organisation's current members")
    position: str = Field("", description="With `organisation`: one position only")


class AssignOut(Schema):
    created: int = Field(..., description="New enrolments")
    existing: int = Field(..., description="Already enrolled: left as they were")
    left_out: int = Field(..., description="Members not living here, or outside your scope")


@router.post("/enrolments/assign", response={200: AssignOut, **ERRORS})
def enrolment_assign(request: AuthedRequest, payload: AssignIn) -> Any:
    """Assign a published course to one person in your `learning.manage_learner` scope, or to
    the current members of an organisation and those beneath it."""
    if (payload.person_id is None) == (not payload.organisation):
        raise InvalidInput({"__all__": _("Give either person_id or organisation.")})
    try:
        course = assignment_selectors.assignable_course_get(code=payload.course)
    except NotFound as exc:
        raise InvalidInput({"course": exc.message}) from exc
    if payload.person_id is not None:
        person = _person(request.auth, payload.person_id)
        return assignments.course_assign_person(actor=request.auth, course=course, person=person)
    return assignments.course_assign_organisation(
        actor=request.auth,
        course=course,
        organisation_code=payload.organisation or "",
        position=payload.position,
    )
