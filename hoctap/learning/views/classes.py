"""Pages: offline classes (`/learning/classes/…`).

Officers who run classes (`learning.manage_class`) create them, plan sessions, choose
instructors and participants, and complete them. Instructors sign in with their learner
account (ID number) and find the classes they teach first on the list; the attendance page of a
session is made for their phone. Reads go through the scoped selectors (a class outside the
user's scope is a 404), writes through the services (`hoctap.learning.services.classes`).
Persons are addressed by internal id, ID numbers shown masked.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hoctap.accounts.permissions import has_permission_somewhere
from hoctap.accounts.roles import Perm
from hoctap.core.errors import Conflict, InvalidInput
from hoctap.core.forms import submit
from hoctap.core.views import domain_errors_as_http, page_of
from hoctap.learning.forms.classes import (
    AttendanceForm,
    CancelForm,
    ClassEditForm,
    ClassFilterForm,
    ClassForm,
    InstructorForm,
    ParticipantsAddForm,
    PersonSearchForm,
    ScoresForm,
    SessionForm,
)
from hoctap.learning.models import ClassStatus, OfflineClass
from hoctap.learning.selectors import classes as selectors
from hoctap.learning.selectors.scope import learner_account_of
from hoctap.learning.services import class_sheets
from hoctap.learning.services import classes as services
from hoctap.learning.views.common import password_change_first

V = TypeVar("V", bound=Callable[..., HttpResponse])


def class_page(view: V) -> V:
    """A page of the classes: signed in; a learner (an instructor) with a temporary password
    changes it first; NotFound → 404 and PermissionDenied → 403."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account = learner_account_of(request.user)
        if account is not None and account.must_change_password:
            return password_change_first(request)
        return domain_errors_as_http(view)(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _require_manage(user: Any, offline_class: OfflineClass) -> None:
    if not services.can_manage_class(user, offline_class):
        raise PermissionDenied


def _require_teach_or_manage(user: Any, offline_class: OfflineClass) -> None:
    if not (
        services.can_manage_class(user, offline_class)
        or services.is_instructor_of(user, offline_class)
    ):
        raise PermissionDenied


def _detail(offline_class: OfflineClass) -> HttpResponse:
    return redirect("learning:class_detail", class_id=offline_class.pk)


# ---------------------------------------------------------------------------------------------
# The list, creating and editing
# ---------------------------------------------------------------------------------------------


@class_page
@require_safe
def class_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ClassFilterForm(request.GET or None)
    classes = selectors.class_list(actor=user, **form.selector_arguments())
    context = {
        "form": form,
        "mine": list(selectors.my_classes(actor=user)),
        "page": page_of(request, classes),
        "can_create": has_permission_somewhere(user, Perm.MANAGE_CLASSES),
    }
    return render(request, "learning/classes/class_list.html", context)


@class_page
@require_http_methods(["GET", "POST"])
def class_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_permission_somewhere(user, Perm.MANAGE_CLASSES):
        raise PermissionDenied
    initial = {k: request.GET[k] for k in ("unit", "organisation", "course") if k in request.GET}
    form = ClassForm(request.POST or None, initial=initial, courses=selectors.published_courses())
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        created = submit(
            form,
            lambda: services.class_create(actor=user, **arguments),
            fields={"course_code": "course"},
        )
        if created is not None:
            messages.success(request, _("Created class %(code)s.") % {"code": created.code})
            return _detail(created)
    return render(request, "learning/classes/class_form.html", {"form": form})


@class_page
@require_http_methods(["GET", "POST"])
def class_edit(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request.user
    offline_class = selectors.class_get(actor=user, class_id=class_id)
    _require_manage(user, offline_class)
    initial = {
        "title": offline_class.title,
        "venue": offline_class.venue,
        "capacity": offline_class.capacity,
        "starts_on": offline_class.starts_on,
        "ends_on": offline_class.ends_on,
        "min_attendance_percent": offline_class.min_attendance_percent,
        "requires_test": offline_class.requires_test,
        "test_pass_mark": offline_class.test_pass_mark,
    }
    form = ClassEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        saved = submit(
            form,
            lambda: services.class_update(actor=user, offline_class=offline_class, **arguments),
        )
        if saved is not None:
            messages.success(request, _("Saved class %(code)s.") % {"code": saved.code})
            return _detail(saved)
    context = {"offline_class": offline_class, "form": form}
    return render(request, "learning/classes/class_edit.html", context)


@class_page
@require_http_methods(["GET", "POST"])
def class_cancel(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request.user
    offline_class = selectors.class_get(actor=user, class_id=class_id)
    _require_manage(user, offline_class)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        cancelled = submit(
            form,
            lambda: services.class_cancel(actor=user, offline_class=offline_class, reason=reason),
        )
        if cancelled is not None:
            messages.success(request, _("The class is cancelled."))
            return _detail(cancelled)
    context = {"offline_class": offline_class, "form": form}
    return render(request, "learning/classes/class_cancel.html", context)


# ---------------------------------------------------------------------------------------------
# The class's page and its sheet
# ---------------------------------------------------------------------------------------------


@class_page
@require_safe
def class_detail(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request.user
    offline_class = selectors.class_get(actor=user, class_id=class_id)
    can_manage = services.can_manage_class(user, offline_class)
    teaches = services.is_instructor_of(user, offline_class)
    sheet = selectors.class_sheet(offline_class=offline_class)
    context = {
        "offline_class": offline_class,
        "sheet": sheet,
        "sessions": list(zip(sheet.sessions, sheet.taken, sheet.present_counts, strict=True)),
        "instructors": list(selectors.class_instructors(offline_class=offline_class)),
        "is_open": offline_class.status == ClassStatus.OPEN,
        "can_manage": can_manage,
        "can_take_attendance": can_manage or teaches,
        "teaches": teaches,
    }
    return render(request, "learning/classes/class_detail.html", context)


@class_page
@require_safe
def class_sheet(request: HttpRequest, class_id: int) -> HttpResponse:
    """The sheet alone, to print."""
    offline_class = selectors.class_get(actor=request.user, class_id=class_id)
    sheet = selectors.class_sheet(offline_class=offline_class)
    context = {
        "offline_class": offline_class,
        "sheet": sheet,
        "instructors": list(selectors.class_instructors(offline_class=offline_class)),
    }
    return render(request, "learning/classes/class_sheet.html", context)


@class_page
@require_safe
def class_sheet_export(request: HttpRequest, class_id: int, fmt: str) -> HttpResponse:
    offline_class = selectors.class_get(actor=request.user, class_id=class_id)
    exported = class_sheets.class_sheet_export(
        actor=request.user, offline_class=offline_class, fmt=fmt
    )
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.file_name}"'
    response["Cache-Control"] = "no-store"
    return response


@class_page
@require_http_methods(["GET", "POST"])
def class_complete(request: HttpRequest, class_id: int) -> HttpResponse:
    """GET: the result each participant would get; POST: complete the class."""
    user = request.user
    offline_class = selectors.class_get(actor=user, class_id=class_id)
    _require_manage(user, offline_class)
    error = None
    if request.method == "POST":
        try:
            outcome = services.class_complete(actor=user, offline_class=offline_class)
        except Conflict as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _(
                    "The class is completed: %(completed)s completed, %(not_completed)s did "
                    "not; %(certificates)s certificates issued."
                )
                % {
                    "completed": outcome.completed,
                    "not_completed": outcome.not_completed,
                    "certificates": outcome.certificates,
                },
            )
            return _detail(offline_class)
    context = {
        "offline_class": offline_class,
        "sheet": selectors.class_sheet(offline_class=offline_class),
        "error": error,
    }
    return render(request, "learning/classes/class_complete.html", context)


@class_page
@require_POST
def class_assign_online(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request.user
    offline_class = selectors.class_get(actor=user, class_id=class_id)
    _require_manage(user, offline_class)
    try:
        result = services.class_assign_online(actor=user, offline_class=offline_class)
    except (Conflict, InvalidInput) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Enrolled %(created)s participants online (%(existing)s were already).")
            % {"created": result.created, "existing": result.existing},
        )
    return _detail(offline_class)


# ---------------------------------------------------------------------------------------------
# Sessions and attendance
# ---------------------------------------------------------------------------------------------


@class_page
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request.user
    offline_class = selectors.class_get(actor=user, class_id=class_id)
    _require_manage(user, offline_class)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        session = submit(
            form,
            lambda: services.session_add(
                actor=user,
                offline_class=offline_class,
                on=data["on"],
                starts_at=data["starts_at"],
                topic=data["topic"],
            ),
        )
        if session is not None:
            messages.success(request, _("Added session %(n)s.") % {"n": session.number})
            return _detail(offline_class)
    context = {"offline_class": offline_class, "form": form, "session": None}
    return render(request, "learning/classes/session_form.html", context)


@class_page
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, class_id: int, number: int) -> HttpResponse:
    user = request.user
    session = selectors.class_session_get(actor=user, class_id=class_id, number=number)
    offline_class = session.offline_class
    _require_manage(user, offline_class)
    initial = {"on": session.on, "starts_at": session.starts_at, "topic": session.topic}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = submit(
            form,
            lambda: services.session_update(
                actor=user,
                session=session,
                on=data["on"],
                starts_at=data["starts_at"],
                topic=data["topic"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Saved session %(n)s.") % {"n": saved.number})
            return _detail(offline_class)
    context = {"offline_class": offline_class, "form": form, "session": session}
    return render(request, "learning/classes/session_form.html", context)


@class_page
@require_POST
def session_remove(request: HttpRequest, class_id: int, number: int) -> HttpResponse:
    user = request.user
    session = selectors.class_session_get(actor=user, class_id=class_id, number=number)
    _require_manage(user, session.offline_class)
    try:
        services.session_remove(actor=user, session=session)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Removed session %(n)s.") % {"n": number})
    return _detail(session.offline_class)


@class_page
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, class_id: int, number: int) -> HttpResponse:
    """One session's attendance, on a phone: a big toggle per participant, "all present",
    one Save. Participants shown on the page and not ticked are recorded absent."""
    user = request.user
    session = selectors.class_session_get(actor=user, class_id=class_id, number=number)
    offline_class = session.offline_class
    _require_teach_or_manage(user, offline_class)
    participants = list(selectors.class_participants(offline_class=offline_class))
    saved = selectors.session_attendance(session=session)
    form = AttendanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        present = form.cleaned_data["present"]
        absent = form.cleaned_data["shown"] - present
        taken = submit(
            form,
            lambda: services.attendance_take(
                actor=user, session=session, present_ids=present, absent_ids=absent
            ),
        )
        if taken is not None:
            messages.success(
                request,
                _("Saved: %(present)s present, %(absent)s absent.")
                % {"present": taken.present, "absent": taken.absent},
            )
            return redirect(
                "learning:class_attendance", class_id=offline_class.pk, number=session.number
            )
    if form.is_bound:
        ticked = set(form.cleaned_data.get("present") or set()) if form.is_valid() else set()
    elif request.GET.get("all") == "1":
        ticked = {p.person_id for p in participants}
    else:
        ticked = {pid for pid, present in saved.items() if present}
    rows = [
        {
            "participant": p,
            "person": p.person,
            "checked": p.person_id in ticked,
            "saved": saved.get(p.person_id),
        }
        for p in participants
    ]
    sessions = list(selectors.class_sessions(offline_class=offline_class))
    context = {
        "offline_class": offline_class,
        "session": session,
        "rows": rows,
        "form": form,
        "taken": bool(saved),
        "saved_present": sum(1 for v in saved.values() if v),
        "saved_absent": sum(1 for v in saved.values() if not v),
        "previous": next((s for s in reversed(sessions) if s.number < session.number), None),
        "next": next((s for s in sessions if s.number > session.number), None),
        "is_open": offline_class.status == ClassStatus.OPEN,
    }
    return render(request, "learning/classes/attendance.html", context)


@class_page
@require_http_methods(["GET", "POST"])
def test_scores(request: HttpRequest, class_id: int) -> HttpResponse:
    """The test scores of every participant, typed on one page."""
    user = request.user
    offline_class = selectors.class_get(actor=user, class_id=class_id)
    _require_teach_or_manage(user, offline_class)
    participants = list(selectors.class_participants(offline_class=offline_class))
    form = ScoresForm(request.POST or None, participants=participants)
    if request.method == "POST" and form.is_valid():
        scores = form.scores()
        changed = submit(
            form,
            lambda: services.test_scores_record(
                actor=user, offline_class=offline_class, scores=scores
            ),
        )
        if changed is not None:
            messages.success(
                request,
                ngettext("Saved %(n)s test score.", "Saved %(n)s test scores.", changed)
                % {"n": changed},
            )
            return _detail(offline_class)
    context = {"offline_class": offline_class, "form": form}
    return render(request, "learning/classes/test_scores.html", context)


# ---------------------------------------------------------------------------------------------
# Participants and instructors
# ---------------------------------------------------------------------------------------------


@class_page
@require_http_methods(["GET", "POST"])
def participants_add(request: HttpRequest, class_id: int) -> HttpResponse:
    """Find persons by name or the start of their ID number, tick them, add them."""
    user = request.user
    offline_class = selectors.class_get(actor=user, class_id=class_id)
    _require_manage(user, offline_class)
    search = PersonSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    found = selectors.class_person_search(actor=user, q=query)
    current = {p.person_id for p in selectors.class_participants(offline_class=offline_class)}
    addable = [p for p in found if p.pk not in current]
    form = ParticipantsAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person_ids = form.cleaned_data["person"]
        added = submit(
            form,
            lambda: services.participants_add(
                actor=user, offline_class=offline_class, person_ids=person_ids
            ),
            fields={"persons": "person"},
        )
        if added is not None:
            count = len(added.added)
            messages.success(
                request,
                ngettext("Added %(n)s participant.", "Added %(n)s participants.", count)
                % {"n": count},
            )
            return _detail(offline_class)
    context = {
        "offline_class": offline_class,
        "search": search,
        "query": query,
        "found": found,
        "addable": addable,
        "current": current,
        "form": form,
        "capacity_left": max(offline_class.capacity - len(current), 0),
    }
    return render(request, "learning/classes/participants_add.html", context)


@class_page
@require_POST
def participant_remove(request: HttpRequest, class_id: int, participant_id: int) -> HttpResponse:
    user = request.user
    participant = selectors.class_participant_get(
        actor=user, class_id=class_id, participant_id=participant_id
    )
    _require_manage(user, participant.offline_class)
    try:
        services.participant_remove(actor=user, participant=participant)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Removed %(name)s from the class.") % {"name": participant.person.full_name}
        )
    return _detail(participant.offline_class)


@class_page
@require_http_methods(["GET", "POST"])
def instructor_add(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request.user
    offline_class = selectors.class_get(actor=user, class_id=class_id)
    _require_manage(user, offline_class)
    search = PersonSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    found = selectors.class_person_search(actor=user, q=query)
    form = InstructorForm(request.POST or None, initial={"role": "lead"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        instructor = submit(
            form,
            lambda: services.instructor_add(
                actor=user,
                offline_class=offline_class,
                person_id=data["person"],
                role=data["role"],
            ),
        )
        if instructor is not None:
            messages.success(
                request,
                _("%(name)s teaches the class.") % {"name": instructor.person.full_name},
            )
            return _detail(offline_class)
    context = {
        "offline_class": offline_class,
        "search": search,
        "query": query,
        "found": found,
        "form": form,
    }
    return render(request, "learning/classes/instructor_add.html", context)


@class_page
@require_POST
def instructor_remove(request: HttpRequest, class_id: int, instructor_id: int) -> HttpResponse:
    user = request.user
    instructor = selectors.class_instructor_get(
        actor=user, class_id=class_id, instructor_id=instructor_id
    )
    _require_manage(user, instructor.offline_class)
    try:
        services.instructor_remove(actor=user, instructor=instructor)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s no longer teaches the class.") % {"name": instructor.person.full_name},
        )
    return _detail(instructor.offline_class)


C = "learning/classes/<int:class_id>"
urlpatterns = [
    path("learning/classes/", class_list, name="class_list"),
    path("learning/classes/new", class_create, name="class_create"),
    path(f"{C}/", class_detail, name="class_detail"),
    path(f"{C}/edit", class_edit, name="class_edit"),
    path(f"{C}/cancel", class_cancel, name="class_cancel"),
    path(f"{C}/complete", class_complete, name="class_complete"),
    path(f"{C}/assign-online", class_assign_online, name="class_assign_online"),
    path(f"{C}/sheet", class_sheet, name="class_sheet"),
    path(f"{C}/sheet.csv", class_sheet_export, {"fmt": "csv"}, name="class_sheet_csv"),
    path(f"{C}/sheet.xlsx", class_sheet_export, {"fmt": "xlsx"}, name="class_sheet_xlsx"),
    path(f"{C}/scores", test_scores, name="class_scores"),
    path(f"{C}/sessions/new", session_create, name="class_session_create"),
    path(f"{C}/sessions/<int:number>/edit", session_edit, name="class_session_edit"),
    path(f"{C}/sessions/<int:number>/remove", session_remove, name="class_session_remove"),
    path(f"{C}/sessions/<int:number>/attendance", attendance, name="class_attendance"),
    path(f"{C}/participants/add", participants_add, name="class_participants_add"),
    path(
        f"{C}/participants/<int:participant_id>/remove",
        participant_remove,
        name="class_participant_remove",
    ),
    path(f"{C}/instructors/add", instructor_add, name="class_instructor_add"),
    path(
        f"{C}/instructors/<int:instructor_id>/remove",
        instructor_remove,
        name="class_instructor_remove",
    ),
]
