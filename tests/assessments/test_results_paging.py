"""The organisation page lists its units a page at a time and caches what a closed campaign
never changes (issue 17); neither lets a suppressed figure through.

Units A (Almskolan) and C (Cederskolan) are shown, B (Björkskolan, three staff answers, k = 5)
is not: with one unit a page, B's page of the heat map holds only dashes.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from digiplan.assessments.models import ResultFigures
from digiplan.assessments.views import results as results_views
from tests.assessments.test_results import STAFF_A, column, framework, new_unit, run_campaign
from tests.assessments.test_suppression import STAFF_B, STAFF_C, _visible

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_b(world):
    """As in test_suppression: units A and C are shown, B is not."""
    unit_c = new_unit(world, "Cederskolan")
    run = run_campaign(
        world,
        framework(world),
        {world.unit_a: STAFF_A, world.unit_b: STAFF_B, unit_c: STAFF_C},
    )
    run.unit_c = unit_c
    return run


def _heat_rows(html: str) -> list[str]:
    """The unit names of the heat map's rows, in order."""
    table = html.split("results-heatmap", 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row"><a href="[^"]*">([^<]+)</a></th>', table)


@pytest.fixture
def one_a_page(monkeypatch):
    monkeypatch.setattr(results_views, "UNITS_PER_PAGE", 1)
    cache.clear()


def test_the_units_come_a_page_at_a_time_and_the_areas_cover_them_all(world, small_b, client_for, one_a_page):
    client = client_for("strategist")
    url = reverse("results_org", args=[small_b.campaign.pk])
    pages = [client.get(url, {"sida": n}).content.decode() for n in (1, 2, 3)]
    assert [_heat_rows(html) for html in pages] == [["Almskolan"], ["Björkskolan"], ["Cederskolan"]]
    for number, html in enumerate(pages, start=1):
        # The areas and indicators rest on every unit on every page: 2 of the 3 units shown.
        assert html.index("results-behind") < html.index("results-heatmap")
        assert "2 of 3" in html or "2 av 3" in html
        assert f"{number} of 3" in html or f"{number} av 3" in html
    assert 'href="?sida=2" rel="next"' in pages[0]
    assert 'href="?sida=1" rel="prev"' in pages[1]
    # A page beyond the last is the last; not a number is the first.
    assert _heat_rows(client.get(url, {"sida": 9}).content.decode()) == ["Cederskolan"]
    assert _heat_rows(client.get(url, {"sida": "x"}).content.decode()) == ["Almskolan"]


def test_the_pages_keep_the_filters(world, small_b, client_for, one_a_page):
    client = client_for("strategist")
    url = reverse("results_org", args=[small_b.campaign.pk])
    html = client.get(url, {"nod": world.omrade.pk}).content.decode()
    assert f'href="?nod={world.omrade.pk}&amp;sida=2" rel="next"' in html
    # The downloads list every unit of the filter, whatever the page.
    assert f"csv/?nod={world.omrade.pk}" in html or f"csv?nod={world.omrade.pk}" in html
    assert "sida" not in html.split("results_export", 1)[0].split("CSV for Excel")[0][-200:]


def test_no_page_shows_a_suppressed_figure(world, small_b, client_for, one_a_page):
    client = client_for("strategist")
    url = reverse("results_org", args=[small_b.campaign.pk])
    hidden = sum(column(STAFF_B, "LED.P1")) / len(STAFF_B)
    for number in (1, 2, 3):
        for cached in (False, True):  # the page rendered, then the page from the cache
            html = client.get(url, {"sida": number}).content.decode()
            assert f"{hidden:.1f}".replace(".", ",") not in html, (number, cached)
            if number == 2:
                heat = html.split("results-heatmap", 1)[1].split("</table>", 1)[0]
                assert heat.count('class="results-suppressed"') == heat.count("<td ")


def test_a_closed_campaign_page_comes_from_the_cache(world, small_b, client_for):
    cache.clear()
    client = client_for("strategist")
    url = reverse("results_org", args=[small_b.campaign.pk])
    with CaptureQueriesContext(connection) as first:
        rendered = _visible(client.get(url).content.decode())
    with CaptureQueriesContext(connection) as second:
        again = _visible(client.get(url).content.decode())
    assert again == rendered
    assert not [q for q in second if "resultfigures" in q["sql"].lower()]
    assert len(second) < len(first)


def test_the_cache_key_holds_the_language_the_filters_and_the_page(world, small_b, rf):
    request = rf.get("/")
    request.user = world.strategist
    chosen = {"node": None, "area": None, "school_form": ""}
    key = results_views._org_cache_key
    with translation.override("sv"):
        swedish = key(request, small_b.campaign, chosen, 1)
        assert key(request, small_b.campaign, chosen, 2) != swedish
        assert key(request, small_b.campaign, {**chosen, "school_form": "GR"}, 1) != swedish
        assert key(request, small_b.campaign, {**chosen, "node": world.omrade}, 1) != swedish
    with translation.override("en"):
        assert key(request, small_b.campaign, chosen, 1) != swedish


def test_a_campaign_without_stored_figures_is_never_cached(world, small_b, client_for):
    cache.clear()
    ResultFigures.objects.filter(campaign=small_b.campaign).delete()
    client = client_for("strategist")
    url = reverse("results_org", args=[small_b.campaign.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as again:
        assert client.get(url).status_code == 200
    assert [q for q in again if "assessments_answer" in q["sql"]]


def test_the_cache_is_per_scope(world, small_b, client_for):
    """A strategist of one unit sees that unit only, even after the root strategist has filled
    the cache with every unit."""
    from digiplan.organisations.models import Role
    from tests.factories import PersonFactory

    cache.clear()
    url = reverse("results_org", args=[small_b.campaign.pk])
    everything = client_for("strategist").get(url).content.decode()
    assert "Cederskolan" in everything
    unit_strategist = PersonFactory(
        name="Olle Strateg", email="olle@sjovik.test", organisation=world.unit_a, role=Role.STRATEGIST
    )
    client = client_for("anonymous")
    client.force_login(unit_strategist)
    assert _heat_rows(client.get(url).content.decode()) == ["Almskolan"]
