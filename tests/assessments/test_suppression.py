"""No figure resting on fewer than k answers is shown, and none can be worked out from what is.

Unit B has three staff answers (k = 5): everything about its answers must read "–" on every
page and in every download, and no sum or difference of what is shown may recover it.
"""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from digiplan.assessments import selectors
from digiplan.assessments.models import Answer
from tests.assessments.test_results import (
    INDICATORS_V2,
    STAFF_A,
    column,
    csv_sections,
    download,
    expected,
    framework,
    new_unit,
    number,
    run_campaign,
    xlsx_sheets,
)

STAFF_B = [{"LED.P1": 1, "KOMP.P1": 2}, {"LED.P1": 1, "KOMP.P1": 1}, {"LED.P1": 2, "KOMP.P1": "na"}]
STAFF_C = [{"LED.P1": v, "KOMP.P1": w} for v, w in ((3, 3), (4, 2), (4, 4), (5, 4), (2, 3))]
SECRET = "Rektorn lyssnar aldrig på oss"


@pytest.fixture
def small_b(world):
    """Units A and C are shown, B (also the only unit with school-age educare) is not."""
    unit_c = new_unit(world, "Cederskolan")
    run = run_campaign(
        world,
        framework(world),
        {world.unit_a: STAFF_A, world.unit_b: STAFF_B, unit_c: STAFF_C},
        leader={world.unit_b: ({"LED.L1": 3, "KOMP.L1": 4}, {})},
        comments={world.unit_b: [SECRET]},
    )
    run.unit_c = unit_c
    return run


