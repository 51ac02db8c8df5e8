from django.urls import path

from digiplan.assessments.views import campaigns, ratings

urlpatterns = [
    path("skattning/", campaigns.campaign_list, name="campaign_list"),
    path("skattning/ny/", campaigns.campaign_create, name="campaign_create"),
    path("skattning/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("skattning/<int:pk>/oppna/", campaigns.campaign_open, name="campaign_open"),
    path("skattning/<int:pk>/paminn/", campaigns.campaign_remind, name="campaign_remind"),
    path("skattning/<int:pk>/stang/", campaigns.campaign_close, name="campaign_close"),
    path("skattning/<int:pk>/elevkoder/", campaigns.pupil_codes, name="pupil_codes"),
    path("skattning/<int:pk>/elevkoder/utskrift/", campaigns.pupil_codes_print, name="pupil_codes_print"),
    path("skattning/<int:pk>/enhet/<int:unit_pk>/ledning/", ratings.rating_edit, name="rating_edit"),
    path(
        "skattning/<int:pk>/enhet/<int:unit_pk>/ledning/skicka/",
        ratings.rating_confirm,
        name="rating_confirm",
    ),
    path(
        "skattning/<int:pk>/enhet/<int:unit_pk>/ledning/ateroppna/",
        ratings.rating_reopen,
        name="rating_reopen",
    ),
]
