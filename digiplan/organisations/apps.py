from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "digiplan.organisations"
    verbose_name = _("Organisations and people")

    def ready(self):
        from digiplan.demo.registry import demo_parts
        from digiplan.organisations import demo

        demo_parts.register(demo.PART)
