from django.urls import include, path

from digiplan.reports import views

urlpatterns = [
    path("rapporter/enhet/<int:unit_pk>/", views.report_unit, name="report_unit"),
    path("rapporter/organisation/", views.report_org, name="report_org"),
    path("", include("digiplan.reports.urls_public")),
    path("", include("digiplan.reports.urls_exports")),
]
