from django.urls import path

from digiplan.frameworks.views import chain, coverage, dates, frameworks, items

urlpatterns = [
    path("ramverk/", frameworks.framework_list, name="framework_list"),
    path("ramverk/ny/", frameworks.framework_create, name="framework_create"),
    path("ramverk/import/", frameworks.framework_import, name="framework_import"),
    path("ramverk/<int:pk>/", frameworks.framework_detail, name="framework_detail"),
    path("ramverk/<int:pk>/jamfor/", frameworks.version_diff, name="version_diff"),
    path("ramverk/version/<int:pk>/", frameworks.version_detail, name="version_detail"),
    path("ramverk/version/<int:pk>/publicera/", frameworks.version_publish, name="version_publish"),
    path("ramverk/version/<int:pk>/nytt-utkast/", frameworks.version_new_draft, name="version_new_draft"),
    path("ramverk/version/<int:pk>/arkivera/", frameworks.version_archive, name="version_archive"),
    path("ramverk/version/<int:pk>/export.yaml", frameworks.version_export, name="version_export"),
    path("ramverk/version/<int:pk>/giltighet/", dates.version_details, name="version_details"),
    path("ramverk/version/<int:pk>/tackning/", coverage.version_coverage, name="version_coverage"),
    path("ramverk/uppfoljning/<int:pk>/ta-bort/", dates.follow_up_delete, name="follow_up_delete"),
    path("ramverk/uppfoljning/<int:pk>/klar/", dates.follow_up_done, name="follow_up_done"),
    path("ramverk/version/<int:pk>/ny-punkt/", items.item_create, name="item_create"),
    path("ramverk/version/<int:pk>/nytt-ansvar/", items.responsibility_create, name="responsibility_create"),
    path("ramverk/version/<int:pk>/nytt-mal/", items.target_create, name="target_create"),
    path("ramverk/punkt/<int:pk>/", items.item_edit, name="item_edit"),
    path("ramverk/punkt/<int:pk>/flytta/", items.item_move, name="item_move"),
    path("ramverk/punkt/<int:pk>/ta-bort/", items.item_delete, name="item_delete"),
    path("ramverk/punkt/<int:pk>/styrkedja/", chain.item_chain, name="item_chain"),
    path("ramverk/ansvar/<int:pk>/ta-bort/", items.responsibility_delete, name="responsibility_delete"),
    path("ramverk/mal/<int:pk>/ta-bort/", items.target_delete, name="target_delete"),
    path("skalor/", chain.scale_list, name="scale_list"),
    path("skalor/ny/", chain.scale_create, name="scale_create"),
    path("mitt-ansvar/", chain.my_responsibilities, name="my_responsibilities"),
]
