"""Pages: learner accounts for officers, their bulk creation, course assignment and the
enrolments of the persons in scope (see `hoctap.learning.views`).

Accounts are addressed by their internal id; ID numbers are shown masked. A temporary password
is shown once, on the page that answers the action that made it (never stored for a page to
show again, never in a URL). A bulk creation and its account sheet are seen by the officer who
asked only.
"""

from __future__ import annotations

from typing import Any, TypeVar

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
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hoctap.accounts.permissions import has_permission_somewhere
from hoctap.accounts.roles import Perm
from hoctap.core.errors import Conflict, InvalidInput, NotFound
from hoctap.core.formatting import show_number
from hoctap.core.forms import submit
from hoctap.core.ids import parse_id
from hoctap.core.views import domain_errors_as_http, export_response, page_of
from hoctap.learning.forms.learners import (
    ORGANISATIONS_LISTED,
    AccountBatchForm,
    AccountCreateForm,
    AccountFilterForm,
    AssignForm,
    CandidateSearchForm,
    EnrolmentFilterForm,
    PhoneForm,
)
from hoctap.learning.models import AccountBatch, Course, JobStatus, LearnerAccount
from hoctap.learning.selectors import assignments as assignment_selectors
from hoctap.learning.selectors import learners as selectors
from hoctap.learning.services import account_batches, assignments, enrolment_exports
from hoctap.learning.services import learners as services

ENROLMENTS_SHOWN = 50
R = TypeVar("R", bound=HttpResponseBase)
IN_PROGRESS = (JobStatus.QUEUED, JobStatus.RUNNING)


def _require(user: Any, permission: str) -> None:
    """403 for a user who holds the permission nowhere."""
    if not has_permission_somewhere(user, permission):
        raise PermissionDenied


def _organisations(user: Any, permission: str = Perm.MANAGE_LEARNERS) -> list[Any] | None:
    """The organisations the user may act on (or see, for a filter), for a list to choose
    from; None when there are too many to list (the form then asks for a code)."""
    organisations = list(
        selectors.learner_organisations(actor=user, permission=permission)[
            : ORGANISATIONS_LISTED + 1
        ]
    )
    return None if len(organisations) > ORGANISATIONS_LISTED else organisations


def _no_store(response: R) -> R:
    """A page that shows a password: not kept by the browser or any cache."""
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------


@login_required
@require_safe
def account_list(request: HttpRequest) -> HttpResponse:
    _require(request.user, Perm.VIEW_LEARNING)
    form = AccountFilterForm(
        request.GET or None, organisations=_organisations(request.user, Perm.VIEW_LEARNING)
    )
    accounts = selectors.learner_account_list(actor=request.user, **form.selector_arguments())
    page = page_of(request, accounts)
    organisations = selectors.current_organisations([a.person_id for a in page])
    rows = [(account, organisations.get(account.person_id, [])) for account in page]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "can_manage": selectors.can_manage_learners_somewhere(request.user),
    }
    return render(request, "learning/learners/account_list.html", context)


@login_required
@require_safe
@domain_errors_as_http
def account_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    account = selectors.learner_account_get(actor=request.user, account_id=account_id)
    return _account_page(request, account)


def _account_page(
    request: HttpRequest, account: LearnerAccount, *, password: str | None = None
) -> HttpResponse:
    user = request.user
    enrolments = assignment_selectors.enrolment_list(actor=user, person_id=account.person_id)
    context = {
        "account": account,
        "person": account.person,
        "organisations": selectors.current_organisations([account.person_id]).get(
            account.person_id, []
        ),
        "enrolments": list(enrolments[:ENROLMENTS_SHOWN]),
        "can_manage": selectors.can_manage_learner(user, account.person_id),
        "password": password,
    }
    response = render(request, "learning/learners/account_detail.html", context)
    return _no_store(response) if password else response


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@domain_errors_as_http
def account_create(request: HttpRequest) -> HttpResponse:
    """Find a person in scope (name or ID number), then create their account: the response
    shows the temporary password once."""
    user = request.user
    if not selectors.can_manage_learners_somewhere(user):
        raise PermissionDenied
    search = CandidateSearchForm(request.GET or None)
    q = search.cleaned_data.get("q", "") if search.is_valid() else ""
    form = AccountCreateForm(request.POST or None, initial={"person": request.GET.get("person")})
    person = None
    chosen = request.POST.get("person") or request.GET.get("person")
    if chosen:
        person_id = parse_id(chosen)
        if person_id is None:  # names nobody
            raise Http404
        person = selectors.account_candidate_get(actor=user, person_id=person_id)
    if request.method == "POST" and form.is_valid() and person is not None:
        created = submit(
            form,
            lambda: services.learner_account_create(
                actor=user, person=person, phone=form.cleaned_data["phone"]
            ),
        )
        if created is not None:
            account, password = created
            return _account_page(request, account, password=password)
    if request.method == "POST" and person is None:
        form.add_error(None, _("Choose the person first."))
    context = {
        "search": search,
        "candidates": selectors.account_candidates(actor=user, q=q),
        "q": q,
        "person": person,
        "existing": (
            selectors.person_account(actor=user, person_id=person.pk)[1] if person else None
        ),
        "form": form,
    }
    return render(request, "learning/learners/account_create.html", context)


