"""Completions recorded on other platforms (the national portal, sector and ministry systems):
the one definition of such a record, shared by the `completions` import kind (a CSV / XLSX
file through the import pipeline) and `POST /api/v1/learning/completions` (a batch of records).

A record is `national_id, course_code | external_course_title, platform, completed_on, score,
certificate_no`. The same rules judge it whichever way it comes:

- a malformed cell (an ID number that cannot be one, an unknown platform, a date that is not one
  or lies in the future, a score outside 0–100, an unknown catalogue course code) is an *error*:
  the file or the batch is refused whole and nothing is recorded;
- a well-formed ID number that names no person of the register, or a person outside the
  sender's `learning.manage_learner` scope (the two look the same), is *unmatched*: reported,
  while the other records are recorded;
- a record already held (same person, course key and platform: see `course_key_of`) is
  *unchanged*, whatever its score or certificate number: the completion stands as first
  recorded, so a re-sent record is never counted twice and an import cannot rewrite a
  completion recorded here (docs/adr/0013-learning.md).

The work is set-wise, for files of hundreds of thousands of rows: ID numbers are looked up a
batch at a time, existing completions likewise, the few distinct dates, scores, titles and
platform words are parsed once each, and new completions are written as plain tuples with
`hoctap.core.bulk`. Completions created this way are audited by the one entry of their import
or API call, not one entry each (docs/adr/0011-import-pipeline.md).
"""

from __future__ import annotations

import datetime
import decimal
import functools
import hashlib
import json
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hoctap.accounts.permissions import Scope, scope_for
from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record_many
from hoctap.core import bulk
from hoctap.core.errors import InvalidInput, PermissionDenied
from hoctap.core.formatting import show_number
from hoctap.core.text import fold
from hoctap.imports.kinds import Batch, RowError
from hoctap.imports.readers import Column, parse_date
from hoctap.learning.models import (
    EXTERNAL_KEY_PREFIX,
    Channel,
    Completion,
    Course,
    CourseStatus,
    Platform,
)
from hoctap.learning.selectors.authoring import course_manage_q
from hoctap.registry.models import Person
from hoctap.registry.national_id import PROVINCE_PREFIXES, mask_national_id, national_id_error
from hoctap.registry.selectors import current_member_ids

# The record's fields, in this order everywhere (the import's columns, the API's cells).
FIELDS = (
    "national_id",
    "course_code",
    "external_course_title",
    "platform",
    "completed_on",
    "score",
    "certificate_no",
)
REQUIRED = ("national_id", "platform", "completed_on")
COLUMNS = (
    Column("national_id", ("số định danh", "số định danh cá nhân", "số cccd", "cccd")),
    Column("course_code", ("mã khoá học", "mã khoá"), required=False, blank=True),
    Column(
        "external_course_title",
        ("tên khoá học", "tên khoá học ngoài", "khoá học"),
        required=False,
        blank=True,
    ),
    Column("platform", ("nền tảng", "nền tảng học")),
    Column("completed_on", ("ngày hoàn thành",)),
    Column("score", ("điểm", "điểm số"), required=False, blank=True),
    Column("certificate_no", ("số chứng chỉ", "số hiệu chứng chỉ"), required=False, blank=True),
)
MAX_RECORDS_PER_CALL = 5000
TITLE_MAX = 300
CERTIFICATE_NO_MAX = 60
SCORE_MAX = decimal.Decimal(100)
EARLIEST = datetime.date(2000, 1, 1)  # an earlier completion date is a typing mistake
UNMATCHED = gettext_lazy("No person of the register in your scope has this ID number.")

