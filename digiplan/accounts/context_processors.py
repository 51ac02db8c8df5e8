"""The main navigation, built here so that every page shows the same links."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from digiplan.organisations.access import is_strategist, membership_paths
from digiplan.organisations.models import Role

# (url name, label, url-name prefixes of the pages that belong to this section)
_EVERYONE = [
    ("home", _("Home"), ("home",)),
    ("organisation_tree", _("Organisation"), ("organisation_",)),
    (
        "framework_list",
        _("Frameworks"),
        ("framework_", "version_", "item_", "responsibility_", "target_", "scale_"),
    ),
    ("my_responsibilities", _("My responsibilities"), ("my_responsibilities",)),
    ("campaign_list", _("Self-assessment"), ("campaign_", "rating_", "pupil_codes", "results_", "survey_")),
    # The overview and the year view are named plan_* and so belong to "Plans", which links to
    # them: the menu stays short.
    ("plan_list", _("Plans"), ("plan_", "goal_", "suggestion_", "activity_")),
    ("my_activities", _("My activities"), ("my_activities", "calendar_")),
    ("library_list", _("Example activities"), ("library_",)),
    # Everyone's unit reports; strategists also find the organisation report and its public
    # versions there.
    ("report_list", _("Reports"), ("report_", "public_report")),
]
# The registry's pages, for those who read their units' devices and services (the registry's
# READ_ROLES: leaders and coordinators see their own units'; strategists every unit).
_REGISTRY = [
    ("device_overview", _("Devices"), ("device_",)),
    ("services_register", _("Digital services"), ("services_", "expected_tools")),
]
_UNIT_LEADERS = (Role.UNIT_LEADER, Role.COORDINATOR)
_STRATEGISTS = [
    ("people_list", _("People"), ("people_", "person_", "membership_")),
    ("role_titles", _("Role titles"), ("role_title",)),
    ("import_start", _("Import"), ("import_",)),
    ("audit_list", _("Audit trail"), ("audit_",)),
    *_REGISTRY,
    ("signin_settings", _("Sign-in"), ("signin_saml_settings", "signin_oidc_settings", "signin_settings")),
]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if is_strategist(user):
        entries = _EVERYONE + _STRATEGISTS
    else:
        entries = _EVERYONE + (_REGISTRY if membership_paths(user, _UNIT_LEADERS) else [])
    # No resolver match on error pages and on responses made by middleware (axes lockout).
    match = getattr(request, "resolver_match", None)
    current = (match.url_name or "") if match else ""
    return {
        "nav_items": [
            {"url": reverse(name), "label": str(label), "active": current.startswith(prefixes)}
            for name, label, prefixes in entries
        ]
    }
