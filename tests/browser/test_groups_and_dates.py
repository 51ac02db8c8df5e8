"""The plan's own groups and a framework version's dates in a real browser: a strategist adds a
group next to the role titles, opens it, and opens a version's period, decision and follow-up dates.
Every page on the way is scanned by axe (see conftest.py)."""

from django.urls import reverse
from playwright.sync_api import expect

from digiplan.organisations.models import Group
from tests.browser.helpers import url_re
from tests.conftest import PASSWORD
from tests.factories import FrameworkVersionFactory


def test_a_strategist_adds_a_group_and_opens_a_versions_dates(page, live_server, world, login):
    version = FrameworkVersionFactory(huvudman=world.huvudman, actor=world.strategist)
    login(world.strategist.email, PASSWORD)

    page.goto(live_server.url + reverse("plan_groups"))
    expect(page.get_by_role("heading", level=1, name="Grupper")).to_be_visible()
    page.get_by_label("Namn", exact=True).fill("Lokala IT-gruppen")
    page.get_by_role("button", name="Lägg till").click()
    page.wait_for_url(url_re("plan_groups"))
    assert Group.objects.filter(huvudman=world.huvudman, name="Lokala IT-gruppen").exists()
    page.get_by_role("link", name="Lokala IT-gruppen", exact=True).click()
    group = Group.objects.get(huvudman=world.huvudman, name="Lokala IT-gruppen")
    page.wait_for_url(url_re("plan_group_edit", group.pk))
    expect(page.get_by_label("Namn", exact=True)).to_have_value("Lokala IT-gruppen")

    page.goto(live_server.url + reverse("version_details", args=[version.pk]))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
