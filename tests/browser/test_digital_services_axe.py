"""The register of digital services in a real browser: every page of it, and a form with an
error, scanned by axe (the `page` fixture scans each document it loads, see conftest.py)."""

from django.urls import reverse
from playwright.sync_api import Page, expect

from digiplan.registry.digital_services import service_use_declare
from tests.conftest import PASSWORD
from tests.registry.digital_services_helpers import make_service


def test_every_page_of_the_register_passes_axe(page: Page, live_server, world, login):
    approved = make_service(world, name="Lärplattformen", status="approved_with_conditions")
    other = make_service(world, name="Ordboken", status="under_review")
    service_use_declare(unit=world.unit_a, service=other, actor=world.strategist)
    login(world.strategist.email, PASSWORD)
    for url in [
        reverse("services_register"),
        reverse("services_detail", kwargs={"pk": other.pk}),
        reverse("services_edit", kwargs={"pk": approved.pk}),
        reverse("services_propose"),
        reverse("services_unit", kwargs={"pk": world.unit_a.pk}),
        reverse("services_import"),
        reverse("services_public", kwargs={"orgnr": world.huvudman.organisation_number}),
    ]:
        page.goto(live_server.url + url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    # A form with an error: data in a third country and no transfer basis.
    page.goto(live_server.url + reverse("services_propose"))
    page.locator("#id_name").fill("Molnet")
    page.locator("#id_supplier").fill("Moln Inc")
    page.locator("#id_for_staff").check()
    page.locator("#id_data_location").select_option("third_country")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator(".field-error").first).to_be_visible()
