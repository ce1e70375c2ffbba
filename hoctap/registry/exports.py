"""Exports of a register list (the filtered list of a page) to CSV or XLSX, streamed.

The columns are the importer's (`hoctap.registry.imports`), named in Vietnamese when the page is
in Vietnamese, with values the importer reads back, so an exported file can be corrected and
re-imported. ID numbers are masked unless the actor asked for full numbers, holds
`registry.view_personal_id` somewhere, and then only for the persons of units where they hold it.
Every export writes one audit entry (list, filters, row count, masked or full) before the first
row leaves the server, so an interrupted download is on record too.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.permissions import has_permission_somewhere, scope_for
from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record
from hoctap.core.errors import InvalidInput, PermissionDenied
from hoctap.core.xlsx import xlsx_file
from hoctap.geo.models import AdminUnit
from hoctap.imports.readers import Column
from hoctap.registry import imports, selectors
from hoctap.registry.ethnicity import ethnicity_name
from hoctap.registry.models import Clan, Household, OrganisationMembership, Person
from hoctap.registry.national_id import mask_national_id

CHUNK_SIZE = 2000
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# Values in the words a Vietnamese sheet uses; the importer reads each of them back
# (`hoctap.registry.imports`: SEX_WORDS, RELATION_WORDS, POVERTY_WORDS, POSITION_WORDS,
# EID_WORDS). They are data of the file, not interface text, so they are not translated.
VI_SEX = {"male": "Nam", "female": "Nữ"}
VI_RELATION = {
    "head": "Chủ hộ",
    "child": "Con",
    "grandchild": "Cháu",
    "sibling": "Anh chị em",
    "other": "Khác",
}
VI_RELATION_BY_SEX = {
    ("spouse", "male"): "Chồng",
    ("spouse", "female"): "Vợ",
    ("parent", "male"): "Bố",
    ("parent", "female"): "Mẹ",
}
VI_POVERTY = {"none": "Không", "near_poor": "Hộ cận nghèo", "poor": "Hộ nghèo"}
VI_POSITION = {
    "staff": "Cán bộ",
    "teacher": "Giáo viên",
    "officer": "Sĩ quan",
    "soldier": "Chiến sĩ",
    "pupil": "Học sinh",
    "member": "Hội viên",
    "other": "Khác",
}
VI_EID = {"none": "Không", "1": "1", "2": "2"}


@dataclass(frozen=True)
class Words:
    """How values are written: Vietnamese words and DD/MM/YYYY, or the stored codes and ISO
    dates; XLSX keeps dates as date cells."""

    vietnamese: bool
    date_cells: bool

    def word(self, table: dict[str, str], value: str) -> str:
        return table.get(value, value) if self.vietnamese and value else value

    def date(self, value: datetime.date | None) -> Any:
        if value is None:
            return ""
        if self.date_cells:
            return value
        return value.strftime("%d/%m/%Y") if self.vietnamese else value.isoformat()

    def relation(self, value: str, sex: str) -> str:
        if not self.vietnamese:
            return value
        return VI_RELATION_BY_SEX.get((value, sex)) or VI_RELATION.get(value, value)


def _shown_id(record: Any, number: str) -> str:
    return number if getattr(record, "national_id_visible", False) else mask_national_id(number)


def _person_row(person: Person, words: Words) -> list[Any]:
    return [
        _shown_id(person, person.national_id),
        person.full_name,
        words.date(person.birth_date),
        words.word(VI_SEX, person.sex),
        ethnicity_name(person.ethnicity),
        person.village.code,
        person.household.code if person.household else "",
        words.relation(person.relation_to_head, person.sex),
        person.phone,
        words.word(VI_EID, person.eid_level),
        words.date(person.eid_linked_on),
    ]


def _household_row(household: Household, words: Words) -> list[Any]:
    return [
        household.code,
        household.village.code,
        household.address,
        words.word(VI_POVERTY, household.poverty_status),
        household.poverty_year or "",
        household.clan.code if household.clan else "",
    ]


def _clan_row(clan: Clan, words: Words) -> list[Any]:
    return [clan.code, clan.name, clan.commune.code]


def _membership_row(membership: OrganisationMembership, words: Words) -> list[Any]:
    return [
        _shown_id(membership, membership.person.national_id),
        membership.organisation.code,
        words.word(VI_POSITION, membership.position),
        words.date(membership.start_date),
        words.date(membership.end_date),
    ]


@dataclass(frozen=True)
class Register:
    name: str  # also the file name and the audit entry's "list"
    label: Any  # the spreadsheet's sheet name (translated)
    columns: tuple[Column, ...]
    rows: Callable[..., QuerySet[Any]]  # the list page's selector
    row: Callable[[Any, Words], list[Any]]
    person_unit_field: str | None = None  # where ID numbers are: the person's village


REGISTERS = {
    "persons": Register(
        "persons",
        gettext_lazy("Persons"),
        imports.persons.columns,
        selectors.person_list,
        _person_row,
        "village_id",
    ),
    "households": Register(
        "households",
        gettext_lazy("Households"),
        imports.households.columns,
        selectors.household_list,
        _household_row,
    ),
    "clans": Register(
        "clans", gettext_lazy("Clans"), imports.clans.columns, selectors.clan_list, _clan_row
    ),
    "memberships": Register(
        "memberships",
        gettext_lazy("Memberships"),
        imports.memberships.columns,
        selectors.membership_search,
        _membership_row,
        "person__village_id",
    ),
}


@dataclass
class Export:
    """What the page sends: either `chunks` (CSV, streamed as written) or `file` (XLSX,
    written to a temporary file first, then sent in blocks)."""

    file_name: str
    content_type: str
    rows: int
    chunks: Iterator[bytes] | None = None
    file: IO[bytes] | None = None


def headers(columns: tuple[Column, ...], *, vietnamese: bool) -> list[str]:
    """The importer's canonical names, or its first Vietnamese name ("Số định danh")."""
    if not vietnamese:
        return [c.name for c in columns]
    return [c.aliases[0][:1].upper() + c.aliases[0][1:] for c in columns]


