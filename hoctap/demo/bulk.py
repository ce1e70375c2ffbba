"""Writing millions of generated rows fast: `executemany` on SQLite, `COPY ... FROM STDIN` on
PostgreSQL (psycopg 3), on the Django connection so that it runs in the caller's transaction.

The rows bypass the ORM (no model instances, no signals, no per-row validation): the generator
guarantees the register rules, and the database still checks every constraint.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model

from hoctap.core import bulk


def columns_of(model: type[Model], fields: Sequence[str]) -> list[str]:
    return [str(model._meta.get_field(name).column) for name in fields]  # type: ignore[union-attr]


def next_id(model: type[Model]) -> int:
    """The first free primary key: the demo gives its rows explicit keys, so that households,
    persons and memberships can point at each other before anything is written."""
    return int(model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def write_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert `rows` (values in the order of `fields`) into `model`'s table; the row count."""
    return bulk.bulk_insert(model, fields, rows)


def timestamp(moment: datetime.datetime) -> Any:
    """`moment` as the database stores it (SQLite: a UTC string; PostgreSQL: as is)."""
    return connection.ops.adapt_datetimefield_value(moment)


def set_representatives(model: type[Model], pairs: Sequence[tuple[int, int]]) -> None:
    """`representative = person` for each (person id, clan id), once the persons exist."""
    quote = connection.ops.quote_name
    column = columns_of(model, ["representative"])[0]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
            list(pairs),
        )


check_constraints_at_once = bulk.check_constraints_at_once


def reset_sequences(models: Sequence[type[Model]]) -> None:
    """After explicit keys, the next key the database gives must come after them (PostgreSQL;
    SQLite's AUTOINCREMENT follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def analyze(models: Sequence[type[Model]]) -> None:
    """Refresh the planner's statistics after a bulk load, so that it knows the tables' sizes
    and picks the right index for a search. On PostgreSQL also VACUUM (outside a transaction):
    it marks the new pages all-visible, so that a search can read the name index alone."""
    command = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
