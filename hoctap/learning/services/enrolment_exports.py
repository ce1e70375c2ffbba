"""The officers' list of enrolments, exported to CSV (streamed) or XLSX with the list's filters.

ID numbers are masked. Every export writes one audit entry (filters, format, row count) before
the first row leaves the server, so an interrupted download is on record too."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hoctap.accounts.permissions import has_permission_somewhere
from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record
from hoctap.core.errors import InvalidInput, PermissionDenied
from hoctap.core.xlsx import xlsx_file
from hoctap.learning.models import Enrolment
from hoctap.learning.selectors.assignments import enrolment_list
from hoctap.registry.national_id import mask_national_id

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK_SIZE = 2000


@dataclass
class EnrolmentExport:
    file_name: str
    content_type: str
    rows: int
    chunks: Iterator[bytes] | None = None  # CSV
    file: IO[bytes] | None = None  # XLSX


def _header() -> list[str]:
    return [
        _("Full name"),
        _("Personal ID number"),
        _("Village"),
        _("Course code"),
        _("Course"),
        _("Assigned how"),
        _("Enrolled at"),
        _("Lessons done"),
        _("Lessons"),
        _("Quiz passed"),
        _("Status"),
        _("Completed at"),
    ]


def _row(enrolment: Enrolment, *, cells: bool) -> list[Any]:
    def when(value: Any) -> Any:
        if value is None:
            return ""
        local = timezone.localtime(value)
        return local.replace(tzinfo=None) if cells else local.strftime("%Y-%m-%d %H:%M")

    person, course = enrolment.person, enrolment.course
    return [
        person.full_name,
        mask_national_id(person.national_id),
        person.village.name,
        course.code,
        course.title,
        enrolment.get_source_display(),
        when(enrolment.enrolled_at),
        enrolment.lessons_done,
        course.lesson_count,
        _("yes") if enrolment.quiz_passed else _("no"),
        enrolment.get_status_display(),
        when(enrolment.completed_at),
    ]


class _Line:
    def write(self, value: str) -> str:
        return value


def _csv_chunks(records: Iterator[Enrolment]) -> Iterator[bytes]:
    writer = csv.writer(_Line())
    yield ("\ufeff" + writer.writerow(_header())).encode()
    for record in records:
        yield writer.writerow(_row(record, cells=False)).encode()


def _xlsx_file(records: Iterator[Enrolment]) -> IO[bytes]:
    rows = (_row(record, cells=True) for record in records)
    return xlsx_file(pgettext("spreadsheet sheet name", "Enrolments"), _header(), rows)


def _audited_filters(filters: dict[str, Any]) -> list[str]:
    kept = {key: value for key, value in filters.items() if value not in (None, "")}
    q = kept.get("q")
    if isinstance(q, str) and q.strip().isdigit():
        kept["q"] = mask_national_id(q.strip())
    return [f"{key}={value}" for key, value in sorted(kept.items())]


def enrolment_export(*, actor: Any, fmt: str, filters: dict[str, Any]) -> EnrolmentExport:
    """The enrolments the actor sees with `filters` (`enrolment_list`'s keyword arguments),
    as CSV or XLSX, audited."""
    if fmt not in FORMATS:
        raise InvalidInput({"format": _("Choose CSV or XLSX.")})
    if not has_permission_somewhere(actor, Perm.VIEW_LEARNING):
        raise PermissionDenied(_("You may not see learning records."))
    records = enrolment_list(actor=actor, **filters)
    count = records.count()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="enrolment.export",
            target=actor,
            changes={"format": fmt, "filters": _audited_filters(filters), "rows": count},
        )
    stream: Iterator[Enrolment] = records.iterator(chunk_size=CHUNK_SIZE)
    export = EnrolmentExport(
        file_name=f"enrolments-{timezone.localdate().isoformat()}.{fmt}",
        content_type=FORMATS[fmt],
        rows=count,
    )
    if fmt == "csv":
        export.chunks = _csv_chunks(stream)
    else:
        export.file = _xlsx_file(stream)
    return export