def _audit_target(actor: Any, within_unit_code: str | None) -> AdminUnit | None:
    """The unit the export is about, so the audit entry is seen by that unit's auditors: the
    filtered unit, or the actor's only granted unit."""
    if within_unit_code:
        unit = AdminUnit.objects.filter(
            selectors.registry_visible_q(actor, "id"), code=within_unit_code
        ).first()
        if unit is not None:
            return unit
    roots = scope_for(actor, Perm.VIEW_REGISTRY).unit_ids
    if len(roots) == 1:
        return AdminUnit.objects.filter(pk=next(iter(roots))).first()
    return None


def _audited_filters(filters: dict[str, Any]) -> list[str]:
    """The filters as the audit log keeps them (`["q=nguyen van", "within_unit_code=02647"]`):
    set ones only, a searched ID number masked."""
    kept = {key: value for key, value in filters.items() if value not in (None, "", False)}
    q = kept.get("q")
    if isinstance(q, str) and q.strip().isdigit():
        kept["q"] = mask_national_id(q.strip())
    return [f"{key}={value}" for key, value in sorted(kept.items())]


@transaction.atomic
def _audit(
    *, actor: Any, register: Register, filters: dict[str, Any], fmt: str, full: bool, rows: int
) -> None:
    unit = _audit_target(actor, filters.get("within_unit_code"))
    target: Model = unit if unit is not None else actor
    audit_record(
        actor=actor,
        action=f"{register.name[:-1]}.export",
        target=target,
        changes={
            "list": register.name,
            "format": fmt,
            "filters": _audited_filters(filters),
            "rows": rows,
            "national_id": "full" if full else "masked",
        },
        unit_id=unit.id if unit is not None else None,
    )


class _Line:
    """A file-like object for `csv.writer` that hands back what was written."""

    def write(self, value: str) -> str:
        return value


def _csv_chunks(
    header: list[str], records: Iterator[Any], row: Callable[[Any], list[Any]]
) -> Iterator[bytes]:
    writer = csv.writer(_Line())
    yield ("\ufeff" + writer.writerow(header)).encode()  # the BOM: Excel then reads UTF-8
    for record in records:
        yield writer.writerow(row(record)).encode()


def register_export(
    *, actor: Any, register: str, fmt: str, full: bool = False, filters: dict[str, Any]
) -> Export:
    """Export the list `register` ("persons", "households", "clans", "memberships") as the
    actor sees it with `filters` (the list selector's keyword arguments), in `fmt` ("csv" or
    "xlsx"). `full` asks for full ID numbers (refused without `registry.view_personal_id`)."""
    spec = REGISTERS.get(register)
    if spec is None or fmt not in FORMATS:
        raise InvalidInput(_("Unknown export."))
    if not has_permission_somewhere(actor, Perm.VIEW_REGISTRY):
        raise PermissionDenied(_("You may not see the registers."))
    full = full and spec.person_unit_field is not None
    if full and not has_permission_somewhere(actor, Perm.VIEW_PERSONAL_ID):
        raise PermissionDenied(_("You may not export full personal ID numbers."))
    records = spec.rows(actor=actor, **filters)
    if full:
        assert spec.person_unit_field is not None
        records = selectors.with_national_id_visibility(
            actor=actor, records=records, unit_field=spec.person_unit_field
        )
    count = records.count()
    _audit(actor=actor, register=spec, filters=filters, fmt=fmt, full=full, rows=count)
    vietnamese = (translation.get_language() or "").startswith("vi")
    words = Words(vietnamese=vietnamese, date_cells=fmt == "xlsx")
    header = headers(spec.columns, vietnamese=vietnamese)
    stream = records.iterator(chunk_size=CHUNK_SIZE)
    file_name = f"{spec.name}-{timezone.localdate().isoformat()}.{fmt}"
    export = Export(file_name=file_name, content_type=FORMATS[fmt], rows=count)
    if fmt == "csv":
        export.chunks = _csv_chunks(header, stream, lambda r: spec.row(r, words))
    else:
        rows = (spec.row(record, words) for record in stream)
        export.file = xlsx_file(str(spec.label), header, rows)
    return export
