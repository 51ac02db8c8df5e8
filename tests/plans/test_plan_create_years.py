"""Issue 16: a new plan offered a school year the unit already had a plan for, then failed with
no field marked. Only free years are offered; a taken one posted anyway is marked on its field."""

import re

from django.urls import reverse

from digiplan.lib import schoolyear
from digiplan.plans import services
from digiplan.plans.models import Plan


def _plans_for(world, *years: str) -> None:
    for year in years:
        services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year=year)


def _offered(page: str) -> list[str]:
    select = re.search(r'<select name="school_year"[^>]*>(.*?)</select>', page, re.S)
    assert select, "the school year is not a choice"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def _selected(page: str) -> str:
    select = re.search(r'<select name="school_year"[^>]*>(.*?)</select>', page, re.S)
    return re.search(r'<option value="([^"]*)" selected', select.group(1)).group(1)


def test_only_free_school_years_are_offered(world, client_for):
    this = schoolyear.current()
    taken = [this, schoolyear.shifted(this, 1)]
    _plans_for(world, *taken)
    page = client_for("leader_a").get(reverse("plan_create")).content.decode()
    offered = _offered(page)
    assert offered and not set(offered) & set(taken)
    assert schoolyear.shifted(this, 2) in offered
    # The first free year from this one on is chosen for the user.
    assert _selected(page) == schoolyear.shifted(this, 2)


def test_a_unit_without_plans_is_offered_this_year_first(world, client_for):
    page = client_for("leader_a").get(reverse("plan_create")).content.decode()
    assert _selected(page) == schoolyear.current()
    assert schoolyear.shifted(schoolyear.current(), 1) in _offered(page)


def test_a_taken_year_posted_anyway_is_marked_on_its_field_in_swedish(world, client_for):
    this = schoolyear.current()
    _plans_for(world, this)
    response = client_for("leader_a").post(
        reverse("plan_create"),
        {"organisation": world.unit_a.pk, "school_year": this, "title": "Andra planen"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    field = re.search(r'<div class="field field-error">(.*?)</div>\s*<div class="field', page, re.S)
    assert field, "no field is marked"
    assert 'name="school_year"' in field.group(1)
    assert f"Almskolan har redan en plan för {this}." in field.group(1)
    assert 'aria-invalid="true"' in field.group(1)
    # Offered again: only free years, the typed title kept.
    assert this not in _offered(page)
    assert "Andra planen" in page
    assert Plan.objects.count() == 1
