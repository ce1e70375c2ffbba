"""Exports of the officers' learning reports to CSV (UTF-8 with a BOM, so Excel reads it) or
XLSX, as `hoctap.registry.exports` does for the registers. The table is the page's (the same
selector); every export writes one audit entry (report, filters, format, rows)."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import scope_for
from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record
from hoctap.core.errors import InvalidInput
from hoctap.geo.models import AdminUnit, Organisation
from hoctap.learning.selectors import reports as selectors
from hoctap.learning.selectors.reports import Column, ReportFilters, ReportTable

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
REPORTS = ("summary", "by-course", "by-class", "by-organisation", "by-unit")


@dataclass(frozen=True)
class ReportExport:
    file_name: str
    content_type: str
    content: bytes
    rows: int


def report_table(
    *,
    actor: Any,
    report: str,
    filters: ReportFilters,
    organisation_code: str = "",
    position: str = "",
    unit_code: str | None = None,
) -> ReportTable:
    """The table of one report by its name (what the pages, the exports and the API show)."""
    if report == "summary":
        return selectors.report_summary(actor=actor, filters=filters)
    if report == "by-course":
        return selectors.report_by_course(actor=actor, filters=filters)
    if report == "by-class":
        return selectors.report_by_class(actor=actor, filters=filters)
    if report == "by-organisation":
        return selectors.report_by_organisation(
            actor=actor, organisation_code=organisation_code, position=position, filters=filters
        )
    if report == "by-unit":
        return selectors.report_by_unit(actor=actor, unit_code=unit_code, filters=filters)
    raise InvalidInput(_("Unknown report."))


def _cell_text(column: Column, value: Any, vietnamese: bool) -> Any:
    if value is None or value == "":
        return ""
    if column.kind == "percent":
        return number_format(value, 1) if vietnamese else f"{value:.1f}"
    if column.kind == "date" and isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y") if vietnamese else value.isoformat()
    return value


def _lines(table: ReportTable) -> list[dict[str, Any]]:
    return [*table.rows, *([table.total] if table.total else [])]


def _csv(table: ReportTable, vietnamese: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(c.label) for c in table.columns])
    for line in _lines(table):
        writer.writerow([_cell_text(c, line.get(c.key), vietnamese) for c in table.columns])
    return ("\ufeff" + out.getvalue()).encode()  # the BOM: Excel then reads UTF-8


def _xlsx(table: ReportTable) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.name[:31])
    sheet.append([str(c.label) for c in table.columns])
    for line in _lines(table):
        cells = []
        for column in table.columns:
            value = line.get(column.key)
            if column.kind == "percent":
                cell = WriteOnlyCell(sheet, value=None if value is None else value / 100)
                cell.number_format = "0.0%"
            elif column.kind == "date" and isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
            else:
                cell = WriteOnlyCell(sheet, value=value)
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _audit_target(actor: Any, table: ReportTable) -> tuple[Model, int | None, int | None]:
    """What the entry is about, so the auditors of that unit or organisation see it: the
    report's unit or organisation, else the actor's only granted unit, else the actor."""
    subject = table.subject
    if isinstance(subject, AdminUnit):
        return subject, subject.pk, None
    if isinstance(subject, Organisation):
        return subject, subject.unit_id, subject.pk
    roots = scope_for(actor, Perm.VIEW_LEARNING).unit_ids
    if len(roots) == 1:
        unit = AdminUnit.objects.filter(pk=next(iter(roots))).first()
        if unit is not None:
            return unit, unit.pk, None
    return actor, None, None


@transaction.atomic
def report_export(
    *,
    actor: Any,
    report: str,
    fmt: str,
    filters: ReportFilters,
    organisation_code: str = "",
    position: str = "",
    unit_code: str | None = None,
) -> ReportExport:
    """One report's table as a CSV or XLSX file, audited once."""
    if fmt not in FORMATS or report not in REPORTS:
        raise InvalidInput(_("Unknown export."))
    table = report_table(
        actor=actor,
        report=report,
        filters=filters,
        organisation_code=organisation_code,
        position=position,
        unit_code=unit_code,
    )
    vietnamese = (translation.get_language() or "").startswith("vi")
    content = _csv(table, vietnamese) if fmt == "csv" else _xlsx(table)
    target, unit_id, organisation_id = _audit_target(actor, table)
    audit_record(
        actor=actor,
        action="learning_report.export",
        target=target,
        changes={
            "report": table.name,
            "format": fmt,
            "filters": [
                *filters.as_list(),
                *([f"organisation={table.subject.code}"] if report == "by-organisation" else []),
                *([f"position={position}"] if position else []),
                *([f"unit={table.subject.code}"] if report == "by-unit" else []),
            ],
            "rows": len(table.rows),
        },
        unit_id=unit_id,
        organisation_id=organisation_id,
    )
    day = timezone.localdate().isoformat()
    return ReportExport(
        file_name=f"learning-{table.name}-{day}.{fmt}",
        content_type=FORMATS[fmt],
        content=content,
        rows=len(table.rows),
    )
