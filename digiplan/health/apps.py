from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "digiplan.health"
    verbose_name = "Health"
