"""Import kinds of the registers: `clans`, `households`, `persons`, `memberships`.

Each row is held to the field rules of `hoctap.registry.rules` (and the ID-number rules of
`national_id`), the same ones the API and the pages use. References (communes, villages, clans,
households, persons, organisations) are looked up within the importer's scope for managing the
registers: anything outside it is an unknown code. Personal ID numbers enter the audit log masked.
Files of different kinds refer to each other, so import them in this order: clans, households,
persons, memberships.
"""

from hoctap.registry.imports.clans import clans
from hoctap.registry.imports.households import households
from hoctap.registry.imports.memberships import memberships
from hoctap.registry.imports.persons import persons

__all__ = ["clans", "households", "memberships", "persons"]
