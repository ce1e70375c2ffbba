"""The audit log in the Django admin: read-only, for system administrators."""

from __future__ import annotations

from django.contrib import admin

from hoctap.audit.models import AuditEntry
from hoctap.core.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_label", "action", "target_label", "unit", "ip_address"]
    list_filter = ["action", "channel"]
    search_fields = ["action", "target_label", "actor_label", "request_id"]
    list_select_related = ["unit"]
    date_hierarchy = "created_at"
