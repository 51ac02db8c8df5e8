from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "digiplan.reports"
    verbose_name = _("Reports")

    def ready(self):
        from digiplan.organisations.privacy import erasure_step
        from digiplan.reports.erasure import reports_erase

        erasure_step(reports_erase)
