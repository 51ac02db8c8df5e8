"""The report pages: who reads them, the year selector and filters, escaping, and what they
say when something is missing."""

import pytest
from django.urls import reverse

from digiplan.organisations.models import Organisation
from digiplan.plans import services as plan_services
from tests.reports.report_helpers import YEAR_1, YEAR_2, area_mean, build_unit_plan, build_years

NASTY = '<script>alert(1)</script> =HYPERLINK("http://evil.test","x")'


@pytest.fixture
def years(world):
    return build_years(world)


def _unit(client, unit, **params):
    return client.get(reverse("report_unit", args=[unit.pk]), params)


def _org(client, **params):
    return client.get(reverse("report_org"), params)


def _swedish(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def test_the_unit_report_shows_the_figures_charts_and_a_table_of_contents(world, years, client_for):
    page = _unit(client_for("leader_a"), world.unit_a).content.decode()
    led = area_mean(years.y2_staff[world.unit_a], ("LED.P1",))
    assert _swedish(led) in page
    assert "<svg" in page and 'href="#indicators"' in page and 'href="#plan"' in page
    assert 'scope="col"' in page and 'scope="row"' in page and "<caption" in page
    assert "style=" not in page and "<script>" not in page
    assert f'<option value="{YEAR_2}" selected>' in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("strategist", 200), ("leader_a", 200), ("staff", 200), ("leader_b", 404), ("other_strategist", 404)],
)
def test_who_reads_a_unit_report(world, years, client_for, persona, status):
    assert _unit(client_for(persona), world.unit_a).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(world, client_for):
    response = _unit(client_for("anonymous"), world.unit_a)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    response = _org(client_for("anonymous"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_node_that_is_not_a_school_unit_has_no_unit_report(world, client_for):
    assert _unit(client_for("strategist"), world.omrade).status_code == 404


def test_only_strategists_read_the_organisation_report(world, years, client_for):
    for persona in ("leader_a", "leader_b", "staff"):
        assert _org(client_for(persona)).status_code == 403
    page = _org(client_for("other_strategist")).content.decode()
    assert world.unit_a.name not in page  # their own huvudman only


def test_the_year_selector_and_a_year_with_no_campaign(world, years, client_for):
    client = client_for("leader_a")
    page = _unit(client, world.unit_a, ar="2019/20").content.decode()
    assert "2019/20" in page and "<svg" not in page
    first = _unit(client, world.unit_a, ar=YEAR_1).content.decode()
    assert _swedish(area_mean(years.y1_staff[world.unit_a], ("LED.P1",))) in first
    assert _unit(client, world.unit_a, ar="not a year").status_code == 200
    assert _org(client_for("strategist"), ar="2019/20").status_code == 200


def test_a_unit_below_k_renders_without_figures(world, years, client_for):
    page = _unit(client_for("strategist"), years.small).content.decode()
    assert 'class="results-suppressed"' in page
    assert "Vi behöver mer tid." not in page


def test_comments_show_above_k_and_escaped(world, years, client_for):
    page = _unit(client_for("staff"), world.unit_a).content.decode()
    assert "Vi behöver mer tid." in page
    assert "<script>alert(1)</script>" not in page  # the leader's comment is data, not markup


def test_organisation_filters_by_node_and_school_form(world, years, client_for):
    client = client_for("strategist")
    page = _org(client, nod=years.soder.pk).content.decode()
    assert "Skola Två" in page and "Björkskolan" not in page
    page = _org(client, skolform="FS").content.decode()
    assert "Lilla skolan" in page and "Skola Två" not in page
    page = _org(client, nod="999999", skolform="XX").content.decode()  # ignored, not an error
    assert "Skola Två" in page and "Björkskolan" in page


def test_the_organisation_report_has_heatmap_equity_trends_and_plans(world, years, client_for):
    build_unit_plan(world, years)
    page = _org(client_for("strategist")).content.decode()
    for anchor in ("#participation", "#heatmap", "#equity", "#trends", "#plans", "#national"):
        assert f'href="{anchor}"' in page
    assert page.count("<svg") >= 3  # the heat map and a trend per area
    assert "KOMP.P2" in page and "style=" not in page and "<script>" not in page


def test_a_draft_plan_shows_to_its_editors_only(world, years, client_for):
    plan_services.plan_create(
        actor=world.leader_a, organisation=world.unit_a, school_year=YEAR_2, title="Utkast till plan"
    )
    assert "Utkast till plan" in _unit(client_for("leader_a"), world.unit_a).content.decode()
    assert "Utkast till plan" not in _unit(client_for("staff"), world.unit_a).content.decode()


def test_names_with_markup_and_formulas_are_shown_as_text(world, years, client_for):
    Organisation.objects.filter(pk=world.unit_a.pk).update(name=NASTY)
    for page in (
        _unit(client_for("leader_a"), world.unit_a).content.decode(),
        _org(client_for("strategist")).content.decode(),
    ):
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "=HYPERLINK(" in page  # as text: the page is no spreadsheet


def test_the_report_pages_link_to_their_downloads_with_the_same_year(world, years, client_for):
    import re

    client = client_for("strategist")
    page = client.get(reverse("report_unit", args=[world.unit_a.pk]), {"ar": YEAR_1})
    links = re.findall(r'href="([^"]*/export\.(?:pdf|xlsx|csv)\?[^"]*)"', page.content.decode())
    assert len(links) == 3 and all("ar=2025%2F26" in link for link in links)
    pdf = client.get(links[0].replace("&amp;", "&"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    org = client.get(reverse("report_org"), {"ar": YEAR_2}).content.decode()
    for name in ("report_answers_export", "report_archives", "public_report_list"):
        assert reverse(name) in org
