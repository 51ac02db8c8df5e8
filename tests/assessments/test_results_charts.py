"""The charts at the top of a unit's results page: the radar of the areas per group and the bars
per area against last year and the organisation's median, their values worked out here from the
raw answers, what is suppressed left undrawn, in Swedish and in English."""

import html
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.urls import reverse

from digiplan.reports.selectors import MEDIAN_MIN_UNITS
from tests.assessment_helpers import INDICATORS
from tests.assessments.test_results import column, expected, framework, run_campaign
from tests.reports.report_helpers import area_mean, build_years, median

SVG = "{http://www.w3.org/2000/svg}"

# The test framework with a third area, so that the radar has a shape (three axes or more).
INDICATORS_3 = (
    INDICATORS
    + """\
  - code: DIG
    kind: area
    title: Digitala verktyg
    children:
      - {code: DIG.L1, kind: indicator, title: Verktygen finns, respondent: leader, scale: status-t}
      - {code: DIG.P1, kind: indicator, title: Jag använder verktygen, respondent: staff, scale: instamning-t}
      - {code: DIG.E1, kind: indicator, title: Jag använder datorn, respondent: pupil, scale: instamning-t}
"""
)
AREAS = ("LED", "KOMP", "DIG")
STAFF_A = [
    {"LED.P1": 4, "KOMP.P1": 3, "DIG.P1": 5},
    {"LED.P1": 3, "KOMP.P1": 2, "DIG.P1": 4},
    {"LED.P1": 5, "KOMP.P1": "na", "DIG.P1": 4},
    {"LED.P1": 2, "KOMP.P1": 3, "DIG.P1": 3},
    {"LED.P1": 4, "KOMP.P1": 4, "DIG.P1": 5},
    {"LED.P1": 4, "KOMP.P1": 3, "DIG.P1": 2},
]
PUPILS_A = [{"KOMP.E1": v, "DIG.E1": w} for v, w in ((4, 5), (3, 4), (5, 5), (2, 3), (4, "na"), (3, 4))]
LEADER_A = {"LED.L1": 3, "KOMP.L1": 2, "DIG.L1": 4}


