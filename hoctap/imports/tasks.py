"""The import jobs' background work: each task takes the job id, calls one service, and is safe
to run twice."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django_tasks import task

from hoctap.accounts.permissions import SYSTEM
from hoctap.core import request_context
from hoctap.imports import services
from hoctap.imports.models import ImportJob, ImportStatus


def _in_language_of(job: ImportJob | None) -> translation.override:
    """The messages the task writes on the job (row errors, file errors) in the language the
    uploader used; the site's language for a job from elsewhere."""
    return translation.override((job.language if job else "") or settings.LANGUAGE_CODE)


def _summary(job: ImportJob) -> dict[str, Any]:
    return {
        "status": job.status,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "errors": job.error_count,
    }


@task()
def import_validate_task(import_id: int) -> dict[str, Any]:
    """The preview of an uploaded file. A job already checked (or confirmed since) is left as
    it is; one whose worker died half-way is still `uploaded`, so it is simply checked again.
    A job deleted in the meantime has nothing left to check."""
    job = ImportJob.objects.filter(pk=import_id).first()
    if job is None:
        return {"status": None}
    if job.status == ImportStatus.UPLOADED:
        with request_context.bound(channel="task"), _in_language_of(job):
            # the owner was checked when the job was queued; the check itself runs with the
            # uploader's scope (the service reads it from the job), as the system actor here
            job = services.import_validate(actor=SYSTEM, job=job)
    return _summary(job)


@task()
def import_run_task(import_id: int) -> dict[str, Any]:
    job = ImportJob.objects.filter(pk=import_id).first()
    with request_context.bound(channel="task"), _in_language_of(job):
        job = services.import_run(job_id=import_id)
    return _summary(job)
