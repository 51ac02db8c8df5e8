from django.urls import include, path

urlpatterns = [
    path("", include("digiplan.plans.urls_plans")),
    path("", include("digiplan.plans.urls_activities")),
    path("", include("digiplan.plans.urls_library")),
    path("", include("digiplan.plans.urls_exports")),
]
