"""What can be imported: one `ImportKind` per register, found by name.

A kind says which columns its files have (with their Vietnamese aliases), how to check a batch
of rows against the database and against the rows before it, and how to write a checked batch.
The pipeline in `hoctap.imports.services` does everything else: reading CSV/XLSX, headers,
empty required cells, duplicates of the natural key inside the file, the one transaction
(rolled back when any row is wrong), counts, the error report.
See docs/how-to/add-an-import-kind.md.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from hoctap.audit.services import audit_record_many
from hoctap.imports.readers import Column


@dataclass(frozen=True)
class RowError:
    """One problem, where the user sees it: sheet row number (header = 1), column, value."""

    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class Row:
    """A data row: its sheet row number and its cells by canonical column name ("" if empty)."""

    number: int
    values: dict[str, str]

    def error(self, column: str, message: str) -> RowError:
        return RowError(self.number, column, self.values.get(column, ""), message)


CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass
class Plan:
    """What writing one valid row will do. `data` is the kind's own (parsed values, ids)."""

    row: int
    key: str
    action: str  # CREATE / UPDATE / UNCHANGED
    data: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, list[Any]] = field(default_factory=dict)


def plan_for_existing(
    row: int, key: str, data: dict[str, Any], *, record_id: int, changes: dict[str, list[Any]]
) -> Plan:
    """The plan of a row whose record exists: UPDATE if anything changed, else UNCHANGED."""
    action = UPDATE if changes else UNCHANGED
    return Plan(row, key, action, data={**data, "id": record_id}, changes=changes)


@dataclass
class Update:
    """A record a row changes: its id, what the audit entry shows, and the new stored values."""

    id: int
    label: str
    unit_id: int | None
    values: tuple[Any, ...]
    changes: dict[str, list[Any]]


@dataclass
class Batch:
    """A few thousand rows on their way through the pipeline, and what checking them found.

    `rows` are (sheet row number, cells in the order of the kind's `columns`, "" when empty).
    A kind's `check_batch` fills the rest: `creates` (new records, in whatever form its
    `write_batch` inserts them), `updates`, the count of `unchanged` rows, `errors`, and
    `skipped`: rows that are well formed but will not be imported, which do not reject the file
    (a completion whose ID number names nobody in the register). Only kinds that say so skip
    rows; the registers' kinds never do (a row they cannot import is an error).
    """

    rows: list[tuple[int, list[str]]]
    creates: list[Any] = field(default_factory=list)
    updates: list[Any] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    skipped: list[RowError] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)  # the row-by-row kinds' plans


class ImportKind:
    """Base of every kind. Subclasses set the class attributes and implement the hooks.

    There are two ways to write a kind. A small register implements `check` and `write` on
    `Row`s and `Plan`s (one object per row, one audit entry per created record): simple, and
    fast enough for a few thousand rows. A big register (persons, households: a million rows)
    overrides `check_batch` and `write_batch` and works on plain cell lists and value tuples,
    writing with `hoctap.core.bulk`; its created records are audited by the import's own
    entry. The pipeline only calls `start`, `check_batch`, `write_batch` and `finish`.

    The pipeline reads the file once. When it writes, it checks a batch and writes it before
    reading the next, inside one transaction that it rolls back if any row was wrong: so a
    check sees the rows of the earlier batches in the database, and the context must remember
    what later rows of the same file may refer to when nothing is written (the preview).
    """

    name: str = ""
    label: str | Promise = ""
    permission: str = ""  # the permission whose scope decides which rows the actor may write
    key_column: str = "code"
    columns: tuple[Column, ...] = ()
    batch_size: int = 2000

    def key(self, values: dict[str, str]) -> str:
        """The natural key of a row, unique in the file (by default the `key_column` cell)."""
        return values[self.key_column]

    def key_of_cells(self) -> Callable[[list[str]], Hashable]:
        """The natural key from a row's cells (in `columns` order), fast: called per row; any
        hashable value (a tuple is cheaper to make than a string)."""
        names = [c.name for c in self.columns]
        if type(self).key is ImportKind.key:
            position = names.index(self.key_column)
            return lambda cells: cells[position]
        return lambda cells: self.key(dict(zip(names, cells, strict=True)))

    def start(self, *, actor: Any) -> Any:
        """A fresh context for one run: lookups that fit in memory, the actor's scope."""
        raise NotImplementedError

    def check(self, ctx: Any, rows: Sequence[Row]) -> tuple[list[Plan], list[RowError]]:
        """Row-by-row kinds: plans for the valid rows, errors for the others. Never writes."""
        raise NotImplementedError

    def write(self, ctx: Any, plans: Sequence[Plan]) -> None:
        """Row-by-row kinds: carry out the create/update plans of one batch, with audit."""
        raise NotImplementedError

    def check_batch(self, ctx: Any, batch: Batch) -> None:
        """Check a batch: fill `batch` with what writing it would do, and its errors."""
        names = [c.name for c in self.columns]
        rows = [Row(number, dict(zip(names, cells, strict=True))) for number, cells in batch.rows]
        plans, errors = self.check(ctx, rows)
        batch.errors.extend(errors)
        batch.plans = [p for p in plans if p.action != UNCHANGED]
        batch.unchanged += len(plans) - len(batch.plans)
        batch.creates = [p for p in batch.plans if p.action == CREATE]
        batch.updates = [p for p in batch.plans if p.action == UPDATE]

    def write_batch(self, ctx: Any, batch: Batch) -> None:
        """Write a checked batch without errors (creates and updates, with their audit)."""
        if batch.plans:
            self.write(ctx, batch.plans)

    def finish(self, ctx: Any) -> None:
        """After the last batch, still inside the transaction (e.g. rebuild a closure table)."""


KINDS: dict[str, ImportKind] = {}


def register_kind(kind: ImportKind) -> ImportKind:
    """Make a kind known to `hoctap import` and to the import pages. Call it from the owning
    app's `AppConfig.ready()`; registering the same name again replaces the kind."""
    KINDS[kind.name] = kind
    return kind


def kind_names() -> list[str]:
    return sorted(KINDS)


def audit_bulk(
    *,
    actor: Any,
    action: str,
    target_type: str,
    items: Iterable[tuple[Any, str, dict[str, Any], int | None, int | None]],
) -> None:
    """One audit entry per imported record (see `hoctap.audit.services.audit_record_many`)."""
    audit_record_many(actor=actor, action=action, target_type=target_type, items=items)
