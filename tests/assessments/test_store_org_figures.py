"""`manage.py store_org_figures`: campaigns closed before the organisation's own figures were
stored at closing get them, computed as closing computes them; nothing else changes."""

import io

import pytest
from django.core.management import call_command

from digiplan.assessments.models import OrgResultFigures, ResultFigures
from tests.assessment_helpers import closed_campaign

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = io.StringIO()
    call_command("store_org_figures", stdout=out)
    return out.getvalue()


def test_a_campaign_closed_before_gets_the_figures_closing_would_have_stored(world):
    rows = [{"LED.P1": v, "KOMP.P1": 3} for v in (1, 2, 4, 5, 5, 3)]
    closed = closed_campaign(world, {world.unit_a: rows, world.unit_b: rows[:5]})
    at_closing = OrgResultFigures.objects.get(campaign=closed.campaign).data
    OrgResultFigures.objects.filter(campaign=closed.campaign).delete()  # as if closed before

    out = _run()

    assert f"(id {closed.campaign.pk})" in out and "sparade för 1 skattningar" in out
    assert OrgResultFigures.objects.get(campaign=closed.campaign).data == at_closing
    assert "Inget att göra" in _run()  # again: nothing to do
    assert OrgResultFigures.objects.filter(campaign=closed.campaign).count() == 1


def test_a_campaign_without_stored_unit_figures_is_left_to_its_snapshot(world):
    closed = closed_campaign(world, {world.unit_a: [{"LED.P1": 4}] * 5})
    OrgResultFigures.objects.filter(campaign=closed.campaign).delete()
    ResultFigures.objects.filter(campaign=closed.campaign).delete()  # closed before those too

    assert "Inget att göra" in _run()
    assert not OrgResultFigures.objects.filter(campaign=closed.campaign).exists()
