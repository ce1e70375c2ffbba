"""The instructor's class sheet as a file (CSV or XLSX): one row per participant, one column
per session, the attendance rate, the test score and the result. ID numbers are masked. Each
export is audited, as every export of records about persons is."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hoctap.audit.services import audit_record
from hoctap.core.errors import InvalidInput
from hoctap.core.formatting import show_date
from hoctap.learning.models import OfflineClass, ParticipantResult
from hoctap.learning.selectors.classes import ClassSheet, class_sheet

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class SheetFile:
    content: bytes
    file_name: str
    content_type: str


def sheet_table(sheet: ClassSheet) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows of a class sheet, as written to a file."""
    header = [
        _("No."),
        _("Full name"),
        _("Personal ID number"),
        *(
            _("Session %(n)s (%(date)s)") % {"n": s.number, "date": show_date(s.on)}
            for s in sheet.sessions
        ),
        _("Sessions attended"),
        _("Attendance (%)"),
        _("Test score"),
        _("Result"),
    ]
    results = dict(ParticipantResult.choices)
    rows: list[list[Any]] = []
    for number, row in enumerate(sheet.rows, start=1):
        person = row.participant.person
        score = row.participant.test_score
        rows.append(
            [
                number,
                person.full_name,
                person.masked_national_id,
                *("x" if mark else ("" if mark is None else "-") for mark in row.marks),
                row.attended,
                row.percent,
                "" if score is None else float(score),
                str(results.get(row.participant.result, row.participant.result)),
            ]
        )
    return header, rows


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # a BOM, so Excel reads the Vietnamese


def _xlsx(title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Sheet")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@transaction.atomic
def class_sheet_export(*, actor: Any, offline_class: OfflineClass, fmt: str) -> SheetFile:
    """The sheet of a class the actor sees (the caller read it through the scoped selector)."""
    if fmt not in FORMATS:
        raise InvalidInput({"format": _("Unknown format.")})
    sheet = class_sheet(offline_class=offline_class)
    header, rows = sheet_table(sheet)
    content = _csv(header, rows) if fmt == "csv" else _xlsx(offline_class.code, header, rows)
    audit_record(
        actor=actor,
        action="class.export",
        target=offline_class,
        changes={"class": offline_class.code, "format": fmt, "rows": len(rows)},
        unit_id=offline_class.unit_id,
        organisation_id=offline_class.organisation_id,
    )
    return SheetFile(
        content=content,
        file_name=f"{offline_class.code}-sheet.{fmt}",
        content_type=FORMATS[fmt],
    )
