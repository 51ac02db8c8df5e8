from django.urls import path

from digiplan.imports import views

urlpatterns = [
    path("import/", views.import_start, name="import_start"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/bekrafta/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/avbryt/", views.import_cancel, name="import_cancel"),
    path("import/mallar/<str:kind>.<str:fmt>", views.import_template, name="import_template"),
]
