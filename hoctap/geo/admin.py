"""Django admin for system administrators. Units and organisations are read-only here: changes
go through the pages and the API, which validate, keep the closure tables and audit."""

from __future__ import annotations

from django.contrib import admin

from hoctap.core.admin import ReadOnlyAdmin
from hoctap.geo.models import AdminUnit, Organisation, UnitSuccession


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
