"""The start page of each role in a real browser: the strategist, a unit leader and a staff
member each sign in and find their open work first, each item a link to where it is done, and
follow one. Every page visited is scanned by axe (see conftest.py); the texts are the Swedish
ones of digiplan/locale/sv."""

import datetime

from django.utils import timezone
from playwright.sync_api import Page, expect

from digiplan.lib import schoolyear
from digiplan.plans import services as plan_services
from digiplan.plans.models import Activity
from tests.browser.helpers import sign_out, url
from tests.conftest import PASSWORD
from tests.factories import CampaignFactory


def _work(world):
    """An open campaign over both units closing in ten days; unit A's published plan with an
    activity of the staff member that is four days late; unit B has no plan."""
    today = timezone.localdate()
    campaign = CampaignFactory(
        huvudman=world.huvudman,
        actor=world.strategist,
        units=[world.unit_a, world.unit_b],
        closes_on=today + datetime.timedelta(days=10),
        opened=True,
    )
    plan = plan_services.plan_create(
        actor=world.leader_a, organisation=world.unit_a, school_year=schoolyear.current()
    )
    plan_services.goal_create(actor=world.leader_a, plan=plan, title="Tryggare med verktygen")
    plan_services.plan_publish(actor=world.leader_a, plan=plan)
    activity = plan_services.activity_create(
        actor=world.leader_a,
        plan=plan,
        title="Prova den nya lärplattformen",
        owner=world.staff,
        due_on=today + datetime.timedelta(days=20),
    )
    Activity.objects.filter(pk=activity.pk).update(due_on=today - datetime.timedelta(days=4))
    return campaign, plan


def _box(page: Page, heading: str):
    return page.locator("section.panel").filter(has=page.get_by_role("heading", name=heading, level=2))


def test_each_role_finds_its_work_on_the_start_page(page: Page, live_server, login, world):
    campaign, plan = _work(world)

    # The strategist: the campaign to follow, and the units' plans.
    login(world.strategist.email, PASSWORD)
    page.goto(url(live_server, "home"))
    campaigns = _box(page, "Skattning att följa")
    expect(campaigns).to_contain_text("10 dagar kvar")
    expect(campaigns).to_contain_text("0 av 1 i personalen har svarat (0 %)")
    expect(campaigns).to_contain_text("2 enheter har inte skickat in ledningens skattning")
    plans = _box(page, f"Enheternas planer för {schoolyear.current()}")
    expect(plans).to_contain_text("Almskolan: 1 försenad aktivitet")
    expect(plans).to_contain_text("1 av 2 enheter har ingen plan än")
    campaigns.get_by_role("link", name="Alla enheters svar och påminnelser").click()
    expect(page).to_have_url(url(live_server, "campaign_detail", campaign.pk))
    sign_out(page)

    # The leader of unit A: the rating to do with its deadline, the unit's late activity.
    login(world.leader_a.email, PASSWORD)
    page.goto(url(live_server, "home"))
    led = _box(page, "Skattning av dina enheter")
    expect(led).to_contain_text("10 dagar kvar")
    expect(_box(page, f"Din enhets plan för {schoolyear.current()}")).to_contain_text("1 försenad aktivitet")
    led.get_by_role("link", name="Gör ledningens skattning – Almskolan").click()
    expect(page).to_have_url(url(live_server, "rating_edit", campaign.pk, world.unit_a.pk))
    sign_out(page)

    # Staff: their own questionnaire and their late activity, nothing of anyone else.
    login(world.staff.email, PASSWORD)
    page.goto(url(live_server, "home"))
    own = _box(page, "Din enkät")
    expect(own).to_contain_text("10 dagar kvar")
    expect(_box(page, "Dina aktiviteter som snart ska vara klara")).to_contain_text("4 dagar över tiden")
    expect(page.locator("main")).not_to_contain_text("har svarat (")
    expect(page.locator("main")).not_to_contain_text("Björkskolan")
    own.get_by_role("link", name="Svara på Skattning 2026/27 för Almskolan").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/svar/deltagande/" in page.url
