"""Every figure of the unit and organisation reports equals one computed here, independently,
from the raw answers the test created; suppression holds; missing data is said, not guessed."""

import pytest

from digiplan.organisations.access import managed_nodes
from digiplan.reports import selectors
from tests.reports.report_helpers import (
    YEAR_1,
    YEAR_2,
    area_mean,
    build_unit_plan,
    build_years,
    column,
    expected,
    framework,
    mean,
    median,
    quartile,
    run_campaign,
)

LED, KOMP = ("LED.P1",), ("KOMP.P1", "KOMP.P2")


@pytest.fixture
def years(world):
    return build_years(world)


def _area(report, code):
    return next(a for a in report["areas"] if a.code == code)


def _indicator(report, code, group):
    return next(r for r in report["indicators"] if r.item.code == code and r.group == group)


def _units(world):
    return selectors.report_units(managed_nodes(world.strategist))


# ---- The unit report -----------------------------------------------------------------------


def test_unit_areas_this_year_last_year_and_the_organisation_median(world, years):
    report = selectors.unit_report(world.unit_a, YEAR_2)
    assert report["campaign"] == years.year_2.campaign
    assert report["previous"] == years.year_1.campaign
    a = world.unit_a
    shown_units = [u for u in years.y2_staff if u != years.small]
    for code, codes_now, codes_then in (("LED", LED, LED), ("KOMP", KOMP, ("KOMP.P1",))):
        row = _area(report, code)
        assert row.this_year["staff"] == pytest.approx(area_mean(years.y2_staff[a], codes_now))
        assert row.last_year["staff"] == pytest.approx(area_mean(years.y1_staff[a], codes_then))
        want = median([area_mean(years.y2_staff[u], codes_now) for u in shown_units])
        assert row.median["staff"] == pytest.approx(want)
        assert row.median_units["staff"] == len(shown_units)
        leader_code = f"{code}.L1"
        assert row.this_year["leader"] == years.y2_leader[a][0][leader_code]
        assert row.last_year["leader"] == years.y1_leader[a][0][leader_code]
        leader_values = [v for values, _c in years.y2_leader.values() if (v := values[leader_code]) != "na"]
        if len(leader_values) >= selectors.MEDIAN_MIN_UNITS:
            assert row.median["leader"] == pytest.approx(median(leader_values))
        else:
            assert row.median["leader"] is None  # KOMP.L1: one unit said "not applicable"
        assert row.gap == pytest.approx(row.this_year["leader"] - row.this_year["staff"])
        assert not row.is_new


def test_unit_indicator_table_pools_the_organisation_over_shown_units(world, years):
    report = selectors.unit_report(world.unit_a, YEAR_2)
    shown_units = [u for u in years.y2_staff if u != years.small]
    for code in ("LED.P1", "KOMP.P1", "KOMP.P2"):
        row = _indicator(report, code, "staff")
        want = expected(column(years.y2_staff[world.unit_a], code))
        assert (row.figure.n, row.figure.n_na) == (want["n"], want["n_na"])
        assert row.figure.mean == pytest.approx(want["mean"])
        pooled = [v for u in shown_units for v in column(years.y2_staff[u], code) if v != "na"]
        assert row.org_value == pytest.approx(mean(pooled))
        assert row.org_units == len(shown_units)
    before = expected(column(years.y1_staff[world.unit_a], "LED.P1"))["mean"]
    led = _indicator(report, "LED.P1", "staff").figure
    assert led.change == pytest.approx(
        expected(column(years.y2_staff[world.unit_a], "LED.P1"))["mean"] - before
    )
    leader = _indicator(report, "LED.L1", "leader")
    assert leader.figure.value == 4 and leader.figure.change == 4 - 2
    assert leader.org_value == median([4, 5, 2])


def test_an_indicator_new_in_this_version_is_marked_new_and_not_compared(world, years):
    report = selectors.unit_report(world.unit_a, YEAR_2)
    new = _indicator(report, "KOMP.P2", "staff").figure
    assert new.is_new and new.change is None
    assert not _indicator(report, "KOMP.P1", "staff").figure.is_new
    assert "framework_changed" in report["missing"]
    assert report["removed"] == []


def test_pupil_results_and_too_few_units_for_a_pupil_median(world, years):
    report = selectors.unit_report(world.unit_a, YEAR_2)
    want = expected(column(years.y2_pupils[world.unit_a], "KOMP.E1"))
    row = _indicator(report, "KOMP.E1", "pupil")
    assert (row.figure.n, row.figure.mean) == (want["n"], pytest.approx(want["mean"]))
    komp = _area(report, "KOMP")
    assert komp.this_year["pupil"] == pytest.approx(want["mean"])
    assert komp.median["pupil"] is None and komp.median_units["pupil"] == 1
    assert row.org_value is None  # one unit: its own figure would be the organisation's


def test_staff_comments_show_above_k_only(world, years):
    report = selectors.unit_report(world.unit_a, YEAR_2)
    assert report["results"]["comments_shown"]
    assert sorted(report["results"]["comments"]) == sorted(c for c in years.comments[world.unit_a] if c)
    small = selectors.unit_report(years.small, YEAR_2)
    assert not small["results"]["comments_shown"] and small["results"]["comments"] == []


