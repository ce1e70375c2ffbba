"""The import pages: upload → preview (counts, or the errors) → confirm → progress → result.

Each user sees only their own imports (another's is *not found*). Checking and writing run as
background tasks; the job page shows their progress and refreshes itself until they finish.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hoctap.core.errors import Conflict, NotFound
from hoctap.core.formatting import show_number
from hoctap.core.forms import submit
from hoctap.core.views import domain_errors_as_http, page_of
from hoctap.imports import selectors, services
from hoctap.imports.forms import ImportUploadForm
from hoctap.imports.kinds import KINDS, ImportKind
from hoctap.imports.models import ImportJob, ImportStatus

IMPORTS_PER_PAGE = 25
IN_PROGRESS = (ImportStatus.UPLOADED, ImportStatus.QUEUED, ImportStatus.RUNNING)


def _importable_kinds(user: Any) -> list[ImportKind]:
    """The kinds the user may import; someone who may import none gets 403."""
    kinds = selectors.import_kinds_for(actor=user)
    if not kinds:
        raise PermissionDenied
    return kinds


def _kind_label(job: ImportJob) -> Any:
    kind = KINDS.get(job.kind)
    return kind.label if kind is not None else job.kind


def progress_text(job: ImportJob) -> str:
    if job.status == ImportStatus.UPLOADED:
        return _("Checking the file: %(done)s rows checked so far.") % {
            "done": show_number(job.rows_done)
        }
    if job.status == ImportStatus.QUEUED:
        return _("Waiting for the import to start.")
    if job.status == ImportStatus.RUNNING:
        return _("Importing: %(done)s of %(total)s rows checked again before writing.") % {
            "done": show_number(min(job.rows_done, job.rows_total)),
            "total": show_number(job.rows_total),
        }
    return job.get_status_display()


@login_required
@require_safe
def import_list(request: HttpRequest) -> HttpResponse:
    _importable_kinds(request.user)
    page = page_of(request, selectors.import_own_list(actor=request.user), IMPORTS_PER_PAGE)
    rows = [{"job": job, "kind": _kind_label(job)} for job in page]
    return render(request, "imports/import_list.html", {"page": page, "rows": rows})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    kinds = _importable_kinds(request.user)
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        kinds=kinds,
        initial={"kind": request.GET.get("kind")},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = submit(
            form,
            lambda: services.import_upload(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file=upload,
                file_name=upload.name,
                language=translation.get_language() or "",
            ),
        )
        if job is not None:
            return redirect("imports:import_detail", job_id=job.pk)
    return render(request, "imports/import_new.html", {"form": form, "kinds": kinds})


@login_required
@require_safe
@domain_errors_as_http
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.import_own_get(actor=request.user, import_id=job_id)
    context = {
        "job": job,
        "kind_label": _kind_label(job),
        "in_progress": job.status in IN_PROGRESS,
        "progress_text": progress_text(job),
        "more_errors": max(job.error_count - len(job.errors), 0),
        "more_skipped": max(job.skipped_count - len(job.skipped), 0),
    }
    return render(request, "imports/import_detail.html", context)


@never_cache
@login_required
@require_safe
@domain_errors_as_http
def import_progress(request: HttpRequest, job_id: int) -> JsonResponse:
    """What the job page polls while the file is checked or written."""
    job = selectors.import_own_get(actor=request.user, import_id=job_id)
    return JsonResponse(
        {
            "status": job.status,
            "finished": job.status not in IN_PROGRESS,
            "done": job.rows_done,
            # a bar only while writing: before, the number of rows is not known yet
            "total": job.rows_total if job.status == ImportStatus.RUNNING else None,
            "text": progress_text(job),
        }
    )


@login_required
@require_POST
@domain_errors_as_http
def import_confirm(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.import_own_get(actor=request.user, import_id=job_id)
    try:
        services.import_confirm(actor=request.user, job=job)
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("imports:import_detail", job_id=job.pk)


@login_required
@require_safe
@never_cache  # it holds personal data: no copy in a browser's or a proxy's cache
def import_errors_csv(request: HttpRequest, job_id: int) -> StreamingHttpResponse:
    """Every error of a rejected import (the page shows the first ones), to its owner only;
    each download is audited."""
    try:
        job = selectors.import_own_get(actor=request.user, import_id=job_id)
        report = services.import_errors_download(actor=request.user, job=job)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return FileResponse(
        report,
        as_attachment=True,
        filename=f"import-{job.pk}-errors.csv",
        content_type="text/csv; charset=utf-8",
    )


@login_required
@require_safe
@never_cache  # ID numbers in full: no copy in a browser's or a proxy's cache
def import_skipped_csv(request: HttpRequest, job_id: int) -> StreamingHttpResponse:
    """Every row an import skipped (unmatched ID numbers, in full), to its owner only; each
    download is audited."""
    try:
        job = selectors.import_own_get(actor=request.user, import_id=job_id)
        report = services.import_skipped_download(actor=request.user, job=job)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return FileResponse(
        report,
        as_attachment=True,
        filename=f"import-{job.pk}-skipped.csv",
        content_type="text/csv; charset=utf-8",
    )
