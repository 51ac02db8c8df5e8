from django.urls import path

from digiplan.accounts.throttle import guess_limited
from digiplan.assessments.views import answering, autosave

# Codes and links that do not exist answer 404; the limit counts those per client address.
pupil_codes = guess_limited("pupil_code", url_kwarg="code", post_field="kod")
staff_links = guess_limited("survey_link", url_kwarg="token")

urlpatterns = [
    path("svar/", answering.survey_start, name="survey_start"),
    path("svar/deltagande/<int:pk>/", answering.survey_participation, name="survey_participation"),
    path("svar/deltagande/<int:pk>/spara/", autosave.autosave_participation, name="autosave_participation"),
    path("svar/profil.pdf", answering.survey_profile_pdf, name="survey_profile_pdf"),
    path("svar/<str:token>/", staff_links(answering.survey_token), name="survey_token"),
    path("svar/<str:token>/spara/", staff_links(autosave.autosave_token), name="autosave_token"),
    path("elev/", pupil_codes(answering.pupil_start), name="pupil_start"),
    path("elev/tack/", answering.pupil_done, name="pupil_done"),
    path("elev/<str:code>/", pupil_codes(answering.pupil_questionnaire), name="pupil_questionnaire"),
]
