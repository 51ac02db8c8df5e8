"""The reports' section "Digital utrustning och tjänster": a unit's device ratios against the
plan's targets, its deviations and its expected tools; the organisation's units below target
and with deviations; and the strategist's agreements on the start page. Only those who may read
a unit's devices see its section."""

import datetime
import re

import pytest
from django.urls import reverse

from digiplan.registry.digital_models import ServiceStatus
from digiplan.registry.digital_services import service_use_declare
from digiplan.registry.expected_tools_services import expected_tool_link
from tests.registry.devices_helpers import import_file, template_bytes, template_row
from tests.registry.digital_services_helpers import make_service
from tests.registry.targets_helpers import head_counts, plan_with_targets

SECTION = 'id="registry"'
WORDING = "En enhet per elev i årskurs 1–9"


@pytest.fixture
def registered(world):
    """Unit A: 10 devices for 40 pupils in 4–6 (below target), a not-approved service in use and
    the plan's tool linked but not declared. Unit B: 30 devices for 20 pupils, no deviation."""
    version = plan_with_targets(world)
    head_counts(world.unit_a, {("GR", "4-6"): 40}, staff=10)
    head_counts(world.unit_b, {("GR", "4-6"): 20}, staff=None)  # no staff count: not measured
    rows = [
        template_row(f"A{i}", skolenhetskod="11111111", användargrupp="elever GR 4-6") for i in range(10)
    ] + [template_row(f"B{i}", skolenhetskod="22222222", användargrupp="elever GR 4-6") for i in range(30)]
    import_file(world.huvudman, template_bytes(rows))
    approved = make_service(world, name="Lärplattformen", status=ServiceStatus.APPROVED)
    rejected = make_service(world, name="Gratisappen", status=ServiceStatus.REJECTED, reasons="Tredjeland")
    service_use_declare(unit=world.unit_a, service=rejected, actor=world.leader_a)
    expected_tool_link(actor=world.strategist, item=version.items.get(code="U.T1"), service=approved)
    return world


def _section(html: str) -> str:
    return html[html.index(SECTION) : html.index("</section>", html.rindex("expected-heading"))]


def test_the_unit_report_shows_ratios_deviations_and_expected_tools(registered, client_for):
    html = client_for("leader_a").get(reverse("report_unit", args=[registered.unit_a.pk])).content.decode()
    section = _section(html)
    assert "Digital utrustning och tjänster" in section and 'href="#registry"' in html
    assert WORDING in section and "0,25" in section and "Under målet" in section
    assert "Gratisappen" in section and "avslagen" in section.lower()
    assert "Lärplattformen" in section and "Inte anmäld" in section


def test_a_unit_without_deviations_says_so(registered, client_for):
    html = client_for("leader_b").get(reverse("report_unit", args=[registered.unit_b.pk])).content.decode()
    section = _section(html)
    assert "Enheten använder inga tjänster som inte är godkända." in section and "Målet är nått" in section


def test_staff_read_the_unit_report_without_the_device_section(registered, client_for):
    response = client_for("staff").get(reverse("report_unit", args=[registered.unit_a.pk]))
    assert response.status_code == 200
    assert SECTION not in response.content.decode() and "Gratisappen" not in response.content.decode()


@pytest.mark.parametrize("persona", ["leader_b", "other_strategist"])
def test_no_one_else_reads_the_units_section(registered, client_for, persona):
    response = client_for(persona).get(reverse("report_unit", args=[registered.unit_a.pk]))
    assert response.status_code == 404


def test_the_organisation_report_lists_units_below_target_and_with_deviations(registered, client_for):
    html = client_for("strategist").get(reverse("report_org")).content.decode()
    section = html[html.index(SECTION) :]
    ratios = section[: section.index("Enheter med avvikelser")]
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in ratios.split("<tr")[2:]}
    # From the raw rows: 10 devices for 40 pupils at A, 30 for 20 at B.
    assert 'below-target"' in rows["Almskolan"] and "0,25" in rows["Almskolan"]
    assert "under målet" in rows["Almskolan"]
    assert "below-target" not in rows["Björkskolan"] and "1,50" in rows["Björkskolan"]
    assert re.search(r"<p>1 av \d+ enheter ligger under minst ett mål för digitala enheter.</p>", ratios), (
        ratios[:400]
    )
    deviations = section[section.index("Enheter med avvikelser") :]
    assert "Almskolan" in deviations and "Gratisappen" in deviations


def test_another_strategists_organisation_report_shows_none_of_ours(registered, client_for):
    html = client_for("other_strategist").get(reverse("report_org")).content.decode()
    assert "Gratisappen" not in html and "Almskolan" not in html
    assert "Den gällande planen har inga mål för digitala enheter." in html


def test_the_strategists_start_page_lists_agreements_to_renew(world, client_for):
    make_service(
        world, name="Snart utgången", dpa_expires=datetime.date.today() + datetime.timedelta(days=20)
    )
    page = client_for("strategist").get(reverse("home")).content.decode()
    assert 'id="agreements-heading"' in page and "Snart utgången" in page


@pytest.mark.parametrize("persona", ["leader_a", "staff", "other_strategist"])
def test_no_one_else_sees_the_agreements_on_their_start_page(world, client_for, persona):
    make_service(
        world, name="Snart utgången", dpa_expires=datetime.date.today() + datetime.timedelta(days=20)
    )
    response = client_for(persona).get(reverse("home"))
    assert response.status_code == 200 and "Snart utgången" not in response.content.decode()


def test_without_agreements_to_renew_the_start_page_has_no_box(world, client_for):
    make_service(world, name="Långt avtal")
    assert 'id="agreements-heading"' not in client_for("strategist").get(reverse("home")).content.decode()


def _pdf(client, unit) -> str:
    from tests.pdf_helpers import flat, pdf_text  # noqa: PLC0415

    response = client.get(reverse("report_export", args=[unit.pk, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    return flat(pdf_text(response.content))


def test_the_unit_pdf_has_the_section_for_its_leader(registered, client_for):
    text = _pdf(client_for("leader_a"), registered.unit_a)
    assert "Digital utrustning och tjänster" in text and "Under målet" in text and "Gratisappen" in text


def test_the_unit_pdf_has_no_section_for_staff(registered, client_for):
    text = _pdf(client_for("staff"), registered.unit_a)
    assert "Digital utrustning och tjänster" not in text and "Gratisappen" not in text
