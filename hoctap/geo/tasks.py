"""Background jobs for the hierarchy. They take plain arguments, call one service, and are safe
to run twice (loading the register again changes nothing; rebuilding gives the same rows)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from hoctap.accounts.permissions import SYSTEM
from hoctap.core import request_context
from hoctap.geo import services


@task()
def units_load_official_task(province_code: str | None = None) -> dict[str, Any]:
    with request_context.bound(channel="task"):
        result = services.units_load_official(actor=SYSTEM, province_code=province_code)
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}


@task()
def closure_rebuild_task() -> dict[str, int]:
    return {
        "units": services.unit_closure_rebuild(),
        "organisations": services.organisation_closure_rebuild(),
    }
