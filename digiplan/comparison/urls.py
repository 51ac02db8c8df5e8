from django.urls import path

from digiplan.comparison import views

urlpatterns = [
    path("jamforelse/", views.setting, name="comparison_setting"),
]
