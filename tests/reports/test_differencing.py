"""Subtracting one published figure from another must not give away a unit: each attack below
takes what the public reports (and, for insiders, their own pages) show and works out a single
unit's figures; each must fail.

The organisation: six units in Område Norr, five of them compulsory schools (GR) and one a
preschool (FS), "Förskolan Humlan". Every unit has a published plan and more than k staff
answers; Humlan has three pupil answers (fewer than k). The staff means of LED are chosen so that
Humlan's (3.0) is the third of six: the median of all six is (3.0 + 3.6) / 2, the median of the
five schools 3.6, so twice the one minus the other is Humlan's mean.
"""

import statistics
from types import SimpleNamespace

import pytest
from django.urls import reverse

from digiplan.organisations import access
from digiplan.organisations import services as org_services
from digiplan.organisations.models import Organisation, OrganisationType, Role
from digiplan.plans import services as plan_services
from digiplan.plans.models import ActivityStatus
from digiplan.reports import disclosure, public, selectors
from digiplan.reports.models import PublicReport
from tests.assessments.test_results import framework, new_unit, run_campaign

YEAR = "2026/27"
LED = {  # five answers each: the unit's LED mean
    "Almviksskolan": (1, 2, 2, 2, 2),  # 1.8
    "Bokskolan": (2, 2, 2, 2, 3),  # 2.2
    "Cederskolan": (3, 4, 4, 4, 3),  # 3.6
    "Dalaskolan": (4, 4, 4, 4, 5),  # 4.2
    "Eneskolan": (5, 5, 5, 5, 4),  # 4.8
    "Förskolan Humlan": (3, 3, 3, 3, 3),  # 3.0
}
PRESCHOOL = "Förskolan Humlan"
HUMLAN_PUPILS = 3
HUMLAN_ACTIVITIES = 5


def _plan(world, unit, activities: int):
    plan = plan_services.plan_create(
        actor=world.strategist, organisation=unit, school_year=YEAR, title=f"Plan {unit.name}"
    )
    goal = plan_services.goal_create(actor=world.strategist, plan=plan, title="Mål")
    for number in range(activities):
        plan_services.activity_create(
            actor=world.strategist,
            plan=plan,
            goal=goal,
            title=f"Aktivitet {number}",
            status=ActivityStatus.DONE,
        )
    return plan_services.plan_publish(actor=world.strategist, plan=plan)


def build(world, *, parents=None, humlan_pupils=HUMLAN_PUPILS):
    """parents: unit name → the area it lies in (Område Norr when not given)."""
    parents = parents or {}
    units = {
        name: new_unit(
            world, name, parent=parents.get(name), school_forms=("FS",) if name == PRESCHOOL else ("GR",)
        )
        for name in LED
    }
    staff = {units[name]: [{"LED.P1": v, "KOMP.P1": 3} for v in values] for name, values in LED.items()}
    pupils = {
        unit: [{"KOMP.E1": 4}] * (humlan_pupils if name == PRESCHOOL else 6) for name, unit in units.items()
    }
    run = run_campaign(
        world, framework(world), staff, pupils=pupils, units=list(units.values()), school_year=YEAR
    )
    for name, unit in units.items():
        _plan(world, unit, HUMLAN_ACTIVITIES if name == PRESCHOOL else 2)
    return SimpleNamespace(
        units=units, campaign=run.campaign, means={name: statistics.mean(v) for name, v in LED.items()}
    )


@pytest.fixture
def org(world):
    return build(world)


def publish(world, title, *, node=None, school_form="", managed=None):
    managed = managed if managed is not None else Organisation.objects.filter(huvudman=world.huvudman)
    return public.public_report_publish(
        actor=world.strategist,
        huvudman=world.huvudman,
        units=selectors.report_units(managed, node=node, school_form=school_form),
        school_year=YEAR,
        title=title,
        scope=", ".join(x for x in (node.name if node else "", school_form) if x),
    )


def _area(report, code="LED"):
    return next(a for a in report.data["areas"] if a["code"] == code)


def _differences(whole, part) -> dict:
    """Every figure of whole minus part that both reports show."""
    found = {}
    for section, names in (
        ("participation", ("asked", "answered", "pupil_responses")),
        ("plans", ("units_with_plan", "plans", "goals", "activities", "done")),
    ):
        for name in names:
            a, b = whole.data[section][name], part.data[section][name]
            if a is not None and b is not None:
                found[f"{section}.{name}"] = a - b
    return found


# ---- The public reader ----------------------------------------------------------------------


