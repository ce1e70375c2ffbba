from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "hoctap.imports"
    label = "imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        from hoctap.imports.kinds import register_kind
        from hoctap.imports.kinds.organisations import organisations
        from hoctap.imports.kinds.units import units

        register_kind(units)
        register_kind(organisations)
