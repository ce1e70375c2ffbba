"""Scoped reads of the audit log."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import EVERY_ROW, scope_for
from hoctap.accounts.roles import Perm
from hoctap.audit.models import AuditEntry
from hoctap.core.errors import NotFound


def audit_visible_q(actor: Any) -> Q:
    """Entries about units / organisations in the actor's audit scope. Entries tied to no unit
    (e.g. a superuser created) are for superusers only."""
    scope = scope_for(actor, Perm.VIEW_AUDIT)
    if scope.is_global:
        return EVERY_ROW
    q = Q(pk__in=[])
    if scope.unit_ids:
        q |= Q(unit_id__in=scope.unit_subtree_ids())
    if scope.org_ids:
        q |= Q(organisation_id__in=scope.org_subtree_ids())
    return q


def audit_list(
    *,
    actor: Any,
    action: str | None = None,
    actor_username: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(audit_visible_q(actor)).select_related(
        "actor", "unit", "organisation"
    )
    if action:
        entries = entries.filter(action__startswith=action)
    if actor_username:
        entries = entries.filter(actor_label=actor_username)
    if target_type:
        entries = entries.filter(target_type=target_type)
    if target_id:
        entries = entries.filter(target_id=target_id)
    if since:
        entries = entries.filter(created_at__date__gte=since)
    if until:
        entries = entries.filter(created_at__date__lte=until)
    return entries.order_by("-created_at", "-id")


def audit_get(*, actor: Any, entry_id: int) -> AuditEntry:
    entry = (
        AuditEntry.objects.filter(audit_visible_q(actor), pk=entry_id)
        .select_related("actor", "unit", "organisation")
        .first()
    )
    if entry is None:
        raise NotFound(_("Audit entry %(id)s not found.") % {"id": entry_id})
    return entry
