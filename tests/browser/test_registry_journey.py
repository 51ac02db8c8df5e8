"""The registry's journey in a real browser, every page scanned by axe (the `page` fixture):
a strategist imports a devices file in Digiplan's template, sees a unit below its device
target, approves a service, and sees in the unit's report the deviation that remains (the unit
uses another service that is not approved)."""

from django.urls import reverse
from playwright.sync_api import Page, expect

from digiplan.registry.digital_models import ServiceStatus
from digiplan.registry.digital_services import service_use_declare
from tests.conftest import PASSWORD
from tests.registry.devices_helpers import template_bytes, template_row
from tests.registry.digital_services_helpers import make_service
from tests.registry.targets_helpers import head_counts, plan_with_targets


def _devices_file() -> bytes:
    """Unit A: 10 pupils' devices for 40 pupils in 4–6; unit B: 30 for 20."""
    rows = [template_row(f"A{i}", skolenhetskod="11111111", användargrupp="elever GR 4-6") for i in range(10)]
    rows += [
        template_row(f"B{i}", skolenhetskod="22222222", användargrupp="elever GR 4-6") for i in range(30)
    ]
    return template_bytes(rows)


def test_import_devices_see_a_unit_below_target_approve_and_see_the_deviation(
    page: Page, live_server, world, login
):
    plan_with_targets(world)
    head_counts(world.unit_a, {("GR", "4-6"): 40}, staff=None)
    head_counts(world.unit_b, {("GR", "4-6"): 20}, staff=None)
    platform = make_service(world, name="Lärplattformen", status=ServiceStatus.UNDER_REVIEW)
    app = make_service(world, name="Gratisappen", status=ServiceStatus.UNDER_REVIEW)
    for service in (platform, app):
        service_use_declare(unit=world.unit_a, service=service, actor=world.leader_a)
    login(world.strategist.email, PASSWORD)

    page.goto(live_server.url + reverse("device_import_start"))
    page.locator("#id_file").set_input_files(
        files=[{"name": "enheter.csv", "mimeType": "text/csv", "buffer": _devices_file()}]
    )
    page.get_by_role("button", name="Visa vad som skulle ändras").click()
    page.get_by_role("button", name="Importera filen").click()

    page.goto(live_server.url + reverse("device_overview"))
    almskolan = page.locator("#device-targets ~ .table-wrap tr", has_text="Almskolan")
    expect(almskolan).to_contain_text("Under målet")
    expect(almskolan).to_contain_text("0,25")
    expect(page.locator("#device-targets ~ .table-wrap tr", has_text="Björkskolan")).to_contain_text(
        "Målet är nått"
    )

    page.goto(live_server.url + reverse("services_detail", kwargs={"pk": platform.pk}))
    page.get_by_label("Beslut").select_option(ServiceStatus.APPROVED)
    page.get_by_role("button", name="Spara beslutet").click()
    expect(page.locator("main")).to_contain_text("Godkänd")

    # The plan's tool "Lärplattformen" is suggested by name; the strategist saves the link.
    page.goto(live_server.url + reverse("expected_tools"))
    page.get_by_role("button", name="Spara kopplingen för Lärplattformen").click()
    expect(page.locator("main")).to_contain_text("Kopplad till Lärplattformen.")

    page.goto(live_server.url + reverse("report_unit", kwargs={"unit_pk": world.unit_a.pk}))
    section = page.locator("section[aria-labelledby=registry]")
    deviations = section.locator("#registry-deviations + p + ul")
    expect(deviations).to_contain_text("Gratisappen")
    expect(deviations).not_to_contain_text("Lärplattformen")  # approved: no longer a deviation
    expect(section).to_contain_text("Under målet")
    expect(
        section.locator("section[aria-labelledby=expected-heading] tr", has_text="Lärplattformen")
    ).to_contain_text("Anmäld")
