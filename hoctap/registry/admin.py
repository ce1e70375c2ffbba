"""Django admin for system administrators, read-only: the registers change only through the
services (validation, scope, audit). ID numbers appear masked, as in every list."""

from __future__ import annotations

from django.contrib import admin

from hoctap.core.admin import ReadOnlyAdmin
from hoctap.registry.models import Clan, Household, OrganisationMembership, Person


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "masked_national_id", "birth_date", "sex", "village", "status"]
    list_filter = ["status", "sex", "eid_level"]
    search_fields = ["search_name"]
    list_select_related = ["village"]
    exclude = ["national_id", "legacy_id_card"]
    readonly_fields = ["masked_national_id"]


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["code", "village", "poverty_status", "poverty_year", "clan"]
    list_filter = ["poverty_status"]
    search_fields = ["code"]
    list_select_related = ["village", "clan"]


@admin.register(Clan)
class ClanAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "commune"]
    search_fields = ["code", "search_name"]
    list_select_related = ["commune"]
    exclude = ["representative"]


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(ReadOnlyAdmin):
    list_display = ["person", "organisation", "position", "start_date", "end_date"]
    list_filter = ["position"]
    list_select_related = ["person", "organisation"]
