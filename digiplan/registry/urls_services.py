from django.urls import path

from digiplan.registry import digital_views as views
from digiplan.registry import expected_tools_views

urlpatterns = [
    path("tjanster/", views.register, name="services_register"),
    path("tjanster/ny/", views.propose, name="services_propose"),
    path("tjanster/<int:pk>/", views.detail, name="services_detail"),
    path("tjanster/<int:pk>/andra/", views.edit, name="services_edit"),
    path("tjanster/<int:pk>/granska/", views.review, name="services_review"),
    path("tjanster/verktyg/", expected_tools_views.expected_tools_page, name="expected_tools"),
    path(
        "tjanster/verktyg/<int:pk>/", expected_tools_views.expected_tool_link_view, name="expected_tool_link"
    ),
    path("tjanster/export/", views.export, name="services_export"),
    path("tjanster/import/", views.import_upload, name="services_import"),
    path("tjanster/import/bekrafta/", views.import_confirm, name="services_import_confirm"),
    path("organisation/<int:pk>/tjanster/", views.unit_services, name="services_unit"),
    path(
        "organisation/<int:pk>/tjanster/<int:service_pk>/ta-bort/",
        views.unit_withdraw,
        name="services_unit_withdraw",
    ),
    path("offentlig/<str:orgnr>/tjanster/", views.public, name="services_public"),
]
