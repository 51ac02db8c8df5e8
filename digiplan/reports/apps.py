from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "digiplan.reports"
    verbose_name = _("Reports")

    def ready(self):
        from digiplan.assessments.hooks import results_unit_panels
        from digiplan.organisations.hooks import start_page_panels
        from digiplan.privacy.registry import personal_data
        from digiplan.reports import panels, privacy, results_charts

        personal_data.register(privacy.PART)
        start_page_panels.register(panels.reports_panel)
        results_unit_panels.register(results_charts.results_charts)
