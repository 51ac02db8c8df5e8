from django.urls import path

from digiplan.organisations.views import audit_trail, groups, home, nodes, people

urlpatterns = [
    path("", home.home, name="home"),
    path("organisation/", nodes.organisation_tree, name="organisation_tree"),
    path("organisation/<int:pk>/", nodes.organisation_detail, name="organisation_detail"),
    path("organisation/<int:parent_pk>/ny/", nodes.organisation_create, name="organisation_create"),
    path("organisation/<int:pk>/andra/", nodes.organisation_edit, name="organisation_edit"),
    path("organisation/<int:pk>/flytta/", nodes.organisation_move, name="organisation_move"),
    path("organisation/<int:pk>/inaktivera/", nodes.organisation_deactivate, name="organisation_deactivate"),
    path("organisation/<int:pk>/aktivera/", nodes.organisation_reactivate, name="organisation_reactivate"),
    path("personer/", people.people_list, name="people_list"),
    path("personer/ny/", people.person_create, name="person_create"),
    path("personer/<int:pk>/", people.person_detail, name="person_detail"),
    path("personer/<int:pk>/andra/", people.person_edit, name="person_edit"),
    path("personer/<int:pk>/aktiv/", people.person_set_active, name="person_set_active"),
    path("roller/<int:pk>/ta-bort/", people.membership_delete, name="membership_delete"),
    path("rolltitlar/", people.role_titles, name="role_titles"),
    path("rolltitlar/<int:pk>/ta-bort/", people.role_title_delete, name="role_title_delete"),
    path("grupper/", groups.plan_groups, name="plan_groups"),
    path("grupper/<int:pk>/", groups.plan_group_edit, name="plan_group_edit"),
    path("grupper/<int:pk>/ta-bort/", groups.plan_group_delete, name="plan_group_delete"),
    path("logg/", audit_trail.audit_list, name="audit_list"),
]
