from django.urls import path

from digiplan.signin import views_saml

urlpatterns = [
    path("saml/metadata/", views_saml.metadata, name="signin_saml_metadata"),
    path("saml/acs/", views_saml.acs, name="signin_saml_acs"),
    path("saml/ls/", views_saml.single_logout, name="signin_saml_ls"),
    path("saml/logga-ut/", views_saml.sign_out, name="signin_saml_logout"),
    path("saml/<str:orgnr>/logga-in/", views_saml.start, name="signin_saml_start"),
    path("installningar/inloggning/saml/", views_saml.settings_page, name="signin_saml_settings"),
]
