"""The national comparison in a real browser: a strategist meets "Jämfört med riket" without
sharing, follows the link to the setting, turns sharing on, and after the next build sees the
unit's and the organisation's figures beside the country's. Every page visited is scanned by axe
(see conftest.py)."""

from django.urls import reverse
from playwright.sync_api import Page, expect

from digiplan.comparison import services
from tests.browser.helpers import flash, url
from tests.comparison.helpers import closed_on_standard, figures, sharing_huvudman
from tests.conftest import PASSWORD


def test_a_strategist_turns_sharing_on_and_sees_the_country(page: Page, live_server, world, login):
    for mean in (1, 2, 3, 4, 5):
        sharing_huvudman([mean])
    campaign = closed_on_standard(
        world.huvudman, {world.unit_a: (figures(4.0), 10), world.unit_b: (figures(2.0), 10)}
    )
    services.comparison_build()
    login(world.strategist.email, PASSWORD)

    page.goto(url(live_server, "results_unit", campaign.pk, world.unit_a.pk))
    comparison = page.locator("section.results-comparison")
    expect(comparison.get_by_role("heading", name="Jämfört med riket")).to_be_visible()
    expect(comparison.get_by_role("table")).to_have_count(0)
    comparison.get_by_role("link", name="Välj om du vill dela").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Nationell jämförelse")
    page.get_by_label("Dela resultaten i den nationella jämförelsen").check()
    page.locator('form[method="post"] button[type=submit]').last.click()
    expect(flash(page)).to_contain_text("Du delar nu")
    expect(page.get_by_label("Dela resultaten i den nationella jämförelsen")).to_be_checked()

    services.comparison_build()
    page.goto(url(live_server, "results_unit", campaign.pk, world.unit_a.pk))
    table = page.locator("section.results-comparison").get_by_role("table", name="Grundskola")
    expect(table).to_be_visible()
    row = table.get_by_role("row", name="LED Ledning Personal")
    expect(row.get_by_role("cell")).to_have_text(["Personal", "4,0", "3,0", "2,0", "4,0", "6"])

    page.goto(url(live_server, "results_org", campaign.pk))
    table = page.locator("section.results-comparison").get_by_role("table", name="Alla skolformer")
    expect(table.get_by_role("row", name="KOMP Kompetens Personal").get_by_role("cell")).to_have_text(
        ["Personal", "3,0", "3,0", "2,0", "4,0", "6"]
    )
    assert reverse("comparison_setting") not in page.content()
