"""Two school years of self-assessments with chosen answers, for the report tests.

Year 1 (2025/26) runs the test framework's first version; year 2 (2026/27) its second version,
where KOMP gains the staff indicator KOMP.P2. Four units answer above k both years, one unit
(in another område) answers year 2 only, and "Lilla skolan" (förskola) stays below k."""

import datetime
import statistics
from types import SimpleNamespace

from digiplan.organisations import services as org_services
from digiplan.organisations.models import OrganisationType
from digiplan.plans import services as plan_services
from digiplan.plans.models import ActivityStatus
from tests.assessments.test_results import (
    INDICATORS_V2,
    column,
    expected,
    framework,
    new_unit,
    quartile,
    run_campaign,
)

__all__ = [
    "INDICATORS_V2",
    "column",
    "expected",
    "framework",
    "new_unit",
    "quartile",
    "run_campaign",
    "build_years",
    "mean",
    "area_mean",
]

YEAR_1, YEAR_2 = "2025/26", "2026/27"


def mean(values):
    return sum(values) / len(values)


def area_mean(answers, codes, k=5):
    """The mean of the shown indicator means (None when none is shown)."""
    means = [e["mean"] for code in codes if (e := expected(column(answers, code), k))]
    return mean(means) if means else None


def staff(led, komp, komp2=None):
    rows = []
    for number, (a, b) in enumerate(zip(led, komp, strict=True)):
        row = {"LED.P1": a, "KOMP.P1": b}
        if komp2 is not None:
            row["KOMP.P2"] = komp2[number]
        rows.append(row)
    return rows


def build_years(world):
    soder = org_services.organisation_create(
        actor=None, parent=world.forvaltning, type=OrganisationType.OMRADE, name="Område Söder"
    )
    skola_1 = new_unit(world, "Skola Ett")
    skola_2 = new_unit(world, "Skola Två", parent=soder)
    small = new_unit(world, "Lilla skolan", school_forms=("FS",))
    a, b = world.unit_a, world.unit_b

    y1_staff = {
        a: staff((3, 3, 2, 2, 4, "na"), (2, 2, 3, 1, 2, 2)),
        b: staff((4, 4, 5, 3, 4), (3, 4, 4, 4, 5)),
        skola_1: staff((2, 2, 2, 3, 1), (1, 2, 2, 2, 3)),
        small: staff((5, 5, 5), (5, 5, 5)),
    }
    y1_leader = {
        a: ({"LED.L1": 2, "KOMP.L1": 1}, {}),
        b: ({"LED.L1": 4, "KOMP.L1": 3}, {}),
        skola_1: ({"LED.L1": 3, "KOMP.L1": 2}, {}),
    }
    year_1 = run_campaign(
        world, framework(world), y1_staff, leader=y1_leader, units=[a, b, skola_1, small], school_year=YEAR_1
    )

    y2_staff = {
        a: staff((4, 4, 3, 5, 4, "na"), (3, 3, 4, 2, 3, 4), (2, 2, 3, 3, "na", 2)),
        b: staff((5, 4, 5, 4, 4), (4, 4, 5, 4, 5), (4, 4, 4, 5, 3)),
        skola_1: staff((2, 3, 2, 3, 2), (2, 2, 3, 2, 3), (1, 1, 2, 2, 1)),
        skola_2: staff((3, 3, 4, 3, 3, 3), (3, 4, 4, 3, 3, 3), (3, 3, 3, 4, 4, 4)),
        small: staff((1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1)),
    }
    y2_pupils = {a: [{"KOMP.E1": v} for v in (4, 5, 3, "na", 5, 2)]}
    y2_leader = {
        a: ({"LED.L1": 4, "KOMP.L1": 2}, {"LED.L1": "<script>alert(1)</script>"}),
        b: ({"LED.L1": 5, "KOMP.L1": 4}, {}),
        skola_1: ({"LED.L1": 2, "KOMP.L1": "na"}, {}),
    }
    comments = {a: ["Vi behöver mer tid.", "", "Bra fortbildning i år."]}
    year_2 = run_campaign(
        world,
        framework(world, INDICATORS_V2),
        y2_staff,
        pupils=y2_pupils,
        leader=y2_leader,
        comments=comments,
        units=[a, b, skola_1, skola_2, small],
        school_year=YEAR_2,
    )
    return SimpleNamespace(
        year_1=year_1,
        year_2=year_2,
        y1_staff=y1_staff,
        y2_staff=y2_staff,
        y1_leader=y1_leader,
        y2_leader=y2_leader,
        y2_pupils=y2_pupils,
        small=small,
        skola_1=skola_1,
        skola_2=skola_2,
        soder=soder,
        comments=comments,
    )


def build_unit_plan(world, years):
    """Unit A's published plan for year 2: a goal on KOMP.P1 with one done, one late and one
    cancelled activity, followed up."""
    plan = plan_services.plan_create(
        actor=world.leader_a,
        organisation=world.unit_a,
        school_year=YEAR_2,
        title="Almskolans plan 2026/27",
        follow_up_due=datetime.date(2027, 5, 31),
    )
    goal = plan_services.goal_create(
        actor=world.leader_a,
        plan=plan,
        title="Tryggare med verktygen",
        items=[years.year_2.items["KOMP.P1"]],
        baseline_text="medel 3,2 av 5",
        target_text="medel minst 4",
    )
    done = plan_services.activity_create(
        actor=world.leader_a,
        plan=plan,
        goal=goal,
        title="Studiecirkel",
        due_on=datetime.date(2026, 10, 1),
        status=ActivityStatus.DONE,
    )
    late = plan_services.activity_create(
        actor=world.leader_a,
        plan=plan,
        goal=goal,
        title="Workshop i lärplattformen",
        due_on=datetime.date(2020, 1, 31),
    )
    cancelled = plan_services.activity_create(
        actor=world.leader_a, plan=plan, title="Studiebesök", status=ActivityStatus.CANCELLED
    )
    plan = plan_services.plan_publish(actor=world.leader_a, plan=plan)
    return SimpleNamespace(plan=plan, goal=goal, done=done, late=late, cancelled=cancelled)


def median(values):
    return statistics.median(values)