@never_cache
@login_required
@require_POST
@domain_errors_as_http
def account_reset_password(request: HttpRequest, account_id: int) -> HttpResponse:
    account = selectors.learner_account_get(actor=request.user, account_id=account_id)
    if not selectors.can_manage_learner(request.user, account.person_id):
        raise PermissionDenied
    password = services.learner_password_reset(actor=request.user, account=account)
    return _account_page(request, account, password=password)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@domain_errors_as_http
def account_phone(request: HttpRequest, account_id: int) -> HttpResponse:
    account = selectors.learner_account_get(actor=request.user, account_id=account_id)
    if not selectors.can_manage_learner(request.user, account.person_id):
        raise PermissionDenied
    form = PhoneForm(request.POST or None, initial={"phone": account.phone})
    if request.method == "POST" and form.is_valid():
        done = submit(
            form,
            lambda: services.learner_phone_set(
                actor=request.user, account=account, phone=form.cleaned_data["phone"]
            ),
        )
        if done is not None:
            messages.success(request, _("The sign-in phone was saved."))
            return redirect("learning:account_detail", account_id=account.pk)
    return render(
        request, "learning/learners/account_phone.html", {"account": account, "form": form}
    )


# ---------------------------------------------------------------------------------------------
# Bulk creation
# ---------------------------------------------------------------------------------------------


def batch_progress_text(batch: AccountBatch) -> str:
    if batch.status == JobStatus.QUEUED:
        return _("Waiting for the creation to start.")
    if batch.status == JobStatus.RUNNING:
        return _("Creating accounts: %(done)s of %(total)s members done.") % {
            "done": show_number(min(batch.done, batch.total)),
            "total": show_number(batch.total),
        }
    return batch.get_status_display()


