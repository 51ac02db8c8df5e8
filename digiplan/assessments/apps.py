from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "digiplan.assessments"
    verbose_name = _("Self-assessment")

    def ready(self):
        from digiplan.assessments import demo, panels, privacy
        from digiplan.demo.registry import demo_parts
        from digiplan.organisations.hooks import start_page_next_dates, start_page_panels
        from digiplan.privacy.registry import personal_data

        personal_data.register(privacy.PART)
        demo_parts.register(demo.PART)
        start_page_panels.register(panels.campaigns_panel)
        start_page_panels.register(panels.led_units_panel)
        start_page_panels.register(panels.questionnaire_panel)
        start_page_next_dates.register(panels.next_campaign_date)
