"""Users, role grants, API tokens and failed attempts in the Django admin: read-only, but for
the deletion of a failed-attempt row, which lifts a sign-in block early (audited).

Every change to them goes through the services, which check the actor's scope and write the
audit entry in the same transaction (ADR 0008): users and grants from the users pages, the API
or `hoctap users add`; passwords with `PATCH /api/v1/users/{username}`; tokens on
`/account/tokens` or with `hoctap tokens create`. Django's own user admin would change
passwords, `is_superuser` and `is_staff`, and delete users with their grants, with no audit
entry, so it is not used.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from hoctap.accounts.models import ApiToken, FailedAttempt, RoleGrant, User
from hoctap.audit.services import audit_record
from hoctap.core.admin import ReadOnlyAdmin


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    fields = ["role", "unit", "organisation", "valid_from", "valid_to", "granted_by"]
    readonly_fields = ("role", "unit", "organisation", "valid_from", "valid_to", "granted_by")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class HoctapUserAdmin(ReadOnlyAdmin):
    """A plain read-only admin, not Django's `UserAdmin`: no password form, no add form."""

    list_display = ["username", "full_name", "email", "is_active", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email"]
    fields = [
        "username",
        "full_name",
        "email",
        "phone",
        "is_active",
        "is_staff",
        "is_superuser",
        "last_login",
        "date_joined",
    ]
    inlines = [RoleGrantInline]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    fields = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]


@admin.register(FailedAttempt)
class FailedAttemptAdmin(ReadOnlyAdmin):
    """Failed sign-ins and sign-ups per hour (keys are digests). A block ends with the hour; an
    administrator lifts one earlier by deleting its row (ADR 0015), which is audited."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _audit_lift(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for attempt in queryset:
            _audit_lift(request, attempt)
        super().delete_queryset(request, queryset)

    list_display = ["scope", "window_start", "failures", "key_digest"]
    list_filter = ["scope"]
    fields = ["scope", "key_digest", "window_start", "failures"]
    ordering = ["-window_start", "-failures"]


def _audit_lift(request: HttpRequest, attempt: FailedAttempt) -> None:
    audit_record(
        actor=request.user,
        action="failed_attempt.lift",
        target=attempt,
        changes={
            "scope": attempt.scope,
            "hour": attempt.window_start,
            "failures": attempt.failures,
        },
    )


# Roles come from RoleGrant; Django's groups are not used, so they are not offered.
admin.site.unregister(Group)
