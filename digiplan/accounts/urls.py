from django.contrib.auth import views as auth_views
from django.urls import path

from digiplan.accounts import views

urlpatterns = [
    path("konto/logga-in/", views.LoginView.as_view(), name="login"),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/losenord/", views.PasswordChangeView.as_view(), name="password_change"),
    path("konto/losenord/bytt/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("konto/glomt-losenord/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "konto/glomt-losenord/skickat/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "konto/aterstall/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "konto/aterstall/klart/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("integritet/", views.privacy, name="privacy"),
]
