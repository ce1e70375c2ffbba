"""Users in the Django admin. Role grants are read-only here: granting goes through the service
(scope checks, audit), from the users pages, the API or `hoctap users add`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from hoctap.accounts.models import ApiToken, FailedAttempt, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    fields = ["role", "unit", "organisation", "valid_from", "valid_to", "granted_by"]
    readonly_fields = ("role", "unit", "organisation", "valid_from", "valid_to", "granted_by")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class HoctapUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "email", "is_active", "is_superuser", "last_login"]
    search_fields = ["username", "full_name", "email"]
    inlines = [RoleGrantInline]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Hoctap", {"fields": ("full_name", "phone")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = [
        "prefix",
        "user",
        "name",
        "key_hash",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(FailedAttempt)
class FailedAttemptAdmin(admin.ModelAdmin):
    """Failed sign-ins and sign-ups per hour (keys are digests). Deleting a row lifts a block
    before the hour is over, e.g. for a resident whose birth date was mistyped in the register
    and has since been corrected."""

    list_display = ["scope", "window_start", "failures", "key_digest"]
    list_filter = ["scope"]
    readonly_fields = ["scope", "key_digest", "window_start", "failures"]
    ordering = ["-window_start", "-failures"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Roles come from RoleGrant; Django's groups are not used, so they are not offered.
admin.site.unregister(Group)
