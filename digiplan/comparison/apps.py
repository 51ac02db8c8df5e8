from django.apps import AppConfig


class ComparisonConfig(AppConfig):
    name = "digiplan.comparison"

    def ready(self) -> None:
        # Results pages (assessments, below) ask for the "Jämfört med riket" section here.
        from digiplan.assessments.hooks import results_panels
        from digiplan.comparison import panels

        results_panels.register(panels.results_panel)
