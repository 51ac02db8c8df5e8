from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "digiplan.registry"
    verbose_name = _("Devices and digital services")

    def ready(self) -> None:
        from digiplan.demo.registry import demo_parts
        from digiplan.organisations.hooks import start_page_panels
        from digiplan.registry import demo, panels

        start_page_panels.register(panels.agreement_panel)
        demo_parts.register(demo.PART)