@login_required
@require_safe
def account_batch_list(request: HttpRequest) -> HttpResponse:
    if not selectors.can_manage_learners_somewhere(request.user):
        raise PermissionDenied
    page = page_of(request, selectors.account_batch_list(actor=request.user), 25)
    return render(request, "learning/learners/batch_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_batch_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.can_manage_learners_somewhere(user):
        raise PermissionDenied
    form = AccountBatchForm(
        request.POST or None,
        organisations=_organisations(user),
        initial={"organisation": request.GET.get("organisation"), "position": "teacher"},
    )
    if request.method == "POST" and form.is_valid():
        batch = submit(
            form,
            lambda: account_batches.account_batch_request(
                actor=user,
                organisation_code=form.cleaned_data["organisation"],
                position=form.cleaned_data["position"],
                language=translation.get_language() or "",
            ),
        )
        if batch is not None:
            return redirect("learning:account_batch_detail", batch_id=batch.pk)
    return render(request, "learning/learners/batch_new.html", {"form": form})


@login_required
@require_safe
@domain_errors_as_http
def account_batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.account_batch_get(actor=request.user, batch_id=batch_id)
    context = {
        "batch": batch,
        "in_progress": batch.status in IN_PROGRESS,
        "progress_text": batch_progress_text(batch),
    }
    return render(request, "learning/learners/batch_detail.html", context)


@never_cache
@login_required
@require_safe
@domain_errors_as_http
def account_batch_progress(request: HttpRequest, batch_id: int) -> JsonResponse:
    """What the batch's page polls while the accounts are created."""
    batch = selectors.account_batch_get(actor=request.user, batch_id=batch_id)
    return JsonResponse(
        {
            "status": batch.status,
            "finished": batch.status not in IN_PROGRESS,
            "done": batch.done,
            "total": batch.total if batch.status == JobStatus.RUNNING else None,
            "text": batch_progress_text(batch),
        }
    )


def _sheet(request: HttpRequest, batch_id: int, fmt: str) -> HttpResponseBase:
    try:
        batch = selectors.account_batch_get(actor=request.user, batch_id=batch_id)
        sheet = account_batches.account_batch_sheet_open(actor=request.user, batch=batch, fmt=fmt)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("learning:account_batch_detail", batch_id=batch_id)
    response = FileResponse(
        sheet.file, as_attachment=True, filename=sheet.file_name, content_type=sheet.content_type
    )
    return _no_store(response)


@login_required
@require_safe
def account_batch_sheet_csv(request: HttpRequest, batch_id: int) -> HttpResponseBase:
    return _sheet(request, batch_id, "csv")


@login_required
@require_safe
def account_batch_sheet_xlsx(request: HttpRequest, batch_id: int) -> HttpResponseBase:
    return _sheet(request, batch_id, "xlsx")


@login_required
@require_POST
@domain_errors_as_http
def account_batch_sheet_delete(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.account_batch_get(actor=request.user, batch_id=batch_id)
    try:
        account_batches.account_batch_sheet_delete(actor=request.user, batch=batch)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The account sheet was deleted."))
    return redirect("learning:account_batch_detail", batch_id=batch.pk)


# ---------------------------------------------------------------------------------------------
# Course assignment and the enrolments
# ---------------------------------------------------------------------------------------------


def _assign(user: Any, data: dict[str, Any]) -> tuple[Course, assignments.Assignment]:
    try:
        course = assignment_selectors.assignable_course_get(code=data["course"])
    except NotFound as exc:
        raise InvalidInput({"course": exc.message}) from exc
    if data["target"] != "person":
        return course, assignments.course_assign_organisation(
            actor=user,
            course=course,
            organisation_code=data["organisation"],
            position=data["position"],
        )
    try:
        if data.get("person"):
            person = selectors.account_candidate_get(actor=user, person_id=data["person"])
        else:
            person = selectors.assignable_person_get(actor=user, national_id=data["national_id"])
    except NotFound as exc:
        raise InvalidInput({"national_id": exc.message}) from exc
    return course, assignments.course_assign_person(actor=user, course=course, person=person)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assign(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.can_manage_learners_somewhere(user):
        raise PermissionDenied
    # a person that is not an id is left out, as if none were given
    person_id = parse_id(request.GET.get("person", ""))
    initial: dict[str, Any] = {"course": request.GET.get("course")}
    if person_id is not None:
        initial.update(person=person_id, target="person")
    form = AssignForm(
        request.POST or None,
        courses=assignment_selectors.assignable_courses(),
        organisations=_organisations(user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        done = submit(form, lambda: _assign(user, form.cleaned_data))
        if done is not None:
            course, result = done
            messages.success(
                request,
                _(
                    "“%(course)s” assigned: %(created)s new enrolments, %(existing)s already "
                    "enrolled, %(left_out)s members left out (not living here, or outside your "
                    "scope)."
                )
                % {
                    "course": course.title,
                    "created": show_number(result.created),
                    "existing": show_number(result.existing),
                    "left_out": show_number(result.left_out),
                },
            )
            url = reverse("learning:enrolment_list")
            return redirect(f"{url}?course={course.code}")
    person = None
    if person_id is not None:
        try:
            person = selectors.account_candidate_get(actor=user, person_id=person_id)
        except NotFound as exc:
            raise Http404(exc.message) from exc
    return render(request, "learning/learners/assign.html", {"form": form, "person": person})


@login_required
@require_safe
def enrolment_list(request: HttpRequest) -> HttpResponse:
    _require(request.user, Perm.VIEW_LEARNING)
    form = EnrolmentFilterForm(
        request.GET or None,
        courses=assignment_selectors.enrolment_courses(),
        organisations=_organisations(request.user, Perm.VIEW_LEARNING),
    )
    enrolments = assignment_selectors.enrolment_list(
        actor=request.user, **form.selector_arguments()
    )
    page = page_of(request, enrolments)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "export_query": query.urlencode(),
        "can_assign": selectors.can_manage_learners_somewhere(request.user),
    }
    return render(request, "learning/learners/enrolment_list.html", context)


def _enrolment_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    _require(request.user, Perm.VIEW_LEARNING)
    courses = assignment_selectors.enrolment_courses()
    form = EnrolmentFilterForm(request.GET or None, courses=courses)
    export = enrolment_exports.enrolment_export(
        actor=request.user, fmt=fmt, filters=form.selector_arguments()
    )
    return export_response(export)


@login_required
@require_safe
def enrolment_export_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    return _enrolment_export(request, "csv")


@login_required
@require_safe
def enrolment_export_xlsx(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    return _enrolment_export(request, "xlsx")


urlpatterns: list[URLPattern] = [
    path("learning/accounts/", account_list, name="account_list"),
    path("learning/accounts/new", account_create, name="account_create"),
    path("learning/accounts/<int:account_id>/", account_detail, name="account_detail"),
    path(
        "learning/accounts/<int:account_id>/reset-password",
        account_reset_password,
        name="account_reset_password",
    ),
    path("learning/accounts/<int:account_id>/phone", account_phone, name="account_phone"),
    path("learning/accounts/batches/", account_batch_list, name="account_batch_list"),
    path("learning/accounts/batches/new", account_batch_new, name="account_batch_new"),
    path(
        "learning/accounts/batches/<int:batch_id>/",
        account_batch_detail,
        name="account_batch_detail",
    ),
    path(
        "learning/accounts/batches/<int:batch_id>/progress",
        account_batch_progress,
        name="account_batch_progress",
    ),
    path(
        "learning/accounts/batches/<int:batch_id>/sheet.csv",
        account_batch_sheet_csv,
        name="account_batch_sheet_csv",
    ),
    path(
        "learning/accounts/batches/<int:batch_id>/sheet.xlsx",
        account_batch_sheet_xlsx,
        name="account_batch_sheet_xlsx",
    ),
    path(
        "learning/accounts/batches/<int:batch_id>/sheet/delete",
        account_batch_sheet_delete,
        name="account_batch_sheet_delete",
    ),
    path("learning/assign", assign, name="assign"),
    path("learning/enrolments/", enrolment_list, name="enrolment_list"),
    path("learning/enrolments/export.csv", enrolment_export_csv, name="enrolment_export_csv"),
    path("learning/enrolments/export.xlsx", enrolment_export_xlsx, name="enrolment_export_xlsx"),
]
