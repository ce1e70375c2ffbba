"""Export of the groups' activities list (the filtered list of the page) to CSV or XLSX.

ID numbers of the persons helped are always masked. Every export writes one audit entry (the
filters, the format, the row count) before the first row leaves the server.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hoctap.accounts.permissions import has_permission_somewhere, scope_for
from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record
from hoctap.core.errors import InvalidInput, PermissionDenied
from hoctap.core.xlsx import xlsx_file
from hoctap.geo.models import AdminUnit
from hoctap.learning.models import DigitalTechActivity, DigitalTechGroup
from hoctap.learning.selectors.groups import group_activity_list, group_visible_q

CHUNK_SIZE = 2000
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class ActivityExport:
    """What the page sends: `chunks` (CSV, streamed) or `file` (XLSX, a temporary file)."""

    file_name: str
    content_type: str
    rows: int
    chunks: Iterator[bytes] | None = None
    file: IO[bytes] | None = None


def _header() -> list[str]:
    return [
        _("Date"),
        _("Kind of help"),
        _("Group code"),
        _("Village"),
        _("Helped by"),
        _("Person helped"),
        _("Personal ID number"),
        _("Village of the person helped"),
        _("Note"),
    ]


def _row(activity: DigitalTechActivity, date_cells: bool) -> list[Any]:
    person = activity.person
    return [
        activity.on if date_cells else activity.on.isoformat(),
        activity.get_kind_display(),
        activity.group.organisation.code,
        activity.group.village.name,
        activity.helper.full_name if activity.helper else "",
        person.full_name if person else "",
        person.masked_national_id if person else "",
        person.village.name if person else "",
        activity.note,
    ]


def _audit_target(actor: Any, filters: dict[str, Any]) -> tuple[Model, int | None, int | None]:
    """What the export is about, so the entry is seen by that unit's auditors: the filtered
    group, the filtered unit, the actor's only granted unit, or else the actor."""
    code = filters.get("group_code")
    if code:
        group = DigitalTechGroup.objects.filter(
            group_visible_q(actor), organisation__code=code
        ).first()
        if group is not None:
            return group, group.village_id, group.organisation_id
    scope = scope_for(actor, Perm.VIEW_LEARNING)
    unit = None
    if filters.get("within_unit_code"):
        unit = AdminUnit.objects.filter(code=filters["within_unit_code"]).first()
        if unit is not None and not scope.covers_unit(unit.id):
            unit = None
    if unit is None and len(scope.unit_ids) == 1:
        unit = AdminUnit.objects.filter(pk=next(iter(scope.unit_ids))).first()
    if unit is not None:
        return unit, unit.id, None
    return actor, None, None


@transaction.atomic
def _audit(*, actor: Any, filters: dict[str, Any], fmt: str, rows: int) -> None:
    target, unit_id, organisation_id = _audit_target(actor, filters)
    kept = sorted(f"{k}={v}" for k, v in filters.items() if v not in (None, "", False))
    audit_record(
        actor=actor,
        action="digital_group_activity.export",
        target=target,
        changes={"list": "digital_group_activities", "format": fmt, "filters": kept, "rows": rows},
        unit_id=unit_id,
        organisation_id=organisation_id,
    )


class _Line:
    def write(self, value: str) -> str:
        return value


def _csv_chunks(
    records: Iterator[DigitalTechActivity], row: Callable[[DigitalTechActivity], list[Any]]
) -> Iterator[bytes]:
    writer = csv.writer(_Line())
    yield ("\ufeff" + writer.writerow(_header())).encode()  # the BOM: Excel then reads UTF-8
    for record in records:
        yield writer.writerow(row(record)).encode()


def _xlsx_file(
    records: Iterator[DigitalTechActivity], row: Callable[[DigitalTechActivity], list[Any]]
) -> IO[bytes]:
    return xlsx_file(
        pgettext("spreadsheet sheet name", "Activities"),
        _header(),
        (row(record) for record in records),
    )


def group_activity_export(*, actor: Any, fmt: str, filters: dict[str, Any]) -> ActivityExport:
    """The activities the actor sees with `filters` (`group_activity_list`'s keyword
    arguments), as "csv" or "xlsx"; audited."""
    if fmt not in FORMATS:
        raise InvalidInput(_("Unknown export."))
    if not has_permission_somewhere(actor, Perm.VIEW_LEARNING):
        raise PermissionDenied(_("You may not see the learning records."))
    records = group_activity_list(actor=actor, **filters)
    count = records.count()
    _audit(actor=actor, filters=filters, fmt=fmt, rows=count)
    stream = records.iterator(chunk_size=CHUNK_SIZE)
    export = ActivityExport(
        file_name=f"digital-group-activities-{timezone.localdate().isoformat()}.{fmt}",
        content_type=FORMATS[fmt],
        rows=count,
    )
    if fmt == "csv":
        export.chunks = _csv_chunks(stream, lambda a: _row(a, False))
    else:
        export.file = _xlsx_file(stream, lambda a: _row(a, True))
    return export