# Platforms as other systems and sheets write them: the code, its words, Vietnamese names
# (matched without case and diacritics: "Cổng quốc gia" = "cong quoc gia").
PLATFORM_WORDS: dict[str, str] = {
    **{value: value for value in Platform.values},
    **{value.replace("_", " "): value for value in Platform.values},
    "national": Platform.NATIONAL_PORTAL.value,
    "cong quoc gia": Platform.NATIONAL_PORTAL.value,
    "nen tang quoc gia": Platform.NATIONAL_PORTAL.value,
    "nen tang binh dan hoc vu so": Platform.NATIONAL_PORTAL.value,
    "binh dan hoc vu so": Platform.NATIONAL_PORTAL.value,
    "provincial": Platform.PROVINCIAL_PORTAL.value,
    "cong tinh": Platform.PROVINCIAL_PORTAL.value,
    "cong cua tinh": Platform.PROVINCIAL_PORTAL.value,
    "nen tang cua tinh": Platform.PROVINCIAL_PORTAL.value,
    "sector": Platform.SECTOR_SYSTEM.value,
    "he thong nganh": Platform.SECTOR_SYSTEM.value,
    "he thong cua nganh": Platform.SECTOR_SYSTEM.value,
    "nganh": Platform.SECTOR_SYSTEM.value,
    "ministry": Platform.MINISTRY_PLATFORM.value,
    "nen tang bo": Platform.MINISTRY_PLATFORM.value,
    "nen tang cua bo": Platform.MINISTRY_PLATFORM.value,
    "he thong bo": Platform.MINISTRY_PLATFORM.value,
    "nen tang quan khu": Platform.MINISTRY_PLATFORM.value,
    "khac": Platform.OTHER.value,
}
_ID_DIGITS = frozenset("0123456789")
_CENTURY_SEX_DIGITS = frozenset("012345")
_PREFIXES = frozenset(PROVINCE_PREFIXES)


@functools.lru_cache(maxsize=256)
def platform_of(text: str) -> str | None:
    """The platform a cell or a field names (code, English or Vietnamese words), else None."""
    found = PLATFORM_WORDS.get(text)
    if found is None:
        found = PLATFORM_WORDS.get(fold(text).replace("_", " ").replace("-", " "))
    return found


@functools.lru_cache(maxsize=1 << 14)
def external_title(text: str) -> tuple[str, str] | None:
    """An external course's title as stored (spaces collapsed) and its course key, or None when
    the title has nothing to key it by (only punctuation)."""
    title = " ".join(text.split())
    folded = fold(title)
    if not any(ch.isalnum() for ch in folded):
        return None
    return title, EXTERNAL_KEY_PREFIX + folded[:200]


def record_key(cells: Sequence[str]) -> tuple[str, str, str]:
    """The natural key of a record in a file or a batch: ID number, course key and platform, as
    `course_key_of` and the platform's words make them (so "Cổng quốc gia" and
    `national_portal`, or two spellings of one external title, are the same record)."""
    national_id, code, title, platform_text = cells[0], cells[1], cells[2], cells[3]
    if code:
        course = code
    else:
        titled = external_title(title)
        course = titled[1] if titled else title
    return national_id, course, platform_of(platform_text) or platform_text


def id_number_problem(text: str) -> str | None:
    """None when `text` can be a personal ID number (format and known province prefix; with no
    birth date there is nothing more to check), else the message."""
    if (
        len(text) == 12
        and _ID_DIGITS.issuperset(text)
        and text[:3] in _PREFIXES
        and text[3] in _CENTURY_SEX_DIGITS
    ):
        return None
    return national_id_error(text) or _("A personal ID number has exactly 12 digits.")


@dataclass
class ExternalContext:
    """One import or API call: the sender's scope as sets, the catalogue's codes, and the
    dates and scores parsed so far (a file of 200,000 rows holds a few hundred of each)."""

    actor: Any
    village_ids: frozenset[int] | None  # None: every person (a global scope)
    member_ids: frozenset[int]  # persons in scope as current members of its organisations
    courses: dict[str, tuple[int, str]]  # catalogue code → (id, title)
    today: datetime.date
    recorded_by: int | None
    # no completion at all when the run started: nothing can be held already, since the
    # rows of one file or batch never repeat a record (the caller refuses duplicates)
    fresh: bool = False
    dates: dict[str, str | None] = field(default_factory=dict)  # cell → ISO date or None
    scores: dict[str, str | None] = field(default_factory=dict)  # cell → stored score or None
    # ID number → person id (None: nobody in scope), asked of the database once per run
    person_ids: dict[str, int | None] = field(default_factory=dict)
    created: int = 0

    def persons(self, national_ids: Iterable[str]) -> dict[str, int]:
        """ID number → person id, for the persons of the register in scope among them."""
        villages, members = self.village_ids, self.member_ids
        if villages is None:
            # every person is in scope: the ID number's unique index holds the id too, so the
            # look-up never reads the table (two to three times faster on SQLite)
            return dict(
                bulk.rows_where_in(Person, ("national_id", "id"), "national_id", national_ids)
            )
        return {
            number: pk
            for number, pk, village_id in bulk.rows_where_in(
                Person, ("national_id", "id", "village"), "national_id", national_ids
            )
            if villages is None or village_id in villages or pk in members
        }

    def person_ids_of(self, national_ids: set[str]) -> dict[str, int | None]:
        """`person_ids`, completed with those of `national_ids` not asked yet."""
        known = self.person_ids
        missing = national_ids.difference(known)
        if missing:
            found = self.persons(missing)
            for number in missing:
                known[number] = found.get(number)
        return known


