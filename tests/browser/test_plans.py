"""The digitalisation plan in a real browser, as issue 5 describes the journey: the leader reads
the unit's results, accepts three suggested goals, adds an example activity from the library,
names a staff member responsible and publishes; the staff member finds the activity under
"Mina aktiviteter" and marks it done; the leader records the spring follow-up.

Every page visited is scanned by axe and any console error fails the test (see conftest.py).
The texts asserted are the Swedish ones of digiplan/locale/sv.
"""

import re

from playwright.sync_api import Page, expect

from digiplan.plans import services as plan_services
from digiplan.plans.models import Activity, ActivityStatus, Goal, GoalOrigin, Plan, PlanStatus
from tests.assessments.test_results import framework, run_campaign
from tests.browser.helpers import choose_person, follow_up_plan, main_menu, url
from tests.conftest import PASSWORD

LIBRARY_TITLE = "Kollegialt lärande om lärplattformen"


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)


def unit_with_results(world):
    """Unit A after a closed self-assessment whose results make four suggestions: the leader
    rated LED.L1 lowest (1) and KOMP.L1 low (2), staff agree little with KOMP.P1 (mean 1,4) and
    much with LED.P1 (mean 4,6), so leader and staff also disagree on the area LED."""
    version = framework(world)
    staff = [{"LED.P1": led, "KOMP.P1": komp} for led, komp in ((5, 1), (5, 2), (4, 1), (5, 1), (4, 2))]
    fx = run_campaign(
        world, version, {world.unit_a: staff}, leader={world.unit_a: ({"LED.L1": 1, "KOMP.L1": 2}, {})}
    )
    plan_services.library_create(
        actor=world.strategist,
        huvudman=world.huvudman,
        title=LIBRARY_TITLE,
        description="Arbetslagen prövar ett verktyg i taget och delar erfarenheter.",
        items=[fx.items["KOMP"]],
        duration="En termin",
        publish=True,
    )
    return fx


def accept(page: Page, code: str, *, library: str | None = None) -> None:
    suggestion = page.locator("article.plan-suggestion").filter(
        has=page.get_by_role("heading", name=re.compile(re.escape(code)))
    )
    if library:
        suggestion.get_by_label(library).check()
    suggestion.get_by_role("button", name=re.compile(f"^Anta.*{re.escape(code)}")).click()
    page.wait_for_load_state()
    expect(page.get_by_role("status").first).to_be_visible()


def test_from_results_to_plan_to_done_to_follow_up(page: Page, live_server, login, world):
    fx = unit_with_results(world)

    # The leader starts this year's plan for the unit.
    login(world.leader_a.email, PASSWORD)
    main_menu(page).get_by_role("link", name="Planer").click()
    expect(page.get_by_role("heading", level=1, name="Digitaliseringsplaner")).to_be_visible()
    page.goto(url(live_server, "plan_create"))
    page.get_by_role("button", name="Skapa planen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Digitaliseringsplan"))
    plan = Plan.objects.get(organisation=world.unit_a)
    assert plan.status == PlanStatus.DRAFT

    # The results beside the plan, and the suggested goals drawn from them.
    results = page.get_by_role("region", name="Senaste resultat").or_(
        page.locator("section").filter(has=page.get_by_role("heading", name="Senaste resultat"))
    )
    expect(results.first).to_contain_text("Skattning 2026/27")
    suggestions = page.locator("article.plan-suggestion")
    expect(suggestions).to_have_count(4)
    expect(suggestions.first).to_contain_text("Ledningen skattade indikatorn lågt.")

    accept(page, "LED.L1")
    accept(page, "KOMP.P1", library=LIBRARY_TITLE)
    accept(page, "KOMP.L1")
    expect(suggestions).to_have_count(1)  # only the disagreement on LED is left
    goals = Goal.objects.filter(plan=plan)
    assert sorted(g.items.get().code for g in goals) == ["KOMP.L1", "KOMP.P1", "LED.L1"]
    assert {g.origin for g in goals} == {GoalOrigin.SUGGESTED}
    assert goals.get(items__code="KOMP.P1").baseline_text.endswith("(5 svar)")
    activity = Activity.objects.get(plan=plan)
    assert activity.title == LIBRARY_TITLE and activity.goal.items.get().code == "KOMP.P1"

    # The copied activity gets a responsible staff member and dates.
    page.get_by_role("link", name=LIBRARY_TITLE).first.click()
    page.get_by_role("link", name="Ändra").click()
    choose_person(page, "Ansvarig person", world.staff.name)
    page.get_by_label("Startdatum").fill("2026-09-01")
    page.get_by_label("Klart senast").fill("2027-03-31")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    activity.refresh_from_db()
    assert activity.owner == world.staff and str(activity.due_on) == "2027-03-31"

    page.get_by_role("link", name=plan.title).first.click()
    page.get_by_role("button", name="Publicera planen").click()
    page.wait_for_load_state()
    expect(page.locator(".plan-status")).to_have_text("Publicerad")
    sign_out(page)

    # The staff member finds the activity among their own and marks it done.
    login(world.staff.email, PASSWORD)
    main_menu(page).get_by_role("link", name="Mina aktiviteter").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=LIBRARY_TITLE))
    expect(row).to_contain_text("Almskolan")
    expect(row).to_contain_text("31 mars 2027")
    row.get_by_role("button", name=re.compile("^Markera som klar")).click()
    page.wait_for_load_state()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DONE
    assert activity.notes.get().author == world.staff
    sign_out(page)

    # In spring the leader follows the plan up.
    login(world.leader_a.email, PASSWORD)
    page.goto(url(live_server, "plan_detail", plan.pk))
    page.get_by_role("link", name="Följ upp planen").click()
    follow_up_plan(page, goals.order_by("order"), LIBRARY_TITLE, "Tre mål, ett uppnått. Arbetet fortsätter.")
    expect(page.get_by_role("table", name="Resultat per mål")).to_contain_text("Delvis uppnått")

    plan.refresh_from_db()
    assert plan.status == PlanStatus.FOLLOWED_UP
    assert plan.summary.startswith("Tre mål")
    assert sorted(Goal.objects.filter(plan=plan).values_list("outcome", flat=True)) == [
        "achieved",
        "not_achieved",
        "partly",
    ]
    assert fx.campaign.pk  # the plan's baselines came from this campaign
