"""Django admin for system administrators. The frameworks are reference data edited here; the
learning records change only through the services (validation, scope, audit), so they are
shown read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hoctap.learning.models import (
    Certificate,
    Competency,
    CompetencyArea,
    Completion,
    Course,
    DigitalTechGroup,
    LearnerAccount,
    OfflineClass,
)


class CompetencyInline(admin.TabularInline):
    model = Competency
    extra = 0
    fields = ["code", "name", "description", "position"]


@admin.register(CompetencyArea)
class CompetencyAreaAdmin(admin.ModelAdmin):
    list_display = ["framework", "code", "name", "target_group", "position"]
    list_filter = ["framework", "target_group"]
    search_fields = ["name", "code"]
    inlines = [CompetencyInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "owner", "status", "level", "lesson_count"]
    list_filter = ["status", "language"]
    search_fields = ["code", "search_title"]


@admin.register(Completion)
class CompletionAdmin(ReadOnlyAdmin):
    list_display = ["title", "platform", "channel", "completed_on"]
    list_filter = ["platform", "channel"]
    exclude = ["person"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["code", "course_title", "issued_on", "status"]
    list_filter = ["status"]
    search_fields = ["code"]
    exclude = ["full_name"]


@admin.register(OfflineClass)
class OfflineClassAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "unit", "starts_on", "status"]
    list_filter = ["status"]


@admin.register(DigitalTechGroup)
class DigitalTechGroupAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "village", "decision_number", "decision_date"]


@admin.register(LearnerAccount)
class LearnerAccountAdmin(ReadOnlyAdmin):
    list_display = ["user", "origin", "must_change_password", "created_at"]
    list_filter = ["origin"]
    exclude = ["person", "phone"]
