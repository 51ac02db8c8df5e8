from django.urls import include, path

urlpatterns = [
    path("", include("digiplan.assessments.urls_campaigns")),
    path("", include("digiplan.assessments.urls_answering")),
    path("", include("digiplan.assessments.urls_results")),
]
