"""The `persons` import kind: the register of residents, up to millions of rows.

Every cell is held to the rules of `hoctap.registry.rules` and `national_id`, like the API and the
pages. To keep a million rows within seconds the kind works on plain cells and value tuples:
lookups (villages, households, heads) are asked once per batch or once per import, names are
folded once per distinct name, and rows are written with `hoctap.core.bulk` (multi-row `INSERT`s
on SQLite, `COPY` on PostgreSQL). The persons an import creates are audited by the import's own
entry (file, SHA-256, counts); each person it changes gets an entry with the changes, the ID
number masked.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record_many
from hoctap.core import bulk
from hoctap.core.errors import InvalidInput
from hoctap.geo.models import AdminUnit, UnitLevel
from hoctap.imports.kinds import Batch, ImportKind, RowError, Update
from hoctap.imports.readers import Column, parse_date
from hoctap.registry import rules, word_index
from hoctap.registry.ethnicity import ethnicity_code
from hoctap.registry.imports.common import (
    EID_WORDS,
    RELATION_WORDS,
    SEX_WORDS,
    BulkContext,
    bulk_context,
    chunks,
    folded_name,
    rule_errors,
    unit_problem,
    word_reader,
)
from hoctap.registry.models import Household, Person, PersonStatus, RelationToHead
from hoctap.registry.national_id import mask_national_id

# what a re-imported row is compared on (the audit entry shows village and household by code)
COMPARED = (
    "full_name",
    "birth_date",
    "sex",
    "ethnicity",
    "village",
    "household",
    "relation_to_head",
    "phone",
    "eid_level",
    "eid_linked_on",
)
# the values a row sets, in the order of the insert (then the legacy ID card number, status and
# its date, the times): the compared ones, with the ID number and the folded name
WRITTEN = ("national_id", COMPARED[0], "search_name", *COMPARED[1:])
CREATED = (*WRITTEN, "legacy_id_card", "status", "status_since", "created_at", "updated_at")
UPDATED = (*WRITTEN[1:], "updated_at")
HEAD = RelationToHead.HEAD.value
ANALYZE_AFTER = 10_000  # created rows after which the planner's statistics are refreshed
sex_word = word_reader(SEX_WORDS)
relation_word = word_reader(RELATION_WORDS)
eid_word = word_reader(EID_WORDS)
ethnicity_of = functools.lru_cache(maxsize=1024)(ethnicity_code)


def _named(cells: list[str]) -> dict[str, str]:
    """A row's cells by column name: for the messages of a wrong row only."""
    return dict(zip((c.name for c in PersonsKind.columns), cells, strict=True))


STORED = ("national_id", "id", *COMPARED)  # as `_existing` reads them


