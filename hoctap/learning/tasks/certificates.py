"""Background work on certificates: a bulk issue or re-issue, by batch id."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from hoctap.core import request_context
from hoctap.learning.services.certificates import certificate_batch_run


@task()
def certificate_batch_run_task(batch_id: int) -> dict[str, Any]:
    """Run a certificate batch; safe to run twice (a finished batch is left as it is, and what
    a run issued is no longer to do)."""
    with request_context.bound(channel="task"):
        batch = certificate_batch_run(batch_id=batch_id)
    return {
        "status": batch.status,
        "issued": batch.issued_count,
        "skipped": batch.skipped_count,
    }
