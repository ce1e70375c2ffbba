"""What the actor may do to a unit or an organisation, for pages deciding which actions to show.

The services enforce the same rules; these only keep pages from offering what would be refused.
"""

from __future__ import annotations

from typing import Any

from hoctap.accounts.permissions import has_permission_somewhere, scope_for
from hoctap.accounts.roles import Perm
from hoctap.geo.models import AdminUnit, Organisation, UnitLevel


def can_manage_units_at(actor: Any, unit: AdminUnit) -> bool:
    return scope_for(actor, Perm.MANAGE_UNITS).covers_unit(unit.id)


def can_add_village(actor: Any, unit: AdminUnit) -> bool:
    return (
        unit.level == UnitLevel.COMMUNE
        and unit.valid_to is None
        and can_manage_units_at(actor, unit)
    )


def can_edit_village(actor: Any, unit: AdminUnit) -> bool:
    return unit.level == UnitLevel.VILLAGE and can_manage_units_at(actor, unit)


def can_close_unit(actor: Any, unit: AdminUnit) -> bool:
    """Closing needs the right over the level above (a commune officer closes villages)."""
    return (
        unit.valid_to is None
        and unit.parent_id is not None
        and scope_for(actor, Perm.MANAGE_UNITS).covers_unit(unit.parent_id)
    )


def can_create_organisations(actor: Any) -> bool:
    return has_permission_somewhere(actor, Perm.MANAGE_ORGANISATIONS)


def can_add_organisation_at(actor: Any, unit: AdminUnit) -> bool:
    return unit.valid_to is None and scope_for(actor, Perm.MANAGE_ORGANISATIONS).covers_unit(
        unit.id
    )


def can_manage_organisation(actor: Any, organisation: Organisation) -> bool:
    return scope_for(actor, Perm.MANAGE_ORGANISATIONS).covers_organisation(
        organisation.id, organisation.unit_id
    )


def unit_page_actions(actor: Any, unit: AdminUnit, ancestor_ids: list[int]) -> dict[str, bool]:
    """All the unit page's action flags from the ancestor chain, without a query per check
    (the same rules as the functions above)."""
    chain = [*ancestor_ids, unit.id]
    manage_units = scope_for(actor, Perm.MANAGE_UNITS)
    manage_orgs = scope_for(actor, Perm.MANAGE_ORGANISATIONS)
    open_unit = unit.valid_to is None
    return {
        "can_add_village": unit.level == UnitLevel.COMMUNE
        and open_unit
        and manage_units.covers_any(chain),
        "can_edit": unit.level == UnitLevel.VILLAGE and manage_units.covers_any(chain),
        "can_close": open_unit
        and unit.parent_id is not None
        and manage_units.covers_any(ancestor_ids),
        "can_add_organisation": open_unit and manage_orgs.covers_any(chain),
    }
