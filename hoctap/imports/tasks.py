"""The import job's background run: takes the job id, calls one service, safe to run twice."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from hoctap.core import request_context
from hoctap.imports import services


@task()
def import_run_task(import_id: int) -> dict[str, Any]:
    with request_context.bound(channel="task"):
        job = services.import_run(job_id=import_id)
    return {
        "status": job.status,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "errors": job.error_count,
    }
