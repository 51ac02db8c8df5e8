from django.urls import path

from digiplan.audit import views

urlpatterns = [path("logg/", views.audit_list, name="audit_list")]
