from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "hoctap.registry"
    label = "registry"
    verbose_name = _("Registers")

    def ready(self) -> None:
        from hoctap.imports.kinds import register_kind
        from hoctap.registry.imports import clans, households, memberships, persons

        register_kind(clans)
        register_kind(households)
        register_kind(persons)
        register_kind(memberships)
