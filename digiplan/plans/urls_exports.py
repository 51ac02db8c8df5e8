from django.urls import path

from digiplan.plans.views import exports

urlpatterns = [
    path("planer/<int:pk>/export.<str:fmt>", exports.plan_export, name="plan_export"),
]
