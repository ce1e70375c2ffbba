"""Pages: community digital technology groups (`/learning/groups/…`).

The list (by commune, with the villages of a chosen commune that have no group yet: the target
is one per village), a group's page (members, help given by kind and month, classes, people
helped), setting up a group, its members, recording help (one person, or many on one day), and
the activities list with its CSV/XLSX export. Reads go through the scoped selectors (a group
outside the user's scope is a 404), writes through the same services the API uses.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from hoctap.core.forms import submit
from hoctap.core.views import domain_errors_as_http, export_response, page_of
from hoctap.learning.forms.groups import (
    ActivityFilterForm,
    ActivityForm,
    ActivityManyForm,
    GroupCreateForm,
    GroupDecisionForm,
    GroupFilterForm,
    MemberAddForm,
    MemberEndForm,
    MemberRoleForm,
    PersonFilterForm,
)
from hoctap.learning.models import ActivityKind, DigitalTechGroup
from hoctap.learning.selectors import groups as selectors
from hoctap.learning.services import group_exports
from hoctap.learning.services import groups as services
from hoctap.learning.services.groups import ActivitiesRecorded

RECENT_SHOWN = 20
PEOPLE_SHOWN = 20


def _require_view(user: Any) -> None:
    if not selectors.can_view_groups(user):
        raise PermissionDenied


def _require_manage(user: Any, group: DigitalTechGroup) -> None:
    if not selectors.can_manage_group(user, group):
        raise PermissionDenied


# ---------------------------------------------------------------------------------------------
# The list and setting up a group
# ---------------------------------------------------------------------------------------------


@login_required
@require_safe
def group_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_view(user)
    form = GroupFilterForm(request.GET or None)
    arguments = form.selector_arguments()
    page = page_of(request, selectors.group_list(actor=user, **arguments))
    commune = selectors.chosen_commune(actor=user, within_unit_code=arguments["within_unit_code"])
    villages = selectors.commune_villages(actor=user, commune=commune) if commune else None
    coverage = None
    if commune is None:
        coverage = list(
            selectors.group_coverage(actor=user, within_unit_code=arguments["within_unit_code"])[
                :200
            ]
        )
    context = {
        "form": form,
        "page": page,
        "commune": commune,
        "villages": villages,
        "villages_with_group": sum(1 for v in villages or [] if v.group is not None),
        "villages_without_group": [v for v in villages or [] if v.group is None],
        "coverage": coverage,
        "can_create": selectors.can_manage_groups_somewhere(user),
        "can_manage_commune": commune is not None
        and selectors.can_manage_village(user, commune.id),
    }
    return render(request, "learning/groups/group_list.html", context)


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    if not selectors.can_manage_groups_somewhere(request.user):
        raise PermissionDenied
    initial = {"village": request.GET["village"]} if "village" in request.GET else {}
    form = GroupCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        group = submit(
            form,
            lambda: services.group_create(actor=request.user, **arguments),
            fields={"village_code": "village"},
        )
        if group is not None:
            messages.success(request, _("Set up %(name)s.") % {"name": group.organisation.name})
            return redirect("learning:group_detail", code=group.organisation.code)
    return render(request, "learning/groups/group_form.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# One group
# ---------------------------------------------------------------------------------------------


@login_required
@require_safe
@domain_errors_as_http
def group_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    group = selectors.group_get(actor=user, code=code)
    members = list(selectors.group_members(group=group))
    context = {
        "group": group,
        "current_members": [m for m in members if m.left_on is None],
        "former_members": [m for m in members if m.left_on is not None],
        "table": selectors.group_activity_counts(group=group),
        "recent": list(
            selectors.group_activity_list(actor=user, group_code=group.organisation.code)[
                :RECENT_SHOWN
            ]
        ),
        "classes": list(selectors.group_classes(group=group)),
        "people": list(selectors.group_people_helped(group=group)[:PEOPLE_SHOWN]),
        "people_count": selectors.group_people_helped_count(group=group),
        "can_manage": selectors.can_manage_group(user, group),
    }
    return render(request, "learning/groups/group_detail.html", context)


@login_required
@domain_errors_as_http
def group_edit(request: HttpRequest, code: str) -> HttpResponse:
    group = selectors.group_get(actor=request.user, code=code)
    _require_manage(request.user, group)
    initial = {
        "decision_number": group.decision_number,
        "decision_date": group.decision_date,
        "decided_by": group.decided_by,
    }
    form = GroupDecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        saved = submit(
            form, lambda: services.group_update(actor=request.user, group=group, **arguments)
        )
        if saved is not None:
            messages.success(request, _("Saved the founding decision."))
            return redirect("learning:group_detail", code=code)
        group = selectors.group_get(actor=request.user, code=code)
    return render(request, "learning/groups/group_edit.html", {"group": group, "form": form})


@login_required
@require_safe
@domain_errors_as_http
def group_people(request: HttpRequest, code: str) -> HttpResponse:
    group = selectors.group_get(actor=request.user, code=code)
    page = page_of(request, selectors.group_people_helped(group=group))
    return render(request, "learning/groups/group_people.html", {"group": group, "page": page})


# ---------------------------------------------------------------------------------------------
# Members
# ---------------------------------------------------------------------------------------------


@login_required
@domain_errors_as_http
def member_add(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    group = selectors.group_get(actor=user, code=code)
    _require_manage(user, group)
    persons = selectors.group_person_choices(actor=user, group=group, exclude_current_members=True)
    form = MemberAddForm(
        request.POST or None, persons=persons, initial={"joined_on": group.decision_date}
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        member = submit(
            form,
            lambda: services.member_add(actor=user, group=group, **arguments),
            fields={"person_id": "person" if "person_id" in arguments else "national_id"},
        )
        if member is not None:
            messages.success(
                request,
                _("%(name)s joined the group as %(role)s.")
                % {"name": member.person.full_name, "role": member.get_role_display()},
            )
            return redirect("learning:group_detail", code=code)
    return render(request, "learning/groups/member_form.html", {"group": group, "form": form})


@login_required
@domain_errors_as_http
def member_end(request: HttpRequest, code: str, member_id: int) -> HttpResponse:
    user = request.user
    group = selectors.group_get(actor=user, code=code)
    member = selectors.group_member_get(actor=user, group=group, member_id=member_id)
    _require_manage(user, group)
    form = MemberEndForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["left_on"]
        ended = submit(form, lambda: services.member_end(actor=user, member=member, left_on=day))
        if ended is not None:
            messages.success(
                request, _("%(name)s left the group.") % {"name": ended.person.full_name}
            )
            return redirect("learning:group_detail", code=code)
    context = {"group": group, "member": member, "form": form}
    return render(request, "learning/groups/member_end.html", context)


@login_required
@domain_errors_as_http
def member_role(request: HttpRequest, code: str, member_id: int) -> HttpResponse:
    user = request.user
    group = selectors.group_get(actor=user, code=code)
    member = selectors.group_member_get(actor=user, group=group, member_id=member_id)
    _require_manage(user, group)
    form = MemberRoleForm(request.POST or None, initial={"role": member.role})
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        saved = submit(
            form, lambda: services.member_change_role(actor=user, member=member, role=role)
        )
        if saved is not None:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": saved.person.full_name, "role": saved.get_role_display()},
            )
            return redirect("learning:group_detail", code=code)
        member = selectors.group_member_get(actor=user, group=group, member_id=member_id)
    context = {"group": group, "member": member, "form": form}
    return render(request, "learning/groups/member_role.html", context)


# ---------------------------------------------------------------------------------------------
# Activities
# ---------------------------------------------------------------------------------------------


def _report(request: HttpRequest, result: ActivitiesRecorded, *, asked_link: bool) -> None:
    count = len(result.activities)
    messages.success(
        request,
        ngettext("Recorded the help to %(n)s person.", "Recorded the help to %(n)s persons.", count)
        % {"n": count},
    )
    if result.already_recorded:
        messages.info(
            request,
            _("Already on record for that day, skipped: %(names)s.")
            % {"names": ", ".join(p.full_name for p in result.already_recorded)},
        )
    if asked_link and result.eid_linked:
        messages.success(
            request,
            _("The e-ID link date was recorded on the register for: %(names)s.")
            % {"names": ", ".join(p.full_name for p in result.eid_linked)},
        )
    if asked_link and result.eid_not_linked:
        messages.warning(
            request,
            _(
                "The e-ID link date was not recorded (no e-ID account, already linked, or you "
                "may not change the register) for: %(names)s."
            )
            % {"names": ", ".join(p.full_name for p in result.eid_not_linked)},
        )


@login_required
@domain_errors_as_http
def activity_create(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    group = selectors.group_get(actor=user, code=code)
    _require_manage(user, group)
    form = ActivityForm(
        request.POST or None,
        persons=selectors.group_person_choices(actor=user, group=group),
        helpers=selectors.group_helper_choices(group=group),
        initial={"on": timezone.localdate(), "kind": ActivityKind.EID_LINKING},
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        result = submit(
            form,
            lambda: services.activity_record(actor=user, group=group, **arguments),
            fields={
                "helper_id": "helper",
                "person_id": "person" if "person_id" in arguments else "national_id",
            },
        )
        if result is not None:
            _report(request, result, asked_link=arguments["link_eid"])
            return redirect("learning:group_detail", code=code)
    return render(request, "learning/groups/activity_form.html", {"group": group, "form": form})


@login_required
@domain_errors_as_http
def activity_many(request: HttpRequest, code: str) -> HttpResponse:
    """Many persons helped on one day: tick residents of the village (or found by name in the
    commune), and/or give ID numbers one a line."""
    user = request.user
    group = selectors.group_get(actor=user, code=code)
    _require_manage(user, group)
    finder = PersonFilterForm(request.GET or None)
    found = finder.cleaned_data if finder.is_valid() else {}
    persons = selectors.group_person_choices(
        actor=user,
        group=group,
        q=found.get("q") or None,
        without_eid_link=bool(found.get("not_linked")),
    )
    form = ActivityManyForm(
        request.POST or None,
        persons=persons,
        helpers=selectors.group_helper_choices(group=group),
        initial={"on": timezone.localdate(), "kind": ActivityKind.EID_LINKING},
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        result = submit(
            form,
            lambda: services.activity_record_many(actor=user, group=group, **arguments),
            fields={"helper_id": "helper", "person_ids": "persons"},
        )
        if result is not None:
            _report(request, result, asked_link=arguments["link_eid"])
            return redirect("learning:group_detail", code=code)
    context = {
        "group": group,
        "form": form,
        "finder": finder,
        "persons_shown": len(persons),
        "limit": selectors.PERSON_CHOICES_LIMIT,
    }
    return render(request, "learning/groups/activity_many.html", context)


@login_required
@require_safe
def activity_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_view(user)
    form = ActivityFilterForm(request.GET or None)
    page = page_of(request, selectors.group_activity_list(actor=user, **form.selector_arguments()))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "export_query": query.urlencode()}
    return render(request, "learning/groups/activity_list.html", context)


@login_required
@require_safe
@domain_errors_as_http
def activity_export(request: HttpRequest, fmt: str) -> Any:
    _require_view(request.user)
    form = ActivityFilterForm(request.GET or None)
    export = group_exports.group_activity_export(
        actor=request.user, fmt=fmt, filters=form.selector_arguments()
    )
    return export_response(export)


urlpatterns: list[URLPattern] = [
    path("learning/groups/", group_list, name="group_list"),
    path("learning/groups/new", group_create, name="group_create"),
    path("learning/group-activities/", activity_list, name="group_activity_list"),
    path(
        "learning/group-activities/export.csv",
        activity_export,
        {"fmt": "csv"},
        name="group_activity_export_csv",
    ),
    path(
        "learning/group-activities/export.xlsx",
        activity_export,
        {"fmt": "xlsx"},
        name="group_activity_export_xlsx",
    ),
    path("learning/groups/<str:code>/", group_detail, name="group_detail"),
    path("learning/groups/<str:code>/edit", group_edit, name="group_edit"),
    path("learning/groups/<str:code>/people/", group_people, name="group_people"),
    path("learning/groups/<str:code>/members/new", member_add, name="group_member_add"),
    path(
        "learning/groups/<str:code>/members/<int:member_id>/end",
        member_end,
        name="group_member_end",
    ),
    path(
        "learning/groups/<str:code>/members/<int:member_id>/role",
        member_role,
        name="group_member_role",
    ),
    path(
        "learning/groups/<str:code>/activities/new", activity_create, name="group_activity_create"
    ),
    path("learning/groups/<str:code>/activities/many", activity_many, name="group_activity_many"),
]
