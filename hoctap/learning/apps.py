from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "hoctap.learning"
    label = "learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from hoctap.imports.kinds import register_kind
        from hoctap.learning.imports import KINDS

        for kind in KINDS:
            register_kind(kind)