def test_a_unit_below_k_everywhere_shows_no_staff_figure_and_is_left_out_of_medians(world, years):
    report = selectors.unit_report(years.small, YEAR_2)
    assert "staff_below_k" in report["missing"]
    assert all(row.figure.suppressed for row in report["indicators"] if row.group == "staff")
    assert all(a.this_year["staff"] is None for a in report["areas"])
    assert all(a.last_year["staff"] is None for a in report["areas"])  # below k last year too
    # The medians are those of the other units; with the small unit they would differ.
    shown = [area_mean(years.y2_staff[u], LED) for u in years.y2_staff if u != years.small]
    with_small = shown + [1.0]
    assert _area(report, "LED").median["staff"] == pytest.approx(median(shown))
    assert median(with_small) != pytest.approx(median(shown))
    org = selectors.org_report(_units(world), YEAR_2, world.huvudman)
    led = next(e for e in org["equity"] if e.code == "LED")
    assert (led.now.units_shown, led.now.units_total) == (4, 5)


def test_the_unit_plan_goals_activities_and_follow_up(world, years):
    fx = build_unit_plan(world, years)
    report = selectors.unit_report(world.unit_a, YEAR_2)
    p = report["plan"]
    assert p.plan == fx.plan and "no_plan" not in report["missing"]
    [goal] = p.goals
    assert goal.goal == fx.goal and [i.code for i in goal.items] == ["KOMP.P1"]
    assert goal.goal.baseline_text == "medel 3,2 av 5"
    assert {a.title: a.late for a in goal.activities} == {
        "Studiecirkel": False,
        "Workshop i lärplattformen": True,
    }
    assert [a.title for a in p.loose] == ["Studiebesök"]
    assert (p.counts["done"], p.counts["cancelled"], p.late) == (1, 1, 1)


def test_a_year_with_no_campaign(world, years):
    report = selectors.unit_report(world.unit_a, "2019/20")
    assert report["campaign"] is None and report["results"] is None
    assert report["missing"] == ["no_campaign", "no_plan"]
    org = selectors.org_report(_units(world), "2019/20", world.huvudman)
    assert org["campaign"] is None and org["missing"][0] == "no_campaign"
    assert org["equity"] == [] and org["trend"] == []


def test_a_campaign_with_no_leader_ratings(world):
    answers = [{"LED.P1": v, "KOMP.P1": v} for v in (1, 2, 3, 4, 5)]
    run_campaign(world, framework(world), {world.unit_a: answers, world.unit_b: answers})
    report = selectors.unit_report(world.unit_a, YEAR_2)
    assert "no_leader" in report["missing"] and "no_previous" in report["missing"]
    assert all(a.this_year["leader"] is None and a.gap is None for a in report["areas"])
    assert _area(report, "LED").this_year["staff"] == pytest.approx(3)
    org = selectors.org_report(_units(world), YEAR_2, world.huvudman)
    assert "no_leader" in org["missing"] and "no_previous" in org["missing"]


# ---- The organisation report ---------------------------------------------------------------


def test_participation_and_heatmap(world, years):
    org = selectors.org_report(_units(world), YEAR_2, world.huvudman)
    rates = {r.unit: r for r in org["results"]["rates"]}
    for unit, answers in years.y2_staff.items():
        assert rates[unit].answered == len(answers)
    assert [a.item.code for a in org["results"]["areas"]] == ["LED", "KOMP"]
    for unit, cells in org["results"]["heatmap"]:
        for codes, cell in zip((LED, KOMP), cells, strict=True):
            want = area_mean(years.y2_staff[unit], codes)
            assert cell.mean == (pytest.approx(want) if want is not None else None)


def test_equity_median_spread_behind_and_its_change(world, years):
    org = selectors.org_report(_units(world), YEAR_2, world.huvudman)
    units_1 = [u for u in years.y1_staff if u != years.small]
    units_2 = [u for u in years.y2_staff if u != years.small]
    for code, now_codes, then_codes in (("LED", LED, LED), ("KOMP", KOMP, ("KOMP.P1",))):
        row = next(e for e in org["equity"] if e.code == code)
        now = sorted(area_mean(years.y2_staff[u], now_codes) for u in units_2)
        then = sorted(area_mean(years.y1_staff[u], then_codes) for u in units_1)
        assert row.now.median == pytest.approx(quartile(now, 0.5))
        assert row.iqr == pytest.approx(quartile(now, 0.75) - quartile(now, 0.25))
        assert [h.median for h in row.history] == [
            pytest.approx(quartile(then, 0.5)),
            pytest.approx(quartile(now, 0.5)),
        ]
        assert row.change == pytest.approx(quartile(now, 0.5) - quartile(then, 0.5))
        assert row.iqr_change == pytest.approx(
            (quartile(now, 0.75) - quartile(now, 0.25)) - (quartile(then, 0.75) - quartile(then, 0.25))
        )
        behind = sorted((area_mean(years.y2_staff[u], now_codes), u.name) for u in units_2)[:3]
        assert [(u.name, pytest.approx(v)) for u, v in row.now.behind] == [(n, m) for m, n in behind]


