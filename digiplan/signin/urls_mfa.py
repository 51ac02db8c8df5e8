from django.urls import path

from digiplan.signin import views_mfa

urlpatterns = [
    path("konto/tvastegsverifiering/", views_mfa.settings_page, name="mfa_settings"),
    path("konto/tvastegsverifiering/kod/", views_mfa.verify, name="mfa_verify"),
    path("konto/tvastegsverifiering/aktivera/", views_mfa.enrol, name="mfa_enrol"),
    path("konto/tvastegsverifiering/stang-av/", views_mfa.disable, name="mfa_disable"),
    path("konto/tvastegsverifiering/reservkoder/", views_mfa.recovery_codes_new, name="mfa_recovery_codes"),
    path(
        "konto/tvastegsverifiering/reservkoder/ladda-ner/",
        views_mfa.recovery_codes_download,
        name="mfa_recovery_codes_download",
    ),
]