def external_context(actor: Any) -> ExternalContext:
    """The context of one import or API call by `actor` (who needs `learning.manage_learner`)."""
    scope: Scope = scope_for(actor, Perm.MANAGE_LEARNERS)
    village_ids: frozenset[int] | None = None
    member_ids: frozenset[int] = frozenset()
    if not scope.is_global:
        village_ids = frozenset()
        if scope.unit_ids:
            village_ids = frozenset(
                scope.unit_subtree_ids().values_list("descendant_id", flat=True)
            )
        if scope.org_ids:
            members = current_member_ids(organisation_ids=scope.org_subtree_ids())
            member_ids = frozenset(members.values_list("person_id", flat=True))
    # A course code names a published or archived course, or one the sender writes: another
    # organisation's draft does not exist for them, here as on the course pages.
    known = Course.objects.filter(
        course_manage_q(actor) | Q(status__in=(CourseStatus.PUBLISHED, CourseStatus.ARCHIVED))
    )
    courses = {code: (pk, title) for code, pk, title in known.values_list("code", "id", "title")}
    return ExternalContext(
        fresh=not Completion.objects.exists(),
        actor=actor,
        village_ids=village_ids,
        member_ids=member_ids,
        courses=courses,
        today=timezone.localdate(),
        recorded_by=actor.pk if getattr(actor, "is_authenticated", False) else None,
    )


def _date_of(ctx: ExternalContext, text: str) -> str | None:
    """The ISO date of a cell (None when wrong: `_date_problem` says why)."""
    if text in ctx.dates:
        return ctx.dates[text]
    try:
        day: datetime.date | None = parse_date(text)
    except ValueError:
        day = None
    value = None if day is None or not EARLIEST <= day <= ctx.today else day.isoformat()
    ctx.dates[text] = value
    return value


def _date_problem(ctx: ExternalContext, text: str) -> str:
    try:
        day = parse_date(text)
    except ValueError as exc:
        return str(exc)
    if day > ctx.today:
        return _("A completion date cannot be in the future.")
    return _("A completion date before %(year)s is surely a mistake.") % {"year": EARLIEST.year}


def _score_of(ctx: ExternalContext, text: str) -> str | None:
    """The stored form of a score cell ("8,5" → "8.50"), None when it is not a score."""
    if text in ctx.scores:
        return ctx.scores[text]
    value: str | None = None
    try:
        number = decimal.Decimal(text.replace(",", ".").strip())
    except decimal.InvalidOperation:
        number = None
    if (
        number is not None
        and number.is_finite()
        and 0 <= number <= SCORE_MAX
        and -number.as_tuple().exponent <= 2  # type: ignore[operator]
    ):
        value = str(number.quantize(decimal.Decimal("0.01")))
    ctx.scores[text] = value
    return value


# the values of a new completion, in this order (`bulk.bulk_insert`)
INSERTED = (
    "person",
    "course",
    "course_key",
    "title",
    "platform",
    "channel",
    "completed_on",
    "score",
    "certificate_no",
    "recorded_at",
    "recorded_by",
)


