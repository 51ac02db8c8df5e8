from django.urls import path

from digiplan.onboarding import views

urlpatterns = [
    path("drift/huvudman/", views.operator_list, name="onboarding_operator_list"),
    path("drift/huvudman/ny/", views.operator_create, name="onboarding_operator_create"),
    path(
        "drift/huvudman/<int:pk>/ny-inbjudan/",
        views.operator_resend,
        name="onboarding_operator_resend",
    ),
    path("valkommen/<uidb64>/<token>/", views.welcome, name="onboarding_welcome"),
    path("kom-igang/", views.checklist, name="onboarding_checklist"),
]
