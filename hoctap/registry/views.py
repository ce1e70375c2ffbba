"""Pages of the registers: persons, households, clans and organisation memberships.

Reads go through the scoped selectors (a record outside the user's scope is a 404), each write
through the same service the API uses, whose field errors land on the form. Persons are
addressed by their internal id, never by the ID number, so the number stays out of URLs and
access logs (ADR 0010). ID numbers are shown masked; the full number only through the audited
"show" action or an audited export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from hoctap.accounts.permissions import has_permission_somewhere
from hoctap.accounts.roles import Perm
from hoctap.audit.selectors import audit_list
from hoctap.core.forms import submit
from hoctap.core.ids import parse_id
from hoctap.core.views import domain_errors_as_http, export_response, page_of
from hoctap.registry import exports, permissions, selectors, services
from hoctap.registry.forms import (
    ClanEditForm,
    ClanFilterForm,
    ClanForm,
    HouseholdEditForm,
    HouseholdFilterForm,
    HouseholdForm,
    MembershipEndForm,
    MembershipFilterForm,
    MembershipForm,
    PersonEditForm,
    PersonFilterForm,
    PersonForm,
    PersonStatusForm,
    RegisterFilterForm,
)
from hoctap.registry.models import Person, PersonStatus, RelationToHead

AUDIT_ENTRIES_SHOWN = 20
RELATED_SHOWN = 200


def _require_view(user: Any) -> None:
    """The registers answer 403 to a user who may see them nowhere."""
    if not permissions.can_view_registers(user):
        raise PermissionDenied


def _require_manage(user: Any, unit_id: int | None) -> None:
    if not permissions.can_manage_at(user, unit_id):
        raise PermissionDenied


def _record_audit(user: Any, record: Any) -> list[Any] | None:
    """The latest audit entries about this record the user may read (None: no audit right)."""
    if not has_permission_somewhere(user, Perm.VIEW_AUDIT):
        return None
    entries = audit_list(actor=user, target_type=record._meta.label_lower, target_id=str(record.pk))
    return list(entries[:AUDIT_ENTRIES_SHOWN])


@dataclass(frozen=True)
class RegisterList:
    filter_form: type[RegisterFilterForm]
    records: Callable[..., QuerySet[Any]]  # the scoped selector, called with the form's filters
    name: str  # of the URL patterns: "person" → person_list, person_export_csv, person_create
    title: Any
    create_label: Any
    with_ids: bool  # whether the list holds ID numbers (the full export is offered)


LISTS = {
    "persons": RegisterList(
        PersonFilterForm, selectors.person_list, "person",
        gettext_lazy("Persons"), gettext_lazy("Register a person"), True,
    ),
    "households": RegisterList(
        HouseholdFilterForm, selectors.household_list, "household",
        gettext_lazy("Households"), gettext_lazy("Add household"), False,
    ),
    "clans": RegisterList(
        ClanFilterForm, selectors.clan_list, "clan",
        gettext_lazy("Clans"), gettext_lazy("Add clan"), False,
    ),
    "memberships": RegisterList(
        MembershipFilterForm, selectors.membership_search, "membership",
        gettext_lazy("Organisation memberships"), gettext_lazy("Add membership"), True,
    ),
}  # fmt: skip


@login_required
@require_safe
def register_list(request: HttpRequest, register: str) -> HttpResponse:
    """The list of one register (`register` comes from the URL pattern), filtered and paged."""
    _require_view(request.user)
    spec = LISTS[register]
    form = spec.filter_form(request.GET or None)
    arguments = form.selector_arguments()
    records = spec.records(actor=request.user, **arguments)
    page = page_of(request, records)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("full", None)
    context = {
        "form": form,
        "page": page,
        # a person search answers its first matches only (selectors.SEARCH_LIMIT): say so
        "search_limit": (
            selectors.SEARCH_LIMIT
            if register == "persons"
            and arguments.get("q")
            and page.paginator.count >= selectors.SEARCH_LIMIT
            else None
        ),
        "title": spec.title,
        "tab": register,
        "create_label": spec.create_label,
        "with_ids": spec.with_ids,
        "urls": {
            part: reverse(f"registry:{spec.name}_{part}")
            for part in ("list", "create", "export_csv", "export_xlsx")
        },
        "can_create": permissions.can_manage_somewhere(request.user),
        "export_query": query.urlencode(),
        "can_export_full": permissions.can_see_personal_ids_somewhere(request.user),
    }
    return render(request, f"registry/{spec.name}_list.html", context)


@login_required
@require_safe
@domain_errors_as_http
def register_export(request: HttpRequest, register: str, fmt: str) -> Any:
    """The list as CSV (streamed) or XLSX, with the list's filters (`?full=1`: full ID
    numbers, for those who may see them); `hoctap.registry.exports` does the work."""
    _require_view(request.user)
    form = LISTS[register].filter_form(request.GET or None)
    export = exports.register_export(
        actor=request.user,
        register=register,
        fmt=fmt,
        full=request.GET.get("full") == "1",
        filters=form.selector_arguments(),
    )
    return export_response(export)


# ---------------------------------------------------------------------------------------------
# Persons
# ---------------------------------------------------------------------------------------------


def _person_page(request: HttpRequest, person: Person, shown_number: str | None = None) -> Any:
    user = request.user
    context = {
        "person": person,
        "shown_number": shown_number,
        "legacy_id_card": (
            person.legacy_id_card
            if shown_number == person.national_id or not person.legacy_id_card
            else "*****" + person.legacy_id_card[-4:]
        ),
        "memberships": selectors.membership_list(actor=user, national_id=person.national_id),
        "history": selectors.person_history(person=person),
        "audit_entries": _record_audit(user, person),
        "can_manage": permissions.can_manage_at(user, person.village_id),
        "can_reveal": shown_number is None
        and permissions.can_see_personal_id_at(user, person.village_id),
        "can_change_status": person.status != PersonStatus.DECEASED,
    }
    return render(request, "registry/person_detail.html", context)


@login_required
@require_safe
@domain_errors_as_http
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_by_id(actor=request.user, person_id=person_id)
    return _person_page(request, person)


@never_cache
@login_required
@require_POST
@domain_errors_as_http
def person_reveal(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's page with the full ID number, for a holder of `registry.view_personal_id`
    over the person's village; the same audited service as the API's `?reveal=1`. A POST, so
    the number never appears because someone followed or prefetched a link."""
    person = selectors.person_get_by_id(actor=request.user, person_id=person_id)
    if not permissions.can_see_personal_id_at(request.user, person.village_id):
        raise PermissionDenied
    number = services.show_national_id(actor=request.user, person=person)
    return _person_page(request, person, shown_number=number)


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_somewhere(request.user):
        raise PermissionDenied
    initial = {"eid_level": "none"}
    initial.update({k: request.GET[k] for k in ("village", "household") if k in request.GET})
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        person = submit(form, lambda: services.person_create(actor=request.user, **arguments))
        if person is not None:
            messages.success(request, _("Registered %(name)s.") % {"name": person.full_name})
            return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/person_form.html", {"form": form})


