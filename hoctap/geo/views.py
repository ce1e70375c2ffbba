"""Pages for administrative units and organisations. Reads through the selectors, each write
through one service; domain errors become 404 / 403 / form errors (see `hoctap.core`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from hoctap.accounts.permissions import has_permission_somewhere
from hoctap.accounts.roles import Perm
from hoctap.core.errors import Conflict
from hoctap.core.forms import submit
from hoctap.core.views import domain_errors_as_http, page_of
from hoctap.geo import permissions, selectors, services
from hoctap.geo.forms import (
    DEFAULT_VILLAGE_KIND,
    OrganisationEditForm,
    OrganisationFilterForm,
    OrganisationForm,
    UnitCloseForm,
    UnitSearchForm,
    VillageEditForm,
    VillageForm,
)
from hoctap.geo.models import AdminUnit, UnitKind, UnitLevel

CHILDREN_PER_PAGE = 200
ORGANISATIONS_ON_UNIT_PAGE = 50


def _require(user: Any, permission: str) -> None:
    """A section whose permission the user holds nowhere answers 403."""
    if not has_permission_somewhere(user, permission):
        raise PermissionDenied


# ---------------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------------


@login_required
@require_safe
def unit_tree(request: HttpRequest) -> HttpResponse:
    """The actor's top units with their child counts, or a search across every visible unit."""
    _require(request.user, Perm.VIEW_UNITS)
    form = UnitSearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    context: dict[str, Any] = {"form": form, "q": q}
    if q:
        context["page"] = page_of(request, selectors.unit_list(actor=request.user, q=q))
    else:
        context["roots"] = list(selectors.unit_roots(actor=request.user))
    return render(request, "geo/unit_tree.html", context)


def _breadcrumb(user: Any, unit: AdminUnit) -> list[tuple[AdminUnit, bool]]:
    """Ancestors from the province down, each with whether the actor may open it."""
    return selectors.unit_breadcrumb(actor=user, unit=unit)


def _child_rows(children: Any) -> list[dict[str, Any]]:
    """The children table's cells, worked out once here: a village list of 100+ rows would
    otherwise cost a URL reversal, an include and a label lookup per row in the template."""
    base = reverse("geo:unit_detail", args=["CODE"]).replace("CODE", "{}")
    kinds = dict(UnitKind.choices)
    return [
        {
            "code": child.code,
            "name": child.name,
            "url": base.format(child.code),
            "kind": kinds.get(child.kind, child.kind),
            "closed_on": child.valid_to,
            "child_count": child.child_count,
        }
        for child in children
    ]


@login_required
@require_safe
@domain_errors_as_http
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    unit = selectors.unit_get(actor=user, code=code)
    breadcrumb = _breadcrumb(user, unit)
    children = page_of(
        request, selectors.unit_children(actor=user, unit=unit), per_page=CHILDREN_PER_PAGE
    )
    organisations = list(
        selectors.organisation_list(actor=user, unit_code=unit.code)[
            : ORGANISATIONS_ON_UNIT_PAGE + 1
        ]
    )
    context = {
        "unit": unit,
        "breadcrumb": breadcrumb,
        "children": children,
        "child_rows": _child_rows(children),
        "children_have_children": unit.level == UnitLevel.PROVINCE,
        "organisations": organisations[:ORGANISATIONS_ON_UNIT_PAGE],
        "more_organisations": len(organisations) > ORGANISATIONS_ON_UNIT_PAGE,
        "successions": selectors.unit_successions(unit=unit),
        **permissions.unit_page_actions(user, unit, [a.id for a, _visible in breadcrumb]),
    }
    return render(request, "geo/unit_detail.html", context)


@login_required
@domain_errors_as_http
def village_create(request: HttpRequest, code: str) -> HttpResponse:
    parent = selectors.unit_get(actor=request.user, code=code)
    if not permissions.can_manage_units_at(request.user, parent):
        raise PermissionDenied
    initial = {"kind": DEFAULT_VILLAGE_KIND.get(UnitKind(parent.kind), UnitKind.VILLAGE)}
    form = VillageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = submit(
            form,
            lambda: services.village_create(
                actor=request.user,
                parent_code=parent.code,
                name=data["name"],
                kind=data["kind"],
                valid_from=data["valid_from"],
            ),
        )
        if village is not None:
            messages.success(request, _("Created %(unit)s.") % {"unit": village})
            return redirect("geo:unit_detail", code=village.code)
    return render(
        request,
        "geo/village_form.html",
        {"unit": parent, "breadcrumb": _breadcrumb(request.user, parent), "form": form},
    )