def test_whole_minus_a_part_gives_no_units_participation_pupils_or_plans(world, org):
    whole = publish(world, "Hela organisationen")
    schools = publish(world, "Grundskolan", school_form="GR")
    assert whole.data["participation"]["answered"] == 30  # the first report is complete
    # The attack: the preschool's staff answers, its three pupil answers, its plan.
    assert _differences(whole, schools) == {}
    assert schools.data["participation"]["overlap"] and schools.data["plans"]["overlap"]


def test_medians_of_nested_scopes_do_not_give_a_units_mean(world, org):
    whole = publish(world, "Hela organisationen")
    schools = publish(world, "Grundskolan", school_form="GR")
    assert _area(whole)["median"] == pytest.approx(3.3)
    part = _area(schools)["median"]
    # The attack: twice the whole's median minus the schools' is Humlan's mean.
    assert part is None or 2 * _area(whole)["median"] - part != pytest.approx(org.means[PRESCHOOL])
    assert part is None and _area(schools)["overlap"]


def test_the_part_published_first_withholds_the_whole(world, org):
    schools = publish(world, "Grundskolan", school_form="GR")
    whole = publish(world, "Hela organisationen")
    assert _differences(whole, schools) == {}
    assert whole.data["participation"]["overlap"]


def test_a_withdrawn_report_still_counts(world, org):
    # What was published may have been saved or printed before it was withdrawn.
    whole = publish(world, "Hela organisationen")
    public.public_report_withdraw(actor=world.strategist, report=whole)
    schools = publish(world, "Grundskolan", school_form="GR")
    assert _differences(whole, schools) == {}


def test_a_report_published_before_its_units_were_kept_counts_by_its_scope(world, org):
    whole = publish(world, "Hela organisationen")
    PublicReport.objects.filter(pk=whole.pk).update(disclosure={})
    schools = publish(world, "Grundskolan", school_form="GR")
    assert _differences(whole, schools) == {}


def test_the_organisation_median_of_every_units_report_counts_as_published(world, org):
    """No whole report is published, but every unit's report shows the median over all six
    units to its leader: with the schools' median, that gives Humlan's mean."""
    schools = publish(world, "Grundskolan", school_form="GR")
    unit_report = selectors.unit_report(org.units["Almviksskolan"], YEAR)
    everyone = next(a for a in unit_report["areas"] if a.code == "LED").median["staff"]
    assert everyone == pytest.approx(3.3)
    part = _area(schools)["median"]
    assert part is None or 2 * everyone - part != pytest.approx(org.means[PRESCHOOL])
    # Totals of the five schools alone are another matter: no report shows the six's.
    assert schools.data["participation"]["answered"] == 25


def test_parts_that_differ_by_three_units_are_both_published_in_full(world):
    soder = org_services.organisation_create(
        actor=None, parent=world.forvaltning, type=OrganisationType.OMRADE, name="Område Söder"
    )
    # Humlan's pupils above k too: else the pupils' figures of Norr would rest on two units.
    org = build(
        world, parents={"Cederskolan": soder, "Dalaskolan": soder, "Eneskolan": soder}, humlan_pupils=6
    )
    whole = publish(world, "Hela organisationen")
    south = publish(world, "Söder", node=soder)
    assert whole.disclosure["withheld"] == {} and south.disclosure["withheld"] == {}
    assert _area(south)["median"] == pytest.approx(
        statistics.median(org.means[n] for n in ("Cederskolan", "Dalaskolan", "Eneskolan"))
    )
    assert _differences(whole, south)["participation.answered"] == 15  # three units: allowed


# ---- Readers who know some units' figures ---------------------------------------------------


@pytest.fixture
def one_outside(world):
    """Humlan alone in Område Söder; an area head reads everything in Område Norr."""
    soder = org_services.organisation_create(
        actor=None, parent=world.forvaltning, type=OrganisationType.OMRADE, name="Område Söder"
    )
    org = build(world, parents={PRESCHOOL: soder})
    head = org_services.person_create(
        actor=None, huvudman=world.huvudman, name="Nora Norr", email="norr@sjovik.test"
    )
    org_services.membership_create(actor=None, person=head, organisation=world.omrade, role=Role.STRATEGIST)
    org.head, org.soder = head, soder
    return org


