"""The organisation's own figures stored at closing (OrgResultFigures, issue 17): the
organisation page and the unit page's charts read them instead of every unit's figures, and
show exactly what computing them gives, and what the raw answers give. The organisation page's
queries do not grow with the units.

Units A (Almskolan) and C (Cederskolan) are shown, B (Björkskolan, three staff answers, k = 5)
is not.
"""

import re
import statistics

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digiplan.assessments import selectors
from digiplan.assessments.models import OrgResultFigures
from digiplan.assessments.selectors import org_stored
from digiplan.assessments.views import results as results_views
from digiplan.organisations.models import Role
from digiplan.reports import selectors as report_selectors
from tests.assessments.test_results import STAFF_A, column, framework, new_unit, run_campaign
from tests.assessments.test_suppression import STAFF_B, STAFF_C, _visible
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_units(world):
    unit_c = new_unit(world, "Cederskolan")
    run = run_campaign(
        world, framework(world), {world.unit_a: STAFF_A, world.unit_b: STAFF_B, unit_c: STAFF_C}
    )
    run.unit_c = unit_c
    return run


def _pages(client, campaign, world, unit_c) -> dict[str, str]:
    """What the organisation page (several pages of units, area filters) and the unit pages
    show, the cache emptied before each."""
    org = reverse("results_org", args=[campaign.pk])
    area = re.search(r"\?omrade=(\d+)#units", client.get(org).content.decode()).group(1)
    shown = {}
    for query in ("", "?sida=2", "?sida=3", f"?omrade={area}", f"?omrade={area}&sida=2"):
        cache.clear()
        shown[f"org{query}"] = _visible(client.get(org + query).content.decode())
    for unit in (world.unit_a, world.unit_b, unit_c):
        cache.clear()
        page = client.get(reverse("results_unit", args=[campaign.pk, unit.pk])).content.decode()
        shown[f"unit {unit.name}"] = _visible(page)
    return shown


@pytest.fixture
def four_units(world):
    """A, B and C under Område Norr, D (Dalskolan, shown) beside it under the administration."""
    unit_c = new_unit(world, "Cederskolan")
    unit_d = new_unit(world, "Dalskolan", parent=world.forvaltning)
    run = run_campaign(
        world,
        framework(world),
        {world.unit_a: STAFF_A, world.unit_b: STAFF_B, unit_c: STAFF_C, unit_d: STAFF_C[::-1]},
    )
    run.unit_c, run.unit_d = unit_c, unit_d
    return run


@pytest.mark.parametrize("per_page", [1, 2, 50])
def test_the_stored_organisation_figures_show_what_computing_them_gives(
    world, four_units, client_for, monkeypatch, per_page
):
    monkeypatch.setattr(results_views, "UNITS_PER_PAGE", per_page)
    # Someone at the area reads every unit below it: the charts' median must reckon with them.
    PersonFactory(name="Omar Område", email="omrade@sjovik.test", organisation=world.omrade, role=Role.VIEWER)
    client = client_for("strategist")
    campaign = four_units.campaign
    assert OrgResultFigures.objects.filter(campaign=campaign).exists()
    # The charts' median of staff's LED over A, C and D: withheld from A's page (whoever reads
    # Område Norr would be left with D alone), shown on D's.
    medians = {}
    for unit in (world.unit_a, four_units.unit_d):
        results = selectors.unit_results(campaign, unit)
        rows, _scales = report_selectors.campaign_area_rows(unit, campaign, results)
        medians[unit.name] = next(row for row in rows if row.code == "LED").median["staff"]
    assert medians["Almskolan"] is None and medians["Dalskolan"] is not None
    # The stored path really is taken: computing over every unit would fail.
    with monkeypatch.context() as patched:
        patched.setattr(org_stored, "org_results", _refused)
        stored = _pages(client, campaign, world, four_units.unit_c)
        stored |= _pages(client, campaign, world, four_units.unit_d)
    OrgResultFigures.objects.filter(campaign=campaign).delete()
    computed = _pages(client, campaign, world, four_units.unit_c)
    computed |= _pages(client, campaign, world, four_units.unit_d)
    assert stored.keys() == computed.keys()
    for key in stored:
        assert stored[key] == computed[key], key