@login_required
@domain_errors_as_http
def village_edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get(actor=request.user, code=code)
    if unit.level != UnitLevel.VILLAGE:
        raise Http404
    if not permissions.can_edit_village(request.user, unit):
        raise PermissionDenied
    initial = {"name": unit.name, "kind": unit.kind, "valid_from": unit.valid_from}
    form = VillageEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = submit(
            form,
            lambda: services.village_update(
                actor=request.user,
                unit=unit,
                name=data["name"],
                kind=data["kind"],
                valid_from=data["valid_from"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Saved %(unit)s.") % {"unit": saved})
            return redirect("geo:unit_detail", code=saved.code)
        # The service may have changed the instance before refusing: show the stored one.
        unit = selectors.unit_get(actor=request.user, code=code)
    return render(
        request,
        "geo/village_edit.html",
        {"unit": unit, "breadcrumb": _breadcrumb(request.user, unit), "form": form},
    )


@login_required
@domain_errors_as_http
def unit_close(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get(actor=request.user, code=code)
    if unit.valid_to is not None:
        messages.info(request, _("%(unit)s is already closed.") % {"unit": unit})
        return redirect("geo:unit_detail", code=unit.code)
    if not permissions.can_close_unit(request.user, unit):
        raise PermissionDenied
    form = UnitCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        closed = submit(
            form,
            lambda: services.unit_close(
                actor=request.user,
                unit=unit,
                valid_to=data["valid_to"],
                successor_codes=data["successors"],
                note=data["note"],
            ),
            fields={"code": "__all__"},
        )
        if closed is not None:
            messages.success(request, _("Closed %(unit)s.") % {"unit": closed})
            return redirect("geo:unit_detail", code=closed.code)
        unit = selectors.unit_get(actor=request.user, code=code)
    return render(
        request,
        "geo/unit_close.html",
        {"unit": unit, "breadcrumb": _breadcrumb(request.user, unit), "form": form},
    )


# ---------------------------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------------------------


@login_required
@require_safe
def organisation_list(request: HttpRequest) -> HttpResponse:
    _require(request.user, Perm.VIEW_ORGANISATIONS)
    form = OrganisationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.organisation_list(
        actor=request.user,
        q=(filters.get("q") or "").strip() or None,
        kind=filters.get("kind") or None,
        within_unit_code=(filters.get("within") or "").strip() or None,
        include_inactive=bool(filters.get("inactive")),
    )
    context = {
        "form": form,
        "page": page_of(request, organisations),
        "can_create": permissions.can_create_organisations(request.user),
    }
    return render(request, "geo/organisation_list.html", context)


@login_required
@require_safe
@domain_errors_as_http
def organisation_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    org = selectors.organisation_get(actor=user, code=code)
    context = {
        "org": org,
        # The selector leaves the order open; a stable one keeps pages from overlapping.
        "children": page_of(
            request,
            selectors.organisation_children(actor=user, organisation=org).order_by("code"),
            per_page=CHILDREN_PER_PAGE,
        ),
        "can_manage": permissions.can_manage_organisation(user, org),
    }
    return render(request, "geo/organisation_detail.html", context)


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_organisations(request.user):
        raise PermissionDenied
    initial = {key: request.GET[key] for key in ("unit", "parent", "kind") if key in request.GET}
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        org = submit(form, lambda: services.organisation_create(actor=request.user, **arguments))
        if org is not None:
            messages.success(request, _("Created %(organisation)s.") % {"organisation": org})
            return redirect("geo:organisation_detail", code=org.code)
    return render(request, "geo/organisation_form.html", {"form": form})


@login_required
@domain_errors_as_http
def organisation_edit(request: HttpRequest, code: str) -> HttpResponse:
    org = selectors.organisation_get(actor=request.user, code=code)
    if not permissions.can_manage_organisation(request.user, org):
        raise PermissionDenied
    initial = {
        "name": org.name,
        "kind": org.kind,
        "unit": org.unit.code,
        "parent": org.parent.code if org.parent else "",
    }
    form = OrganisationEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        saved = submit(
            form,
            lambda: services.organisation_update(actor=request.user, organisation=org, **arguments),
        )
        if saved is not None:
            messages.success(request, _("Saved %(organisation)s.") % {"organisation": saved})
            return redirect("geo:organisation_detail", code=saved.code)
        org = selectors.organisation_get(actor=request.user, code=code)
    return render(request, "geo/organisation_edit.html", {"org": org, "form": form})


@login_required
@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def organisation_deactivate(request: HttpRequest, code: str) -> HttpResponse:
    """GET asks for confirmation; POST deactivates (organisations are never deleted)."""
    org = selectors.organisation_get(actor=request.user, code=code)
    if not permissions.can_manage_organisation(request.user, org):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.organisation_deactivate(actor=request.user, organisation=org)
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Deactivated %(organisation)s.") % {"organisation": org})
        return redirect("geo:organisation_detail", code=org.code)
    return render(request, "geo/organisation_deactivate.html", {"org": org})
