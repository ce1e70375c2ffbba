"""Writing many rows at the speed of the database: multi-row `INSERT`s on SQLite, `COPY` on
PostgreSQL. For imports and generated data of a million rows, where building a model object per
row (what `bulk_create` does) costs more than the insert itself.

The rows are tuples of values already in their stored form: `YYYY-MM-DD` strings for dates,
`stored_now()` for the time, ids for foreign keys. Nothing here validates: the caller has
checked every row against the same rules as the model's services. Call inside a transaction.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    meta = model._meta
    columns = [getattr(meta.get_field(name), "column", None) for name in fields]
    if None in columns:
        raise ValueError(f"not concrete fields of {meta.label}: {fields}")
    return [connection.ops.quote_name(str(column)) for column in columns]


def stored_now() -> Any:
    """The current time as the database stores a `DateTimeField` (aware, in UTC)."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


def bulk_insert(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert `rows` (values in `fields` order) into the model's table, without ids back; the
    number of rows."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(_columns(model, fields))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor: COPY is not in the DB-API
            count = 0
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        listed = rows if isinstance(rows, list) else list(rows)
        # many rows per statement: SQLite runs one statement per row of an `executemany`, with
        # its set-up and AUTOINCREMENT bookkeeping each time; a statement of a thousand rows
        # inserts about twice as fast (bench/README.md, import_completions.py)
        per_statement = max(1, min(1000, _sqlite_max_parameters() // len(fields)))
        row_marks = "(" + ", ".join(["?"] * len(fields)) + ")"
        insert = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 (quoted names)
        full_sql = insert + ", ".join([row_marks] * per_statement)
        for start in range(0, len(listed), per_statement):
            part = listed[start : start + per_statement]
            sql = (
                full_sql
                if len(part) == per_statement
                else insert + ", ".join([row_marks] * len(part))
            )
            _sqlite_execute(cursor, sql, list(itertools.chain.from_iterable(part)))
        return len(listed)


def _sqlite_execute(cursor: Any, sql: str, params: Sequence[Any]) -> None:
    """Run `sql`, written with SQLite's own `?` marks, on the sqlite3 cursor under Django's
    (errors still become Django's). Django's cursor would rewrite `%s` into `?` with a regular
    expression at every call: on statements of thousands of marks that costs more than
    the statement (0.28 s of a 200,000-row import)."""
    with connection.wrap_database_errors:
        sqlite3.Cursor.execute(cursor.cursor, sql, params)


def _sqlite_max_parameters() -> int:
    """How many parameters one SQLite statement may take (32,766 since SQLite 3.32; Django's
    `max_query_params` still says 999, the old default)."""
    connection.ensure_connection()
    return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))


def bulk_update(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Set `fields` of existing records: each row is (values in `fields` order..., pk)."""
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{column} = %s" for column in _columns(model, fields))
    pk = _columns(model, [model._meta.pk.name])[0]
    with connection.cursor() as cursor:
        sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 (quoted names)
        cursor.executemany(sql, rows)  # type: ignore[arg-type]


def rows_where_in(
    model: type[models.Model],
    fields: Sequence[str],
    key_field: str,
    keys: Iterable[Any],
    *,
    extra: str = "",
) -> Iterator[tuple[Any, ...]]:
    """The `fields` of the records whose `key_field` is one of `keys`, as plain tuples, a few
    thousand keys per query: the ORM's per-value work on a long `__in` list costs more than the
    query. Date fields come back as `YYYY-MM-DD` text on both databases. `extra` is a further
    SQL condition (no parameters)."""
    meta = model._meta
    selected = []
    for name, column in zip(fields, _columns(model, fields), strict=True):
        kind = meta.get_field(name).get_internal_type()
        selected.append(f"CAST({column} AS TEXT)" if kind == "DateField" else column)
    table = connection.ops.quote_name(meta.db_table)
    key = _columns(model, [key_field])[0]
    values = list(keys)
    where = f" AND {extra}" if extra else ""
    select = f"SELECT {', '.join(selected)} FROM {table} WHERE "  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(values), 5000):
            part = values[start : start + 5000]
            if connection.vendor == "postgresql":  # one array parameter, not 5,000
                cursor.execute(f"{select}{key} = ANY(%s){where}", [part])
            else:
                marks = ", ".join(["?"] * len(part))
                _sqlite_execute(cursor, f"{select}{key} IN ({marks}){where}", part)
            yield from cursor.fetchall()


def check_constraints_at_once() -> None:
    """On PostgreSQL, check foreign keys row by row instead of queueing one deferred check per
    row until the commit (Django declares them DEFERRABLE INITIALLY DEFERRED): millions of
    queued checks cost memory and a long commit. Lasts until the end of the transaction; rows
    must then be written parents first. SQLite checks its deferred keys cheaply: nothing to do."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def analyze(model: type[models.Model]) -> None:
    """Refresh the planner's statistics of the model's table after a bulk write (inside the
    transaction is fine), so that the next queries know its size and pick the right index."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def vacuum_analyze(model: type[models.Model]) -> None:
    """After a big write has committed: on PostgreSQL, VACUUM ANALYZE the table, which marks the
    new rows' pages all-visible (so that a search can read an index alone, and the next reads
    need not set the rows' hint bits) and refreshes the statistics; on SQLite, ANALYZE. Inside
    a transaction (where VACUUM cannot run) only ANALYZE."""
    table = connection.ops.quote_name(model._meta.db_table)
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(f"{'VACUUM ANALYZE' if vacuum else 'ANALYZE'} {table}")


_gc_pauses = 0  # sections in this process that asked for no automatic collection
_gc_was_enabled = True
_gc_pauses_lock = threading.Lock()


@contextlib.contextmanager
def gc_paused() -> Iterator[Callable[[], None]]:
    """Python's automatic cycle collection off for a bulk job in this block; yields a function
    that collects the young objects only, to call between batches. The automatic collector
    runs after every so many new containers, and its full collections walk the ever larger
    dicts and lists a job keeps (the natural keys seen, the persons matched): in a
    200,000-row import that was a fifth of the time. Collecting the young objects between
    batches still frees the cycles a batch leaves (model instances of the row-by-row kinds);
    the rest waits until after the block. Safe to nest and to use from several threads: the
    collector comes back when the last block ends, if it was on before the first."""
    global _gc_pauses, _gc_was_enabled
    with _gc_pauses_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield _collect_young
    finally:
        with _gc_pauses_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def _collect_young() -> None:
    gc.collect(1)
