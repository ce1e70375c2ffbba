"""Django admin for system administrators. Units and organisations are read-only here: changes
go through the pages and the API, which validate, keep the closure tables and audit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hoctap.geo.models import AdminUnit, Organisation, UnitSuccession


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AdminUnit)
class AdminUnitAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "search_name"]
    list_select_related = ["parent"]


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "unit", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "search_name"]
    list_select_related = ["unit", "parent"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ReadOnlyAdmin):
    list_display = ["predecessor", "successor", "effective_on"]
    list_select_related = ["predecessor", "successor"]
