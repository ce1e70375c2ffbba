"""`/api/v1/learning/completions`: completions in scope, and batches of records sent by other
platforms (recorded by the same rules as the `completions` import kind)."""

import datetime
import decimal
from typing import Annotated, Any

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BaseModel, Field, WithJsonSchema

from hoctap.core.api import ERRORS, AuthedRequest, Pages
from hoctap.learning.models import Channel, Completion, Platform
from hoctap.learning.selectors.completions import completion_list
from hoctap.learning.services.external import (
    MAX_RECORDS_PER_CALL,
    InvalidRecords,
    completions_record,
)

router = Router(tags=["learning: completions"])


class CompletionRecordIn(BaseModel):
    """One completion on another platform. Give `course_code` (a course of the catalogue) or
    `external_course_title`; a field not listed here is refused."""

    national_id: str = Field(..., description="12-digit personal ID number")
    course_code: str = Field("", description="Code of a catalogue course")
    external_course_title: str = Field("", description="Title of a course not in the catalogue")
    platform: str = Field(
        ..., description=f"One of {', '.join(Platform.values)} (or its Vietnamese name)"
    )
    completed_on: str = Field(..., description="YYYY-MM-DD (or DD/MM/YYYY)")
    score: float | str | None = Field(None, description="0–100, at most two decimals")
    certificate_no: str = Field("", description="The other platform's certificate number")


# The records are judged by the service, record by record, so that every problem is answered
# in one shape (index, field, message); the schema documents what a record holds.
RECORDS_SCHEMA = {
    "type": "array",
    "maxItems": MAX_RECORDS_PER_CALL,
    "items": CompletionRecordIn.model_json_schema(),
}


class CompletionBatchIn(Schema):
    records: Annotated[list[Any], WithJsonSchema(RECORDS_SCHEMA)]


class UnmatchedOut(Schema):
    index: int
    national_id: str = Field(..., description="Masked (`********6789`)")
    message: str


class CompletionBatchOut(Schema):
    records: int
    created: int
    unchanged: int
    unmatched: list[UnmatchedOut]


class RecordErrorOut(Schema):
    index: int
    field: str
    message: str


class RecordErrorsOut(Schema):
    detail: str
    errors: list[RecordErrorOut]


@router.post(
    "/completions",
    response={200: CompletionBatchOut, **ERRORS, 400: RecordErrorsOut},
)
def completion_record_batch(request: AuthedRequest, payload: CompletionBatchIn) -> Any:
    """Record up to 5,000 completions from another platform. If any record is malformed the
    answer is 400 with every problem (`index`, `field`, `message`) and nothing is recorded;
    otherwise the matched records are recorded (`created`, or `unchanged` when already held)
    and those whose ID number matches no person in your scope are listed in `unmatched`."""
    try:
        outcome = completions_record(actor=request.auth, records=payload.records)
    except InvalidRecords as exc:
        return Status(400, {"detail": exc.message, "errors": exc.items})
    return outcome


class CompletionOut(Schema):
    id: int
    national_id: str = Field(..., description="Masked (`********6789`)")
    full_name: str
    course_code: str | None
    course_key: str
    title: str
    platform: str
    channel: str
    completed_on: datetime.date
    score: decimal.Decimal | None
    certificate_no: str
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_national_id(obj: Completion) -> str:
        return obj.person.masked_national_id

    @staticmethod
    def resolve_full_name(obj: Completion) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_course_code(obj: Completion) -> str | None:
        return obj.course.code if obj.course_id and obj.course else None


class CompletionFilter(Schema):
    platform: Platform | None = None
    channel: Channel | None = None
    course: str | None = Field(None, description="Code of a catalogue course")
    unit: str | None = Field(None, description="Persons living beneath this unit (code)")
    organisation: str | None = Field(
        None, description="Current members of this organisation or one beneath it (code)"
    )
    completed_from: datetime.date | None = None
    completed_to: datetime.date | None = None


@router.get("/completions", response={200: list[CompletionOut], **ERRORS})
@paginate(Pages, page_size=100)
def completion_list_api(request: AuthedRequest, filters: Query[CompletionFilter]) -> Any:
    return completion_list(
        actor=request.auth,
        platform=filters.platform,
        channel=filters.channel,
        course_code=filters.course,
        unit_code=filters.unit,
        organisation_code=filters.organisation,
        completed_from=filters.completed_from,
        completed_to=filters.completed_to,
    )
