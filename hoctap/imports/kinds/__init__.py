"""What can be imported: one `ImportKind` per register, found by name.

A kind says which columns its files have (with their Vietnamese aliases), how to check a batch
of rows against the database and against the rows before it, and how to write a checked batch.
The pipeline in `hoctap.imports.services` does everything else: reading CSV/XLSX, headers,
empty required cells, duplicates of the natural key inside the file, the two passes, the one
transaction, counts, the error report. See docs/how-to/add-an-import-kind.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


class ImportKind:
    """Base of every kind. Subclasses set the class attributes and implement the three hooks.

    `check` is called twice per batch: in the validation pass (nothing written, the context
    remembers the keys of the rows before so that later rows may refer to them) and again in
    the write pass inside the transaction, where it gives the plans that `write` carries out.
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

    def start(self, *, actor: Any) -> Any:
        """A fresh context for one pass: lookups that fit in memory, the actor's scope."""
        raise NotImplementedError

    def check(self, ctx: Any, rows: Sequence[Row]) -> tuple[list[Plan], list[RowError]]:
        """Plans for the valid rows, errors for the others. Never writes."""
        raise NotImplementedError

    def write(self, ctx: Any, plans: Sequence[Plan]) -> None:
        """Carry out the create/update plans of one batch (bulk), with their audit entries."""
        raise NotImplementedError

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
