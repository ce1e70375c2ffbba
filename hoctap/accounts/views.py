"""Pages for the signed-in user (home, API tokens) and for managing users and role grants."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hoctap.accounts import selectors, services
from hoctap.accounts.forms import (
    GrantForm,
    PasswordChangeForm,
    TokenForm,
    UserCreateForm,
    UserFilterForm,
)
from hoctap.accounts.models import RoleGrant
from hoctap.accounts.permissions import Scope, has_permission_somewhere, scope_for
from hoctap.accounts.roles import ROLE_PERMISSIONS, Perm
from hoctap.core.errors import Conflict
from hoctap.core.forms import submit
from hoctap.core.views import domain_errors_as_http, page_of
from hoctap.geo.models import UnitLevel


def _require(user: Any, permission: str) -> None:
    """A section whose permission the user holds nowhere answers 403."""
    if not has_permission_somewhere(user, permission):
        raise PermissionDenied


def _grant_status(grant: RoleGrant, today: datetime.date) -> str:
    if grant.valid_from > today:
        return "future"
    if grant.valid_to is not None and grant.valid_to < today:
        return "ended"
    return "active"


# ---------------------------------------------------------------------------------------------
# Home and the signed-in user's own tokens
# ---------------------------------------------------------------------------------------------


@dataclass
class HomeGrant:
    grant: RoleGrant
    can_add_village: bool
    can_add_organisation: bool


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The home page: what the signed-in user's roles let them do, and where."""
    rows = []
    for grant in selectors.home_grants(user=request.user):  # type: ignore[arg-type]
        perms = ROLE_PERMISSIONS.get(grant.role, frozenset())
        open_unit = grant.unit is not None and grant.unit.valid_to is None
        rows.append(
            HomeGrant(
                grant=grant,
                can_add_village=open_unit
                and grant.unit.level == UnitLevel.COMMUNE  # type: ignore[union-attr]
                and Perm.MANAGE_UNITS in perms,
                can_add_organisation=Perm.MANAGE_ORGANISATIONS in perms
                and (open_unit or grant.organisation is not None),
            )
        )
    return render(request, "accounts/home.html", {"grants": rows})


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """The signed-in user's API tokens; POST creates one and shows its key once."""
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        created = submit(
            form,
            lambda: services.token_create(
                actor=request.user,
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
            ),
        )
        if created is not None:
            new_key = created[1]
            form = TokenForm()
    tokens = selectors.token_list(user=request.user)  # type: ignore[arg-type]
    response = render(
        request, "accounts/token_list.html", {"form": form, "tokens": tokens, "new_key": new_key}
    )
    if new_key:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
@domain_errors_as_http
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.token_list(user=request.user).filter(pk=token_id).first()  # type: ignore[arg-type]
    if token is None:
        raise Http404
    try:
        services.token_revoke(actor=request.user, token=token)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    return redirect("accounts:token_list")


# ---------------------------------------------------------------------------------------------
# Users and role grants
# ---------------------------------------------------------------------------------------------


@login_required
@require_safe
def user_list(request: HttpRequest) -> HttpResponse:
    _require(request.user, Perm.VIEW_USERS)
    form = UserFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    users = selectors.user_list(
        actor=request.user,
        q=(filters.get("q") or "").strip() or None,
        role=filters.get("role") or None,
    )
    context = {
        "form": form,
        "page": page_of(request, users),
        "today": timezone.localdate(),
        "can_create": has_permission_somewhere(request.user, Perm.MANAGE_USERS),
    }
    return render(request, "accounts/user_list.html", context)


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    _require(request.user, Perm.MANAGE_USERS)
    initial = {
        key: request.GET[key] for key in ("unit", "organisation", "role") if key in request.GET
    }
    form = UserCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        created = submit(form, lambda: services.user_create(actor=request.user, **arguments))
        if created is not None:
            messages.success(request, _("Created the user %(name)s.") % {"name": created.username})
            return redirect("accounts:user_detail", username=created.username)
    return render(request, "accounts/user_form.html", {"form": form})


def _can_revoke(scope: Scope, grant: RoleGrant, today: datetime.date) -> bool:
    if grant.valid_to is not None and grant.valid_to <= today:
        return False
    if grant.unit_id is not None:
        return scope.covers_unit(grant.unit_id)
    # as `services.role_revoke`: the organisation and every one beneath it
    return scope.covers_organisation_subtree(grant.organisation_id)


@login_required
@require_safe
@domain_errors_as_http
def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    person = selectors.user_get(actor=request.user, username=username)
    today = timezone.localdate()
    manage = scope_for(request.user, Perm.MANAGE_USERS)
    grants = [
        {
            "grant": grant,
            "status": _grant_status(grant, today),
            "can_revoke": not manage.is_empty and _can_revoke(manage, grant, today),
        }
        for grant in selectors.grant_list(actor=request.user, user=person)
    ]
    context = {"person": person, "grants": grants, "can_grant": not manage.is_empty}
    return render(request, "accounts/user_detail.html", context)


@login_required
@domain_errors_as_http
def grant_create(request: HttpRequest, username: str) -> HttpResponse:
    person = selectors.user_get(actor=request.user, username=username)
    _require(request.user, Perm.MANAGE_USERS)
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        grant = submit(
            form, lambda: services.role_grant(actor=request.user, user=person, **arguments)
        )
        if grant is not None:
            messages.success(
                request,
                _("Granted %(role)s to %(name)s.")
                % {"role": grant.get_role_display(), "name": person.username},
            )
            return redirect("accounts:user_detail", username=person.username)
    return render(request, "accounts/grant_form.html", {"person": person, "form": form})


@login_required
@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def grant_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    """GET asks for confirmation; POST ends the grant today (it stays on record)."""
    grant = selectors.grant_get(actor=request.user, grant_id=grant_id)
    if request.method == "POST":
        try:
            services.role_revoke(actor=request.user, grant=grant)
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Revoked %(role)s from %(name)s.")
                % {"role": grant.get_role_display(), "name": grant.user.username},
            )
        return redirect("accounts:user_detail", username=grant.user.username)
    return render(request, "accounts/grant_revoke.html", {"grant": grant})


@login_required
@require_http_methods(["GET", "POST"])
def own_password(request: HttpRequest) -> HttpResponse:
    """The signed-in user changes their own password (audited by the service); they stay
    signed in here, and their other sessions end."""
    user = request.user
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        changed = submit(
            form,
            lambda: services.user_update(
                actor=user,
                user=user,  # type: ignore[arg-type]
                password=form.cleaned_data["new_password"],
                current_password=form.cleaned_data["current_password"],
            ),
            fields={"password": "new_password"},
        )
        if changed is not None:
            update_session_auth_hash(request, changed)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:home")
    response = render(request, "accounts/own_password.html", {"form": form})
    response["Cache-Control"] = "no-store"
    return response
