from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from hoctap.accounts.permissions import has_permission_somewhere
from hoctap.accounts.roles import Perm
from hoctap.imports.selectors import import_kinds_for
from hoctap.learning.selectors.home import learning_menu

# the learners' own pages, as opposed to the officers' learning pages
_LEARNER_PAGES = (
    "my_learning", "catalogue", "course", "course_enrol", "quiz", "lesson", "attempt",
    "attempt_result", "password_change", "no_learner_account",
)  # fmt: skip


def _section(request: HttpRequest) -> str:
    """Which menu entry the current page belongs to (for `aria-current`)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    name = match.url_name or ""
    if match.namespace == "geo":
        return "organisations" if name.startswith("organisation") else "units"
    if match.namespace == "audit":
        return "audit"
    if match.namespace == "registry":
        return "registers"
    if match.namespace == "imports":
        return "imports"
    if match.namespace == "learning":
        if name in _LEARNER_PAGES:
            return "learn"
        return "classes" if name.startswith("class") else "learning"
    if match.namespace == "accounts":
        if name.startswith(("user", "grant")):
            return "users"
        return {"home": "home", "token_list": "account", "token_revoke": "account"}.get(name, "")
    return ""


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Which sections the signed-in user may open (the menu shows only those)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    learning = learning_menu(actor=user)
    return {
        "nav": {
            "learn": learning.learner,
            "my_classes": learning.instructor,
            "learning": learning.officer,
            "units": has_permission_somewhere(user, Perm.VIEW_UNITS),
            "organisations": has_permission_somewhere(user, Perm.VIEW_ORGANISATIONS),
            "users": has_permission_somewhere(user, Perm.VIEW_USERS),
            "audit": has_permission_somewhere(user, Perm.VIEW_AUDIT),
            "registers": has_permission_somewhere(user, Perm.VIEW_REGISTRY),
            "imports": bool(import_kinds_for(actor=user)),
            "admin": user.is_superuser,
            "current": _section(request),
        }
    }
