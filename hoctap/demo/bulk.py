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


def columns_of(model: type[Model], fields: Sequence[str]) -> list[str]:
    return [str(model._meta.get_field(name).column) for name in fields]  # type: ignore[union-attr]


def next_id(model: type[Model]) -> int:
    """The first free primary key: the demo gives its rows explicit keys, so that households,
    persons and memberships can point at each other before anything is written."""
    return int(model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def write_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert `rows` (values in the order of `fields`) into `model`'s table; the row count."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(c) for c in columns_of(model, fields))
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw: Any = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        listed = rows if isinstance(rows, list) else list(rows)
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", listed)  # noqa: S608
        return len(listed)


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


def check_constraints_at_once() -> None:
    """On PostgreSQL, check foreign keys row by row instead of queueing millions of deferred
    checks until the commit (Django declares them DEFERRABLE INITIALLY DEFERRED). Lasts until
    the end of the transaction; rows must then be written parents first."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


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
