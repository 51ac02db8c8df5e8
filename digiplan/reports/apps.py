from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "digiplan.reports"
    verbose_name = _("Reports")

    def ready(self):
        from digiplan.privacy.registry import personal_data
        from digiplan.reports import privacy

        personal_data.register(privacy.PART)
