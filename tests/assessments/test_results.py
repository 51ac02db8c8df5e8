"""Results equal figures computed here, independently, from the raw answers the test created."""

import csv
import datetime
import io
import itertools
import re
from collections import Counter
from types import SimpleNamespace

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from digiplan.assessments import selectors, services
from digiplan.assessments.models import Participation
from digiplan.frameworks.exchange import import_framework
from digiplan.organisations import services as org_services
from digiplan.organisations.models import OrganisationType, Role
from tests.assessment_helpers import INDICATORS

# A second version of the same framework: KOMP gets a second staff indicator.
INDICATORS_V2 = INDICATORS.replace(
    "      - code: KOMP.E1\n",
    "      - {code: KOMP.P2, kind: indicator, title: Jag delar digitalt material, "
    "respondent: staff, scale: instamning-t}\n      - code: KOMP.E1\n",
)
assert "KOMP.P2" in INDICATORS_V2

_numbers = itertools.count()


# ---- Building a campaign from raw answers ------------------------------------------------


def new_unit(world, name: str, *, parent=None, school_forms=("GR",)):
    return org_services.organisation_create(
        actor=None,
        parent=parent or world.omrade,
        type=OrganisationType.SKOLENHET,
        name=name,
        school_forms=list(school_forms),
    )


def _staff(world, unit, count: int) -> list:
    """Staff of the unit made for these tests, reused by later campaigns of the same test."""
    pool = world.__dict__.setdefault("_results_staff", {}).setdefault(unit.pk, [])
    while len(pool) < count:
        number = next(_numbers)
        person = org_services.person_create(
            actor=None,
            huvudman=world.huvudman,
            name=f"Personal {number}",
            email=f"personal{number}@sjovik.test",
            audit=False,
        )
        org_services.membership_create(
            actor=None, person=person, organisation=unit, role=Role.STAFF, audit=False
        )
        pool.append(person)
    return pool[:count]


def run_campaign(
    world,
    version,
    staff: dict,
    *,
    pupils: dict | None = None,
    leader: dict | None = None,
    comments: dict | None = None,
    units=None,
    k=5,
    close=True,
    name="Skattning",
    school_year="2026/27",
):
    """staff: {unit: [{code: value or "na"}, …]} — one dict per staff member who answers.
    pupils likewise; leader: {unit: ({code: value or "na"}, {code: comment})};
    comments: {unit: [comment per staff answer]}."""
    pupils, leader, comments = pupils or {}, leader or {}, comments or {}
    items = {i.code: i for i in version.items.all()}
    units = list(units or dict.fromkeys([*staff, *pupils, *leader]))
    for unit, answers in staff.items():
        _staff(world, unit, len(answers))
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=world.strategist,
        huvudman=world.huvudman,
        name=name,
        school_year=school_year,
        framework_version=version,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        units=units,
        k=k,
        include_pupils=bool(pupils),
    )
    services.campaign_open(actor=world.strategist, campaign=campaign)

    def by_pk(answers):
        return {str(items[code].pk): value for code, value in answers.items()}

    for unit, answers in staff.items():
        texts = comments.get(unit, [])
        for number, (person, given) in enumerate(
            zip(_staff(world, unit, len(answers)), answers, strict=True)
        ):
            participation = Participation.objects.get(campaign=campaign, person=person, unit=unit)
            services.response_submit(
                participation=participation,
                answers=by_pk(given),
                comment=texts[number] if number < len(texts) else "",
            )
    for unit, answers in pupils.items():
        code = services.pupil_code_create(
            actor=world.strategist, campaign=campaign, unit=unit, label="7A", capacity=max(len(answers), 1)
        )
        for given in answers:
            services.pupil_submit(code=code, answers=by_pk(given))
    for unit, (values, texts) in leader.items():
        services.rating_save(
            actor=world.strategist,
            rating=services.rating_for(campaign, unit),
            answers=by_pk(values),
            comments={str(items[c].pk): t for c, t in texts.items()},
            submit=True,
        )
    if close:
        services.campaign_close(actor=world.strategist, campaign=campaign)
    campaign.refresh_from_db()
    return SimpleNamespace(campaign=campaign, items=items, version=version)


