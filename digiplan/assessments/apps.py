from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "digiplan.assessments"
    verbose_name = _("Self-assessment")

    def ready(self):
        from digiplan.assessments import demo, privacy
        from digiplan.demo.registry import demo_parts
        from digiplan.privacy.registry import personal_data

        personal_data.register(privacy.PART)
        demo_parts.register(demo.PART)
