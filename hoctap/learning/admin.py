"""Django admin for system administrators. The frameworks are reference data edited here, each
save and delete audited as a service's write would be; the learning records change only
through the services (validation, scope, audit), so they are shown read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import BaseModelForm
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from hoctap.audit.services import audit_record
from hoctap.core.admin import ReadOnlyAdmin
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


def _audit(request: HttpRequest, obj: models.Model, verb: str, form: BaseModelForm | None) -> None:
    changed = form.changed_data if form is not None else []
    audit_record(
        actor=request.user,
        action=f"{obj._meta.model_name}.{verb}",
        target=obj,
        changes={name: form.cleaned_data.get(name) for name in changed} if form else {},
    )


class CompetencyInline(admin.TabularInline):
    model = Competency
    extra = 0
    fields = ["code", "name", "description", "position"]


@admin.register(CompetencyArea)
class CompetencyAreaAdmin(admin.ModelAdmin):
    """The areas and, inline, their competencies. The admin saves in one transaction per
    submitted page, and the audit entries are written in it."""

    list_display = ["framework", "code", "name", "target_group", "position"]
    list_filter = ["framework", "target_group"]
    search_fields = ["name", "code"]
    inlines = [CompetencyInline]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if form.changed_data or not change:
            _audit(request, obj, "update" if change else "create", form)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _audit(request, obj, "delete", None)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            _audit(request, obj, "delete", None)
        super().delete_queryset(request, queryset)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseInlineFormSet, change: bool
    ) -> None:
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms and inline_form.instance.pk is not None:
                _audit(request, inline_form.instance, "delete", None)
        super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            created = inline_form in formset.extra_forms
            _audit(request, inline_form.instance, "create" if created else "update", inline_form)


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
