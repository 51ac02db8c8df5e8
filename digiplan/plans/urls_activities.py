from django.urls import path

from digiplan.plans.views import activities, calendar

urlpatterns = [
    path("planer/<int:pk>/aktiviteter/", activities.plan_activities, name="plan_activities"),
    path("planer/<int:pk>/aktiviteter/ny/", activities.activity_create, name="activity_create"),
    path(
        "planer/<int:pk>/aktiviteter/fran-exempel/<int:entry_pk>/",
        activities.activity_from_library,
        name="activity_from_library",
    ),
    path("aktiviteter/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("aktiviteter/<int:pk>/redigera/", activities.activity_edit, name="activity_edit"),
    path("aktiviteter/<int:pk>/framsteg/", activities.activity_progress, name="activity_progress"),
    path("aktiviteter/<int:pk>/ta-bort/", activities.activity_delete, name="activity_delete"),
    path("mina-aktiviteter/", activities.my_activities, name="my_activities"),
    path("mina-aktiviteter/kalender/", calendar.calendar_settings, name="calendar_settings"),
    path("kalender/<str:secret>.ics", calendar.calendar_feed, name="calendar_feed"),
]
