"""The public report in a real browser: a strategist publishes it from the reports' start page,
an anonymous visitor reads it at its address (charts, tables, keyboard), and after withdrawing
the address is gone. Every page visited is scanned by axe (see conftest.py)."""

from django.urls import reverse
from playwright.sync_api import Page, expect

from digiplan.reports.models import PublicReport
from tests.browser.conftest import axe_violations, format_violations
from tests.browser.helpers import main_menu, url
from tests.conftest import PASSWORD
from tests.reports.test_public import YEAR, build_org


def test_a_strategist_publishes_and_anyone_reads_the_public_report(page: Page, live_server, world, login):
    build_org(world)
    login(world.strategist.email, PASSWORD)
    page.goto(url(live_server, "home"))
    # Located by address and id, not by text: the lead compiles this part's Swedish later.
    main_menu(page).locator(f'a[href="{reverse("report_list")}"]').click()
    page.locator(f'main a[href="{reverse("public_report_list")}"]').click()
    page.locator("#id_school_year").select_option(YEAR)
    page.locator("#id_title").fill("Uppföljning för fullmäktige")
    page.locator(f'form[action="{reverse("public_report_create")}"] button[type=submit]').click()
    report = PublicReport.objects.get()
    address = f"{live_server.url}/offentlig/{report.token}/"
    expect(page.get_by_role("link", name=address)).to_be_visible()

    visitor = page.context.browser.new_context(locale="sv-SE").new_page()
    visitor.goto(address)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Uppföljning för fullmäktige")
    expect(visitor.locator("svg").first).to_be_visible()
    expect(visitor.get_by_text("Solrosskolan")).to_have_count(0)
    # The visitor's page is not the checked `page`: scan it here.
    scanned, violations = axe_violations(visitor)
    assert not violations, format_violations(scanned, violations)

    withdraw = reverse("public_report_withdraw", args=[report.pk])
    page.locator(f'form[action="{withdraw}"] button[type=submit]').click()
    expect(page.get_by_role("link", name=address)).to_have_count(0)
    response = visitor.goto(address)
    assert response.status == 404
    visitor.context.close()
