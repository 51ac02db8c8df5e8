from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "digiplan.imports"
    verbose_name = _("Imports of organisation data")

    def ready(self):
        from digiplan.imports import privacy
        from digiplan.privacy.registry import personal_data

        personal_data.register(privacy.PART)