def swedish(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def english(value: float) -> str:
    return f"{value:.1f}"


def figures(page: str) -> dict[str, dict]:
    """Each chart on the page by its caption: its SVG and its data table's rows."""
    found = {}
    for block in re.findall(r'<figure class="chart">(.*?)</figure>', page, re.S):
        block = block.replace("&#x27;", "'")
        caption = re.search(r'<figcaption class="chart-caption">(.*?)</figcaption>', block).group(1)
        rows = {
            header: cells
            for header, cells in (
                (
                    re.search(r'<th scope="row">(.*?)</th>', row).group(1),
                    re.findall(r'<td class="numeric">(.*?)</td>', row),
                )
                for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", block, re.S)
            )
        }
        columns = [html.unescape(c) for c in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', block)]
        svg = ET.fromstring(re.search(r"<svg.*?</svg>", block, re.S).group(0))
        found[caption] = {"svg": svg, "rows": rows, "columns": columns}
    return found


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def values_drawn(root: ET.Element) -> list[str]:
    """The values written beside the bars, in the order drawn: per area, per series."""
    return ["".join(e.itertext()) for e in with_class(root, "chart-value")]


def page_of(client, campaign, unit, language="sv") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("results_unit", args=[campaign.pk, unit.pk]))
    assert response.status_code == 200
    return response.content.decode()


def staff_area_means(answers: list[dict]) -> list[float | None]:
    return [area_mean(answers, (f"{code}.P1",)) for code in AREAS]


# ---- The radar: the unit's picture ---------------------------------------------------------


@pytest.fixture
def three_areas(world):
    return run_campaign(
        world,
        framework(world, INDICATORS_3),
        {world.unit_a: STAFF_A, world.unit_b: STAFF_A[:4]},
        pupils={world.unit_a: PUPILS_A},
        leader={world.unit_a: (LEADER_A, {})},
        units=[world.unit_a, world.unit_b],
    )


def test_the_page_opens_with_a_radar_of_leader_staff_and_pupils_per_area(world, three_areas, client_for):
    page = page_of(client_for("leader_a"), three_areas.campaign, world.unit_a)
    charts = figures(page)
    radar = next(chart for caption, chart in charts.items() if caption.startswith("Medelvärde per område"))
    staff = staff_area_means(STAFF_A)
    pupils = [None, *(expected(column(PUPILS_A, f"{c}.E1"))["mean"] for c in ("KOMP", "DIG"))]
    leader = [LEADER_A[f"{code}.L1"] for code in AREAS]
    assert radar["columns"] == ["Område", "Ledningens skattning", "Personal", "Elever"]
    assert list(radar["rows"]) == ["LED Ledning", "KOMP Kompetens", "DIG Digitala verktyg"]
    for number, row in enumerate(radar["rows"].values()):
        want = [leader[number], staff[number], pupils[number]]
        assert row == [swedish(v) if v is not None else "visas inte" for v in want]
    # One marker per figure drawn: three for the leader and staff, two for the pupils.
    points = with_class(radar["svg"], "chart-point")
    for series, count in ((0, 3), (1, 3), (2, 2)):
        assert len([e for e in points if f"series-{series}" in e.get("class").split()]) == count
    # The charts come first, the tables after them, folded per area.
    assert page.index("<svg") < page.index("results-area-details")
    assert page.count('<details class="results-area-details">') == 3
    assert '<details class="results-area-details" open' not in page
    assert radar["svg"].find(f"{SVG}title") is not None and radar["svg"].find(f"{SVG}desc") is not None


def test_the_charts_follow_the_language(world, three_areas, client_for):
    page = page_of(client_for("leader_a"), three_areas.campaign, world.unit_a, language="en")
    charts = figures(page)
    radar = next(chart for caption, chart in charts.items() if caption.startswith("Mean per area"))
    assert radar["columns"] == ["Area", "Leader's rating", "Staff", "Pupils"]
    staff = staff_area_means(STAFF_A)
    assert [row[1] for row in radar["rows"].values()] == [english(v) for v in staff]
    assert "Staff per area, against the organisation's median" in charts


def test_a_group_below_k_is_not_drawn(world, three_areas, client_for):
    """Unit B: four staff answered (k is 5), no pupils and no leader rating: nothing to draw,
    and the page says why instead of drawing an empty chart."""
    page = page_of(client_for("strategist"), three_areas.campaign, world.unit_b)
    assert "Personal: ritas inte ut eftersom färre än 5 svarade." in page
    assert "Ledningens skattning ritas inte ut: den har inte lämnats in." in page
    assert figures(page) == {}
    assert "<svg" not in page
    # A figure below k is in no chart of unit A's page either: unit B's staff are not in its median.
    page_a = page_of(client_for("leader_a"), three_areas.campaign, world.unit_a)
    bars = figures(page_a)["Personal per område jämfört med organisationens median"]
    # Two units are too few for a median (and unit B's staff, below k, are in none).
    assert [row[1] for row in bars["rows"].values()] == ["visas inte"] * 3


# ---- The bars: against last year and the organisation's median -----------------------------


@pytest.fixture
def years(world):
    return build_years(world)


def test_bars_per_area_against_last_year_and_the_organisation_median(world, years, client_for):
    page = page_of(client_for("leader_a"), years.year_2.campaign, world.unit_a)
    charts = figures(page)
    bars = charts["Personal per område jämfört med förra året och organisationens median"]
    a = world.unit_a
    shown = [u for u in years.y2_staff if u != years.small]  # the small unit is below k
    areas = (("LED", ("LED.P1",), ("LED.P1",)), ("KOMP", ("KOMP.P1", "KOMP.P2"), ("KOMP.P1",)))
    want = []
    for _code, now, then in areas:
        want += [
            area_mean(years.y2_staff[a], now),
            area_mean(years.y1_staff[a], then),
            median([area_mean(years.y2_staff[u], now) for u in shown]),
        ]
    assert len(shown) >= MEDIAN_MIN_UNITS
    assert bars["columns"] == ["Område", "I år", "Förra året", "Organisationens median"]
    assert values_drawn(bars["svg"]) == [swedish(v) for v in want]
    assert [cells for cells in bars["rows"].values()] == [
        [swedish(v) for v in want[0:3]],
        [swedish(v) for v in want[3:6]],
    ]
    leader = charts["Ledningens skattning per område jämfört med förra året och organisationens median"]
    assert values_drawn(leader["svg"])[:2] == [
        swedish(years.y2_leader[a][0]["LED.L1"]),
        swedish(years.y1_leader[a][0]["LED.L1"]),
    ]
    # Two areas make no radar: the bars carry the figures.
    assert not any(caption.startswith("Medelvärde per område") for caption in charts)


def test_a_unit_below_k_draws_no_staff_bars(world, years, client_for):
    page = page_of(client_for("strategist"), years.year_2.campaign, years.small)
    assert "Personal: ritas inte ut eftersom färre än 5 svarade." in page
    assert not any(caption.startswith("Personal") for caption in figures(page))
    for one in years.y2_staff[years.small]:
        assert one["LED.P1"] == 1  # every figure of the small unit is 1,0: nowhere on its page
    assert "1,0" not in "".join(str(chart["rows"]) for chart in figures(page).values())
