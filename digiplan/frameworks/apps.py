from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    name = "digiplan.frameworks"
    verbose_name = _("Frameworks")

    def ready(self):
        from digiplan.demo.registry import demo_parts
        from digiplan.frameworks import demo

        demo_parts.register(demo.PART)
