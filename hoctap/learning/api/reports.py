"""`/api/v1/learning/…`: reports: the numbers of the officers' report pages (the same
selectors), scoped to the caller's `learning.view_record` scope.

- `GET /reports/summary`: completions by platform;
- `GET /reports/by-course`: by course (catalogue courses and external titles);
- `GET /reports/by-class`: by offline class (participants, completed, attendance rate);
- `GET /reports/by-organisation?organisation=CODE&position=`: current members of an
  organisation (and those beneath it) and how many are trained, whatever the platform;
- `GET /reports/by-unit?unit=CODE`: adult residents and how many are trained, one level down.

All take `date_from`, `date_to` (completion dates), `platform` and `channel`.
"""

import datetime
from typing import Any

from ninja import Query, Router, Schema
from pydantic import Field

from hoctap.core.api import ERRORS, AuthedRequest
from hoctap.learning.models import Channel, Platform
from hoctap.learning.selectors import reports as selectors
from hoctap.learning.selectors.reports import ReportFilters, ReportTable
from hoctap.registry.models import Position

router = Router(tags=["learning: reports"])


class ReportQuery(Schema):
    date_from: datetime.date | None = Field(None, description="Completed on or after")
    date_to: datetime.date | None = Field(None, description="Completed on or before")
    platform: Platform | None = None
    channel: Channel | None = None

    def filters(self) -> ReportFilters:
        return ReportFilters(
            date_from=self.date_from,
            date_to=self.date_to,
            platform=self.platform or "",
            channel=self.channel or "",
        )


class OrganisationQuery(ReportQuery):
    organisation: str = Field(..., description="Organisation code, e.g. BCHQS-15")
    position: Position | None = None


class UnitQuery(ReportQuery):
    unit: str | None = Field(None, description="Unit code (default: the highest you see)")


class ChannelCounts(Schema):
    channel_online: int
    channel_offline_class: int
    channel_imported: int


class PlatformRow(ChannelCounts):
    platform: str | None = Field(None, description="None in the total")
    platform_label: str
    persons: int
    records: int


class CourseRow(ChannelCounts):
    course_code: str = Field(..., description="Empty for a course of another platform")
    title: str
    persons: int = Field(..., description="Distinct persons")
    records: int = Field(..., description="Completion records")


class ClassRow(Schema):
    code: str
    title: str
    course_code: str
    place: str
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    sessions: int
    participants: int
    completed: int
    completed_share: float | None = Field(None, description="Percent")
    marks: int = Field(..., description="Attendance marks taken")
    present: int
    attendance_rate: float | None = Field(None, description="Percent of the marks: present")


class MembersRow(Schema):
    code: str
    name: str
    members: int
    trained: int
    share: float | None = Field(None, description="Percent trained")


class ResidentsRow(Schema):
    code: str
    name: str
    adults: int = Field(..., description="Living here, aged 15 or more")
    trained: int
    share: float | None = Field(None, description="Percent trained")


class Subject(Schema):
    code: str
    name: str


class SummaryOut(Schema):
    rows: list[PlatformRow]
    total: PlatformRow


class ByCourseOut(Schema):
    rows: list[CourseRow]
    total: CourseRow


class ByClassOut(Schema):
    rows: list[ClassRow]
    total: ClassRow


class ByOrganisationOut(Schema):
    organisation: Subject
    position: str
    rows: list[MembersRow]
    total: MembersRow


class ByUnitOut(Schema):
    unit: Subject
    rows: list[ResidentsRow]
    total: ResidentsRow


def _out(table: ReportTable, **extra: Any) -> dict[str, Any]:
    subject = table.subject
    return {
        "rows": table.rows,
        "total": table.total,
        **({"subject": {"code": subject.code, "name": subject.name}} if subject else {}),
        **extra,
    }


@router.get("/reports/summary", response={200: SummaryOut, **ERRORS})
def report_summary(request: AuthedRequest, query: Query[ReportQuery]) -> Any:
    return _out(selectors.report_summary(actor=request.auth, filters=query.filters()))


@router.get("/reports/by-course", response={200: ByCourseOut, **ERRORS})
def report_by_course(request: AuthedRequest, query: Query[ReportQuery]) -> Any:
    return _out(selectors.report_by_course(actor=request.auth, filters=query.filters()))


@router.get("/reports/by-class", response={200: ByClassOut, **ERRORS})
def report_by_class(request: AuthedRequest, query: Query[ReportQuery]) -> Any:
    return _out(selectors.report_by_class(actor=request.auth, filters=query.filters()))


@router.get("/reports/by-organisation", response={200: ByOrganisationOut, **ERRORS})
def report_by_organisation(request: AuthedRequest, query: Query[OrganisationQuery]) -> Any:
    table = selectors.report_by_organisation(
        actor=request.auth,
        organisation_code=query.organisation,
        position=query.position or "",
        filters=query.filters(),
    )
    out = _out(table, position=query.position or "")
    out["organisation"] = out.pop("subject")
    return out


@router.get("/reports/by-unit", response={200: ByUnitOut, **ERRORS})
def report_by_unit(request: AuthedRequest, query: Query[UnitQuery]) -> Any:
    table = selectors.report_by_unit(
        actor=request.auth, unit_code=query.unit, filters=query.filters()
    )
    out = _out(table)
    out["unit"] = out.pop("subject")
    return out