def _refused(*_args, **_kwargs):
    raise AssertionError("org_results over every unit")


def _number(text: str) -> float:
    return float(text.replace(",", ".").replace("\u2212", "-"))


def test_the_page_equals_figures_computed_from_the_raw_answers(world, three_units, client_for):
    html = (
        client_for("strategist").get(reverse("results_org", args=[three_units.campaign.pk])).content.decode()
    )
    # Pooled over the shown units A and C only (B, below k, is left out): n and mean of LED.P1.
    led = [v for v in column(STAFF_A, "LED.P1") + column(STAFF_C, "LED.P1") if v != "na"]
    row = re.search(r'<th scope="row">LED\.P1 [^<]*</th>(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'<td class="numeric">([^<]*)</td>', row)
    assert cells[0] in ("2 av 3", "2 of 3")
    assert int(cells[1]) == len(led)
    assert _number(cells[3]) == pytest.approx(sum(led) / len(led), abs=0.005)
    # The spread of an area: the median over the units' shown area means (A and C).
    spread = html.split("results-behind", 1)[0].rsplit("<tbody>", 1)[1]
    first = re.search(
        r'<td class="numeric">(\d+ (?:av|of) \d+)</td>\s*<td class="numeric">([^<]+)</td>', spread
    )
    assert first.group(1) in ("2 av 3", "2 of 3")
    area_means = []
    for staff in (STAFF_A, STAFF_C):
        means = [statistics.mean(v for v in column(staff, code) if v != "na") for code in ("LED.P1",)]
        area_means.append(statistics.mean(means))
    assert _number(first.group(2)) == pytest.approx(statistics.median(area_means), abs=0.05)
    # B's figure appears nowhere: its mean over three answers is below k.
    hidden = sum(column(STAFF_B, "LED.P1")) / len(STAFF_B)
    assert f"{hidden:.2f}".replace(".", ",") not in html


def _units_run(world, count: int, name: str):
    units = [new_unit(world, f"{name} {n:02d}") for n in range(count)]
    five = [{"LED.P1": v, "KOMP.P1": v} for v in (1, 2, 3, 4, 5)]
    two = five[:2]
    # Three units above k and the rest below: the same kinds of figures at both sizes.
    staff = {unit: five if n < 3 else two for n, unit in enumerate(units)}
    slug = f"slug: skattning-{count}"
    return run_campaign(world, framework(world, _indicators(slug)), staff, name=name)


def _indicators(slug: str) -> str:
    from tests.assessment_helpers import INDICATORS

    return INDICATORS.replace("slug: skattning-test", slug)


def test_the_organisation_page_reads_as_many_queries_at_5_and_60_units(world, client_for):
    small, large = _units_run(world, 5, "Liten"), _units_run(world, 60, "Stor")
    client = client_for("strategist")
    counts = {}
    for label, run in (("5", small), ("60", large)):
        url = reverse("results_org", args=[run.campaign.pk])
        for query in ("", "?sida=2"):
            client.get(url + query)  # the session and the per-process stores
            cache.clear()  # the first reader's page, computed
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url + query).status_code == 200
            counts.setdefault(query, {})[label] = len(queries)
        unit = run.campaign.units.order_by("unit__name").first().unit
        client.get(reverse("results_unit", args=[run.campaign.pk, unit.pk]))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("results_unit", args=[run.campaign.pk, unit.pk])).status_code == 200
        counts.setdefault("unit", {})[label] = len(queries)
    for page, by_size in counts.items():
        assert by_size["5"] == by_size["60"], (page, by_size)


def test_a_narrower_scope_is_computed_over_its_units(world, three_units, client_for, monkeypatch):
    """The stored figures are over every unit of the campaign: a filter that leaves some out
    gets its figures computed over its own units, as before."""
    calls = []
    real = org_stored.org_results
    monkeypatch.setattr(org_stored, "org_results", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    client = client_for("strategist")
    url = reverse("results_org", args=[three_units.campaign.pk])
    cache.clear()
    assert client.get(url).status_code == 200
    assert calls == []  # every unit: read as stored
    cache.clear()
    html = client.get(url + "?skolform=FTH").content.decode()  # Björkskolan alone
    assert calls == [1]
    assert "0 av 1" in html or "0 of 1" in html
