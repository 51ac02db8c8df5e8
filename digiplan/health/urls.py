from django.urls import path

from digiplan.health import views

urlpatterns = [path("healthz", views.healthz, name="healthz")]
