"""`/api/v1/audit`: read-only, scoped. There is no route that edits or deletes an entry."""

import datetime
from typing import Any

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from hoctap.audit import selectors
from hoctap.audit.models import AuditEntry
from hoctap.core.api import ERRORS, AuthedRequest, Pages

router = Router(tags=["audit"])


class AuditOut(Schema):
    id: int
    created_at: datetime.datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    target_label: str
    changes: dict[str, Any]
    unit_code: str | None
    request_id: str
    ip_address: str | None
    channel: str

    @staticmethod
    def resolve_actor(obj: AuditEntry) -> str:
        return obj.actor_label

    @staticmethod
    def resolve_unit_code(obj: AuditEntry) -> str | None:
        return obj.unit.code if obj.unit else None


class AuditFilter(Schema):
    action: str | None = None
    actor: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None


@router.get("/audit", response={200: list[AuditOut], **ERRORS})
@paginate(Pages, page_size=100)
def audit_list(request: AuthedRequest, filters: Query[AuditFilter]) -> Any:
    return selectors.audit_list(
        actor=request.auth,
        action=filters.action,
        actor_username=filters.actor,
        target_type=filters.target_type,
        target_id=filters.target_id,
        since=filters.since,
        until=filters.until,
    )


@router.get("/audit/{entry_id}", response={200: AuditOut, **ERRORS})
def audit_detail(request: AuthedRequest, entry_id: int) -> Any:
    return selectors.audit_get(actor=request.auth, entry_id=entry_id)
