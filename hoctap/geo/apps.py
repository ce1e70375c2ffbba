from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "hoctap.geo"
    label = "geo"
    verbose_name = _("Administrative units and organisations")

    def ready(self) -> None:
        from hoctap.geo.imports import organisations, units
        from hoctap.imports.kinds import register_kind

        register_kind(units)
        register_kind(organisations)
