"""Import jobs: upload → validate (preview) → confirm → the task writes → done."""

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from hoctap.core.errors import Conflict, NotFound, PermissionDenied
from hoctap.geo.models import AdminUnit
from hoctap.imports import selectors, services
from hoctap.imports.models import ImportJob, ImportStatus
from hoctap.imports.tasks import import_run_task
from hoctap.imports.tests.helpers import counts

HEADER = "code,name,kind,parent_code,valid_from\n"
GOOD = HEADER + "02647-901,Thôn Chín,village,02647,\n"
BAD = HEADER + "04465-901,Bản Chín,village,04465,\n"  # commune B: outside officer A's scope
DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def upload(actor, text):
    return services.import_upload(
        actor=actor, kind="units", file=ContentFile(text.encode()), file_name="villages.csv"
    )


@pytest.mark.django_db
def test_a_rejected_preview_keeps_the_errors_and_cannot_be_confirmed(world):
    job = upload(world.officer_a, BAD)
    before = counts()
    job = services.import_validate(actor=world.officer_a, job=job)
    assert job.status == ImportStatus.REJECTED
    assert job.error_count == 1
    assert job.errors[0]["row"] == 2
    assert job.errors[0]["column"] == "parent_code"
    assert job.error_file.read().decode("utf-8-sig").startswith("Row,Column,Value,Problem")
    with pytest.raises(Conflict):
        services.import_confirm(actor=world.officer_a, job=job)
    assert counts() == before


@pytest.mark.django_db(transaction=True)
def test_upload_validate_confirm_runs_the_task_after_commit(world):
    job = upload(world.officer_a, GOOD)
    job = services.import_validate(actor=world.officer_a, job=job)
    assert (job.status, job.created_count, job.rows_total) == (ImportStatus.VALIDATED, 1, 1)
    assert not AdminUnit.objects.filter(code="02647-901").exists()  # the preview wrote nothing
    services.import_confirm(actor=world.officer_a, job=job)  # immediate backend in tests
    job.refresh_from_db()
    assert (job.status, job.created_count, job.rows_done) == (ImportStatus.DONE, 1, 1)
    assert job.started_at is not None
    assert job.finished_at is not None
    village = AdminUnit.objects.get(code="02647-901")
    assert village.parent == world.commune_a
    # safe to run twice: a finished job is left as it is
    assert (import_run_task.enqueue(job.pk).return_value or {})["created"] == 1
    assert AdminUnit.objects.filter(code__startswith="02647-9").count() == 1


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_QUEUE)
def test_the_database_worker_runs_a_confirmed_import(world):
    job = upload(world.officer_a, GOOD)
    # the upload queued its check (the preview) when it committed
    assert list(DBTaskResult.objects.values_list("task_path", "status")) == [
        ("hoctap.imports.tasks.import_validate_task", "READY")
    ]
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.VALIDATED, 1)
    services.import_confirm(actor=world.officer_a, job=job)
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    result = DBTaskResult.objects.get(task_path="hoctap.imports.tasks.import_run_task")
    assert result.status == "SUCCESSFUL"
    assert (result.return_value or {})["status"] == "done"
    assert AdminUnit.objects.filter(code="02647-901").exists()


@pytest.mark.django_db
def test_a_job_whose_data_changed_since_the_preview_fails_and_writes_nothing(world):
    job = services.import_validate(actor=world.officer_a, job=upload(world.officer_a, GOOD))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    AdminUnit.objects.filter(pk=world.commune_a.pk).update(valid_to="2025-12-31")
    before = counts()
    job = services.import_run(job_id=job.pk)
    assert job.status == ImportStatus.REJECTED
    assert counts() == before


@pytest.mark.django_db
def test_who_may_upload_and_who_sees_the_jobs(world):
    with pytest.raises(PermissionDenied):
        upload(world.viewer, GOOD)
    mine = upload(world.officer_a, GOOD)
    other = upload(world.officer_b, HEADER)
    assert list(selectors.import_list(actor=world.officer_a)) == [mine]
    assert set(selectors.import_list(actor=world.admin)) == {mine, other}
    # the system administrator of commune A sees the imports made in commune A
    assert list(selectors.import_list(actor=world.sysadmin_a)) == [mine]
    with pytest.raises(NotFound):
        selectors.import_get(actor=world.officer_b, import_id=mine.pk)
    with pytest.raises(NotFound):
        services.import_validate(actor=world.officer_b, job=mine)
    assert selectors.import_get(actor=world.officer_a, import_id=mine.pk) == mine


@pytest.mark.django_db
def test_a_check_that_crashes_marks_the_job_failed(world, monkeypatch):
    job = upload(world.officer_a, GOOD)

    def crash(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "import_check", crash)
    with pytest.raises(RuntimeError):
        services.import_validate(actor=world.officer_a, job=job)
    job.refresh_from_db()
    assert (job.status, job.message) == (
        ImportStatus.FAILED,
        "It stopped on an unexpected error (RuntimeError); the details are in the server log.",
    )
