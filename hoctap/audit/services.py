"""The only way an audit entry is written. Call it inside the service's transaction."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from hoctap.audit.models import AuditEntry
from hoctap.core import request_context


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """`{"field": [old, new]}` for every field whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in after
        if _plain(before.get(key)) != _plain(after.get(key))
    }


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    changes: Mapping[str, Any] | None = None,
    unit_id: int | None = None,
    organisation_id: int | None = None,
) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    ctx = request_context.current()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_label=(getattr(actor, "username", "") if is_user else "system")[:150],
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:255],
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        unit_id=unit_id,
        organisation_id=organisation_id,
        request_id=ctx.request_id,
        ip_address=ctx.ip_address,
        channel=ctx.channel,
    )


def audit_record_many(
    *,
    actor: Any,
    action: str,
    target_type: str,
    items: Iterable[tuple[Any, str, dict[str, Any], int | None, int | None]],
) -> None:
    """One entry per (pk, label, changes, unit id, organisation id), in one bulk insert: for
    loads and imports that write thousands of records. Same columns as `audit_record`; call it
    inside the transaction of the writes it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_many must run inside the transaction of the changes")
    ctx = request_context.current()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    now = timezone.now()
    AuditEntry.objects.bulk_create(
        (
            AuditEntry(
                created_at=now,
                actor=actor if is_user else None,
                actor_label=(actor.username if is_user else "system")[:150],
                action=action,
                target_type=target_type,
                target_id=str(pk),
                target_label=label[:255],
                changes={k: _plain(v) for k, v in changes.items()},
                unit_id=unit_id,
                organisation_id=organisation_id,
                request_id=ctx.request_id,
                ip_address=ctx.ip_address,
                channel=ctx.channel,
            )
            for pk, label, changes, unit_id, organisation_id in items
        ),
        batch_size=2000,
    )


_ENTRY_COLUMNS = (
    "created_at", "actor_id", "actor_label", "action", "target_type", "target_id",
    "target_label", "changes", "unit_id", "organisation_id", "request_id", "ip_address",
    "channel",
)  # fmt: skip


def audit_record_fields(
    *,
    actor: Any,
    action: str,
    target_type: str,
    target_id: Any,
    target_label: str,
    changes: Mapping[str, Any] | None = None,
    unit_id: int | None = None,
    organisation_id: int | None = None,
) -> None:
    """`audit_record` for a path that holds no model object for its target (the busiest writes,
    done in plain SQL): the same entry, written with one plain INSERT. Call it inside the
    transaction of the change."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record_fields must run inside the transaction of the change")
    ctx = request_context.current()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    quote = connection.ops.quote_name
    values = [
        connection.ops.adapt_datetimefield_value(timezone.now()),
        actor.pk if is_user else None,
        (actor.username if is_user else "system")[:150],
        action,
        target_type,
        str(target_id),
        target_label[:255],
        json.dumps({k: _plain(v) for k, v in (changes or {}).items()}, ensure_ascii=False),
        unit_id,
        organisation_id,
        ctx.request_id,
        ctx.ip_address,
        ctx.channel,
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(AuditEntry._meta.db_table)} "  # noqa: S608 - names of our own
            f"({', '.join(quote(c) for c in _ENTRY_COLUMNS)}) "
            f"VALUES ({', '.join(['%s'] * len(_ENTRY_COLUMNS))})",
            values,
        )
