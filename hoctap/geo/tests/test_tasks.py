"""The background jobs run on the real database queue: enqueued, picked up by the worker."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from hoctap.geo.models import AdminUnit, UnitClosure
from hoctap.geo.tasks import closure_rebuild_task, units_load_official_task

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_QUEUE)
def test_the_database_worker_runs_a_queued_load_once_and_a_rerun_changes_nothing():
    units_load_official_task.enqueue("15")
    units_load_official_task.enqueue("15")  # queued twice: the job is safe to repeat
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    assert not AdminUnit.objects.exists()

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    results = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [r.status for r in results] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert results[0].return_value == {"created": 100, "updated": 0, "unchanged": 0}
    assert results[1].return_value == {"created": 0, "updated": 0, "unchanged": 100}
    assert AdminUnit.objects.count() == 100


@pytest.mark.django_db
def test_closure_rebuild_task_gives_the_same_rows(world):
    before = set(UnitClosure.objects.values_list("ancestor_id", "descendant_id", "depth"))
    # four organisations, each with itself, and two of them under a parent
    organisation_rows = 4 + 2
    UnitClosure.objects.all().delete()
    result = closure_rebuild_task.enqueue()
    assert result.return_value == {"units": len(before), "organisations": organisation_rows}
    after = set(UnitClosure.objects.values_list("ancestor_id", "descendant_id", "depth"))
    assert after == before
