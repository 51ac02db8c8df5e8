"""Suggested goals from a closed campaign, checked against figures worked out by hand.

The test framework (tests/assessment_helpers.py) has two areas, LED and KOMP, each with a leader
indicator (status 1–5) and a staff statement (agreement 1–5); KOMP also has a pupil statement.
A position on a 1–5 scale is (value − 1) / 4. Unit A's answers:

    leader  LED.L1 = 4  → 0.75   not weak (the bar is below 0.75)
            KOMP.L1 = 2 → 0.25   weak; target the next level, 3 "Påbörjad"
    staff   LED.P1  1,2,2,1,2 → mean 1.6 → 0.15   weak; target 1.6 + 0.5 = 2.1
            KOMP.P1 3,3,4,3,4 → mean 3.4 → 0.60   weak; target 3.9
    pupils  KOMP.E1 1,1,1 → three answers, under k = 5: suppressed, never suggested
    areas   LED:  leader 4 → 0.75, staff 1.6 → 0.15, apart 0.60 → disagreement
            KOMP: leader 2 → 0.25, staff 3.4 → 0.60, apart 0.35 → disagreement

So: the weak ones by position (LED.P1, KOMP.L1, KOMP.P1), then the disagreements, widest first
(LED, KOMP).
"""

from decimal import Decimal

import pytest

from digiplan.plans import selectors, services
from digiplan.plans.models import GoalOrigin
from tests.assessments.test_results import framework, run_campaign


@pytest.fixture
def fx(world):
    version = framework(world)
    staff = [{"LED.P1": led, "KOMP.P1": komp} for led, komp in ((1, 3), (2, 3), (2, 4), (1, 3), (2, 4))]
    result = run_campaign(
        world,
        version,
        staff={world.unit_a: staff},
        pupils={world.unit_a: [{"KOMP.E1": 1}] * 3},
        leader={world.unit_a: ({"LED.L1": 4, "KOMP.L1": 2}, {})},
    )
    result.plan = services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year="2026/27")
    return result


def codes(suggestions):
    return [(s.item.code, s.kind) for s in suggestions]


def test_the_weakest_indicators_then_the_widest_disagreements(fx):
    found = selectors.suggestions(fx.plan)
    assert codes(found) == [
        ("LED.P1", "staff"),
        ("KOMP.L1", "leader"),
        ("KOMP.P1", "staff"),
        ("LED", "gap"),
        ("KOMP", "gap"),
    ]
    by_code = {s.item.code: s for s in found}
    assert by_code["LED.P1"].baseline == Decimal("1.60")
    assert by_code["LED.P1"].target == Decimal("2.10")
    assert by_code["LED.P1"].position == pytest.approx(0.15)
    assert by_code["KOMP.L1"].baseline == Decimal("2.00")
    assert by_code["KOMP.L1"].target == Decimal("3.00")
    assert by_code["KOMP.L1"].target_text == "Påbörjad"
    assert by_code["KOMP.P1"].baseline == Decimal("3.40")
    assert by_code["KOMP.P1"].target == Decimal("3.90")
    assert by_code["LED"].position == pytest.approx(0.60)
    assert by_code["KOMP"].position == pytest.approx(0.35)
    assert by_code["LED"].baseline is None and by_code["LED"].target is None
    # The data behind the texts: "Leader 75 % of the scale, staff 15 %" once translated.
    assert "75" in by_code["LED"].baseline_text and "15" in by_code["LED"].baseline_text
    assert "1,6" in by_code["LED.P1"].baseline_text and "(5" in by_code["LED.P1"].baseline_text


def test_suppressed_pupil_figures_are_never_suggested(fx):
    assert "KOMP.E1" not in [s.item.code for s in selectors.suggestions(fx.plan)]


def test_an_indicator_at_three_quarters_is_not_weak(fx):
    assert "LED.L1" not in [s.item.code for s in selectors.suggestions(fx.plan)]


def test_dismissed_and_taken_items_are_left_out(fx, world):
    services.suggestion_dismiss(actor=world.leader_a, plan=fx.plan, item=fx.items["LED.P1"])
    services.goal_create(
        actor=world.leader_a,
        plan=fx.plan,
        title="Kompetensplan",
        items=[fx.items["KOMP.L1"], fx.items["KOMP"]],
        origin=GoalOrigin.SUGGESTED,
    )
    assert codes(selectors.suggestions(fx.plan)) == [("KOMP.P1", "staff"), ("LED", "gap")]


def test_accepting_a_dismissed_item_as_a_goal_clears_the_dismissal(fx, world):
    services.suggestion_dismiss(actor=world.leader_a, plan=fx.plan, item=fx.items["LED.P1"])
    services.goal_create(
        actor=world.leader_a,
        plan=fx.plan,
        title="Planen",
        items=[fx.items["LED.P1"]],
        origin=GoalOrigin.SUGGESTED,
    )
    assert not fx.plan.dismissed.exists()


def test_matching_example_activities_go_with_each_suggestion(fx, world):
    def entry(title, codes, **extra):
        return services.library_create(
            actor=world.strategist,
            huvudman=world.huvudman,
            title=title,
            items=[fx.items[c] for c in codes],
            publish=extra.pop("publish", True),
            **extra,
        )

    area = entry("Hela kompetensområdet", ["KOMP"])  # linked to the parent area
    led = entry("Planen på APT", ["LED.P1"], school_forms=["GR"])
    entry("Förskolans kompetens", ["KOMP"], school_forms=["FS"])  # another school form
    entry("Egen kurs", ["KOMP.P1"], for_staff=True)  # for staff on their own, not for plans
    entry("Ej publicerad", ["KOMP.L1"], publish=False)
    services.library_create(
        actor=world.other_strategist, huvudman=world.other_huvudman, title="Annan huvudmans", publish=True
    )

    by_code = {s.item.code: [a.title for a in s.activities] for s in selectors.suggestions(fx.plan)}
    assert by_code == {
        "LED.P1": [led.title],
        "KOMP.L1": [area.title],
        "KOMP.P1": [area.title],
        "LED": [],  # an entry on one indicator does not speak for its whole area
        "KOMP": [area.title],
    }


def test_no_suggestions_without_a_closed_campaign_or_for_a_central_plan(world):
    plan = services.plan_create(actor=world.leader_b, organisation=world.unit_b, school_year="2026/27")
    assert selectors.suggestions(plan) == []
    central = services.plan_create(
        actor=world.strategist, organisation=world.forvaltning, school_year="2026/27"
    )
    assert selectors.suggestions(central) == []