def test_trends_follow_codes_across_versions_and_mark_new_indicators(world, years):
    org = selectors.org_report(_units(world), YEAR_2, world.huvudman)
    assert org["trend_campaigns"] == [years.year_1.campaign, years.year_2.campaign]
    assert "framework_changed" in org["missing"]
    komp = next(a for a in org["trend"] if a.code == "KOMP")
    assert not komp.is_new and not komp.gone
    lines = {line.code: line for line in komp.indicators}
    assert lines["KOMP.P2"].present == [False, True] and lines["KOMP.P2"].new_since == 1
    assert lines["KOMP.P2"].values[0] is None
    assert lines["KOMP.P1"].new_since is None
    for index, answers in enumerate((years.y1_staff, years.y2_staff)):
        pooled = [
            v for u, rows in answers.items() if u != years.small for v in column(rows, "KOMP.P1") if v != "na"
        ]
        assert lines["KOMP.P1"].values[index] == pytest.approx(mean(pooled))
    staff_line = next(line for line in komp.lines if line.group == "staff")
    assert staff_line.values == [
        pytest.approx(
            median([area_mean(years.y1_staff[u], ("KOMP.P1",)) for u in years.y1_staff if u != years.small])
        ),
        pytest.approx(
            median([area_mean(years.y2_staff[u], KOMP) for u in years.y2_staff if u != years.small])
        ),
    ]
    leader_line = next(line for line in komp.lines if line.group == "leader")
    assert leader_line.values == [median([1, 3, 2]), median([2, 4])]


def test_filters_by_node_and_school_form(world, years):
    managed = managed_nodes(world.strategist)
    soder = selectors.report_units(managed, node=years.soder)
    org = selectors.org_report(soder, YEAR_2, world.huvudman)
    assert [r.unit for r in org["results"]["rates"]] == [years.skola_2]
    led = next(e for e in org["equity"] if e.code == "LED")
    assert led.now.median == pytest.approx(area_mean(years.y2_staff[years.skola_2], LED))
    assert led.history[0].units_shown == 0  # Skola Två did not take part in year 1
    preschool = selectors.org_report(
        selectors.report_units(managed, school_form="FS"), YEAR_2, world.huvudman
    )
    assert [r.unit for r in preschool["results"]["rates"]] == [years.small]
    assert "staff_below_k" in preschool["missing"]
    assert all(e.now.median is None for e in preschool["equity"])
    assert [row.unit for row in preschool["plans"]["rows"]] == [years.small]


def test_plan_progress_per_unit(world, years):
    build_unit_plan(world, years)
    org = selectors.org_report(_units(world), YEAR_2, world.huvudman)
    row = next(r for r in org["plans"]["rows"] if r.unit == world.unit_a)
    assert (row.goals, row.activities, row.done, row.late, row.cancelled) == (1, 3, 1, 1, 1)
    assert [(area.code, n) for area, n in org["plans"]["priorities"]] == [("KOMP", 1)]
    assert "no_plans" not in org["missing"]


def test_the_first_year_has_no_previous_and_no_trend(world, years):
    report = selectors.unit_report(world.unit_a, YEAR_1)
    assert "no_previous" in report["missing"]
    assert all(a.last_year.get("staff") is None for a in report["areas"])
    org = selectors.org_report(_units(world), YEAR_1, world.huvudman)
    assert org["trend_campaigns"] == [years.year_1.campaign]
    assert all(e.change is None for e in org["equity"])


# ---- Snapshots read once per process ---------------------------------------------------------


def _reads_snapshot_data(queries) -> bool:
    return any('"data"' in q["sql"] and "resultsnapshot" in q["sql"] for q in queries)


def test_a_snapshot_is_decoded_once_and_forgotten_when_snapshots_change(world, years):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from digiplan.assessments.models import ResultSnapshot
    from digiplan.reports.selectors import snapshots

    snapshots.forget()
    first = selectors.unit_report(world.unit_a, YEAR_2)
    with CaptureQueriesContext(connection) as queries:
        again = selectors.unit_report(world.unit_a, YEAR_2)
    assert not _reads_snapshot_data(queries.captured_queries)
    assert [(a.code, a.this_year, a.last_year, a.median) for a in again["areas"]] == [
        (a.code, a.this_year, a.last_year, a.median) for a in first["areas"]
    ]
    # A snapshot written again (as a test database rolled back may, under the same id) is read
    # anew: its figures, not the ones kept, reach the report.
    snapshot = ResultSnapshot.objects.get(campaign=years.year_1.campaign)
    data = snapshot.data
    for unit in data["units"]:
        for area in unit["areas"]:
            if "staff" in area["means"] and area["means"]["staff"] is not None:
                area["means"]["staff"] = 4.75
    snapshot.data = data
    snapshot.save()
    with CaptureQueriesContext(connection) as queries:
        changed = selectors.unit_report(world.unit_a, YEAR_2)
    assert _reads_snapshot_data(queries.captured_queries)
    led = next(a for a in changed["areas"] if a.code == "LED")
    assert led.last_year["staff"] == 4.75