def records_check(ctx: ExternalContext, batch: Batch) -> None:
    """Judge a batch of records (cells in `FIELDS` order): `batch.errors` for the malformed,
    `batch.skipped` for the unmatched, `batch.unchanged` for those already held, and
    `batch.creates` (tuples in `INSERTED` order) for the rest. Writes nothing.

    Required cells and duplicates within the file or batch are the caller's (the import
    pipeline, `completions_record`)."""
    rows = batch.rows
    persons = ctx.person_ids_of({cells[0] for _n, cells in rows})
    held: set[tuple[int, str, str]] = set()
    if not ctx.fresh:
        ids = {persons[cells[0]] for _n, cells in rows} - {None}
        held = set(
            bulk.rows_where_in(Completion, ("person", "course_key", "platform"), "person", ids)
        )
    courses = ctx.courses
    dates, scores = ctx.dates, ctx.scores
    errors, skipped, creates = batch.errors, batch.skipped, batch.creates
    imported = Channel.IMPORTED.value
    now = bulk.stored_now()
    recorded_by = ctx.recorded_by
    unchanged = 0
    for number, cells in rows:
        national_id, code, title_text, platform_text, date_text, score_text, certificate = cells
        found: list[RowError] | None = None
        person_id = persons.get(national_id)
        # an ID number the register holds is well formed: only the others are checked
        if person_id is None and not (
            len(national_id) == 12
            and national_id.isascii()
            and national_id.isdigit()
            and national_id[:3] in _PREFIXES
            and national_id[3] in _CENTURY_SEX_DIGITS
        ):
            problem = id_number_problem(national_id)
            if problem is not None:
                found = [RowError(number, "national_id", national_id, problem)]
        platform = platform_of(platform_text)
        if platform is None:
            found = found or []
            found.append(
                RowError(
                    number,
                    "platform",
                    platform_text,
                    _("Unknown platform “%(value)s”; use one of: %(known)s.")
                    % {"value": platform_text, "known": ", ".join(Platform.values)},
                )
            )
        course_id: int | None = None
        if code:
            course = courses.get(code)
            if course is None:
                found = found or []
                found.append(
                    RowError(
                        number,
                        "course_code",
                        code,
                        _("Unknown course code “%(code)s”.") % {"code": code},
                    )
                )
                key = title = ""
            else:
                course_id, title = course
                key = code
        else:
            titled = external_title(title_text) if title_text else None
            if titled is None or len(titled[0]) > TITLE_MAX:
                found = found or []
                if not title_text:
                    message = _("Give a course code or the title of an external course.")
                elif titled is None:
                    message = _("The course title has no letters or digits.")
                else:
                    message = _("At most %(n)s characters.") % {"n": TITLE_MAX}
                column = "external_course_title" if title_text else "course_code"
                found.append(RowError(number, column, title_text, message))
                key = title = ""
            else:
                title, key = titled
        completed_on = dates[date_text] if date_text in dates else _date_of(ctx, date_text)
        if completed_on is None:
            found = found or []
            found.append(RowError(number, "completed_on", date_text, _date_problem(ctx, date_text)))
        score = None
        if score_text:
            score = scores[score_text] if score_text in scores else _score_of(ctx, score_text)
            if score is None:
                found = found or []
                found.append(
                    RowError(
                        number,
                        "score",
                        score_text,
                        _("A score is a number from 0 to 100 with at most two decimals."),
                    )
                )
        if len(certificate) > CERTIFICATE_NO_MAX:
            found = found or []
            found.append(
                RowError(
                    number,
                    "certificate_no",
                    certificate,
                    _("At most %(n)s characters.") % {"n": CERTIFICATE_NO_MAX},
                )
            )
        if found:
            errors.extend(found)
            continue
        if person_id is None:
            skipped.append(RowError(number, "national_id", national_id, str(UNMATCHED)))
            continue
        if (person_id, key, platform) in held:
            unchanged += 1
            continue
        creates.append(
            (
                person_id,
                course_id,
                key,
                title,
                platform,
                imported,
                completed_on,
                score,
                certificate,
                now,
                recorded_by,
            )
        )
    batch.unchanged += unchanged


_person_of = operator.itemgetter(0)  # a new row's person


def records_write(ctx: ExternalContext, batch: Batch) -> None:
    """Insert a checked batch's new completions (call inside the transaction)."""
    if batch.creates:
        if not ctx.created:
            bulk.check_constraints_at_once()
        # in the order of the unique key's first column, the person: the index's pages are
        # then visited once each, in order, instead of at random (a third faster on SQLite);
        # sorting on the whole key (two texts more) would cost more than it saves
        batch.creates.sort(key=_person_of)
        bulk.bulk_insert(Completion, INSERTED, batch.creates)
        ctx.created += len(batch.creates)


# ---------------------------------------------------------------------------------------------
# The API: a batch of records in one call
# ---------------------------------------------------------------------------------------------


class InvalidRecords(InvalidInput):
    """Some records of a batch are malformed: `items` names each (index, field, message)."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        super().__init__(
            ngettext(
                "%(n)s problem in the records; nothing was recorded.",
                "%(n)s problems in the records; nothing was recorded.",
                len(items),
            )
            % {"n": show_number(len(items))}
        )
        self.items = items


@dataclass
class Unmatched:
    index: int
    national_id: str  # masked
    message: str


@dataclass
class RecordsOutcome:
    records: int = 0
    created: int = 0
    unchanged: int = 0
    unmatched: list[Unmatched] = field(default_factory=list)


def _cell(value: Any) -> str | None:
    """A JSON value as the text a file's cell would hold; None when it cannot be one."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return None


