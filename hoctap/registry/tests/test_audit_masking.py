"""Old 9-digit ID card numbers are personal ID numbers too: the audit log, read by roles that
may not see them, keeps them masked (`*****6789`), in new entries and, after the data migration,
in the entries written before."""

from __future__ import annotations

import importlib
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, migrations

from hoctap.audit.models import AuditEntry
from hoctap.conftest import World, client_for
from hoctap.registry import services
from hoctap.registry.models import Person

pytestmark = pytest.mark.django_db

OLD, NEW = "123456789", "987654321"
MIGRATION = "hoctap.registry.migrations.0004_mask_legacy_id_cards_in_the_audit_log"


def register_with_old_card(world: World) -> Person:
    return services.person_create(
        actor=world.officer_a,
        national_id="010090001111",
        full_name="Lê Văn Cũ",
        birth_date=world.person_a.birth_date.replace(year=1990),
        sex="male",
        ethnicity="01",
        village_code=world.village_a.code,
        legacy_id_card=OLD,
    )


def test_creating_and_changing_the_old_id_card_number_is_audited_masked(world: World) -> None:
    person = register_with_old_card(world)
    created = AuditEntry.objects.get(action="person.create", target_id=str(person.pk))
    assert created.changes["legacy_id_card"] == "*****6789"
    services.person_update(actor=world.officer_a, person=person, legacy_id_card=NEW)
    services.person_update(actor=world.officer_a, person=person, legacy_id_card="")
    first, second = AuditEntry.objects.filter(action="person.update").order_by("pk")
    assert first.changes == {"legacy_id_card": ["*****6789", "*****4321"]}
    assert second.changes == {"legacy_id_card": ["*****4321", ""]}
    stored = json.dumps(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert OLD not in stored
    assert NEW not in stored


def test_a_reader_without_the_personal_id_right_never_sees_the_old_number(
    world: World,
) -> None:
    """The secretariat reads the audit log and the registers, but not personal ID numbers: not
    on /api/v1/audit, not on an entry's page, not in the person page's audit table."""
    person = register_with_old_card(world)
    patched = client_for(world.officer_a).patch(
        "/api/v1/persons/010090001111",
        json.dumps({"legacy_id_card": NEW}),
        content_type="application/json",
    )
    assert patched.status_code == 200
    reader = client_for(world.secretariat)
    update = AuditEntry.objects.get(action="person.update", target_id=str(person.pk))
    for url in (
        "/api/v1/audit?action=person.",
        f"/api/v1/audit/{update.pk}",
        f"/audit/{update.pk}/",
        f"/persons/{person.pk}/",
    ):
        response = reader.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert OLD not in text, url
        assert NEW not in text, url
    assert "*****4321" in reader.get(f"/api/v1/audit/{update.pk}").content.decode()


def _entry(action: str, changes: dict[str, Any], world: World) -> AuditEntry:
    return AuditEntry.objects.create(
        actor_label="system",
        action=action,
        target_type="registry.person",
        target_id=str(world.person_a.pk),
        target_label="x",
        changes=changes,
        unit=world.village_a,
    )


def test_the_data_migration_masks_the_entries_written_before(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = _entry("person.create", {"full_name": "A", "legacy_id_card": OLD}, world)
    updated = _entry("person.update", {"legacy_id_card": [OLD, NEW], "phone": ["1", "2"]}, world)
    cleared = _entry("person.update", {"legacy_id_card": [NEW, ""]}, world)
    empty = _entry("person.create", {"full_name": "B", "legacy_id_card": ""}, world)
    other_field = _entry("person.update", {"full_name": ["A", "B"]}, world)
    other_action = _entry("person.view_national_id", {"legacy_id_card": OLD}, world)
    migration = importlib.import_module(MIGRATION)
    monkeypatch.setattr(migration, "BATCH", 2)  # several batches
    editor = SimpleNamespace(connection=connection)

    migration.mask_legacy_id_cards(apps, editor)

    def changes(entry: AuditEntry) -> Any:
        entry.refresh_from_db()
        return entry.changes

    assert changes(created) == {"full_name": "A", "legacy_id_card": "*****6789"}
    assert changes(updated) == {"legacy_id_card": ["*****6789", "*****4321"], "phone": ["1", "2"]}
    assert changes(cleared) == {"legacy_id_card": ["*****4321", ""]}
    assert changes(empty) == {"full_name": "B", "legacy_id_card": ""}
    assert changes(other_field) == {"full_name": ["A", "B"]}
    assert changes(other_action) == {"legacy_id_card": OLD}  # not a person's record

    migration.mask_legacy_id_cards(apps, editor)  # again: nothing more to mask
    assert changes(updated) == {"legacy_id_card": ["*****6789", "*****4321"], "phone": ["1", "2"]}
    (operation,) = migration.Migration.operations
    assert operation.reverse_code is migrations.RunPython.noop
