from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "digiplan.assessments"
    verbose_name = _("Self-assessment")

    def ready(self):
        from digiplan.assessments.erasure import ballots_erase
        from digiplan.organisations.privacy import erasure_step

        erasure_step(ballots_erase)
