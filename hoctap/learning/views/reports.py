"""Pages: the officers' learning reports (`/learning/reports/…`): completions by platform, by
course, by offline class, by organisation and by unit, each filtered by a GET form and
exportable to CSV and XLSX (`services.reports.report_export`, audited). The numbers come from
`selectors.reports`, as the API's do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from hoctap.accounts.permissions import has_permission_somewhere
from hoctap.accounts.roles import Perm
from hoctap.core.errors import InvalidInput
from hoctap.core.forms import add_invalid_input
from hoctap.core.views import domain_errors_as_http
from hoctap.learning.forms.reports import (
    ClassReportForm,
    OrganisationReportForm,
    ReportFilterForm,
    UnitReportForm,
)
from hoctap.learning.selectors.reports import (
    ReportTable,
    report_default_organisation,
)
from hoctap.learning.services.reports import report_export, report_table


@dataclass(frozen=True)
class ReportPage:
    report: str  # the selector's name: "summary", "by-course", …
    url_name: str
    form: type[ReportFilterForm]
    title: Any


PAGES = {
    "summary": ReportPage("summary", "reports", ReportFilterForm, gettext_lazy("Completions")),
    "by-course": ReportPage(
        "by-course", "report_by_course", ReportFilterForm, gettext_lazy("By course")
    ),
    "by-class": ReportPage(
        "by-class", "report_by_class", ClassReportForm, gettext_lazy("By offline class")
    ),
    "by-organisation": ReportPage(
        "by-organisation",
        "report_by_organisation",
        OrganisationReportForm,
        gettext_lazy("By organisation"),
    ),
    "by-unit": ReportPage("by-unit", "report_by_unit", UnitReportForm, gettext_lazy("By unit")),
}
FORMATS = ("csv", "xlsx")


def _require_view(user: Any) -> None:
    if not has_permission_somewhere(user, Perm.VIEW_LEARNING):
        raise PermissionDenied


def _arguments(request: HttpRequest, spec: ReportPage) -> tuple[ReportFilterForm, dict[str, Any]]:
    """The filled form and the keyword arguments of `report_table` (with the organisation an
    organisation officer's report opens on)."""
    form = spec.form(request.GET or None)
    arguments = {"filters": form.filters(), **form.extra()}
    if spec.report == "by-organisation" and not arguments["organisation_code"]:
        default = report_default_organisation(actor=request.user)
        arguments["organisation_code"] = default.code if default else ""
    return form, arguments


def _cells(table: ReportTable, line: dict[str, Any], query: Any) -> list[dict[str, Any]]:
    cells = []
    for column in table.columns:
        cell: dict[str, Any] = {"kind": column.kind, "value": line.get(column.key)}
        parameter = table.links.get(column.key)
        if parameter and line.get("drill"):
            drill = query.copy()
            drill[parameter] = line["code"]
            cell["href"] = "?" + drill.urlencode()
        cells.append(cell)
    return cells


@login_required
@require_safe
@domain_errors_as_http
def report_page(request: HttpRequest, report: str) -> HttpResponse:
    _require_view(request.user)
    spec = PAGES[report]
    form, arguments = _arguments(request, spec)
    table: ReportTable | None = None
    prompt = ""
    if not request.GET or form.is_valid():
        try:
            table = report_table(actor=request.user, report=spec.report, **arguments)
        except InvalidInput as exc:
            # a code typed that names nothing is an error on the form; none typed (and no
            # default) asks for one
            if any((request.GET.get(name) or "").strip() for name in ("organisation", "unit")):
                add_invalid_input(form, exc)
            else:
                prompt = "; ".join(exc.errors.values())
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "spec": spec,
        "pages": PAGES.values(),
        "table": table,
        "prompt": prompt,
        "header": [] if table is None else table.columns,
        "rows": [] if table is None else [_cells(table, row, query) for row in table.rows],
        "total": None if table is None or table.total is None else _cells(table, table.total, {}),
        "exports": {
            fmt: reverse(f"learning:report_{spec.report.replace('-', '_')}_{fmt}")
            + (f"?{query.urlencode()}" if query else "")
            for fmt in FORMATS
        },
    }
    return render(request, "learning/reports/report.html", context)


@login_required
@require_safe
@domain_errors_as_http
def report_download(request: HttpRequest, report: str, fmt: str) -> HttpResponse:
    """The report's table as CSV or XLSX, with the page's filters; audited."""
    _require_view(request.user)
    spec = PAGES[report]
    form, arguments = _arguments(request, spec)
    if request.GET and not form.is_valid():
        return HttpResponseBadRequest(
            form.errors.as_text(), content_type="text/plain; charset=utf-8"
        )
    try:
        export = report_export(actor=request.user, report=spec.report, fmt=fmt, **arguments)
    except InvalidInput as exc:
        return HttpResponseBadRequest(exc.message, content_type="text/plain; charset=utf-8")
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("learning/reports/", report_page, {"report": "summary"}, name="reports"),
    *(
        path(f"learning/reports/{name}/", report_page, {"report": name}, name=spec.url_name)
        for name, spec in PAGES.items()
        if name != "summary"
    ),
    *(
        path(
            f"learning/reports/{name}.{fmt}",
            report_download,
            {"report": name, "fmt": fmt},
            name=f"report_{name.replace('-', '_')}_{fmt}",
        )
        for name in PAGES
        for fmt in FORMATS
    ),
]
