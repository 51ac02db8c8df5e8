"""A unit's results page in a real browser: it opens with the unit's charts (each an image with
a name and its data as a table), the tables follow folded per area, and no two landmarks share
a name there or on the other pages a user moves between (axe's best-practice rule
"landmark-unique", which the WCAG scan of every page does not run).

Every page visited is also scanned by axe for WCAG 2.1 A/AA (see conftest.py)."""

import re

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from digiplan.organisations import services as org_services
from digiplan.organisations.models import Role
from tests.browser.helpers import url
from tests.conftest import PASSWORD
from tests.reports.report_helpers import build_years
from tests.views.test_every_url import EXPECTED

LANDMARK_UNIQUE = {"runOnly": {"type": "rule", "values": ["landmark-unique"]}, "resultTypes": ["violations"]}
_AXE = Axe()


def landmark_duplicates(page: Page) -> list[str]:
    """The landmarks axe finds sharing their role and name with another on the page. The WCAG
    scan that the page's load started may be running (axe runs once at a time): wait for it."""
    for _ in range(400):
        try:
            violations = _AXE.run(page, options=LANDMARK_UNIQUE).response["violations"]
            break
        except PlaywrightError as error:
            if "already running" not in str(error):
                raise
            page.wait_for_timeout(50)
    else:
        raise AssertionError(f"axe never got to run on {page.url}")
    return [node["html"][:160] for violation in violations for node in violation["nodes"]]


def test_the_leader_sees_the_charts_first_and_opens_an_area(page, live_server, world, login):
    years = build_years(world)
    login(world.leader_a.email, PASSWORD)
    page.goto(url(live_server, "results_unit", years.year_2.campaign.pk, world.unit_a.pk))

    charts = page.get_by_role("region", name="Enheten i överblick")
    staff = charts.get_by_role("img", name=re.compile("^Personal per område jämfört med förra året"))
    expect(staff).to_be_visible()
    # Its figures as text, one click away (and a keyboard's Enter).
    figure = charts.locator("figure.chart").filter(
        has=page.get_by_role("img", name=re.compile("^Personal per område jämfört med förra året"))
    )
    figure.get_by_text("Visa data som tabell").click()
    table = figure.get_by_role("table")
    expect(table.get_by_role("row").filter(has_text="LED Ledning")).to_be_visible()
    # Two areas: bars only (a radar needs three axes); pupils below k are not drawn.
    expect(charts.get_by_role("img", name=re.compile("^Medelvärde per område"))).to_have_count(0)
    expect(charts.get_by_role("img", name=re.compile("^Elever per område"))).to_have_count(1)

    # The tables follow the charts, every area folded; a summary opens one.
    areas = page.locator("details.results-area-details")
    expect(areas).to_have_count(2)
    for index in range(2):
        expect(areas.nth(index)).not_to_have_attribute("open", "")
    komp = areas.filter(has=page.get_by_role("heading", name="KOMP Kompetens"))
    expect(komp.get_by_role("table").first).to_be_hidden()
    komp.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(komp.get_by_role("region", name="KOMP Kompetens Personal")).to_be_visible()
    assert landmark_duplicates(page) == []


def test_no_two_landmarks_share_a_name(page, live_server, world, login):
    """The start page, a list that pages, a unit, the results and the pages that had two
    landmarks of the same name (a section and its table named by one heading, or every table
    named "Tabell, kan rullas i sidled …")."""
    years = build_years(world)
    for number in range(55):  # more than a page of people (50)
        person = org_services.person_create(
            actor=None,
            huvudman=world.huvudman,
            name=f"Person {number:02}",
            email=f"person{number}@sjovik.test",
            audit=False,
        )
        org_services.membership_create(
            actor=None, person=person, organisation=world.unit_a, role=Role.STAFF, audit=False
        )
    login(world.strategist.email, PASSWORD)
    pages = {
        "home": (),
        "people_list": (),
        "organisation_detail": (world.unit_a.pk,),
        "results_unit": (years.year_2.campaign.pk, world.unit_a.pk),
        "results_org": (years.year_2.campaign.pk,),
        "report_unit": (world.unit_a.pk,),
    }
    found = {}
    for name, args in pages.items():
        page.goto(url(live_server, name, *args))
        if name == "people_list":
            expect(page.get_by_role("navigation", name="Sidor")).to_be_visible()
        found[name] = landmark_duplicates(page)
    for name in (
        "framework_list",
        "version_detail",
        "scale_list",
        "campaign_list",
        "plan_list",
        "plan_overview",
        "plan_year",
        "services_register",
        "device_overview",
    ):
        route = EXPECTED[name]
        page.goto(live_server.url + reverse(name, kwargs=route.kwargs(world) if route.kwargs else None))
        found[name] = landmark_duplicates(page)
    assert {name: nodes for name, nodes in found.items() if nodes} == {}
