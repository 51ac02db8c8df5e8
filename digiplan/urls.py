from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("digiplan.accounts.urls")),
    path("", include("digiplan.organisations.urls")),
    path("", include("digiplan.privacy.urls")),
    path("", include("digiplan.signin.urls")),
    path("", include("digiplan.imports.urls")),
    path("", include("digiplan.frameworks.urls")),
    path("", include("digiplan.registry.urls")),
    path("", include("digiplan.assessments.urls")),
    path("", include("digiplan.plans.urls")),
    path("", include("digiplan.reports.urls")),
    path("", include("digiplan.comparison.urls")),
    path("", include("digiplan.onboarding.urls")),
    path("", include("digiplan.health.urls")),
]

# A lost database connection outside a view (e.g. in a middleware) answers 503 "try again".
handler500 = "digiplan.lib.unavailable.server_error"
