from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "digiplan.onboarding"
    verbose_name = _("New school organisers")

    def ready(self):
        from digiplan.onboarding import panels
        from digiplan.organisations.hooks import start_page_panels

        start_page_panels.register(panels.checklist_panel)
        start_page_panels.register(panels.operator_panel)