def _cells_of(index: int, record: Any, problems: list[dict[str, Any]]) -> list[str] | None:
    if not isinstance(record, Mapping):
        problems.append({"index": index, "field": "", "message": _("A record is an object.")})
        return None
    cells: list[str] = []
    bad = False
    for name in FIELDS:
        text = _cell(record.get(name))
        if text is None:
            problems.append(
                {"index": index, "field": name, "message": _("Give a text or a number.")}
            )
            bad = True
            text = ""
        elif not text and name in REQUIRED:
            problems.append(
                {"index": index, "field": name, "message": _("This field is required.")}
            )
            bad = True
        cells.append(text)
    for name in record:
        if name not in FIELDS:
            problems.append(
                {
                    "index": index,
                    "field": str(name),
                    "message": _("Unknown field; expected: %(known)s.")
                    % {"known": ", ".join(FIELDS)},
                }
            )
            bad = True
    return None if bad else cells


def _digest(records: Sequence[Any]) -> str:
    text = json.dumps(list(records), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def completions_record(*, actor: Any, records: Sequence[Any]) -> RecordsOutcome:
    """Record a batch of completions sent by another platform (`POST
    /api/v1/learning/completions`), by the import's rules: if any record is malformed,
    `InvalidRecords` names each problem and nothing is recorded; otherwise the matched records
    are recorded (created, or unchanged when already held) and the unmatched ones returned,
    their ID numbers masked. One audit entry per call that records anything."""
    scope = scope_for(actor, Perm.MANAGE_LEARNERS)
    if scope.is_empty:
        raise PermissionDenied(_("You may not record completions."))
    if not records:
        raise InvalidInput({"records": _("Send at least one record.")})
    if len(records) > MAX_RECORDS_PER_CALL:
        raise InvalidInput(
            {
                "records": _("At most %(n)s records per call; send the rest in another call.")
                % {"n": show_number(MAX_RECORDS_PER_CALL)}
            }
        )
    problems: list[dict[str, Any]] = []
    rows: list[tuple[int, list[str]]] = []
    first_seen: dict[tuple[str, str, str], int] = {}
    for index, record in enumerate(records):
        cells = _cells_of(index, record, problems)
        if cells is None:
            continue
        key = record_key(cells)
        seen = first_seen.setdefault(key, index)
        if seen != index:
            problems.append(
                {
                    "index": index,
                    "field": "national_id",
                    "message": _("The same record as at index %(first)s.") % {"first": seen},
                }
            )
            continue
        rows.append((index, cells))
    outcome = RecordsOutcome(records=len(records))
    with transaction.atomic():
        ctx = external_context(actor)
        # a call is small: always look for completions already held, whatever another call
        # recorded since this one began
        ctx.fresh = False
        batch = Batch(rows=rows)
        if connection.vendor == "postgresql" and rows:
            # two calls sending the same new record at once: the second waits for the first
            # and then finds its completion, instead of breaking the unique constraint
            persons = ctx.persons({cells[0] for _i, cells in rows})
            locked = Person.objects.select_for_update().filter(pk__in=persons.values())
            list(locked.order_by("pk").values_list("pk"))
        records_check(ctx, batch)
        problems += [
            {"index": e.row, "field": e.column, "message": e.message} for e in batch.errors
        ]
        if problems:
            order = {name: n for n, name in enumerate(FIELDS)}
            problems.sort(key=lambda p: (p["index"], order.get(p["field"], len(FIELDS))))
            raise InvalidRecords(problems)
        records_write(ctx, batch)
        outcome.created = len(batch.creates)
        outcome.unchanged = batch.unchanged
        outcome.unmatched = [
            Unmatched(e.row, mask_national_id(e.value), e.message) for e in batch.skipped
        ]
        if outcome.created:
            digest = _digest(records)
            audit_record_many(
                actor=actor,
                action="completions.record",
                target_type="learning.completion",
                items=[
                    (
                        digest[:64],
                        _("%(n)s records from another platform") % {"n": len(records)},
                        {
                            "sha256": digest,
                            "records": len(records),
                            "created": outcome.created,
                            "unchanged": outcome.unchanged,
                            "unmatched": len(outcome.unmatched),
                        },
                        None if scope.is_global else min(scope.unit_ids, default=None),
                        None if scope.is_global or scope.unit_ids else min(scope.org_ids),
                    )
                ],
            )
    return outcome


__all__ = [
    "COLUMNS",
    "FIELDS",
    "MAX_RECORDS_PER_CALL",
    "ExternalContext",
    "InvalidRecords",
    "RecordsOutcome",
    "completions_record",
    "external_context",
    "record_key",
    "records_check",
    "records_write",
]