class PersonsKind(ImportKind):
    name = "persons"
    label = gettext_lazy("Persons")
    permission = Perm.MANAGE_REGISTRY
    key_column = "national_id"
    batch_size = 5000
    columns = (
        Column("national_id", ("số định danh", "số định danh cá nhân", "số cccd", "cccd")),
        Column("full_name", ("họ và tên", "họ tên")),
        Column("birth_date", ("ngày sinh",)),
        Column("sex", ("giới tính",)),
        Column("ethnicity", ("dân tộc",)),
        Column("village_code", ("mã thôn", "mã thôn tổ dân phố", "mã thôn/tổ dân phố")),
        Column("household_code", ("mã hộ", "mã hộ gia đình"), required=False, blank=True),
        Column("relation_to_head", ("quan hệ với chủ hộ",), required=False, blank=True),
        Column("phone", ("số điện thoại", "điện thoại"), required=False, blank=True),
        Column("eid_level", ("mức định danh điện tử", "mức định danh"), required=False, blank=True),
        Column("eid_linked_on", ("ngày liên kết",), required=False, blank=True),
    )

    def start(self, *, actor: Any) -> BulkContext:
        ctx = bulk_context(actor, level=UnitLevel.VILLAGE)
        ctx.in_file["heads"] = {}  # household id → national ID of its head named in the file
        return ctx

    # -- lookups of one batch ------------------------------------------------------------------

    @staticmethod
    def _existing(keys: list[str]) -> dict[str, tuple[Any, ...]]:
        """By ID number: (id, then the COMPARED fields with village and household as ids)."""
        return {row[0]: row[1:] for row in bulk.rows_where_in(Person, STORED, "national_id", keys)}

    @staticmethod
    def _households(ctx: BulkContext, codes: set[str]) -> dict[str, tuple[int, int]]:
        codes.discard("")
        return {
            code: (pk, village_id)
            for code, pk, village_id in bulk.rows_where_in(
                Household, ("code", "id", "village"), "code", codes
            )
            if ctx.covers(village_id)
        }

    @staticmethod
    def _heads(household_ids: list[int]) -> dict[int, str]:
        head = connection.ops.quote_name("relation_to_head")
        rows = bulk.rows_where_in(
            Person,
            ("household", "national_id"),
            "household",
            household_ids,
            extra=f"{head} = 'head'",
        )
        return dict(rows)

    @staticmethod
    def _codes(updates: list[tuple[Any, ...]]) -> tuple[dict[int, str], dict[int, str]]:
        """Village and household codes of the records that change, for their audit entries."""
        village_ids = {u[1][5] for u in updates} | {u[2][4] for u in updates}
        household_ids = ({u[1][6] for u in updates} | {u[2][5] for u in updates}) - {None}
        villages = dict(bulk.rows_where_in(AdminUnit, ("id", "code"), "id", village_ids))
        households = dict(bulk.rows_where_in(Household, ("id", "code"), "id", household_ids))
        return villages, households

    # -- the rows ------------------------------------------------------------------------------

    def check_batch(self, ctx: BulkContext, batch: Batch) -> None:
        rows = batch.rows
        existing = self._existing([c[0] for _n, c in rows])
        villages = ctx.unit_refs({c[5] for _n, c in rows})
        households = self._households(ctx, {c[6] for _n, c in rows})
        heads = self._heads([h[0] for h in households.values()])
        heads_in_file: dict[int, str] = ctx.in_file["heads"]
        today = ctx.today
        now = bulk.stored_now()
        since = today.isoformat()
        living = PersonStatus.LIVING_HERE.value
        errors = batch.errors
        changed: list[tuple[Any, ...]] = []  # (ID number, stored row, new values, name)
        for number, cells in rows:
            (
                national_id,
                name,
                birth_text,
                sex_text,
                ethnicity_text,
                village_code,
                household_code,
                relation_text,
                phone,
                eid_text,
                linked_text,
            ) = cells
            found: list[RowError] = []
            try:
                name = rules.clean_name(name, "full_name")
            except InvalidInput as exc:
                found += rule_errors(exc, number, _named(cells))
            birth: datetime.date | None = None
            try:
                birth = rules.clean_birth_date(parse_date(birth_text), today=today)
            except ValueError as exc:
                found.append(RowError(number, "birth_date", birth_text, str(exc)))
            except InvalidInput as exc:
                found += rule_errors(exc, number, _named(cells))
                birth = None
            sex: str | None = sex_word(sex_text)
            try:
                rules.clean_sex(sex_text if sex is None else sex)
            except InvalidInput as exc:
                found += rule_errors(exc, number, _named(cells))
                sex = None
            try:
                rules.clean_national_id(national_id, birth_date=birth, sex=sex)
            except InvalidInput as exc:
                found += rule_errors(exc, number, _named(cells))
            ethnicity = ethnicity_of(ethnicity_text)
            if ethnicity is None:
                found.append(
                    RowError(
                        number,
                        "ethnicity",
                        ethnicity_text,
                        _("Unknown ethnic group “%(value)s”.") % {"value": ethnicity_text},
                    )
                )
            if phone:
                try:
                    phone = rules.clean_phone(phone)
                except InvalidInput as exc:
                    found += rule_errors(exc, number, _named(cells))
            linked: datetime.date | None = None
            if linked_text:
                try:
                    linked = parse_date(linked_text)
                except ValueError as exc:
                    found.append(RowError(number, "eid_linked_on", linked_text, str(exc)))
            eid = eid_word(eid_text)
            try:
                rules.clean_eid(eid, linked, birth_date=birth, today=today)
            except InvalidInput as exc:
                found += rule_errors(exc, number, _named(cells))
            village = villages.get(village_code)
            problem = unit_problem(village, village_code)
            if problem is not None:
                found.append(RowError(number, "village_code", village_code, problem))
            household_id: int | None = None
            if household_code:
                household = households.get(household_code)
                if household is None:
                    found.append(
                        RowError(
                            number,
                            "household_code",
                            household_code,
                            _("Unknown household code “%(code)s”.") % {"code": household_code},
                        )
                    )
                else:
                    household_id = household[0]
                    if village is not None and household[1] != village.id:
                        found.append(
                            RowError(
                                number,
                                "household_code",
                                household_code,
                                _("The household belongs to another village."),
                            )
                        )
            relation = relation_word(relation_text)
            try:
                relation = rules.clean_relation(relation, has_household=bool(household_code))
            except InvalidInput as exc:
                found += rule_errors(exc, number, _named(cells))
            if household_id is not None and relation == HEAD:
                head = heads_in_file.get(household_id) or heads.get(household_id)
                if head is not None and head != national_id:
                    found.append(
                        RowError(
                            number,
                            "relation_to_head",
                            relation_text,
                            _("The household already has a head."),
                        )
                    )
            current = existing.get(national_id)
            if current is not None and not ctx.covers(current[5]):
                found.append(
                    RowError(
                        number,
                        "national_id",
                        national_id,
                        _("A person with this ID number is already registered."),
                    )
                )
            if found:
                errors.extend(found)
                continue
            assert village is not None
            assert birth is not None
            if household_id is not None and relation == HEAD:
                heads_in_file[household_id] = national_id
            birth_iso = birth_text if birth_text[4:5] == "-" else birth.isoformat()
            linked_iso = None
            if linked is not None:
                linked_iso = linked_text if linked_text[4:5] == "-" else linked.isoformat()
            new = (
                name,
                birth_iso,
                sex,
                ethnicity,
                village.id,
                household_id,
                relation,
                phone,
                eid,
                linked_iso,
            )
            if current is None:
                batch.creates.append(
                    (
                        national_id,
                        name,
                        folded_name(name),
                        birth_iso,
                        sex,
                        ethnicity,
                        village.id,
                        household_id,
                        relation,
                        phone,
                        eid,
                        linked_iso,
                        "",
                        living,
                        since,
                        now,
                        now,
                    )
                )
                continue
            if new == current[1:11]:
                batch.unchanged += 1
                continue
            changed.append((national_id, current, new, name))
        if changed:
            self._updates(batch, changed, now)

    def _updates(self, batch: Batch, changed: list[tuple[Any, ...]], now: Any) -> None:
        villages, households = self._codes(changed)
        for national_id, current, new, name in changed:
            before = dict(zip(COMPARED, current[1:11], strict=True))
            after = dict(zip(COMPARED, new, strict=True))
            for values in (before, after):
                values["village"] = villages.get(values["village"])
                values["household"] = households.get(values["household"])
            batch.updates.append(
                Update(
                    id=current[0],
                    label=f"{name} ({mask_national_id(national_id)})",
                    unit_id=new[4],
                    values=(*new[:1], folded_name(name), *new[1:], now),
                    changes={k: [before[k], after[k]] for k in COMPARED if before[k] != after[k]},
                )
            )

    def write_batch(self, ctx: BulkContext, batch: Batch) -> None:
        if batch.creates:
            if "words" not in ctx.in_file:
                bulk.check_constraints_at_once()
                # the name-search index of the new persons is filled in one statement at the
                # end (`finish`) instead of row by row; rolled back with the import if need be
                stack = contextlib.ExitStack()
                first_id = (Person.objects.aggregate(last=Max("id"))["last"] or 0) + 1
                stack.enter_context(word_index.bulk_insert(connection, from_id=first_id))
                ctx.in_file["words"] = stack
            bulk.bulk_insert(Person, CREATED, batch.creates)
            ctx.in_file["created"] = ctx.in_file.get("created", 0) + len(batch.creates)
        if batch.updates:
            for part in chunks(batch.updates):
                bulk.bulk_update(Person, UPDATED, [(*u.values, u.id) for u in part])
            audit_record_many(
                actor=ctx.actor,
                action="person.update",
                target_type="registry.person",
                items=((u.id, u.label, u.changes, u.unit_id, None) for u in batch.updates),
            )

    def finish(self, ctx: BulkContext) -> None:
        stack = ctx.in_file.pop("words", None)
        if stack is not None:
            stack.close()
        if ctx.in_file.get("created", 0) >= ANALYZE_AFTER:
            bulk.analyze(Person)  # the searches' plans depend on the table's size
            # and, once committed, VACUUM (PostgreSQL) in the background: by name, tasks sit
            # above the import kinds in the layers
            tidy = import_string("hoctap.registry.tasks.register_tables_tidy_task")
            transaction.on_commit(tidy.enqueue)


persons = PersonsKind()
