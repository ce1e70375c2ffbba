"""Drop the audit log's index on `unit` alone: `audit_unit_time_idx` (unit, -created_at) starts
with the same column and serves every look-up by unit, and each audited write paid for both.

Django's `AlterField` would rebuild the whole audit table on SQLite to drop an index; a plain
`DROP INDEX` does the same in an instant on both databases. The name is the one Django gave the
index in 0001 (the same on SQLite and PostgreSQL)."""

import django.db.models.deletion
from django.db import migrations, models

UNIT_INDEX = "audit_auditentry_unit_id_e48fb0c5"


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("geo", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="geo.adminunit",
                        verbose_name="unit",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{UNIT_INDEX}"',
                    f'CREATE INDEX "{UNIT_INDEX}" ON "audit_auditentry" ("unit_id")',
                ),
            ],
        ),
    ]
