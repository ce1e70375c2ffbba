"""An index of the words after the first of each person's folded name, for the name search
(`selectors.person_list`): a trigram GIN index on PostgreSQL, an FTS5 table kept by triggers on
SQLite. What it is and how it is kept: `hoctap/registry/word_index.py`."""

from django.db import migrations

from hoctap.registry import word_index


def install(apps, schema_editor):
    word_index.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    word_index.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_person_search_indexes")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
