"""Every URL pattern of the project, for every persona. A new URL without a row here fails
test_every_url_pattern_is_covered, so no view can escape the permission matrix."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from digiplan.organisations.models import PendingImport
from tests.conftest import PERSONAS

LOGIN = "login-redirect"
ALL_200 = dict.fromkeys(PERSONAS, 200)
SIGNED_IN_200 = {**dict.fromkeys(PERSONAS, 200), "anonymous": LOGIN}
STRATEGISTS_ONLY = {
    "anonymous": LOGIN,
    "strategist": 200,
    "leader_a": 403,
    "leader_b": 403,
    "staff": 403,
    "other_strategist": 200,
}
OWN_STRATEGIST_ONLY = {**STRATEGISTS_ONLY, "other_strategist": 404}
POST_ONLY = {**dict.fromkeys(PERSONAS, 405), "anonymous": LOGIN}
UNIT_A_READERS = {
    "anonymous": LOGIN,
    "strategist": 200,
    "leader_a": 200,
    "leader_b": 404,
    "staff": 200,
    "other_strategist": 404,
}
UNIT_A_MANAGERS = {
    "anonymous": LOGIN,
    "strategist": 200,
    "leader_a": 403,
    "leader_b": 404,
    "staff": 403,
    "other_strategist": 404,
}
AREA_MANAGERS = {**UNIT_A_MANAGERS, "leader_a": 404, "staff": 404}


def _pending(world):
    return PendingImport.objects.create(
        huvudman=world.huvudman, actor=world.strategist, kind="units", file_names="a.csv"
    ).pk


def _membership(world):
    return world.staff.memberships.get().pk


def _title(world):
    from digiplan.organisations.services import role_title_save

    return role_title_save(actor=None, huvudman=world.huvudman, role="coordinator", name="IT-pedagog").pk


def _fw(world):
    from tests.framework_helpers import build_frameworks

    return build_frameworks(world)


HUVUDMAN_READERS = {**dict.fromkeys(PERSONAS, 200), "anonymous": LOGIN, "other_strategist": 404}
DRAFT_EDITORS = {
    "anonymous": LOGIN,
    "strategist": 200,
    "leader_a": 404,
    "leader_b": 404,
    "staff": 404,
    "other_strategist": 404,
}

# url name → (kwargs from the world, expected status per persona)
EXPECTED = {
    "set_language": (None, {**dict.fromkeys(PERSONAS, 302)}),
    "login": (None, {**dict.fromkeys(PERSONAS, 302), "anonymous": 200}),  # signed in: go home
    "logout": (None, dict.fromkeys(PERSONAS, 405)),
    "password_change": (None, SIGNED_IN_200),
    "password_change_done": (None, SIGNED_IN_200),
    "password_reset": (None, ALL_200),
    "password_reset_done": (None, ALL_200),
    "password_reset_confirm": (lambda w: {"uidb64": "MQ", "token": "fel-token"}, ALL_200),
    "password_reset_complete": (None, ALL_200),
    "accessibility": (None, ALL_200),
    "privacy": (None, ALL_200),
    "home": (None, SIGNED_IN_200),
    "organisation_tree": (None, SIGNED_IN_200),
    "organisation_detail": (lambda w: {"pk": w.unit_a.pk}, UNIT_A_READERS),
    "organisation_create": (lambda w: {"parent_pk": w.omrade.pk}, AREA_MANAGERS),
    "organisation_edit": (lambda w: {"pk": w.unit_a.pk}, UNIT_A_MANAGERS),
    "organisation_move": (lambda w: {"pk": w.unit_a.pk}, UNIT_A_MANAGERS),
    "organisation_deactivate": (lambda w: {"pk": w.unit_a.pk}, POST_ONLY),
    "organisation_reactivate": (lambda w: {"pk": w.unit_a.pk}, POST_ONLY),
    "people_list": (None, STRATEGISTS_ONLY),
    "person_create": (None, STRATEGISTS_ONLY),
    "person_detail": (lambda w: {"pk": w.staff.pk}, OWN_STRATEGIST_ONLY),
    "person_edit": (lambda w: {"pk": w.staff.pk}, OWN_STRATEGIST_ONLY),
    "person_set_active": (lambda w: {"pk": w.staff.pk}, POST_ONLY),
    "membership_delete": (lambda w: {"pk": _membership(w)}, POST_ONLY),
    "role_titles": (None, STRATEGISTS_ONLY),
    "role_title_delete": (lambda w: {"pk": _title(w)}, POST_ONLY),
    "import_start": (None, STRATEGISTS_ONLY),
    "import_preview": (lambda w: {"pk": _pending(w)}, OWN_STRATEGIST_ONLY),  # no rows: no change
    "import_confirm": (lambda w: {"pk": _pending(w)}, POST_ONLY),
    "import_cancel": (lambda w: {"pk": _pending(w)}, POST_ONLY),
    "import_template": (lambda w: {"kind": "enheter", "fmt": "csv"}, STRATEGISTS_ONLY),
    "audit_list": (None, STRATEGISTS_ONLY),
    "framework_list": (None, SIGNED_IN_200),
    "framework_create": (None, STRATEGISTS_ONLY),
    "framework_import": (None, STRATEGISTS_ONLY),
    "framework_detail": (
        lambda w: {"pk": _fw(w).framework.pk},
        {**HUVUDMAN_READERS, **dict.fromkeys(PERSONAS[1:5], 302)},
    ),
    "version_diff": (lambda w: {"pk": _fw(w).framework.pk}, HUVUDMAN_READERS),
    "version_detail": (lambda w: {"pk": _fw(w).published.pk}, HUVUDMAN_READERS),
    "version_export": (lambda w: {"pk": _fw(w).published.pk}, HUVUDMAN_READERS),
    "version_publish": (lambda w: {"pk": _fw(w).draft.pk}, POST_ONLY),
    "version_new_draft": (lambda w: {"pk": _fw(w).published.pk}, POST_ONLY),
    "version_archive": (lambda w: {"pk": _fw(w).published.pk}, POST_ONLY),
    "item_create": (lambda w: {"pk": _fw(w).draft.pk}, DRAFT_EDITORS),
    "responsibility_create": (lambda w: {"pk": _fw(w).draft.pk}, DRAFT_EDITORS),
    "target_create": (lambda w: {"pk": _fw(w).draft.pk}, DRAFT_EDITORS),
    "item_edit": (lambda w: {"pk": _fw(w).draft_item.pk}, DRAFT_EDITORS),
    "item_move": (lambda w: {"pk": _fw(w).draft_item.pk}, POST_ONLY),
    "item_delete": (lambda w: {"pk": _fw(w).draft_item.pk}, POST_ONLY),
    "item_chain": (lambda w: {"pk": _fw(w).published_item.pk}, HUVUDMAN_READERS),
    "responsibility_delete": (lambda w: {"pk": _fw(w).draft_responsibility.pk}, POST_ONLY),
    "target_delete": (lambda w: {"pk": _fw(w).draft_target.pk}, POST_ONLY),
    "scale_list": (None, SIGNED_IN_200),
    "scale_create": (None, STRATEGISTS_ONLY),
    "my_responsibilities": (None, SIGNED_IN_200),
}


def _more_expectations():
    """Each part of the product keeps its rows in tests/views/expected_<part>.py."""
    import importlib
    import pkgutil
    from pathlib import Path

    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("expected_"):
            yield from importlib.import_module(f"tests.views.{module.name}").EXPECTED.items()


EXPECTED.update(_more_expectations())


def _all_url_names(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{entry.namespace}:" if entry.namespace else ""
            yield from _all_url_names(entry.url_patterns, prefix + ns)
        elif isinstance(entry, URLPattern):
            yield prefix + (entry.name or f"<unnamed {entry.pattern}>")


def test_every_url_pattern_is_covered():
    missing = sorted(set(_all_url_names()) - set(EXPECTED))
    assert not missing, f"add these URL names to EXPECTED: {missing}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_url_answers_each_persona_as_expected(name, world, client_for):
    kwargs_for, expected = EXPECTED[name]
    url = reverse(name, kwargs=kwargs_for(world) if kwargs_for else None)
    got = {}
    for persona in PERSONAS:
        response = client_for(persona).get(url)
        status = response.status_code
        if status == 302 and reverse("login") in response["Location"] and persona == "anonymous":
            status = LOGIN
        got[persona] = status
    assert got == expected
