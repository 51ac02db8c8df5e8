from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    name = "digiplan.frameworks"
    verbose_name = _("Frameworks")

    def ready(self):
        from digiplan.demo.registry import demo_parts
        from digiplan.frameworks import demo, panels
        from digiplan.organisations.hooks import start_page_next_dates, start_page_panels

        demo_parts.register(demo.PART)
        start_page_panels.register(panels.plan_tasks_panel)
        start_page_next_dates.register(panels.next_follow_up)
