"""The people picker of the activity form in a real browser (issue 16): with 40 people to name,
the leader finds one by typing part of the name, moves with the arrow keys and chooses with
Enter, never leaving the keyboard; the list is grouped by role, the number of matches is
announced, and axe finds nothing with the list open or closed. The texts are the Swedish ones."""

import re

from playwright.sync_api import Page, expect

from digiplan.organisations.models import Role
from digiplan.plans import services as plan_services
from digiplan.plans.models import Activity
from tests.browser.helpers import tab_forward_to, url
from tests.conftest import PASSWORD
from tests.factories import PersonFactory


def _plan_with_many_people(world):
    for n in range(36):
        PersonFactory(name=f"Lärare {n:02d}", organisation=world.unit_a, role=Role.STAFF)
    PersonFactory(name="Cilla Samordnare", organisation=world.unit_a, role=Role.COORDINATOR)
    return plan_services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year="2026/27")


def test_people_are_found_and_chosen_with_the_keyboard(page: Page, live_server, login, world, axe):
    plan = _plan_with_many_people(world)
    login(world.leader_a.email, PASSWORD)
    page.goto(url(live_server, "activity_create", plan.pk))
    page.get_by_label("Titel").fill("Fortbildning i lärplattformen")

    # The responsible person: a combobox in place of the select, reached by Tab.
    owner = page.get_by_role("combobox", name="Ansvarig person")
    expect(owner).to_have_attribute("aria-expanded", "false")
    tab_forward_to(page, owner)
    page.keyboard.type("cilla")
    expect(owner).to_have_attribute("aria-expanded", "true")
    listbox = page.get_by_role("listbox", name="Ansvarig person")
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(page.locator("#id_owner-status")).to_have_text("1 person matchar")
    expect(listbox.get_by_role("group", name="Samordnare")).to_be_visible()
    page.keyboard.press("ArrowDown")
    active = owner.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").inner_text() == "Cilla Samordnare"
    axe()  # the list open
    page.keyboard.press("Enter")
    expect(owner).to_have_value("Cilla Samordnare")
    expect(owner).to_have_attribute("aria-expanded", "false")

    # Participants: several, each chosen with Enter while the list stays open.
    participants = page.get_by_role("combobox", name="Deltagare")
    expect(page.locator("#id_participants_helptext")).not_to_contain_text("Ctrl")  # nothing to hold
    tab_forward_to(page, participants)
    page.keyboard.type("lärare 1")
    expect(page.locator("#id_participants-status")).to_have_text("10 personer matchar")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    chosen = page.get_by_role("list", name="Valda")
    expect(chosen.get_by_role("listitem")).to_have_count(2)
    expect(page.get_by_role("option", name="Lärare 10", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    page.keyboard.press("Escape")
    expect(participants).to_have_attribute("aria-expanded", "false")
    # The second one is taken back with its own button.
    chosen.get_by_role("button", name=re.compile("Ta bort Lärare 11")).click()
    expect(chosen.get_by_role("listitem")).to_have_count(1)
    axe()

    page.get_by_role("button", name="Lägg till aktiviteten").click()
    page.wait_for_load_state()
    activity = Activity.objects.get(plan=plan)
    assert activity.owner.name == "Cilla Samordnare"
    assert [p.name for p in activity.participants.all()] == ["Lärare 10"]


def test_an_empty_search_shows_every_group_and_escape_clears(page: Page, live_server, login, world):
    plan = _plan_with_many_people(world)
    login(world.leader_a.email, PASSWORD)
    page.goto(url(live_server, "activity_create", plan.pk))
    owner = page.get_by_role("combobox", name="Ansvarig person")
    owner.focus()
    page.keyboard.press("ArrowDown")
    listbox = page.get_by_role("listbox", name="Ansvarig person")
    groups = listbox.get_by_role("group")
    expect(groups).to_have_count(4)
    expect(groups.first).to_have_accessible_name("Enhetsledare")
    expect(groups.last).to_have_accessible_name("Övriga i organisationen")
    page.keyboard.type("ingen sådan")
    expect(listbox.get_by_role("option")).to_have_count(0)
    expect(page.locator("#id_owner-status")).to_have_text("0 personer matchar")
    page.keyboard.press("Escape")  # closes
    page.keyboard.press("Escape")  # clears
    expect(owner).to_have_value("")
