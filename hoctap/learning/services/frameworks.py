"""Writes to the digital-skills frameworks (reference data): loading the shipped sets.

The frameworks are global reference data, not anyone's records: only an actor whose
`learning.manage_course` scope is global (the system actor of the CLI, a superuser) loads
them. Editing them is done in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import scope_for
from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record
from hoctap.core.errors import PermissionDenied
from hoctap.learning.frameworks import load_missing
from hoctap.learning.models import Competency, CompetencyArea


@dataclass(frozen=True)
class FrameworksLoadResult:
    areas_added: int
    competencies_added: int
    areas_total: int
    competencies_total: int


@transaction.atomic
def frameworks_load(*, actor: Any) -> FrameworksLoadResult:
    """Add the shipped areas and competencies that are missing; names edited since are kept.
    Safe to run again: a second run adds nothing (and records nothing)."""
    if not scope_for(actor, Perm.MANAGE_COURSES).is_global:
        raise PermissionDenied(_("Only a system administrator loads the frameworks."))
    areas_added, competencies_added = load_missing(CompetencyArea, Competency)
    result = FrameworksLoadResult(
        areas_added=areas_added,
        competencies_added=competencies_added,
        areas_total=CompetencyArea.objects.count(),
        competencies_total=Competency.objects.count(),
    )
    if areas_added or competencies_added:
        # one entry for the load, with its counts (the target: the first area, which every
        # load has, standing for the reference data as a whole)
        first = CompetencyArea.objects.order_by("framework", "position", "code").first()
        assert first is not None
        audit_record(
            actor=actor,
            action="learning.frameworks_load",
            target=first,
            changes={
                "areas_added": areas_added,
                "competencies_added": competencies_added,
                "areas_total": result.areas_total,
                "competencies_total": result.competencies_total,
            },
        )
    return result
