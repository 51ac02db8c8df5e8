from django.urls import path

from digiplan.plans.views import followup, plans

urlpatterns = [
    path("planer/", plans.plan_list, name="plan_list"),
    path("planer/ny/", plans.plan_create, name="plan_create"),
    path("planer/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("planer/<int:pk>/redigera/", plans.plan_edit, name="plan_edit"),
    path("planer/<int:pk>/publicera/", plans.plan_publish, name="plan_publish"),
    path("planer/<int:pk>/mal/ny/", plans.goal_create, name="goal_create"),
    path("planer/<int:pk>/mal/<int:goal_pk>/", plans.goal_edit, name="goal_edit"),
    path("planer/<int:pk>/mal/<int:goal_pk>/ta-bort/", plans.goal_delete, name="goal_delete"),
    path("planer/<int:pk>/forslag/<int:item_pk>/anta/", plans.suggestion_accept, name="suggestion_accept"),
    path(
        "planer/<int:pk>/forslag/<int:item_pk>/avfarda/", plans.suggestion_dismiss, name="suggestion_dismiss"
    ),
    path("planer/<int:pk>/uppfoljning/", followup.plan_follow_up, name="plan_follow_up"),
]