def framework(world, text=INDICATORS):
    return import_framework(text, huvudman=world.huvudman, actor=None, publish=True)


# ---- Independent arithmetic --------------------------------------------------------------


def expected(values: list, k: int = 5) -> dict | None:
    """n, n "don't know", mean and counts from the raw values; None when below k."""
    counting = [v for v in values if v != "na"]
    if len(counting) < k:
        return None
    return {
        "n": len(counting),
        "n_na": len(values) - len(counting),
        "mean": sum(counting) / len(counting),
        "counts": Counter(counting),
    }


def column(answers: list[dict], code: str) -> list:
    return [a[code] for a in answers if code in a]


def quartile(values: list[float], p: float) -> float:
    """Linear interpolation between order statistics, written out here on purpose."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * p
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# ---- Reading what the pages and downloads show -------------------------------------------


def csv_sections(content: bytes) -> list[list[list[str]]]:
    """The CSV download as its sections: [about, rates, heat map, spread, indicators, units]."""
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    sections, current = [], []
    for row in rows:
        if not row:
            sections.append(current)
            current = []
        else:
            current.append(row)
    sections.append(current)
    # Each table section: its title, then the header, then the rows.
    return [sections[0]] + [section[1:] for section in sections[1:]]


def xlsx_sheets(content: bytes) -> list[list[list]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets]


def number(text: str) -> float:
    return float(text.replace(",", "."))


def download(client, campaign, fmt, query=""):
    response = client.get(reverse("results_export", args=[campaign.pk, fmt]) + query)
    assert response.status_code == 200
    return response.content


# ---- The main scenario -------------------------------------------------------------------

STAFF_A = [
    {"LED.P1": 5, "KOMP.P1": 1},
    {"LED.P1": 4, "KOMP.P1": 2},
    {"LED.P1": 4, "KOMP.P1": "na"},
    {"LED.P1": 3, "KOMP.P1": "na"},
    {"LED.P1": 2, "KOMP.P1": 3},
    {"LED.P1": "na", "KOMP.P1": 4},
    {"LED.P1": 5, "KOMP.P1": 4},
]
STAFF_B = [{"LED.P1": 1, "KOMP.P1": 2}, {"LED.P1": 1, "KOMP.P1": 2}, {"LED.P1": 2, "KOMP.P1": 1}]
PUPILS_A = [{"KOMP.E1": v} for v in (4, 5, 3, "na", 5, 2)]
LEADER_A = ({"LED.L1": 4, "KOMP.L1": 2}, {"LED.L1": "Planen antogs i våras."})
LEADER_B = ({"LED.L1": 3, "KOMP.L1": "na"}, {})


@pytest.fixture
def main(world):
    version = framework(world)
    return run_campaign(
        world,
        version,
        {world.unit_a: STAFF_A, world.unit_b: STAFF_B},
        pupils={world.unit_a: PUPILS_A, world.unit_b: PUPILS_A[:2]},
        leader={world.unit_a: LEADER_A, world.unit_b: LEADER_B},
    )


def _figures(result, group):
    return {item.code: f for area in result["areas"] for item, f in area.groups.get(group, [])}


def test_unit_figures_equal_figures_computed_from_the_raw_answers(world, main):
    result = selectors.unit_results(main.campaign, world.unit_a)
    staff, pupils = _figures(result, "staff"), _figures(result, "pupil")
    for figures, answers, code in (
        (staff, STAFF_A, "LED.P1"),
        (staff, STAFF_A, "KOMP.P1"),
        (pupils, PUPILS_A, "KOMP.E1"),
    ):
        want, got = expected(column(answers, code)), figures[code]
        assert not got.suppressed
        assert (got.n, got.n_na) == (want["n"], want["n_na"])
        assert got.mean == pytest.approx(want["mean"])
        assert {lv.value: count for lv, count, _share in got.distribution} == {
            v: want["counts"].get(v, 0) for v in (1, 2, 3, 4, 5)
        }
        assert sum(share for *_x, share in got.distribution) == pytest.approx(100)
    assert result["responses"] == {"staff": len(STAFF_A), "pupil": len(PUPILS_A)}


def test_dont_know_never_enters_a_mean(world, main):
    result = selectors.unit_results(main.campaign, world.unit_a)
    komp = _figures(result, "staff")["KOMP.P1"]
    assert komp.mean == pytest.approx((1 + 2 + 3 + 4 + 4) / 5)  # the two "vet ej" left out
    assert komp.n_na == 2
    assert all(lv.value != 0 for lv, _count, _share in komp.distribution)


def test_the_unit_page_shows_the_figures_in_swedish_format(world, main, client_for):
    page = (
        client_for("leader_a")
        .get(reverse("results_unit", args=[main.campaign.pk, world.unit_a.pk]))
        .content.decode()
    )
    led = expected(column(STAFF_A, "LED.P1"))
    assert f"{led['mean']:.1f}".replace(".", ",") in page  # 3,8
    assert "Planen antogs i våras." in page
    assert 'scope="col"' in page and 'scope="row"' in page and "<caption>" in page
    assert "style=" not in page and "<script>" not in page


def test_leader_levels_and_the_gap_per_area(world, main):
    result = selectors.unit_results(main.campaign, world.unit_a)
    by_code = {a.item.code: a for a in result["areas"]}
    leader_values, _comments = LEADER_A
    for area_code, leader_code, staff_code in (("LED", "LED.L1", "LED.P1"), ("KOMP", "KOMP.L1", "KOMP.P1")):
        area = by_code[area_code]
        row = next(r for r in area.leader if r.item.code == leader_code)
        assert row.value == leader_values[leader_code]
        assert row.level.value == leader_values[leader_code]
        staff_mean = expected(column(STAFF_A, staff_code))["mean"]
        assert area.leader_mean == leader_values[leader_code]
        assert area.means["staff"] == pytest.approx(staff_mean)
        assert area.gap == pytest.approx(leader_values[leader_code] - staff_mean)


def test_a_not_applicable_leader_answer_gives_no_level_and_no_gap(world, main):
    result = selectors.unit_results(main.campaign, world.unit_b)
    komp = next(a for a in result["areas"] if a.item.code == "KOMP")
    assert komp.leader[0].value is None and komp.leader[0].answered
    assert komp.leader_mean is None and komp.gap is None


def test_an_area_mean_is_the_mean_of_its_indicator_means(world):
    version = framework(world, INDICATORS_V2)
    answers = [{"KOMP.P1": v, "KOMP.P2": w} for v, w in ((1, 5), (2, 5), (3, 4), (4, 4), (5, "na"), (5, 3))]
    run = run_campaign(world, version, {world.unit_a: answers})
    result = selectors.unit_results(run.campaign, world.unit_a)
    komp = next(a for a in result["areas"] if a.item.code == "KOMP")
    p1, p2 = expected(column(answers, "KOMP.P1")), expected(column(answers, "KOMP.P2"))
    assert komp.means["staff"] == pytest.approx((p1["mean"] + p2["mean"]) / 2)


def test_change_since_the_last_campaign_and_new_indicators(world):
    first = run_campaign(
        world,
        framework(world),
        {world.unit_a: STAFF_A},
        leader={world.unit_a: LEADER_A},
        school_year="2025/26",
    )
    second_answers = [{"LED.P1": v, "KOMP.P1": 5, "KOMP.P2": 3} for v in (5, 5, 4, 4, 4, 3)]
    second = run_campaign(
        world,
        framework(world, INDICATORS_V2),
        {world.unit_a: second_answers},
        leader={world.unit_a: ({"LED.L1": 5, "KOMP.L1": 2}, {})},
    )
    assert selectors.previous_campaign(second.campaign) == first.campaign
    result = selectors.unit_results(second.campaign, world.unit_a)
    staff = _figures(result, "staff")
    before = expected(column(STAFF_A, "LED.P1"))["mean"]
    after = expected(column(second_answers, "LED.P1"))["mean"]
    assert staff["LED.P1"].change == pytest.approx(after - before)
    assert staff["KOMP.P1"].change == pytest.approx(5 - expected(column(STAFF_A, "KOMP.P1"))["mean"])
    assert staff["KOMP.P2"].is_new and staff["KOMP.P2"].change is None
    led = next(a for a in result["areas"] if a.item.code == "LED")
    assert led.leader[0].change == 5 - LEADER_A[0]["LED.L1"]
    assert led.changes["staff"] == pytest.approx(after - before)
    assert selectors.unit_results(first.campaign, world.unit_a)["previous"] is None


def test_the_page_marks_a_new_indicator_and_signs_a_change(world, client_for):
    run_campaign(world, framework(world), {world.unit_a: STAFF_A}, school_year="2025/26")
    second = run_campaign(
        world, framework(world, INDICATORS_V2), {world.unit_a: [{"LED.P1": 5, "KOMP.P2": 3}] * 5}
    )
    html = (
        client_for("leader_a")
        .get(reverse("results_unit", args=[second.campaign.pk, world.unit_a.pk]))
        .content.decode()
    )
    row = html[html.index("KOMP.P2 ") :]
    row = row[: row.index("</tr>")]
    assert '<span class="badge">' in row  # "ny"
    change = 5 - expected(column(STAFF_A, "LED.P1"))["mean"]
    assert "+" + f"{change:.1f}".replace(".", ",") in html


def test_a_campaign_on_another_framework_is_not_compared(world):
    run_campaign(world, framework(world), {world.unit_a: STAFF_A})
    other = INDICATORS.replace("slug: skattning-test", "slug: annat-ramverk")
    second = run_campaign(world, framework(world, other), {world.unit_a: STAFF_A})
    assert selectors.previous_campaign(second.campaign) is None


def test_figures_wait_until_the_campaign_closes(world, client_for):
    run = run_campaign(world, framework(world), {world.unit_a: STAFF_A}, close=False)
    result = selectors.unit_results(run.campaign, world.unit_a)
    assert not result["available"]
    assert all(
        f.suppressed for area in result["areas"] for _g, figures in area.groups.items() for _i, f in figures
    )
    org = selectors.org_results(run.campaign, selectors.org_units(run.campaign, world.huvudman.nodes.all()))
    assert org["rates"][0].answered == len(STAFF_A) and org["heatmap"] == []
    sections = csv_sections(download(client_for("strategist"), run.campaign, "csv"))
    assert len(sections) == 2  # about and response rates only


# ---- The organisation ----------------------------------------------------------------------


@pytest.fixture
def six_units(world):
    """Six units with at least k answers each and one below k."""
    version = framework(world)
    means = [
        (1, 2, 2, 3, 3),
        (2, 2, 3, 3, 3),
        (3, 3, 4, 4, 5),
        (4, 4, 4, 5, 5),
        (2, 3, 3, 3, 4, 4),
        (5, 5, 5, 4, 4),
    ]
    units = [world.unit_a, world.unit_b] + [new_unit(world, f"Skola {i}") for i in range(4)]
    small = new_unit(world, "Lilla skolan", school_forms=("FS",))
    staff = {
        unit: [{"LED.P1": v, "KOMP.P1": 6 - v} for v in values]
        for unit, values in zip(units, means, strict=True)
    }
    staff[small] = [{"LED.P1": 1, "KOMP.P1": 1}] * 4
    run = run_campaign(world, version, staff)
    return SimpleNamespace(run=run, staff=staff, units=units, small=small)


def test_response_rates_per_unit(world, six_units):
    org = selectors.org_results(
        six_units.run.campaign, selectors.org_units(six_units.run.campaign, world.huvudman.nodes.all())
    )
    by_unit = {r.unit: r for r in org["rates"]}
    for unit, answers in six_units.staff.items():
        asked = len(answers) + (1 if unit == world.unit_a else 0)  # Per Personal never answered
        assert (by_unit[unit].asked, by_unit[unit].answered) == (asked, len(answers))
        assert by_unit[unit].rate == pytest.approx(100 * len(answers) / asked)
    total_asked = sum(len(a) for a in six_units.staff.values()) + 1
    assert org["rate_totals"].rate == pytest.approx(
        100 * sum(len(a) for a in six_units.staff.values()) / total_asked
    )


def test_heatmap_median_spread_and_units_furthest_behind(world, six_units):
    org = selectors.org_results(
        six_units.run.campaign, selectors.org_units(six_units.run.campaign, world.huvudman.nodes.all())
    )
    led_column = [a.item.code for a in org["areas"]].index("LED")
    heat = {unit: cells[led_column].mean for unit, cells in org["heatmap"]}
    want = {unit: expected(column(answers, "LED.P1")) for unit, answers in six_units.staff.items()}
    for unit, w in want.items():
        assert heat[unit] == (pytest.approx(w["mean"]) if w else None)
    shown = sorted(w["mean"] for w in want.values() if w)
    spread = next(s for s in org["spread"] if s.area.item.code == "LED")
    assert (spread.units_shown, spread.units_total) == (6, 7)
    assert spread.median == pytest.approx(quartile(shown, 0.5))
    assert (spread.minimum, spread.maximum) == (pytest.approx(shown[0]), pytest.approx(shown[-1]))
    assert spread.q1 == pytest.approx(quartile(shown, 0.25))
    assert spread.q3 == pytest.approx(quartile(shown, 0.75))
    lowest = sorted((w["mean"], u.name) for u, w in want.items() if w)[:3]
    assert [(u.name, pytest.approx(v)) for u, v in spread.behind] == [(n, m) for m, n in lowest]


def test_organisation_indicator_figures_pool_the_shown_units_only(world, six_units):
    org = selectors.org_results(
        six_units.run.campaign, selectors.org_units(six_units.run.campaign, world.huvudman.nodes.all())
    )
    pooled = {(g, item.code): f for _a, g, item, f, _total in org["indicators"]}
    for code in ("LED.P1", "KOMP.P1"):
        values = [v for unit in six_units.units for v in column(six_units.staff[unit], code)]
        want = expected(values)
        got = pooled[("staff", code)]
        assert (got.n, got.units) == (want["n"], 6)
        assert got.mean == pytest.approx(want["mean"])


def test_filters_by_node_area_and_school_form(world, six_units, client_for):
    campaign = six_units.run.campaign
    everyone = world.huvudman.nodes.all()
    norr = world.omrade
    soder = org_services.organisation_create(
        actor=None, parent=world.forvaltning, type=OrganisationType.OMRADE, name="Område Söder"
    )
    assert {u.name for u in selectors.org_units(campaign, everyone, node=norr)} == {
        u.name for u in six_units.staff
    }
    assert not selectors.org_units(campaign, everyone, node=soder).exists()
    assert [u.name for u in selectors.org_units(campaign, everyone, school_form="FS")] == ["Lilla skolan"]
    led = six_units.run.items["LED"]
    org = selectors.org_results(campaign, selectors.org_units(campaign, everyone), area=led)
    assert [a.item for a in org["areas"]] == [led]
    assert {item.code for _a, _g, item, _f, _t in org["indicators"]} == {"LED.P1"}
    client = client_for("strategist")
    page = client.get(
        reverse("results_org", args=[campaign.pk]), {"skolform": "GR", "omrade": led.pk, "nod": norr.pk}
    )
    assert page.status_code == 200
    assert "Lilla skolan" not in page.content.decode()
    sections = csv_sections(download(client, campaign, "csv", "?skolform=FTH"))
    assert [row[0] for row in sections[1][1:-1]] == [world.unit_b.name]


def test_query_count_does_not_grow_with_the_number_of_units(world, client_for):
    # Two frameworks, so that neither campaign has an earlier one to compare with.
    version = framework(world)
    other = framework(world, INDICATORS.replace("slug: skattning-test", "slug: annat"))
    two = [world.unit_a, world.unit_b]
    six = two + [new_unit(world, f"Skola {i}") for i in range(4)]
    answers = [{"LED.P1": v, "KOMP.P1": v} for v in (1, 2, 3, 4, 5)]
    pupils = [{"KOMP.E1": 3}]
    leader = ({"LED.L1": 3, "KOMP.L1": 4}, {})
    small = run_campaign(
        world,
        version,
        dict.fromkeys(two, answers),
        pupils=dict.fromkeys(two, pupils),
        leader=dict.fromkeys(two, leader),
        name="Två",
    )
    large = run_campaign(
        world,
        other,
        dict.fromkeys(six, answers),
        pupils=dict.fromkeys(six, pupils),
        leader=dict.fromkeys(six, leader),
        name="Sex",
    )
    client = client_for("strategist")
    counts = {}
    for label, run in (("two", small), ("six", large)):
        for page, url in (
            ("org", reverse("results_org", args=[run.campaign.pk])),
            ("csv", reverse("results_export", args=[run.campaign.pk, "csv"])),
            ("xlsx", reverse("results_export", args=[run.campaign.pk, "xlsx"])),
            ("unit", reverse("results_unit", args=[run.campaign.pk, world.unit_a.pk])),
        ):
            client.get(url)  # warm the session and the caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.setdefault(page, {})[label] = len(queries)
    for url, by_size in counts.items():
        assert by_size["two"] == by_size["six"], (url, by_size)


# ---- The downloads ---------------------------------------------------------------------------


def test_csv_is_excel_swedish_and_equals_the_figures(world, main, client_for):
    content = download(client_for("strategist"), main.campaign, "csv")
    text = content.decode("utf-8-sig")
    assert ";" in text.splitlines()[0] and "\r\n" in text
    sections = csv_sections(content)
    units_table = sections[5]
    header, rows = units_table[0], units_table[1:]
    mean_col, n_col = 7, 5
    assert len(header) >= 8
    row = next(r for r in rows if r[0] == world.unit_a.name and r[3] == "LED.P1")
    want = expected(column(STAFF_A, "LED.P1"))
    assert int(row[n_col]) == want["n"]
    assert re.fullmatch(r"\d,\d\d", row[mean_col])
    assert number(row[mean_col]) == pytest.approx(want["mean"], abs=0.005)


def test_xlsx_has_typed_cells_a_frozen_header_and_no_formulas(world, client_for):
    version = framework(world)
    evil = new_unit(world, '=HYPERLINK("http://x.test","klicka")')
    answers = [{"LED.P1": v, "KOMP.P1": v} for v in (1, 2, 3, 4, 5)]
    run = run_campaign(world, version, {evil: answers, world.unit_a: answers})
    client = client_for("strategist")
    content = download(client, run.campaign, "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert len(workbook.worksheets) == 6
    for sheet in workbook.worksheets[1:]:
        assert sheet.freeze_panes == "A2"
    units_sheet = workbook.worksheets[5]
    evil_rows = [
        row for row in units_sheet.iter_rows(min_row=2) if str(row[0].value).startswith("'=HYPERLINK")
    ]  # neutralised, as in the CSV
    assert evil_rows and all(row[0].data_type == "s" for row in evil_rows)
    assert len(evil_rows) == 2  # no pupil questionnaire: staff indicators only
    assert all(row[7].data_type == "n" for row in evil_rows)
    assert evil_rows[0][7].value == pytest.approx(3.0)
    sections = csv_sections(download(client, run.campaign, "csv"))
    assert any(row[0].startswith("'=HYPERLINK") for row in sections[5][1:])
