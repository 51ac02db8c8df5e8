from django.urls import path

from digiplan.registry import devices_views as views

urlpatterns = [
    path("utrustning/", views.device_overview, name="device_overview"),
    path("utrustning/enhet/<int:pk>/", views.device_unit, name="device_unit"),
    path("utrustning/budget/", views.device_budget, name="device_budget"),
    path("utrustning/regler/", views.device_rules, name="device_rules"),
    path("utrustning/regler/<int:pk>/ta-bort/", views.device_rule_delete, name="device_rule_delete"),
    path("utrustning/import/", views.device_import_start, name="device_import_start"),
    path("utrustning/import/<int:pk>/", views.device_import_preview, name="device_import_preview"),
    path("utrustning/import/<int:pk>/bekrafta/", views.device_import_confirm, name="device_import_confirm"),
    path("utrustning/import/<int:pk>/avbryt/", views.device_import_cancel, name="device_import_cancel"),
    path("utrustning/mall.<str:fmt>", views.device_template, name="device_template"),
    path("utrustning/export.<str:fmt>", views.device_export, name="device_export"),
]
