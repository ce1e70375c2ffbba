"""The index of the later words of each person's folded name (migration 0003), for the name
search of `selectors.person_list`: "mai" finds "Lò Thị Mai" without reading every row.

- PostgreSQL: a trigram GIN index (`pg_trgm`) on `' ' || <the words after the first>`, the
  expression the selector filters on (`LIKE '% mai%'`).
- SQLite: an FTS5 table of those words (contentless: no second copy of the names), kept up to
  date by triggers on `registry_person`. A migration that makes Django rebuild that table on
  SQLite (most ALTERs do) drops the triggers with the old table: it must call `install` again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

WORDS = "registry_person_words"
TRIGGERS = (f"{WORDS}_insert", f"{WORDS}_delete", f"{WORDS}_update")
# the words after the first (the whole name when it has one word)
_SQLITE_REST = (
    "CASE WHEN instr({row}.search_name, ' ') > 0 "
    "THEN substr({row}.search_name, instr({row}.search_name, ' ') + 1) "
    "ELSE {row}.search_name END"
)
_SQLITE_INSERT_TRIGGER = (
    f"CREATE TRIGGER IF NOT EXISTS {WORDS}_insert AFTER INSERT ON registry_person BEGIN "
    f"INSERT INTO {WORDS}(rowid, words) VALUES (new.id, {_SQLITE_REST.format(row='new')}); END"
)
POSTGRESQL_EXPRESSION = "(' ' || SUBSTRING(search_name, STRPOS(search_name, ' ') + 1))"


def _fill_sqlite(cursor: Any, from_id: int = 0) -> None:
    cursor.execute(
        f"INSERT INTO {WORDS}(rowid, words) "
        f"SELECT id, {_SQLITE_REST.format(row='registry_person')} FROM registry_person "
        "WHERE id >= %s",
        [from_id],
    )


def install(connection: Any) -> None:
    """Create the index for the database of `connection` and fill it from the persons."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {WORDS}_trgm ON registry_person USING gin "
                f"({POSTGRESQL_EXPRESSION} gin_trgm_ops)"
            )
            return
        if connection.vendor != "sqlite":
            return
        new, old = _SQLITE_REST.format(row="new"), _SQLITE_REST.format(row="old")
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {WORDS} USING fts5("
            "words, content='', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"
        )
        cursor.execute(_SQLITE_INSERT_TRIGGER)
        cursor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {WORDS}_delete AFTER DELETE ON registry_person BEGIN "
            f"INSERT INTO {WORDS}({WORDS}, rowid, words) VALUES ('delete', old.id, {old}); END"
        )
        cursor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {WORDS}_update AFTER UPDATE OF search_name "
            f"ON registry_person BEGIN "
            f"INSERT INTO {WORDS}({WORDS}, rowid, words) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {WORDS}(rowid, words) VALUES (new.id, {new}); END"
        )
        cursor.execute(f"INSERT INTO {WORDS}({WORDS}) VALUES ('delete-all')")
        _fill_sqlite(cursor)


def uninstall(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {WORDS}_trgm")
        elif connection.vendor == "sqlite":
            for trigger in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(f"DROP TABLE IF EXISTS {WORDS}")


@contextlib.contextmanager
def bulk_insert(connection: Any, *, from_id: int) -> Iterator[None]:
    """Around a bulk insert of persons with ids from `from_id` on (inside a transaction): on
    SQLite the words are indexed in one statement at the end, seven times faster than the
    insert trigger row by row. Elsewhere nothing to do."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS {WORDS}_insert")
    yield
    with connection.cursor() as cursor:
        _fill_sqlite(cursor, from_id)
        cursor.execute(_SQLITE_INSERT_TRIGGER)
