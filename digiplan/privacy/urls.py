from django.urls import path

from digiplan.privacy import views

urlpatterns = [
    path("personer/<int:pk>/personuppgifter.json", views.person_data_export, name="person_data_export"),
    path("personer/<int:pk>/radera/", views.person_erase, name="person_erase"),
    path("mina-uppgifter.json", views.my_data_export, name="my_data_export"),
]
