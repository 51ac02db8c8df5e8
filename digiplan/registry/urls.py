from django.urls import include, path

urlpatterns: list = [
    path("", include("digiplan.registry.urls_services")),
    path("", include("digiplan.registry.urls_devices")),
]
