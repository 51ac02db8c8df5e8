from django.urls import path

from digiplan.signin import views_oidc

urlpatterns = [
    path("oidc/<str:orgnr>/logga-in/", views_oidc.start, name="signin_oidc_start"),
    path("oidc/svar/", views_oidc.callback, name="signin_oidc_callback"),
    path("oidc/logga-ut/", views_oidc.sign_out, name="signin_oidc_logout"),
    path("installningar/inloggning/oidc/", views_oidc.settings_page, name="signin_oidc_settings"),
]