def test_an_area_head_cannot_subtract_the_areas_units_from_the_whole(world, one_outside):
    whole = publish(world, "Hela organisationen")
    mine = selectors.org_report(
        selectors.report_units(access.managed_nodes(one_outside.head)), YEAR, world.huvudman
    )["results"]
    known = sum(row.answered for row in mine["rates"])
    pupils = sum(row.pupil_responses for row in mine["rates"])
    p = whole.data["participation"]
    # The attack: the whole's totals minus the area's own rows are Humlan's.
    assert p["answered"] is None or p["answered"] - known != 5
    assert p["pupil_responses"] is None or p["pupil_responses"] - pupils != HUMLAN_PUPILS


def test_an_area_heads_unit_reports_hide_the_median_that_gives_away_the_unit_outside(world, one_outside):
    """The median over all six units, in a Norr unit's report, with the five Norr units'
    means the area head sees, gives Humlan's mean."""
    report = selectors.unit_report(one_outside.units["Almviksskolan"], YEAR)
    median = next(a for a in report["areas"] if a.code == "LED").median["staff"]
    norr = sorted(m for name, m in one_outside.means.items() if name != PRESCHOOL)
    assert median is None or 2 * median - norr[2] != pytest.approx(one_outside.means[PRESCHOOL])
    pooled = [row.org_value for row in report["indicators"] if row.group == "staff"]
    assert pooled and all(value is None for value in pooled)


def test_without_an_area_membership_the_unit_report_shows_the_median(world):
    soder = org_services.organisation_create(
        actor=None, parent=world.forvaltning, type=OrganisationType.OMRADE, name="Område Söder"
    )
    org = build(world, parents={PRESCHOOL: soder})
    report = selectors.unit_report(org.units["Almviksskolan"], YEAR)
    assert next(a for a in report["areas"] if a.code == "LED").median["staff"] == pytest.approx(3.3)


# ---- What the strategist and the public are told --------------------------------------------


def test_the_strategist_is_told_which_report_the_withheld_figures_conflict_with(world, org, client_for):
    client = client_for("strategist")
    client.post(reverse("public_report_create"), {"school_year": YEAR, "title": "Hela organisationen"})
    response = client.post(
        reverse("public_report_create"),
        {"school_year": YEAR, "title": "Grundskolan", "school_form": "GR"},
        follow=True,
    )
    page = response.content.decode()
    assert "Vissa värden i ”Grundskolan” visas inte" in page
    assert "”Hela organisationen” (hela organisationen, 2026/27)" in page
    assert "färre än 3 enheter" in page
    report = PublicReport.objects.get(title="Grundskolan")
    public_page = client_for("anonymous").get(reverse("public_report", args=[report.token]))
    text = public_page.content.decode()
    assert "tillsammans med en annan publicerad rapport" in text


def test_the_units_a_report_rests_on_are_kept_but_never_shown(world, org, client_for):
    report = publish(world, "Hela organisationen")
    assert sorted(report.disclosure["units"]) == sorted(
        selectors.report_units(Organisation.objects.filter(huvudman=world.huvudman)).values_list(
            "pk", flat=True
        )
    )
    assert "disclosure" not in str(report.data)


# ---- The arithmetic -------------------------------------------------------------------------


def test_whole_minus_part_is_the_unit_left_out():
    assert disclosure.derivable([{1, 2, 3, 4, 5}, {1, 2, 3, 4}], below=3) == [{5}]


def test_overlapping_scopes_give_the_difference_of_two_units():
    assert disclosure.derivable([{1, 2, 3, 4}, {2, 3, 4, 5}], below=3) == [{1, 5}]


def test_a_leader_who_knows_the_own_unit_learns_the_other_one():
    assert disclosure.derivable([{1, 2, 3, 4}, {2, 3, 4, 5}], below=2, known={1}) == [{5}]


def test_three_units_are_enough():
    assert disclosure.derivable([{1, 2, 3, 4, 5, 6}, {1, 2, 3}], below=3) == []


def test_a_combination_of_many_scopes_is_found():
    # No two of these differ by fewer than three units, yet C − D + A is unit 9 alone.
    a, b, c, d = {1, 2, 3, 4}, {3, 4, 5, 6}, {5, 6, 7, 8, 9}, {1, 2, 3, 4, 5, 6, 7, 8}
    assert disclosure.derivable([a, b, c], below=3) == []
    assert disclosure.derivable([a, b, c, d], below=3) == [{9}]


def test_what_was_exposed_before_is_not_blamed_on_the_new_set():
    before = [{1, 2, 3, 4, 5}, {1, 2, 3, 4}]
    assert disclosure.exposed(before, [*before, {1, 2, 3, 4, 5}], below=3) == []
    assert disclosure.exposed(before, [*before, {1, 2, 3}], below=3) == [{4}]
