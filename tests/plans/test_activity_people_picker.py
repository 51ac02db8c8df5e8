"""Issue 16: the new-activity form listed 93 participant checkboxes and 94 owners in one
unordered list. It now offers the plan's own people first, grouped by their role there, and
everyone else the plan may name after them; the choice is still limited to those people."""

import re

from django.urls import reverse

from digiplan.organisations.models import Role
from digiplan.plans import services
from digiplan.plans.models import Activity
from tests.factories import PersonFactory


def _plan(world):
    return services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year="2026/27")


def _groups(page: str, name: str) -> list[tuple[str, list[str]]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select {name}"
    return [
        (label, [n.strip() for n in re.findall(r"<option [^>]*>([^<]*)</option>", body)])
        for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select.group(1), re.S)
    ]


def test_the_units_people_come_first_grouped_by_role(world, client_for):
    PersonFactory(name="Cilla Samordnare", organisation=world.unit_a, role=Role.COORDINATOR)
    PersonFactory(name="Ada Lärare", organisation=world.unit_a, role=Role.STAFF)
    PersonFactory(name="Bo Björk", organisation=world.unit_b, role=Role.STAFF)  # another unit
    plan = _plan(world)
    page = client_for("leader_a").get(reverse("activity_create", args=[plan.pk])).content.decode()
    expected = [
        ("Enhetsledare", ["Anna Rektor"]),
        ("Samordnare", ["Cilla Samordnare"]),
        ("Personal", ["Ada Lärare", "Per Personal"]),
        ("Övriga i organisationen", ["Sara Strateg"]),
    ]
    assert _groups(page, "owner") == expected
    assert _groups(page, "participants") == expected
    assert "Bo Björk" not in page
    owner = re.search(r'<select name="owner"[^>]*>\s*<option value="" selected>([^<]*)</option>', page)
    assert owner and owner.group(1) == "Ingen angiven"
    # One list, not a checkbox per person; the script that makes it searchable is a file (CSP).
    assert 'type="checkbox" name="participants"' not in page
    assert re.search(r'<select name="participants"[^>]*multiple', page)
    assert 'data-people-picker="multiple"' in page and 'data-people-picker="single"' in page
    assert "digiplan/people_picker.js" in page and "<script>" not in page
    # Without the script the list is the control: the help says how to choose several.
    assert "Håll ned Ctrl (⌘ på Mac) för att välja flera." in page


def test_a_person_with_two_roles_at_the_unit_is_listed_once_under_the_first(world, client_for):
    from digiplan.organisations import services as org_services

    org_services.membership_create(
        actor=None, person=world.staff, organisation=world.unit_a, role=Role.COORDINATOR
    )
    plan = _plan(world)
    page = client_for("leader_a").get(reverse("activity_create", args=[plan.pk])).content.decode()
    groups = dict(_groups(page, "owner"))
    assert groups["Samordnare"] == ["Per Personal"] and "Personal" not in groups


def test_only_people_the_plan_may_name_are_accepted(world, client_for):
    outsider = PersonFactory(name="Bo Björk", organisation=world.unit_b, role=Role.STAFF)
    plan = _plan(world)
    client = client_for("leader_a")
    for field in ("owner", "participants"):
        response = client.post(
            reverse("activity_create", args=[plan.pk]),
            {"title": "Fortbildning", "status": "planned", field: [outsider.pk]},
        )
        assert response.status_code == 200
        assert "Välj en person som arbetar vid enheten." in response.content.decode()
    assert not Activity.objects.exists()
    response = client.post(
        reverse("activity_create", args=[plan.pk]),
        {
            "title": "Fortbildning",
            "status": "planned",
            "owner": world.staff.pk,
            "participants": [world.leader_a.pk, world.strategist.pk],
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.owner == world.staff
    assert set(activity.participants.all()) == {world.leader_a, world.strategist}


def test_the_edit_form_shows_the_chosen_people_selected(world, client_for):
    plan = _plan(world)
    activity = services.activity_create(
        actor=world.leader_a, plan=plan, title="X", owner=world.staff, participants=[world.leader_a]
    )
    page = client_for("leader_a").get(reverse("activity_edit", args=[activity.pk])).content.decode()
    assert re.search(rf'<select name="owner".*?<option value="{world.staff.pk}" selected>', page, re.S)
    assert re.search(
        rf'<select name="participants".*?<option value="{world.leader_a.pk}" selected>', page, re.S
    )
