from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "digiplan.plans"
    verbose_name = _("Digitalisation plans")

    def ready(self):
        # Plans answer what the apps below ask of them (digiplan.lib.hooks).
        from digiplan.assessments import hooks as assessment_hooks
        from digiplan.demo.registry import demo_parts
        from digiplan.frameworks import hooks as framework_hooks
        from digiplan.organisations.hooks import start_page_next_dates, start_page_panels
        from digiplan.plans import demo, panels, privacy
        from digiplan.plans.competence import competence_suggestions
        from digiplan.plans.selectors import unit_goals_for_chain
        from digiplan.privacy.registry import personal_data

        framework_hooks.chain_unit_goals.register(unit_goals_for_chain)
        assessment_hooks.competence_suggestions.register(competence_suggestions)
        personal_data.register(privacy.PART)
        demo_parts.register(demo.PART)
        start_page_panels.register(panels.organisation_plans_panel)
        start_page_panels.register(panels.unit_plans_panel)
        start_page_panels.register(panels.own_activities_panel)
        start_page_next_dates.register(panels.next_plan_date)
