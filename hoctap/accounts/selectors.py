"""Scoped reads of users, grants and tokens."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from hoctap.accounts.models import ApiToken, RoleGrant, User
from hoctap.accounts.permissions import EVERY_ROW, Scope, scope_for
from hoctap.accounts.roles import Perm
from hoctap.core.errors import NotFound
from hoctap.geo.models import Organisation


def grant_in_scope_q(scope: Scope, prefix: str = "") -> Q:
    """Grants whose whole scope lies inside `scope`: a grant on a unit inside it, or on an
    organisation that lies inside it with every organisation beneath it. A grant on an
    enterprise of commune A that has a branch attached to commune B also covers that branch, so
    it is not commune A's: commune A's administrators neither see nor change it, nor grant it
    (ADR 0007)."""
    if scope.is_global:
        return EVERY_ROW
    q = Q(pk__in=[])
    if scope.unit_ids:
        q |= Q(**{f"{prefix}unit_id__in": scope.unit_subtree_ids()})
    return q | scope.organisation_subtrees_q(
        f"{prefix}organisation_id", f"{prefix}organisation__unit_id"
    )


def user_visible_q(actor: Any, permission: str = Perm.VIEW_USERS) -> Q:
    scope = scope_for(actor, permission)
    if scope.is_global:
        return EVERY_ROW
    inside = RoleGrant.objects.filter(grant_in_scope_q(scope)).values("user_id")
    return Q(id__in=inside)


def user_list(*, actor: Any, q: str | None = None, role: str | None = None) -> QuerySet[User]:
    """Visible users, each with only the grants that lie in the actor's scope."""
    scope = scope_for(actor, Perm.VIEW_USERS)
    users = User.objects.filter(user_visible_q(actor)).prefetch_related(
        Prefetch(
            "grants",
            queryset=RoleGrant.objects.filter(grant_in_scope_q(scope))
            .select_related("unit", "organisation")
            .order_by("role"),
        )
    )
    if q:
        users = users.filter(Q(username__icontains=q.strip()) | Q(full_name__icontains=q.strip()))
    if role:
        # a role held only outside the actor's scope must not make a user show up: the list
        # would tell which of the users one sees hold it elsewhere
        with_role = RoleGrant.objects.filter(grant_in_scope_q(scope), role=role)
        users = users.filter(id__in=with_role.values("user_id"))
    return users.order_by("username")


def user_get(*, actor: Any, username: str) -> User:
    user = User.objects.filter(user_visible_q(actor), username=username).first()
    if user is None and getattr(actor, "is_authenticated", False) and actor.username == username:
        user = actor
    if user is None:
        raise NotFound(_("User %(name)s not found.") % {"name": username})
    return user


def grant_list(*, actor: Any, user: User) -> QuerySet[RoleGrant]:
    """The grants of `user` that the actor may see (all of them for the user themself)."""
    grants = RoleGrant.objects.filter(user=user).select_related(
        "unit", "organisation", "granted_by"
    )
    if actor.pk != user.pk:
        grants = grants.filter(grant_in_scope_q(scope_for(actor, Perm.VIEW_USERS)))
    return grants.order_by("role", "valid_from")


def grant_get(*, actor: Any, grant_id: int) -> RoleGrant:
    grant = (
        RoleGrant.objects.filter(grant_in_scope_q(scope_for(actor, Perm.VIEW_USERS)), pk=grant_id)
        .select_related("user", "unit", "organisation")
        .first()
    )
    if grant is None:
        raise NotFound(_("Role grant %(id)s not found.") % {"id": grant_id})
    return grant


def token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def home_grants(*, user: User) -> list[RoleGrant]:
    """The actor's own active grants, for the home page."""
    from hoctap.accounts.permissions import active_grants

    return active_grants(user)


def organisation_ids_of(scope: Scope) -> QuerySet[Any]:
    return Organisation.objects.filter(id__in=scope.org_subtree_ids()).values("id")
