"""An index of the words after the first of each person's folded name, for the name search
(`selectors.person_list`): "mai" finds "Lò Thị Mai" without reading 1.7 million rows.

The first word (and any prefix of the whole name) is served by the ordinary index on
`search_name`; the later words need one of their own, and each database has its own kind:

- PostgreSQL: a trigram GIN index (`pg_trgm`, a trusted extension since PostgreSQL 13: the
  database owner may create it) on the expression `' ' || <the words after the first>` — the
  same expression the selector filters on (`LIKE '% mai%'`), so the planner can use it.
- SQLite: an FTS5 table holding those words (contentless: no second copy of the names), kept up
  to date by triggers on `registry_person`. Caution: when a later migration makes Django rebuild
  the `registry_person` table on SQLite (most ALTERs do), the triggers go with the old table —
  such a migration must call `install_sqlite` again (a test checks that the triggers exist).
"""

from django.db import migrations

WORDS = "registry_person_words"
# the words after the first (the whole name when it has one word)
SQLITE_REST = (
    "CASE WHEN instr({row}.search_name, ' ') > 0 "
    "THEN substr({row}.search_name, instr({row}.search_name, ' ') + 1) "
    "ELSE {row}.search_name END"
)


def install_sqlite(cursor):
    new, old = SQLITE_REST.format(row="new"), SQLITE_REST.format(row="old")
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {WORDS} USING fts5("
        "words, content='', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"
    )
    for statement in (
        f"CREATE TRIGGER IF NOT EXISTS {WORDS}_insert AFTER INSERT ON registry_person BEGIN "
        f"INSERT INTO {WORDS}(rowid, words) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {WORDS}_delete AFTER DELETE ON registry_person BEGIN "
        f"INSERT INTO {WORDS}({WORDS}, rowid, words) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS {WORDS}_update AFTER UPDATE OF search_name "
        f"ON registry_person BEGIN "
        f"INSERT INTO {WORDS}({WORDS}, rowid, words) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {WORDS}(rowid, words) VALUES (new.id, {new}); END",
    ):
        cursor.execute(statement)
    cursor.execute(f"INSERT INTO {WORDS}({WORDS}) VALUES ('delete-all')")
    cursor.execute(
        f"INSERT INTO {WORDS}(rowid, words) "
        f"SELECT id, {SQLITE_REST.format(row='registry_person')} FROM registry_person"
    )


def install(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            install_sqlite(cursor)
        elif connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {WORDS}_trgm ON registry_person USING gin "
                "((' ' || SUBSTRING(search_name, STRPOS(search_name, ' ') + 1)) gin_trgm_ops)"
            )


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for suffix in ("insert", "delete", "update"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {WORDS}_{suffix}")
            cursor.execute(f"DROP TABLE IF EXISTS {WORDS}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {WORDS}_trgm")


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_person_search_indexes")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
