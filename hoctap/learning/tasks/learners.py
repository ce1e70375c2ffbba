"""Tasks of learner accounts: the bulk creation for an organisation's members."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from hoctap.core import request_context
from hoctap.learning.models import AccountBatch
from hoctap.learning.services import account_batches


@task()
def account_batch_task(batch_id: int) -> dict[str, Any]:
    """Run a requested bulk creation. Safe to run twice (a finished batch is left as it is; a
    batch whose worker died carries on); a batch deleted in the meantime has nothing to do.
    The service acts with the scope of the officer who asked, read from the batch."""
    if not AccountBatch.objects.filter(pk=batch_id).exists():
        return {"status": None}
    with request_context.bound(channel="task"):
        batch = account_batches.account_batch_run(batch_id=batch_id)
    return {
        "status": batch.status,
        "total": batch.total,
        "created": batch.created_count,
        "existing": batch.existing_count,
    }
