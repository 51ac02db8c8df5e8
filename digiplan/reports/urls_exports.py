from django.urls import path

from digiplan.reports import views_exports as views

urlpatterns = [
    path("rapporter/enhet/<int:unit_pk>/export.<str:fmt>", views.report_export, name="report_export"),
    path("rapporter/organisation/export.<str:fmt>", views.report_org_export, name="report_org_export"),
    path("rapporter/organisation/svar.xlsx", views.report_answers_export, name="report_answers_export"),
    path("rapporter/arkiv/", views.report_archives, name="report_archives"),
    path("rapporter/arkiv/ny/", views.report_archive_create, name="report_archive_create"),
    path("rapporter/arkiv/<int:pk>/", views.report_archive, name="report_archive"),
    path("rapporter/arkiv/<int:pk>/zip", views.report_archive_download, name="report_archive_download"),
]