def _visible(html: str) -> str:
    """The page without the parts that change on every request (CSRF tokens)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _everything(client, campaign, world, unit_c):
    """Every page and download a strategist can see about the campaign, under every filter."""
    shown = {}
    queries = [
        "",
        "?skolform=FTH",
        "?skolform=GR",
        f"?nod={world.omrade.pk}",
        f"?nod={world.forvaltning.pk}&skolform=FTH",
    ]
    for query in queries:
        shown[f"org{query}"] = _visible(
            client.get(reverse("results_org", args=[campaign.pk]) + query).content.decode()
        )
        shown[f"csv{query}"] = download(client, campaign, "csv", query)
        shown[f"xlsx{query}"] = xlsx_sheets(download(client, campaign, "xlsx", query))
    for unit in (world.unit_a, world.unit_b, unit_c):
        shown[f"unit {unit.name}"] = _visible(
            client.get(reverse("results_unit", args=[campaign.pk, unit.pk])).content.decode()
        )
    return shown


def test_a_unit_below_k_shows_a_dash_everywhere(world, small_b, client_for):
    client = client_for("strategist")
    page = client.get(reverse("results_unit", args=[small_b.campaign.pk, world.unit_b.pk]))
    html = page.content.decode()
    # Two indicators × (answers, don't know, mean, distribution) and two area means.
    assert html.count('class="results-suppressed"') >= 2 * 4 + 2
    assert 'class="results-distribution"' not in html
    led_b = sum(column(STAFF_B, "LED.P1")) / 3
    assert f"{led_b:.1f}".replace(".", ",") not in html
    assert "3 – " in html  # the leader's own level is the unit's statement: shown

    sections = csv_sections(download(client, small_b.campaign, "csv"))
    heat = {row[0]: row[1:] for row in sections[2][1:]}
    assert heat[world.unit_b.name] == ["–", "–"]
    unit_rows = [row for row in sections[5][1:] if row[0] == world.unit_b.name]
    assert unit_rows and all(cell == "–" for row in unit_rows for cell in row[5:])

    sheets = xlsx_sheets(download(client, small_b.campaign, "xlsx"))
    heat = {row[0]: row[1:] for row in sheets[2][1:]}
    assert heat[world.unit_b.name] == ["–", "–"]
    unit_rows = [row for row in sheets[5][1:] if row[0] == world.unit_b.name]
    assert unit_rows and all(cell == "–" for row in unit_rows for cell in row[5:])

    org = _visible(client.get(reverse("results_org", args=[small_b.campaign.pk])).content.decode())
    assert "2 of 3" in org or "2 av 3" in org  # the spread rests on the shown units


def test_a_suppressed_figure_cannot_be_derived_by_subtraction(world, small_b, client_for):
    """Take the organisation's figures and subtract every shown unit's: nothing is left."""
    client = client_for("strategist")
    for query in ("", "?skolform=GR", "?skolform=FTH", f"?nod={world.omrade.pk}"):
        sections = csv_sections(download(client, small_b.campaign, "csv", query))
        indicators, units = sections[4][1:], sections[5][1:]
        sheets = xlsx_sheets(download(client, small_b.campaign, "xlsx", query))
        assert [r[2] for r in sheets[4][1:]] == [r[2] for r in indicators]
        for org_row in indicators:
            code = org_row[2]
            unit_rows = [r for r in units if r[3] == code]
            shown = [r for r in unit_rows if r[5] != "–"]
            org_n = 0 if org_row[5] == "–" else int(org_row[5])
            org_total = 0 if org_row[5] == "–" else org_n * number(org_row[7])
            left_n = org_n - sum(int(r[5]) for r in shown)
            left_total = org_total - sum(int(r[5]) * number(r[7]) for r in shown)
            # Nothing of unit B is left over: no n, no sum, no answers per level.
            assert left_n == 0, (query, code)
            assert abs(left_total) < 0.01 * max(org_n, 1), (query, code)
            for level in range(8, len(org_row)):
                if org_row[level] not in ("–", ""):
                    assert int(org_row[level]) == sum(int(r[level]) for r in shown)
        # The heat map's medians and spreads rest only on the cells it shows.
        heat = sections[2][1:]
        for column_number, spread in enumerate(sections[3][1:], start=1):
            values = sorted(number(row[column_number]) for row in heat if row[column_number] != "–")
            assert spread[1] == str(len(values))
            if values:
                assert number(spread[4]) == pytest.approx(values[0], abs=0.005)
                assert number(spread[5]) == pytest.approx(values[-1], abs=0.005)
            else:
                assert spread[3:8] == ["–"] * 5
    # Unit B alone (the only unit with school-age educare): nothing but dashes.
    only_b = csv_sections(download(client, small_b.campaign, "csv", "?skolform=FTH"))
    assert [row[0] for row in only_b[1][1:-1]] == [world.unit_b.name]
    assert all(cell == "–" for row in only_b[4][1:] for cell in row[5:])


def test_what_is_shown_does_not_change_with_what_the_suppressed_unit_answered(world, small_b, client_for):
    """The strongest form of "cannot be derived": change unit B's answers behind the scenes,
    and every page and download reads exactly the same."""
    client = client_for("strategist")
    before = _everything(client, small_b.campaign, world, small_b.unit_c)
    Answer.objects.filter(response__unit=world.unit_b, item__code="LED.P1").update(value=5)
    Answer.objects.filter(response__unit=world.unit_b, item__code="KOMP.P1").update(value=None)
    after = _everything(client, small_b.campaign, world, small_b.unit_c)
    assert before.keys() == after.keys()
    for key in before:
        assert before[key] == after[key], key


def test_an_indicator_below_k_does_not_leak_through_its_area_mean(world, client_for):
    """Six answer KOMP.P1, only three KOMP.P2: the area mean must not include KOMP.P2, or
    area mean × 2 − KOMP.P1 would give it away."""
    answers = [
        {"KOMP.P1": 4, "KOMP.P2": 1},
        {"KOMP.P1": 3, "KOMP.P2": 1},
        {"KOMP.P1": 5, "KOMP.P2": 2},
        {"KOMP.P1": 4, "KOMP.P2": "na"},
        {"KOMP.P1": 2},
        {"KOMP.P1": 4},
    ]
    run = run_campaign(world, framework(world, INDICATORS_V2), {world.unit_a: answers})
    result = selectors.unit_results(run.campaign, world.unit_a)
    komp = next(a for a in result["areas"] if a.item.code == "KOMP")
    figures = {item.code: f for item, f in komp.groups["staff"]}
    assert figures["KOMP.P2"].suppressed and figures["KOMP.P2"].n is None
    assert komp.means["staff"] == pytest.approx(expected(column(answers, "KOMP.P1"))["mean"])
    org = selectors.org_results(run.campaign, selectors.org_units(run.campaign, world.huvudman.nodes.all()))
    pooled = {item.code: f for _a, _g, item, f, _t in org["indicators"]}
    assert pooled["KOMP.P2"].suppressed and pooled["KOMP.P2"].units == 0


def test_the_gap_is_hidden_when_staff_is(world, small_b):
    result = selectors.unit_results(small_b.campaign, world.unit_b)
    led = next(a for a in result["areas"] if a.item.code == "LED")
    assert led.leader_mean == 3 and led.means["staff"] is None and led.gap is None


def test_comments_show_only_from_k_answers_in_random_order_and_unattributed(world, small_b, client_for):
    client = client_for("strategist")
    page_b = client.get(reverse("results_unit", args=[small_b.campaign.pk, world.unit_b.pk]))
    assert SECRET not in page_b.content.decode()
    assert selectors.unit_results(small_b.campaign, world.unit_b)["comments"] == []

    texts = [f"Kommentar nummer {n}" for n in range(6)]
    unit_d = new_unit(world, "Döbelnskolan")
    run = run_campaign(
        world,
        framework(world),
        {unit_d: [{"LED.P1": 3}] * 6},
        comments={unit_d: texts},
        name="Med kommentarer",
    )
    url = reverse("results_unit", args=[run.campaign.pk, unit_d.pk])
    orders = set()
    for _ in range(15):
        html = client.get(url).content.decode()
        orders.add(tuple(sorted(texts, key=html.index)))
    assert all(set(order) == set(texts) for order in orders)
    assert len(orders) > 1  # not the order of arrival, every time
    staff_names = [p.name for p in world._results_staff[unit_d.pk]]
    assert not any(name in html for name in staff_names)
    assert str(run.campaign.closed_at.date()) not in html


def test_comments_show_at_exactly_k_answers_and_not_at_one_fewer(world, client_for):
    unit_d, unit_e = new_unit(world, "Döbelnskolan"), new_unit(world, "Enskolan")
    run = run_campaign(
        world,
        framework(world),
        {unit_d: [{"LED.P1": 3}] * 5, unit_e: [{"LED.P1": 3}] * 4},
        comments={unit_d: ["Fem svar räcker"], unit_e: ["Fyra svar räcker inte"]},
    )
    assert selectors.unit_results(run.campaign, unit_d)["comments"] == ["Fem svar räcker"]
    assert selectors.unit_results(run.campaign, unit_e)["comments"] == []


def test_the_xlsx_and_csv_suppress_the_same_cells(world, small_b, client_for):
    client = client_for("strategist")
    sections = csv_sections(download(client, small_b.campaign, "csv"))
    workbook = openpyxl.load_workbook(io.BytesIO(download(client, small_b.campaign, "xlsx")))
    for number_, sheet in enumerate(workbook.worksheets[1:], start=1):
        rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
        csv_rows = sections[number_][1:]
        assert len(rows) == len(csv_rows), sheet.title
        for xlsx_row, csv_row in zip(rows, csv_rows, strict=True):
            assert [c == "–" for c in xlsx_row] == [c == "–" for c in csv_row], sheet.title
