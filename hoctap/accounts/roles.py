"""Roles and the permissions each one carries. The table in docs/reference/roles.md mirrors this.

A role is granted on a scope (a unit or an organisation) and carries its permissions over that
scope and everything beneath it. Permissions are plain strings so that later apps add their own.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Perm:
    """Permission names: `<area>.<verb>_<thing>`."""

    VIEW_UNITS = "geo.view_unit"
    MANAGE_UNITS = "geo.manage_unit"  # create / edit / close villages
    VIEW_ORGANISATIONS = "geo.view_organisation"
    MANAGE_ORGANISATIONS = "geo.manage_organisation"
    VIEW_USERS = "accounts.view_user"
    MANAGE_USERS = "accounts.manage_user"  # create users, grant and revoke roles
    VIEW_AUDIT = "audit.view_entry"
    VIEW_PERSONAL_ID = "registry.view_personal_id"  # unmasked ID numbers (audited)
    VIEW_REGISTRY = "registry.view_record"  # persons, households, clans, memberships
    MANAGE_REGISTRY = "registry.manage_record"
    # learning: enrolments, progress, completions, certificates and learner accounts of the
    # persons in scope (living in its villages, or members of its organisations)
    VIEW_LEARNING = "learning.view_record"
    MANAGE_LEARNERS = "learning.manage_learner"  # accounts, enrolments, certificates, imports
    MANAGE_COURSES = "learning.manage_course"  # the courses its organisations own
    MANAGE_CLASSES = "learning.manage_class"  # offline classes, sessions, attendance
    MANAGE_DIGITAL_GROUPS = "learning.manage_digital_group"


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    PROVINCE_SECRETARIAT = "province_secretariat", _("Steering-committee secretariat")
    UNIT_OFFICER = "unit_officer", _("Unit officer")
    ORG_OFFICER = "org_officer", _("Organisation officer")
    ASSOCIATION_OFFICER = "association_officer", _("Study Promotion Association officer")
    FUND_TREASURER = "fund_treasurer", _("Fund treasurer")
    INSPECTOR = "inspector", _("Inspector")
    INSTRUCTOR = "instructor", _("Instructor")
    LEARNER = "learner", _("Learner")
    VIEWER = "viewer", _("Viewer")


_READ = frozenset({Perm.VIEW_UNITS, Perm.VIEW_ORGANISATIONS})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset(
        {
            Perm.VIEW_UNITS,
            Perm.MANAGE_UNITS,
            Perm.VIEW_ORGANISATIONS,
            Perm.MANAGE_ORGANISATIONS,
            Perm.VIEW_USERS,
            Perm.MANAGE_USERS,
            Perm.VIEW_AUDIT,
            Perm.VIEW_PERSONAL_ID,
            Perm.VIEW_REGISTRY,
            Perm.MANAGE_REGISTRY,
            Perm.VIEW_LEARNING,
            Perm.MANAGE_LEARNERS,
            Perm.MANAGE_COURSES,
            Perm.MANAGE_CLASSES,
            Perm.MANAGE_DIGITAL_GROUPS,
        }
    ),
    Role.PROVINCE_SECRETARIAT: _READ
    | {
        Perm.MANAGE_ORGANISATIONS,
        Perm.VIEW_USERS,
        Perm.VIEW_AUDIT,
        Perm.VIEW_REGISTRY,
        Perm.VIEW_LEARNING,
        Perm.MANAGE_COURSES,
    },
    Role.UNIT_OFFICER: _READ
    | {
        Perm.MANAGE_UNITS,
        Perm.MANAGE_ORGANISATIONS,
        Perm.VIEW_PERSONAL_ID,
        Perm.VIEW_REGISTRY,
        Perm.MANAGE_REGISTRY,
        Perm.VIEW_LEARNING,
        Perm.MANAGE_LEARNERS,
        Perm.MANAGE_CLASSES,
        Perm.MANAGE_DIGITAL_GROUPS,
    },
    Role.ORG_OFFICER: _READ
    | {
        Perm.MANAGE_ORGANISATIONS,
        Perm.VIEW_LEARNING,
        Perm.MANAGE_LEARNERS,
        Perm.MANAGE_COURSES,
        Perm.MANAGE_CLASSES,
    },
    Role.ASSOCIATION_OFFICER: _READ | {Perm.VIEW_REGISTRY, Perm.VIEW_LEARNING},
    Role.FUND_TREASURER: _READ,
    Role.INSPECTOR: _READ
    | {Perm.VIEW_AUDIT, Perm.VIEW_USERS, Perm.VIEW_REGISTRY, Perm.VIEW_LEARNING},
    Role.INSTRUCTOR: _READ | {Perm.VIEW_LEARNING},
    Role.LEARNER: frozenset({Perm.VIEW_UNITS}),
    Role.VIEWER: _READ | {Perm.VIEW_REGISTRY, Perm.VIEW_LEARNING},
}


def roles_with(permission: str) -> list[str]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if permission in perms]
