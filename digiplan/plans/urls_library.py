from django.urls import path

from digiplan.plans.views import library, overview

urlpatterns = [
    path("exempelaktiviteter/", library.library_list, name="library_list"),
    path("exempelaktiviteter/ny/", library.library_create, name="library_create"),
    path("exempelaktiviteter/<int:pk>/", library.library_edit, name="library_edit"),
    path("exempelaktiviteter/<int:pk>/ta-bort/", library.library_delete, name="library_delete"),
    path("planer/oversikt/", overview.plan_overview, name="plan_overview"),
    path("planer/arshjul/", overview.plan_year, name="plan_year"),
]