@login_required
@domain_errors_as_http
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_by_id(actor=request.user, person_id=person_id)
    _require_manage(request.user, person.village_id)
    initial = {
        "full_name": person.full_name,
        "birth_date": person.birth_date,
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "village": person.village.code,
        "household": person.household.code if person.household else "",
        "relation_to_head": person.relation_to_head,
        "phone": person.phone,
        "eid_level": person.eid_level,
        "eid_linked_on": person.eid_linked_on,
    }
    form = PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        saved = submit(
            form, lambda: services.person_update(actor=request.user, person=person, **arguments)
        )
        if saved is not None:
            messages.success(request, _("Saved %(name)s.") % {"name": saved.full_name})
            return redirect("registry:person_detail", person_id=saved.pk)
        # the service may have changed the instance before refusing: show the stored one
        person = selectors.person_get_by_id(actor=request.user, person_id=person_id)
    return render(request, "registry/person_edit.html", {"person": person, "form": form})


@login_required
@domain_errors_as_http
def person_status(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_by_id(actor=request.user, person_id=person_id)
    _require_manage(request.user, person.village_id)
    form = PersonStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = submit(
            form,
            lambda: services.person_change_status(
                actor=request.user,
                person=person,
                status=data["status"],
                on=data["on"],
                note=data["note"],
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("%(name)s: %(status)s.")
                % {"name": saved.full_name, "status": saved.get_status_display()},
            )
            return redirect("registry:person_detail", person_id=saved.pk)
        person = selectors.person_get_by_id(actor=request.user, person_id=person_id)
    return render(request, "registry/person_status.html", {"person": person, "form": form})


# ---------------------------------------------------------------------------------------------
# Households
# ---------------------------------------------------------------------------------------------


@login_required
@require_safe
@domain_errors_as_http
def household_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    household = selectors.household_get(actor=user, code=code)
    members = list(selectors.household_members(household=household)[:RELATED_SHOWN])
    context = {
        "household": household,
        "members": members,
        "head": next((m for m in members if m.relation_to_head == RelationToHead.HEAD), None),
        "audit_entries": _record_audit(user, household),
        "can_manage": permissions.can_manage_at(user, household.village_id),
    }
    return render(request, "registry/household_detail.html", context)


@login_required
def household_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_somewhere(request.user):
        raise PermissionDenied
    initial = {k: request.GET[k] for k in ("village", "clan") if k in request.GET}
    form = HouseholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        household = submit(form, lambda: services.household_create(actor=request.user, **arguments))
        if household is not None:
            messages.success(request, _("Created household %(code)s.") % {"code": household.code})
            return redirect("registry:household_detail", code=household.code)
    return render(request, "registry/household_form.html", {"form": form})


@login_required
@domain_errors_as_http
def household_edit(request: HttpRequest, code: str) -> HttpResponse:
    household = selectors.household_get(actor=request.user, code=code)
    _require_manage(request.user, household.village_id)
    initial = {
        "address": household.address,
        "poverty_status": household.poverty_status,
        "poverty_year": household.poverty_year,
        "clan": household.clan.code if household.clan else "",
    }
    form = HouseholdEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        saved = submit(
            form,
            lambda: services.household_update(actor=request.user, household=household, **arguments),
        )
        if saved is not None:
            messages.success(request, _("Saved household %(code)s.") % {"code": saved.code})
            return redirect("registry:household_detail", code=saved.code)
        household = selectors.household_get(actor=request.user, code=code)
    return render(request, "registry/household_edit.html", {"household": household, "form": form})


# ---------------------------------------------------------------------------------------------
# Clans
# ---------------------------------------------------------------------------------------------


@login_required
@require_safe
@domain_errors_as_http
def clan_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    clan = selectors.clan_get(actor=user, code=code)
    context = {
        "clan": clan,
        "households": page_of(request, selectors.clan_households(actor=user, clan=clan)),
        "audit_entries": _record_audit(user, clan),
        "can_manage": permissions.can_manage_at(user, clan.commune_id),
    }
    return render(request, "registry/clan_detail.html", context)


@login_required
def clan_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_somewhere(request.user):
        raise PermissionDenied
    initial = {k: request.GET[k] for k in ("commune",) if k in request.GET}
    form = ClanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        clan = submit(form, lambda: services.clan_create(actor=request.user, **arguments))
        if clan is not None:
            messages.success(request, _("Created clan %(name)s.") % {"name": clan.name})
            return redirect("registry:clan_detail", code=clan.code)
    return render(request, "registry/clan_form.html", {"form": form})


@login_required
@domain_errors_as_http
def clan_edit(request: HttpRequest, code: str) -> HttpResponse:
    clan = selectors.clan_get(actor=request.user, code=code)
    _require_manage(request.user, clan.commune_id)
    form = ClanEditForm(request.POST or None, initial={"name": clan.name})
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        saved = submit(
            form, lambda: services.clan_update(actor=request.user, clan=clan, **arguments)
        )
        if saved is not None:
            messages.success(request, _("Saved clan %(name)s.") % {"name": saved.name})
            return redirect("registry:clan_detail", code=saved.code)
        clan = selectors.clan_get(actor=request.user, code=code)
    return render(request, "registry/clan_edit.html", {"clan": clan, "form": form})


# ---------------------------------------------------------------------------------------------
# Memberships
# ---------------------------------------------------------------------------------------------


@login_required
@require_safe
@domain_errors_as_http
def membership_detail(request: HttpRequest, membership_id: int) -> HttpResponse:
    user = request.user
    membership = selectors.membership_get(actor=user, membership_id=membership_id)
    context = {
        "membership": membership,
        "audit_entries": _record_audit(user, membership),
        "can_manage": permissions.can_manage_at(user, membership.person.village_id),
    }
    return render(request, "registry/membership_detail.html", context)


@login_required
@domain_errors_as_http
def membership_create(request: HttpRequest) -> HttpResponse:
    """A new membership; from a person's page (`?person=<id>`) the person is fixed and their
    number is not written into the form."""
    user = request.user
    if not permissions.can_manage_somewhere(user):
        raise PermissionDenied
    person = None
    person_id = parse_id(request.GET.get("person", ""))  # not an id: as if none were given
    if person_id is not None:
        person = selectors.person_get_by_id(actor=user, person_id=person_id)
        _require_manage(user, person.village_id)
    initial = {k: request.GET[k] for k in ("organisation",) if k in request.GET}
    form = MembershipForm(request.POST or None, initial=initial, person_known=person is not None)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        if person is not None:
            arguments["national_id"] = person.national_id
        membership = submit(
            form,
            lambda: services.membership_create(actor=user, **arguments),
            fields={"national_id": "__all__"} if person is not None else None,
        )
        if membership is not None:
            messages.success(request, _("Recorded the membership."))
            return redirect("registry:membership_detail", membership_id=membership.pk)
    return render(request, "registry/membership_form.html", {"form": form, "person": person})


@login_required
@domain_errors_as_http
def membership_end(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = selectors.membership_get(actor=request.user, membership_id=membership_id)
    _require_manage(request.user, membership.person.village_id)
    form = MembershipEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["end_date"]
        ended = submit(
            form,
            lambda: services.membership_end(
                actor=request.user, membership=membership, end_date=day
            ),
        )
        if ended is not None:
            messages.success(request, _("Ended the membership."))
            return redirect("registry:membership_detail", membership_id=ended.pk)
        membership = selectors.membership_get(actor=request.user, membership_id=membership_id)
    return render(request, "registry/membership_end.html", {"membership": membership, "form": form})
