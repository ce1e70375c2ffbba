"""The audit log pages. Read-only: the app has no way to change or delete an entry."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from hoctap.accounts.permissions import has_permission_somewhere
from hoctap.accounts.roles import Perm
from hoctap.audit import selectors
from hoctap.audit.forms import AuditFilterForm
from hoctap.core.views import domain_errors_as_http, page_of


@login_required
@require_safe
def audit_list(request: HttpRequest) -> HttpResponse:
    if not has_permission_somewhere(request.user, Perm.VIEW_AUDIT):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_list(
        actor=request.user,
        action=(filters.get("action") or "").strip() or None,
        actor_username=(filters.get("actor") or "").strip() or None,
        target_type=(filters.get("target_type") or "").strip() or None,
        since=filters.get("since"),
        until=filters.get("until"),
    )
    return render(
        request, "audit/audit_list.html", {"form": form, "page": page_of(request, entries)}
    )


@login_required
@require_safe
@domain_errors_as_http
def audit_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.audit_get(actor=request.user, entry_id=entry_id)
    return render(request, "audit/audit_detail.html", {"entry": entry})
