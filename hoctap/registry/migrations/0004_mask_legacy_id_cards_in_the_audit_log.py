"""Mask the old 9-digit ID card numbers (`legacy_id_card`) that `person.create` and
`person.update` audit entries kept in full until now (`123456789` → `*****6789`), as the services
now write them: the audit log is read by roles that may not see personal ID numbers (ADR 0010).

A data migration only. Entries are read in batches by primary key and only those whose
`changes` hold the key are rewritten; masking a masked value gives the same value, so running it
again changes nothing. Reversing it is a no-op: the numbers are not to come back."""

from django.db import migrations

ACTIONS = ("person.create", "person.update")
BATCH = 1000


def _masked(value):
    """The number with only its last four digits shown (`registry.national_id`'s masking,
    copied so that this migration keeps doing what it did when that code changes)."""
    if not isinstance(value, str) or not value:
        return value
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def _masked_changes(changes):
    value = changes["legacy_id_card"]  # a creation's value, or an update's [old, new]
    masked = [_masked(v) for v in value] if isinstance(value, list) else _masked(value)
    if masked == value:
        return None
    return {**changes, "legacy_id_card": masked}


def mask_legacy_id_cards(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    entries = AuditEntry.objects.using(schema_editor.connection.alias).filter(
        action__in=ACTIONS, changes__has_key="legacy_id_card"
    )
    last = 0
    while True:
        batch = list(entries.filter(pk__gt=last).order_by("pk").only("pk", "changes")[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        changed = []
        for entry in batch:
            masked = _masked_changes(entry.changes)
            if masked is not None:
                entry.changes = masked
                changed.append(entry)
        if changed:
            AuditEntry.objects.using(schema_editor.connection.alias).bulk_update(
                changed, ["changes"]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_drop_the_unit_index"),
        ("registry", "0003_person_later_words_index"),
    ]

    operations = [
        migrations.RunPython(mask_legacy_id_cards, migrations.RunPython.noop, elidable=True),
    ]
