"""Pages: the officers' certificates (`/learning/certificates/…`): the list of the persons in
scope, a certificate's detail (its chain of replacements and audit trail), its PDF (for a class
participant without a learner account; audited), revocation and re-issue, bulk issue and bulk
re-issue as background jobs with a progress page.

Reads go through the scoped selectors (a certificate outside the user's scope is a 404);
revoking or re-issuing one inside it without `learning.manage_learner` is a 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from hoctap.accounts.permissions import has_permission_somewhere
from hoctap.accounts.roles import Perm
from hoctap.audit.selectors import audit_list
from hoctap.core.errors import Conflict
from hoctap.core.formatting import show_number
from hoctap.core.forms import submit
from hoctap.core.views import domain_errors_as_http, page_of
from hoctap.learning.certificate_pdf import absolute_verify_url, certificate_filename
from hoctap.learning.forms.certificates import (
    CertificateBulkIssueForm,
    CertificateBulkReissueForm,
    CertificateFilterForm,
    CertificateReissueForm,
    CertificateRevokeForm,
)
from hoctap.learning.models import Certificate, CertificateBatch, JobStatus
from hoctap.learning.selectors import certificates as selectors
from hoctap.learning.services import certificates as services
from hoctap.learning.services.completions import certificate_revoke as revoke_service

CERTIFICATES_PER_PAGE = 50
AUDIT_ENTRIES_SHOWN = 20
BATCHES_SHOWN = 5


def _posted(request: HttpRequest) -> Any:
    """The POST data of a POST (even empty: a bulk issue without filters), else None."""
    return request.POST if request.method == "POST" else None


def _require_view(user: Any) -> None:
    if not has_permission_somewhere(user, Perm.VIEW_LEARNING):
        raise PermissionDenied


def _require_manage_somewhere(user: Any) -> None:
    if not has_permission_somewhere(user, Perm.MANAGE_LEARNERS):
        raise PermissionDenied


def _require_manage(user: Any, certificate: Certificate) -> None:
    if not selectors.certificate_can_manage(actor=user, certificate=certificate):
        raise PermissionDenied


@login_required
@require_safe
def certificate_list(request: HttpRequest) -> HttpResponse:
    _require_view(request.user)
    form = CertificateFilterForm(request.GET or None)
    certificates = selectors.certificate_list(actor=request.user, **form.selector_arguments())
    can_manage = has_permission_somewhere(request.user, Perm.MANAGE_LEARNERS)
    context = {
        "form": form,
        "page": page_of(request, certificates, CERTIFICATES_PER_PAGE),
        "can_manage": can_manage,
        "batches": (
            list(selectors.certificate_batch_list(actor=request.user)[:BATCHES_SHOWN])
            if can_manage
            else []
        ),
    }
    return render(request, "learning/certificates/certificate_list.html", context)


def _audit_entries(user: Any, certificate: Certificate) -> list[Any] | None:
    """The latest audit entries about this certificate the user may read (None: no right)."""
    if not has_permission_somewhere(user, Perm.VIEW_AUDIT):
        return None
    entries = audit_list(
        actor=user, target_type="learning.certificate", target_id=str(certificate.pk)
    )
    return list(entries[:AUDIT_ENTRIES_SHOWN])


@login_required
@require_safe
@domain_errors_as_http
def certificate_detail(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate = selectors.certificate_get(actor=request.user, certificate_id=certificate_id)
    context = {
        "certificate": certificate,
        "person": certificate.completion.person,
        "chain": selectors.certificate_chain(certificate=certificate),
        "audit_entries": _audit_entries(request.user, certificate),
        "can_manage": selectors.certificate_can_manage(actor=request.user, certificate=certificate),
        "verify_path": reverse("learning:verify", args=[certificate.code]),
    }
    return render(request, "learning/certificates/certificate_detail.html", context)


@login_required
@require_GET  # not HEAD: each download renders the PDF and is audited
@never_cache  # the learner's name: no copy in a browser's or a proxy's cache
@domain_errors_as_http
def certificate_pdf_download(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """The certificate as PDF, as its learner downloads it: for a participant of an offline
    class who has no learner account. Audited; a revoked one is not served."""
    certificate = selectors.certificate_get(actor=request.user, certificate_id=certificate_id)
    try:
        pdf = services.certificate_pdf_export(
            actor=request.user,
            certificate=certificate,
            verify_url=absolute_verify_url(code=certificate.code, request=request),
        )
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("learning:certificate_detail", certificate_id=certificate.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate_filename(certificate)}"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@domain_errors_as_http
def certificate_revoke(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate = selectors.certificate_get(actor=request.user, certificate_id=certificate_id)
    _require_manage(request.user, certificate)
    form = CertificateRevokeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done = submit(
            form,
            lambda: revoke_service(
                actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("The certificate %(code)s is revoked.") % {"code": done})
            return redirect("learning:certificate_detail", certificate_id=done.pk)
    context = {"certificate": certificate, "form": form}
    return render(request, "learning/certificates/certificate_revoke.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@domain_errors_as_http
def certificate_reissue(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate = selectors.certificate_get(actor=request.user, certificate_id=certificate_id)
    _require_manage(request.user, certificate)
    form = CertificateReissueForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        new = submit(
            form,
            lambda: services.certificate_reissue_current(
                actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
            ),
        )
        if new is not None:
            messages.success(
                request,
                _("Certificate %(new)s issued in place of %(old)s.")
                % {"new": new.code, "old": certificate.code},
            )
            return redirect("learning:certificate_detail", certificate_id=new.pk)
    context = {"certificate": certificate, "form": form}
    return render(request, "learning/certificates/certificate_reissue.html", context)


# ---------------------------------------------------------------------------------------------
# Bulk issue and re-issue
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def certificate_bulk_issue(request: HttpRequest) -> HttpResponse:
    _require_manage_somewhere(request.user)
    form = CertificateBulkIssueForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        batch = submit(
            form,
            lambda: services.certificate_bulk_issue_request(
                actor=request.user,
                course_code=data["course_code"] or None,
                class_code=data["class_code"] or None,
                unit_code=data["unit_code"] or None,
                language=translation.get_language() or "",
            ),
        )
        if batch is not None:
            return redirect("learning:certificate_batch_detail", certificate_batch_id=batch.pk)
    context = {"form": form, "kind": "issue"}
    return render(request, "learning/certificates/certificate_bulk.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def certificate_bulk_reissue(request: HttpRequest) -> HttpResponse:
    _require_manage_somewhere(request.user)
    form = CertificateBulkReissueForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        batch = submit(
            form,
            lambda: services.certificate_bulk_reissue_request(
                actor=request.user,
                course_code=data["course_code"],
                reason=data["reason"],
                language=translation.get_language() or "",
            ),
        )
        if batch is not None:
            return redirect("learning:certificate_batch_detail", certificate_batch_id=batch.pk)
    context = {"form": form, "kind": "reissue"}
    return render(request, "learning/certificates/certificate_bulk.html", context)


def batch_progress_text(batch: CertificateBatch) -> str:
    if batch.status == JobStatus.QUEUED:
        return _("Waiting for the job to start.")
    if batch.status == JobStatus.RUNNING:
        return _("%(done)s of %(total)s done; %(issued)s certificates issued.") % {
            "done": show_number(batch.done),
            "total": show_number(batch.total),
            "issued": show_number(batch.issued_count),
        }
    return batch.get_status_display()


@login_required
@require_safe
@domain_errors_as_http
def certificate_batch_detail(request: HttpRequest, certificate_batch_id: int) -> HttpResponse:
    batch = selectors.certificate_batch_get(actor=request.user, batch_id=certificate_batch_id)
    context = {"batch": batch, "progress_text": batch_progress_text(batch)}
    return render(request, "learning/certificates/certificate_batch.html", context)


@never_cache
@login_required
@require_safe
@domain_errors_as_http
def certificate_batch_progress(request: HttpRequest, certificate_batch_id: int) -> JsonResponse:
    """What the batch page polls while the job runs."""
    batch = selectors.certificate_batch_get(actor=request.user, batch_id=certificate_batch_id)
    return JsonResponse(
        {
            "status": batch.status,
            "finished": not batch.in_progress,
            "done": batch.done,
            "total": batch.total,
            "text": batch_progress_text(batch),
        }
    )


urlpatterns: list[URLPattern] = [
    path("learning/certificates/", certificate_list, name="certificate_list"),
    path(
        "learning/certificates/<int:certificate_id>/",
        certificate_detail,
        name="certificate_detail",
    ),
    path(
        "learning/certificates/<int:certificate_id>/pdf",
        certificate_pdf_download,
        name="certificate_pdf_download",
    ),
    path(
        "learning/certificates/<int:certificate_id>/revoke/",
        certificate_revoke,
        name="certificate_revoke",
    ),
    path(
        "learning/certificates/<int:certificate_id>/reissue/",
        certificate_reissue,
        name="certificate_reissue",
    ),
    path(
        "learning/certificates/bulk-issue/", certificate_bulk_issue, name="certificate_bulk_issue"
    ),
    path(
        "learning/certificates/bulk-reissue/",
        certificate_bulk_reissue,
        name="certificate_bulk_reissue",
    ),
    path(
        "learning/certificates/batches/<int:certificate_batch_id>/",
        certificate_batch_detail,
        name="certificate_batch_detail",
    ),
    path(
        "learning/certificates/batches/<int:certificate_batch_id>/progress/",
        certificate_batch_progress,
        name="certificate_batch_progress",
    ),
]
