from django.urls import path

from digiplan.assessments.views import answering

urlpatterns = [
    path("svar/", answering.survey_start, name="survey_start"),
    path("svar/deltagande/<int:pk>/", answering.survey_participation,
         name="survey_participation"),
    path("svar/profil.pdf", answering.survey_profile_pdf, name="survey_profile_pdf"),
    path("svar/<str:token>/", answering.survey_token, name="survey_token"),
    path("elev/", answering.pupil_start, name="pupil_start"),
    path("elev/tack/", answering.pupil_done, name="pupil_done"),
    path("elev/<str:code>/", answering.pupil_questionnaire, name="pupil_questionnaire"),
]
