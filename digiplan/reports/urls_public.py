from django.urls import path

from digiplan.reports import views_public

urlpatterns = [
    path("rapporter/", views_public.report_list, name="report_list"),
    path("rapporter/offentlig/", views_public.public_report_list, name="public_report_list"),
    path("rapporter/offentlig/ny/", views_public.public_report_create, name="public_report_create"),
    path(
        "rapporter/offentlig/<int:pk>/dra-tillbaka/",
        views_public.public_report_withdraw,
        name="public_report_withdraw",
    ),
    path("offentlig/<str:token>/", views_public.public_report, name="public_report"),
    path("offentlig/<str:token>/rapport.pdf", views_public.public_report_pdf, name="public_report_pdf"),
]
