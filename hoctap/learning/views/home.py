"""Where a user lands after signing in, and the officers' learning home (`/learning/`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from hoctap.accounts.permissions import active_grants, has_permission_somewhere
from hoctap.accounts.roles import Perm
from hoctap.learning.selectors.home import learning_figures, learning_menu


@login_required
@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """After signing in: a learner who holds no officer's role goes to their learning; anyone
    else to the home page of their roles."""
    user = request.user
    is_learner = learning_menu(actor=user).learner
    if is_learner and not user.is_superuser and not active_grants(user):
        return redirect("learning:my_learning")
    return redirect("accounts:home")


@login_required
@require_safe
def officer_home(request: HttpRequest) -> HttpResponse:
    """The learning sections this officer may open, with the headline numbers of their scope."""
    menu = learning_menu(actor=request.user)
    if not menu.officer:
        raise PermissionDenied
    user = request.user
    return render(
        request,
        "learning/home/officer_home.html",
        {
            "figures": learning_figures(actor=user),
            "can": {
                "view": has_permission_somewhere(user, Perm.VIEW_LEARNING),
                "courses": has_permission_somewhere(user, Perm.MANAGE_COURSES)
                or has_permission_somewhere(user, Perm.VIEW_LEARNING),
                "learners": has_permission_somewhere(user, Perm.MANAGE_LEARNERS),
                "classes": has_permission_somewhere(user, Perm.MANAGE_CLASSES)
                or has_permission_somewhere(user, Perm.VIEW_LEARNING),
            },
        },
    )


urlpatterns: list[URLPattern] = [
    path("learn/start", start, name="start"),
    path("learning/", officer_home, name="officer_home"),
]
