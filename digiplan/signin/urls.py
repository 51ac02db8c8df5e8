from django.urls import include, path

from digiplan.signin import views

urlpatterns = [
    path("konto/skolkonto/", views.choose, name="signin_choose"),
    path("konto/skolkonto/okand/", views.unknown, name="signin_unknown"),
    path("installningar/inloggning/", views.settings_page, name="signin_settings"),
    path("", include("digiplan.signin.urls_saml")),
    path("", include("digiplan.signin.urls_oidc")),
    path("", include("digiplan.signin.urls_mfa")),
]
