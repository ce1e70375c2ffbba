"""Scoped reads of import jobs: an officer sees their own imports; a system administrator
also sees the imports of everyone in their scope. Another job is *not found*."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import EVERY_ROW, has_permission_somewhere, scope_for
from hoctap.accounts.roles import Perm
from hoctap.core.errors import NotFound
from hoctap.imports.kinds import KINDS, ImportKind
from hoctap.imports.models import ImportJob


def import_visible_q(actor: Any) -> Q:
    scope = scope_for(actor, Perm.MANAGE_USERS)  # what system administrators hold
    if scope.is_global:
        return EVERY_ROW
    q = Q(actor_id=actor.pk) if getattr(actor, "is_authenticated", False) else Q(pk__in=[])
    if scope.unit_ids:
        q |= scope.units_q("unit_id")
    return q


def import_list(*, actor: Any, kind: str | None = None) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.filter(import_visible_q(actor)).select_related("actor", "unit")
    if kind:
        jobs = jobs.filter(kind=kind)
    return jobs.order_by("-created_at", "-id")


def import_get(*, actor: Any, import_id: int) -> ImportJob:
    job = (
        ImportJob.objects.filter(import_visible_q(actor), pk=import_id)
        .select_related("actor", "unit")
        .first()
    )
    if job is None:
        raise NotFound(_("Import not found."))
    return job


# The import pages show a user their own imports only: a job's page lists the rejected rows'
# values (personal ID numbers, names) from the file that user sent, and only they may confirm it.


def import_kinds_for(*, actor: Any) -> list[ImportKind]:
    """The kinds the actor may import (some scope for the kind's permission), in the order
    they are registered: units and organisations first, then the registers."""
    return [kind for kind in KINDS.values() if has_permission_somewhere(actor, kind.permission)]


def import_own_list(*, actor: Any) -> QuerySet[ImportJob]:
    """The actor's own import jobs, newest first."""
    if not getattr(actor, "is_authenticated", False):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(actor_id=actor.pk).order_by("-created_at", "-id")


def import_own_get(*, actor: Any, import_id: int) -> ImportJob:
    """One of the actor's own import jobs; anyone else's is *not found*."""
    job = import_own_list(actor=actor).filter(pk=import_id).first()
    if job is None:
        raise NotFound(_("Import not found."))
    return job
