"""Import kinds of the hierarchy: `units` (villages) and `organisations`.

They plug into the shared pipeline (`hoctap.imports`) and are registered by `GeoConfig.ready()`.
"""

from hoctap.geo.imports.organisations import organisations
from hoctap.geo.imports.units import units

__all__ = ["organisations", "units"]
