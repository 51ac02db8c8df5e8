from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "digiplan.plans"
    verbose_name = _("Digitalisation plans")
