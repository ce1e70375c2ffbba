"""What the actor may do to the registers, for pages deciding which actions to show.

The services enforce the same rules; these only keep pages from offering what would be refused.
"""

from __future__ import annotations

from typing import Any

from hoctap.accounts.permissions import has_permission_somewhere, scope_for
from hoctap.accounts.roles import Perm


def can_view_registers(actor: Any) -> bool:
    return has_permission_somewhere(actor, Perm.VIEW_REGISTRY)


def can_manage_somewhere(actor: Any) -> bool:
    """Whether to offer "add" buttons on the lists (the form still checks the unit)."""
    return has_permission_somewhere(actor, Perm.MANAGE_REGISTRY)


def can_manage_at(actor: Any, unit_id: int | None) -> bool:
    """Whether the actor may change a record of this village or commune."""
    return scope_for(actor, Perm.MANAGE_REGISTRY).covers_unit(unit_id)


def can_see_personal_ids_somewhere(actor: Any) -> bool:
    """Whether to offer the export with full ID numbers."""
    return has_permission_somewhere(actor, Perm.VIEW_PERSONAL_ID)


def can_see_personal_id_at(actor: Any, unit_id: int | None) -> bool:
    """Whether to offer "show the full ID number" for a person of this village."""
    return scope_for(actor, Perm.VIEW_PERSONAL_ID).covers_unit(unit_id)
