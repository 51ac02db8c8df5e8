""" "Jämfört med riket" on the results pages, and the strategist's setting: what each persona
sees, that only a sharing huvudman sees national figures, and that no other huvudman's identity
shows anywhere."""

import pytest
from django.urls import reverse

from digiplan.audit.models import AuditEvent
from digiplan.comparison import services
from digiplan.comparison.models import ComparisonConsent
from digiplan.organisations.models import Huvudman, Organisation
from tests.comparison.helpers import closed_on_standard, figures, sharing_huvudman

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(world):
    """The world's closed campaign on the standard set: unit A at 4.0, unit B at 2.0 (staff),
    beside five other sharing huvudmän at 1 … 5."""
    for mean in (1, 2, 3, 4, 5):
        sharing_huvudman([mean])
    return closed_on_standard(
        world.huvudman, {world.unit_a: (figures(4.0), 10), world.unit_b: (figures(2.0), 10)}
    )


def section(html: str) -> str:
    start = html.index('id="comparison-heading"')
    return html[start : html.index("</section>", start)]


def rows(html: str) -> list[list[str]]:
    """The comparison's table rows as their cells' text."""
    import re

    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", section(html), re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        found.append([" ".join(c.split()) for c in cells])
    return found


def unit_page(client, campaign, unit):
    return client.get(reverse("results_unit", args=[campaign.pk, unit.pk])).content.decode()


def test_a_sharing_huvudman_sees_its_unit_beside_the_country(world, client_for, campaign):
    services.consent_set(actor=world.strategist, huvudman=world.huvudman, shares=True)
    services.comparison_build()
    html = unit_page(client_for("leader_a"), campaign, world.unit_a)
    assert "Jämfört med riket" in html
    table = rows(html)
    assert table[0] == [
        "Område",
        "Grupp",
        "Enheten",
        "Rikets median",
        "Nedre kvartil",
        "Övre kvartil",
        "Antal huvudmän",
    ]
    # six huvudmän now share (the world's two units and five others: 1,2,2,3,4,4,5)
    assert ["LED Ledning", "Personal", "4,0", "3,0", "2,0", "4,0", "6"] in table
    assert ["KOMP Kompetens", "Personal", "4,0", "3,0", "2,0", "4,0", "6"] in table
    assert "Grundskola" in section(html)


def test_the_organisation_page_shows_the_median_of_its_units(world, client_for, campaign):
    services.consent_set(actor=world.strategist, huvudman=world.huvudman, shares=True)
    services.comparison_build()
    html = client_for("strategist").get(reverse("results_org", args=[campaign.pk])).content.decode()
    assert ["LED Ledning", "Personal", "3,0", "3,0", "2,0", "4,0", "6"] in rows(html)
    assert "Enheterna (median)" in section(html)


def test_a_unit_without_a_shown_figure_gets_a_dash_beside_the_country(world, client_for, campaign):
    from digiplan.assessments.models import ResultFigures

    # unit B's staff figures rested on fewer than k answers: closing stored none of them
    ResultFigures.objects.filter(campaign=campaign, unit=world.unit_b).update(figures=[], staff_responses=3)
    services.consent_set(actor=world.strategist, huvudman=world.huvudman, shares=True)
    services.comparison_build()
    table = rows(unit_page(client_for("leader_b"), campaign, world.unit_b))
    # without unit B the national figure is of 1,2,3,4,4,5
    assert ["LED Ledning", "Personal", "–", "3,5", "2,2", "4,0", "6"] in table
    assert not [row for row in table if "Elever" in row]  # nobody answered as a pupil


def test_without_sharing_the_page_explains_and_only_strategists_get_the_link(world, client_for, campaign):
    services.comparison_build()
    leader = section(unit_page(client_for("leader_a"), campaign, world.unit_a))
    assert "delar inte sina resultat" in leader
    assert "Rikets median" not in leader
    assert reverse("comparison_setting") not in leader
    strategist = section(unit_page(client_for("strategist"), campaign, world.unit_a))
    assert reverse("comparison_setting") in strategist and "Rikets median" not in strategist


def test_no_other_huvudman_is_named_on_the_pages(world, client_for, campaign):
    services.consent_set(actor=world.strategist, huvudman=world.huvudman, shares=True)
    services.comparison_build()
    pages = (
        unit_page(client_for("leader_a"), campaign, world.unit_a)
        + client_for("strategist").get(reverse("results_org", args=[campaign.pk])).content.decode()
    )
    others = Huvudman.objects.exclude(pk=world.huvudman.pk)
    assert others.count() == 6
    for huvudman in others:
        assert huvudman.name not in pages and huvudman.organisation_number not in pages
    for unit in Organisation.objects.exclude(huvudman=world.huvudman).filter(type="skolenhet"):
        assert unit.name not in pages and unit.school_unit_code not in pages


def test_the_setting_turns_sharing_on_and_off_with_an_audit_event(world, client_for):
    client = client_for("strategist")
    page = client.get(reverse("comparison_setting")).content.decode()
    assert "Nationell jämförelse" in page and "minst 5 huvudmän" in page
    response = client.post(reverse("comparison_setting"), {"shares": "on"})
    assert response.status_code == 302
    assert ComparisonConsent.objects.get(huvudman=world.huvudman).shares
    client.post(reverse("comparison_setting"), {})
    assert not ComparisonConsent.objects.get(huvudman=world.huvudman).shares
    actions = list(
        AuditEvent.objects.filter(huvudman=world.huvudman, object_type="comparisonconsent")
        .order_by("pk")
        .values_list("action", "actor_id")
    )
    assert actions == [
        ("comparison.opt_in", world.strategist.pk),
        ("comparison.opt_out", world.strategist.pk),
    ]
    # the other huvudman's setting is its own
    assert not ComparisonConsent.objects.filter(huvudman=world.other_huvudman).exists()


def test_only_strategists_reach_the_setting(world, client_for):
    for persona in ("leader_a", "staff"):
        assert client_for(persona).get(reverse("comparison_setting")).status_code == 403
        assert client_for(persona).post(reverse("comparison_setting"), {"shares": "on"}).status_code == 403
    assert not ComparisonConsent.objects.exists()


def test_saving_the_setting_unchanged_writes_nothing(world, client_for):
    client_for("strategist").post(reverse("comparison_setting"), {})
    assert not ComparisonConsent.objects.exists()
    assert not AuditEvent.objects.filter(object_type="comparisonconsent").exists()


def test_sharing_before_any_build_says_so(world, client_for, campaign):
    services.consent_set(actor=world.strategist, huvudman=world.huvudman, shares=True)
    html = section(unit_page(client_for("leader_a"), campaign, world.unit_a))
    assert "Ingen nationell jämförelse har sammanställts ännu." in html and "<table" not in html
