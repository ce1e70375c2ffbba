"""The `households` import kind: code, village, address, poverty status and year, clan.

A big register (the province has about 430,000 households), so it works on plain cells and
writes with `hoctap.core.bulk`; the households it creates are audited by the import's entry,
each one it changes by its own entry.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record_many
from hoctap.core import bulk
from hoctap.core.errors import InvalidInput
from hoctap.geo.models import UnitLevel
from hoctap.imports.kinds import Batch, ImportKind, RowError, Update
from hoctap.imports.readers import Column
from hoctap.registry import rules
from hoctap.registry.imports.common import (
    POVERTY_WORDS,
    BulkContext,
    bulk_context,
    chunks,
    rule_errors,
    unit_problem,
    word_reader,
)
from hoctap.registry.models import Clan, Household

WRITTEN = ("code", "village", "address", "poverty_status", "poverty_year", "clan")
COMPARED = ("address", "poverty_status", "poverty_year", "clan")  # the village never changes
poverty_word = word_reader(POVERTY_WORDS)


class HouseholdsKind(ImportKind):
    name = "households"
    label = gettext_lazy("Households")
    permission = Perm.MANAGE_REGISTRY
    key_column = "household_code"
    batch_size = 5000
    columns = (
        Column("household_code", ("mã hộ", "mã hộ gia đình")),
        Column("village_code", ("mã thôn", "mã thôn tổ dân phố", "mã thôn/tổ dân phố")),
        Column("address", ("địa chỉ",), required=False, blank=True),
        Column("poverty_status", ("hộ nghèo", "tình trạng nghèo"), required=False, blank=True),
        Column("poverty_year", ("năm", "năm xét nghèo"), required=False, blank=True),
        Column("clan_code", ("mã dòng họ",), required=False, blank=True),
    )

    def start(self, *, actor: Any) -> BulkContext:
        ctx = bulk_context(actor, level=UnitLevel.VILLAGE)
        ctx.in_file["clans"] = {}  # clan code → (id, commune id) or None, looked up once
        return ctx

    def _clans(self, ctx: BulkContext, codes: set[str]) -> dict[str, tuple[int, int] | None]:
        known: dict[str, tuple[int, int] | None] = ctx.in_file["clans"]
        missing = codes - known.keys() - {""}
        if missing:
            found = {
                code: (pk, commune_id)
                for code, pk, commune_id in Clan.objects.filter(
                    ctx.scope.units_q("commune_id"), code__in=missing
                ).values_list("code", "id", "commune_id")
            }
            for code in missing:
                known[code] = found.get(code)
        return known

    def check_batch(self, ctx: BulkContext, batch: Batch) -> None:
        rows = batch.rows
        existing = {
            row[0]: row[1:]
            for row in Household.objects.filter(code__in=[c[0] for _n, c in rows]).values_list(
                "code",
                "id",
                "village_id",
                "address",
                "poverty_status",
                "poverty_year",
                "clan_id",
                "clan__code",
            )
        }
        villages = ctx.unit_refs({c[1] for _n, c in rows})
        clans = self._clans(ctx, {c[5] for _n, c in rows})
        errors = batch.errors
        now = bulk.stored_now()
        for number, cells in rows:
            code, village_code, address, poverty_text, year_text, clan_code = cells
            found: list[RowError] = []
            try:
                rules.clean_code(code, "household_code")
            except InvalidInput as exc:
                found += rule_errors(exc, number, {"household_code": code})
            village = villages.get(village_code)
            problem = unit_problem(village, village_code)
            if problem is not None:
                found.append(RowError(number, "village_code", village_code, problem))
            if address:
                address = " ".join(address.split())
                if len(address) > 300:
                    found.append(
                        RowError(
                            number, "address", address, _("At most %(n)s characters.") % {"n": 300}
                        )
                    )
            year: int | None = None
            if year_text:
                try:
                    year = int(year_text)
                except ValueError:
                    found.append(RowError(number, "poverty_year", year_text, _("Not a year.")))
            try:
                poverty, year = rules.clean_poverty(poverty_word(poverty_text), year)
            except InvalidInput as exc:
                found += rule_errors(
                    exc, number, {"poverty_status": poverty_text, "poverty_year": year_text}
                )
            clan_id = None
            if clan_code:
                clan = clans.get(clan_code)
                if clan is None:
                    found.append(
                        RowError(
                            number,
                            "clan_code",
                            clan_code,
                            _("Unknown clan code “%(code)s”.") % {"code": clan_code},
                        )
                    )
                else:
                    clan_id = clan[0]
                    if village is not None and clan[1] != village.parent_id:
                        found.append(
                            RowError(
                                number,
                                "clan_code",
                                clan_code,
                                _("The clan belongs to another commune."),
                            )
                        )
            current = existing.get(code)
            if current is not None and village is not None:
                if not ctx.covers(current[1]):
                    found.append(
                        RowError(
                            number,
                            "household_code",
                            code,
                            _("The code “%(code)s” is already used.") % {"code": code},
                        )
                    )
                elif current[1] != village.id:
                    found.append(
                        RowError(
                            number,
                            "household_code",
                            code,
                            _("The household code “%(code)s” is used in another village.")
                            % {"code": code},
                        )
                    )
            if found:
                errors.extend(found)
                continue
            assert village is not None
            if current is None:
                batch.creates.append((code, village.id, address, poverty, year, clan_id, now, now))
                continue
            new = (address, poverty, year, clan_id)
            old = (current[2], current[3], current[4], current[5])
            if new == old:
                batch.unchanged += 1
                continue
            before = dict(zip(COMPARED, (*old[:3], current[6]), strict=True))
            after = dict(zip(COMPARED, (*new[:3], clan_code or None), strict=True))
            batch.updates.append(
                Update(
                    id=current[0],
                    label=code,
                    unit_id=village.id,
                    values=(*new, now),
                    changes={k: [before[k], after[k]] for k in COMPARED if before[k] != after[k]},
                )
            )

    def write_batch(self, ctx: BulkContext, batch: Batch) -> None:
        if batch.creates:
            if not ctx.in_file.get("immediate"):
                ctx.in_file["immediate"] = True
                bulk.check_constraints_at_once()
            bulk.bulk_insert(Household, (*WRITTEN, "created_at", "updated_at"), batch.creates)
        if batch.updates:
            fields = (*COMPARED, "updated_at")
            for part in chunks(batch.updates):
                bulk.bulk_update(Household, fields, [(*u.values, u.id) for u in part])
            audit_record_many(
                actor=ctx.actor,
                action="household.update",
                target_type="registry.household",
                items=((u.id, u.label, u.changes, u.unit_id, None) for u in batch.updates),
            )


households = HouseholdsKind()
