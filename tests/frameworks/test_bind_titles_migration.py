"""The data step of frameworks 0002: a duty written for a title before titles could be chosen
is bound to the huvudman's own title of that name (in any case), and to no other huvudman's."""

import importlib

from django.apps import apps

from digiplan.frameworks.models import Responsibility
from digiplan.organisations.services import role_title_save
from tests.framework_helpers import build_frameworks

bind_titles = importlib.import_module("digiplan.frameworks.migrations.0002_roles_and_dates").bind_titles


def test_old_duties_are_bound_to_the_huvudmans_own_title_by_name(world):
    version = build_frameworks(world).draft
    ours = role_title_save(actor=None, huvudman=world.huvudman, role="coordinator", name="IT-pedagog")
    role_title_save(actor=None, huvudman=world.other_huvudman, role="coordinator", name="Rektor")
    spelled = Responsibility.objects.create(
        version=version, role="coordinator", role_title=" it-PEDAGOG ", text="a"
    )
    other = Responsibility.objects.create(version=version, role="unit_leader", role_title="Rektor", text="b")
    free = Responsibility.objects.create(version=version, role="staff", role_title="", text="c")
    bind_titles(apps, None)
    for row in (spelled, other, free):
        row.refresh_from_db()
    assert spelled.title == ours and spelled.role_title == " it-PEDAGOG "
    # Another huvudman's "Rektor" is not ours, and a duty without a title stays as it was.
    assert other.title is None and other.role == "unit_leader"
    assert free.title is None
