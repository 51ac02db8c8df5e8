from django.urls import path

from digiplan.assessments.views import results

urlpatterns = [
    path("skattning/<int:pk>/resultat/", results.results_org, name="results_org"),
    path("skattning/<int:pk>/resultat/enhet/<int:unit_pk>/", results.results_unit, name="results_unit"),
    path("skattning/<int:pk>/resultat/export.<str:fmt>", results.results_export, name="results_export"),
]
