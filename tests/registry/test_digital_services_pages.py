"""The register's pages as each persona sees them (tests/views/expected_registry_services.py
holds who gets which answer): what each page shows, what it never shows, and to whom."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from digiplan.registry import digital_checks as checks
from digiplan.registry.digital_models import DigitalService, ServiceStatus
from digiplan.registry.digital_selectors import public_services
from digiplan.registry.digital_services import ERROR_CHANGED_SINCE, service_use_declare
from tests.registry.digital_services_helpers import TODAY, make_service
from tests.views.expected_registry_services import FORM

pytestmark = pytest.mark.django_db


def _public(client, number):
    return client.get(reverse("services_public", kwargs={"orgnr": number}))


@pytest.fixture
def decided(world):
    """One service in each status, and one of another huvudman, approved."""
    return {
        status: make_service(
            world,
            name=f"Tjänst {status}",
            status=status,
            reasons={
                "approved_with_conditions": "Inga elevbilder",
                "rejected": "Lagrar i USA utan grund",
            }.get(status, ""),
            dpia_done=True,
            dpia_date=datetime.date(2026, 1, 15),
            dpia_reference="DNR-HEMLIG-4711",
        )
        for status in ServiceStatus.values
    } | {"other": make_service(world, huvudman=world.other_huvudman, name="Annans tjänst", status="approved")}


def test_the_public_page_lists_decided_services_with_their_conditions_and_reasons(client_for, world, decided):
    page = _public(client_for("anonymous"), world.huvudman.organisation_number).content.decode()
    for status in ("approved", "approved_with_conditions", "rejected"):
        assert f"Tjänst {status}" in page
    assert "Inga elevbilder" in page and "Lagrar i USA utan grund" in page
    assert "Tjänst proposed" not in page and "Tjänst under_review" not in page


def test_the_public_page_shows_nothing_internal(client_for, world, decided):
    page = _public(client_for("anonymous"), world.huvudman.organisation_number).content.decode()
    assert world.strategist.name not in page  # who proposed and who decided
    assert "DNR-HEMLIG-4711" not in page  # the impact assessment's reference
    assert "Annans tjänst" not in page  # another huvudman's


def test_the_public_selector_is_never_given_anything_internal(world, decided):
    rows = public_services(world.huvudman)
    assert {key for row in rows for key in row} == {
        "name", "supplier", "purpose", "status", "decision_text", "decided_on"
    }  # fmt: skip
    assert not [value for row in rows for value in row.values() if "DNR-HEMLIG" in str(value)]
    assert [row["decided_on"] for row in rows] == [TODAY, TODAY, TODAY]


def test_the_public_page_takes_the_organisation_number_without_its_dash(client_for, world, decided):
    response = _public(client_for("anonymous"), world.huvudman.organisation_number.replace("-", ""))
    assert response.status_code == 200 and "Tjänst approved" in response.content.decode()


@pytest.mark.parametrize("number", ["000000-0000", "inte-ett-nummer"])
def test_the_public_page_of_an_unknown_organisation_number_is_not_found(client_for, world, number):
    assert _public(client_for("anonymous"), number).status_code == 404


def test_another_huvudmans_public_page_shows_only_theirs(client_for, world, decided):
    page = _public(client_for("strategist"), world.other_huvudman.organisation_number).content.decode()
    assert "Annans tjänst" in page and "Tjänst approved" not in page


def test_a_script_in_a_name_is_shown_as_text(client_for, world):
    make_service(world, name="<script>alert(1)</script>", status="rejected", reasons="<b>nej</b>")
    for client, url in [
        (
            client_for("anonymous"),
            reverse("services_public", kwargs={"orgnr": world.huvudman.organisation_number}),
        ),
        (client_for("strategist"), reverse("services_register")),
    ]:
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
        assert "<b>nej</b>" not in page


@pytest.mark.parametrize("persona", ["strategist", "leader_a"])
def test_the_register_lists_its_own_huvudmans_services_only(client_for, world, decided, persona):
    page = client_for(persona).get(reverse("services_register")).content.decode()
    assert "Tjänst proposed" in page and "Tjänst rejected" in page
    assert "Annans tjänst" not in page


def test_the_other_strategist_sees_only_their_own_register(client_for, world, decided):
    page = client_for("other_strategist").get(reverse("services_register")).content.decode()
    assert "Annans tjänst" in page and "Tjänst approved" not in page


def test_the_register_shows_deviations_and_the_strategists_agreement_tasks(client_for, world):
    soon = timezone.localdate() + datetime.timedelta(days=10)
    running_out = make_service(world, name="Snart utan avtal", dpa_expires=soon, status="approved")
    unapproved = make_service(world, name="Ej godkänd")
    service_use_declare(unit=world.unit_b, service=unapproved, actor=world.leader_b)
    service_use_declare(unit=world.unit_b, service=running_out, actor=world.leader_b)
    page = client_for("strategist").get(reverse("services_register")).content.decode()
    deviations = page.split('id="deviations-heading"')[1].split("</section>")[0]
    assert "Björkskolan" in deviations and "Ej godkänd" in deviations and "Snart utan avtal" not in deviations
    tasks = page.split('id="tasks-heading"')[1].split("</section>")[0]
    assert "Snart utan avtal" in tasks and soon.isoformat() in tasks
    leader_page = client_for("leader_a").get(reverse("services_register")).content.decode()
    assert 'id="tasks-heading"' not in leader_page


def test_the_units_page_shows_its_deviations(client_for, world):
    service_use_declare(unit=world.unit_a, service=make_service(world, name="Oprövad"), actor=world.leader_a)
    service_use_declare(
        unit=world.unit_a,
        service=make_service(world, name="Godkänd", status="approved"),
        actor=world.leader_a,
    )
    page = client_for("staff").get(reverse("services_unit", kwargs={"pk": world.unit_a.pk})).content.decode()
    notice = page.split("notice-error")[1].split("</div>")[0]
    assert "Oprövad" in notice and "Godkänd" not in notice
    assert 'id="declare-heading"' not in page and "ta-bort" not in page  # staff only read


def test_a_proposal_with_data_in_a_third_country_and_no_basis_is_refused_on_the_page(client_for, world):
    body = {**FORM, "data_location": "third_country", "third_country": "USA"}
    response = client_for("leader_a").post(reverse("services_propose"), body)
    assert response.status_code == 400
    assert str(checks.ERROR_TRANSFER_BASIS_MISSING) in response.content.decode()
    assert not DigitalService.objects.exists()


def test_a_leaders_review_post_changes_nothing(client_for, world):
    service = make_service(world, status="under_review")
    url = reverse("services_review", kwargs={"pk": service.pk})
    assert client_for("leader_a").post(url, {"status": "approved"}).status_code == 403
    service.refresh_from_db()
    assert service.status == "under_review"


def test_a_strategist_cannot_review_another_huvudmans_service(client_for, world):
    theirs = make_service(world, huvudman=world.other_huvudman, status="under_review")
    url = reverse("services_review", kwargs={"pk": theirs.pk})
    assert client_for("strategist").post(url, {"status": "rejected", "reasons": "x"}).status_code == 404


def test_a_decision_on_the_page_shows_in_the_history(client_for, world):
    service = make_service(world, status="under_review")
    client = client_for("strategist")
    client.post(
        reverse("services_review", kwargs={"pk": service.pk}),
        {"status": "rejected", "reasons": "Saknar avtal"},
    )
    page = client.get(reverse("services_detail", kwargs={"pk": service.pk})).content.decode()
    history = page.split('id="history-heading"')[1]
    assert "Saknar avtal" in history and world.strategist.name in history


def test_an_edit_made_on_an_outdated_page_is_refused_and_says_why(client_for, world):
    service = make_service(world)
    client = client_for("strategist")
    url = reverse("services_edit", kwargs={"pk": service.pk})
    seen = client.get(url).context["form"].initial["seen"]
    assert client.post(url, {**FORM, "supplier": "Först AB", "seen": seen}).status_code == 302
    response = client.post(url, {**FORM, "supplier": "Sist AB", "seen": seen})
    assert response.status_code == 400
    assert str(ERROR_CHANGED_SINCE) in response.content.decode()
    service.refresh_from_db()
    assert service.supplier == "Först AB"


def test_a_coordinator_reads_the_register_and_proposes_but_a_viewer_does_not(world):
    from django.test import Client

    from digiplan.organisations.models import Role
    from tests.factories import PersonFactory

    coordinator, viewer = Client(), Client()
    coordinator.force_login(PersonFactory(organisation=world.unit_a, role=Role.COORDINATOR))
    viewer.force_login(PersonFactory(organisation=world.root, role=Role.VIEWER))
    assert coordinator.get(reverse("services_register")).status_code == 200
    assert coordinator.post(reverse("services_propose"), FORM).status_code == 302
    assert viewer.get(reverse("services_register")).status_code == 403
    assert viewer.post(reverse("services_propose"), {**FORM, "name": "Annan"}).status_code == 403
    assert list(DigitalService.objects.values_list("name", flat=True)) == [FORM["name"]]
