"""Each role's start page lists its open work, each item a link to where it is done; with no
work it says so and names the next date. Staff see only their own questionnaire."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from digiplan.assessments import services as assessment_services
from digiplan.assessments.models import Participation
from digiplan.lib import schoolyear
from digiplan.organisations.models import Role
from digiplan.plans import services as plan_services
from digiplan.plans.models import Activity
from tests.factories import CampaignFactory, PersonFactory

HOME = "/"


def _page(client_for, persona: str) -> str:
    response = client_for(persona).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _campaign(world, *, days: int = 10, opened: bool = True, opens_in: int = 0):
    today = timezone.localdate()
    return CampaignFactory(
        huvudman=world.huvudman,
        actor=world.strategist,
        units=[world.unit_a, world.unit_b],
        opens_on=today + datetime.timedelta(days=opens_in),
        closes_on=today + datetime.timedelta(days=days),
        opened=opened,
    )


def _plan(world, unit, *, publish=True, follow_up_due=None):
    plan = plan_services.plan_create(
        actor=world.strategist,
        organisation=unit,
        school_year=schoolyear.current(),
        follow_up_due=follow_up_due,
    )
    plan_services.goal_create(actor=world.strategist, plan=plan, title="Tryggare med verktygen")
    return plan_services.plan_publish(actor=world.strategist, plan=plan) if publish else plan


def _activity(world, plan, title, *, due_in: int, owner=None):
    """An activity due in due_in days (negative: passed), owned by the given person."""
    today = timezone.localdate()
    activity = plan_services.activity_create(
        actor=world.strategist,
        plan=plan,
        title=title,
        owner=owner,
        due_on=today + datetime.timedelta(days=30),
    )
    # Straight to the table: a due date in the past is what makes an activity late.
    Activity.objects.filter(pk=activity.pk).update(due_on=today + datetime.timedelta(days=due_in))
    activity.refresh_from_db()
    return activity


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# ---- The strategist -------------------------------------------------------------------------------


def test_the_strategist_sees_the_open_campaign_with_rates_days_left_and_units_without_a_rating(
    world, client_for
):
    campaign = _campaign(world, days=3)
    page = _page(client_for, "strategist")
    assert reverse("campaign_detail", args=[campaign.pk]) in page
    closes = campaign.closes_on
    assert "Stänger den" in page and "3 dagar kvar" in page
    # The date in Swedish, the month in lower case.
    assert f"{closes.day} " in page and closes.strftime("%Y") in page
    # The staff persona is the one asked at unit A: nobody has answered yet.
    assert "0 av 1 i personalen har svarat (0 %)" in page
    assert "Almskolan: 0 av 1 (0 %)" in page
    assert "2 enheter har inte skickat in ledningens skattning" in page
    assert reverse("rating_edit", args=[campaign.pk, world.unit_a.pk]) in page
    assert reverse("rating_edit", args=[campaign.pk, world.unit_b.pk]) in page


def test_the_strategist_sees_a_campaign_about_to_be_opened(world, client_for):
    campaign = _campaign(world, opened=False, opens_in=5, days=40)
    page = _page(client_for, "strategist")
    assert "Inte öppnad än: planerad att öppna den" in page and "5 dagar kvar" in page
    assert reverse("campaign_detail", args=[campaign.pk]) in page


def test_the_strategist_sees_units_without_a_plan_late_activities_and_follow_ups(world, client_for):
    today = timezone.localdate()
    plan = _plan(world, world.unit_a, follow_up_due=today + datetime.timedelta(days=7))
    _activity(world, plan, "Fortbildning i lärplattformen", due_in=-4)
    page = _page(client_for, "strategist")
    year = schoolyear.current()
    assert f"Enheternas planer för {year}" in page
    # Unit B has no plan: named, and the overview of the year is the link.
    assert "1 av 2 enheter har ingen plan än" in page and "Björkskolan" in page
    assert f"{reverse('plan_overview')}?year={year}" in page
    assert "Almskolan: 1 försenad aktivitet" in page
    assert f"{reverse('plan_activities', args=[plan.pk])}?status=late" in page
    assert reverse("plan_follow_up", args=[plan.pk]) in page and "7 dagar kvar" in page


def test_the_work_due_soonest_comes_first(world, client_for):
    _campaign(world, days=20)
    plan = _plan(world, world.unit_a)
    _activity(world, plan, "Sen aktivitet", due_in=-2)
    page = _page(client_for, "strategist")
    # The late activity (two days ago) before the campaign closing in 20 days, the work before the roles.
    assert page.index("start-org-plans-heading") < page.index("start-campaigns-heading")
    assert page.index("start-campaigns-heading") < page.index("roles-heading")


# ---- The unit leader ---------------------------------------------------------------------------


def test_the_leader_sees_their_rating_to_do_with_its_deadline_and_their_units_response_count(
    world, client_for
):
    campaign = _campaign(world, days=1)
    page = _page(client_for, "leader_a")
    assert "Gör ledningens skattning" in page and "1 dag kvar" in page and "senast" in page
    assert reverse("rating_edit", args=[campaign.pk, world.unit_a.pk]) in page
    assert "0 av 1 i personalen har svarat (0 %)" in page
    # Nothing of unit B, nor the organisation's follow-up of the campaign.
    assert "Björkskolan" not in page
    assert reverse("rating_edit", args=[campaign.pk, world.unit_b.pk]) not in page
    assert f'href="{reverse("campaign_detail", args=[campaign.pk])}"' not in page


def test_leader_b_sees_only_unit_b(world, client_for):
    campaign = _campaign(world)
    page = _page(client_for, "leader_b")
    assert reverse("rating_edit", args=[campaign.pk, world.unit_b.pk]) in page
    assert "Almskolan" not in page


def test_a_submitted_rating_is_no_longer_work(world, client_for):
    from digiplan.assessments.models import LeaderRating, RatingStatus

    campaign = _campaign(world)
    LeaderRating.objects.create(campaign=campaign, unit=world.unit_a, status=RatingStatus.SUBMITTED)
    page = _page(client_for, "leader_a")
    assert "Ledningens skattning är inskickad." in page
    assert "Gör ledningens skattning" not in page


def test_the_leader_is_asked_to_write_the_plan_then_sees_its_late_activities(world, client_for):
    page = _page(client_for, "leader_a")
    assert "Skriv planen" in page and f"{reverse('plan_create')}?node={world.unit_a.pk}" in page
    plan = _plan(world, world.unit_a)
    late = _activity(world, plan, "Inventera datorerna", due_in=-10)
    _activity(world, plan, "Inte sen än", due_in=10)
    page = _page(client_for, "leader_a")
    assert "Skriv planen" not in page
    assert "1 försenad aktivitet" in page and reverse("activity_detail", args=[late.pk]) in page
    assert "Inte sen än" not in page


def test_a_draft_plan_is_work_to_finish(world, client_for):
    plan = _plan(world, world.unit_a, publish=False)
    page = _page(client_for, "leader_a")
    assert "Planen är ett utkast" in page and reverse("plan_detail", args=[plan.pk]) in page


def test_a_coordinator_sees_what_the_leader_sees_for_the_unit_they_help(world, client_for):
    from django.test import Client

    campaign = _campaign(world)
    coordinator = PersonFactory(
        name="Cia Koordinator",
        email="koordinator@sjovik.test",
        organisation=world.unit_b,
        role=Role.COORDINATOR,
    )
    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert reverse("rating_edit", args=[campaign.pk, world.unit_b.pk]) in page
    assert f"{reverse('plan_create')}?node={world.unit_b.pk}" in page
    assert "Almskolan" not in page


# ---- Staff ---------------------------------------------------------------------------------------


def test_staff_see_their_open_questionnaire_and_its_deadline_and_nothing_about_others(world, client_for):
    campaign = _campaign(world, days=12)
    participation = Participation.objects.get(campaign=campaign, person=world.staff)
    page = _page(client_for, "staff")
    assert reverse("survey_participation", args=[participation.pk]) in page
    assert "Svara på Skattning 2026/27 för Almskolan" in page and "12 dagar kvar" in page
    # No count of who has answered, no other unit, no leader rating, no campaign follow-up.
    assert "har svarat (" not in page and " av 1" not in page
    assert "Björkskolan" not in page and "ledningens skattning" not in page.lower()
    assert f'href="{reverse("campaign_detail", args=[campaign.pk])}"' not in page


def test_staff_who_have_answered_see_no_questionnaire(world, client_for):
    campaign = _campaign(world)
    participation = Participation.objects.get(campaign=campaign, person=world.staff)
    item = campaign.framework_version.items.filter(code="LED.P1").get()
    assert assessment_services.response_submit(participation=participation, answers={str(item.pk): "4"})
    page = _page(client_for, "staff")
    assert reverse("survey_participation", args=[participation.pk]) not in page
    assert 'id="start-questionnaire-heading"' not in page
    # Nothing to do: the next date is the campaign's closing.
    assert "Inget att göra just nu" in page and "Skattning 2026/27 stänger" in page


def test_staff_see_their_own_activities_that_are_due(world, client_for):
    plan = _plan(world, world.unit_a)
    own = _activity(world, plan, "Prova det nya kamerasystemet", due_in=3, owner=world.staff)
    _activity(world, plan, "Någon annans aktivitet", due_in=3, owner=world.leader_a)
    page = _page(client_for, "staff")
    assert reverse("activity_detail", args=[own.pk]) in page and "3 dagar kvar" in page
    assert "Någon annans aktivitet" not in page
    assert reverse("my_activities") in page


def test_staff_see_the_activities_they_take_part_in_once_and_not_a_draft_plans(world, client_for):
    today = timezone.localdate()
    plan = _plan(world, world.unit_a)
    shared = plan_services.activity_create(
        actor=world.strategist,
        plan=plan,
        title="Studiecirkel om AI",
        owner=world.staff,
        participants=[world.staff, world.leader_a],
        due_on=today + datetime.timedelta(days=6),
    )
    # A draft plan (next year's) is not yet anyone's work.
    draft = plan_services.plan_create(
        actor=world.strategist,
        organisation=world.unit_a,
        school_year=schoolyear.shifted(schoolyear.current(), 1),
    )
    plan_services.activity_create(
        actor=world.strategist,
        plan=draft,
        title="Utkastets aktivitet",
        owner=world.staff,
        due_on=today + datetime.timedelta(days=6),
    )
    page = _page(client_for, "staff")
    assert page.count(reverse("activity_detail", args=[shared.pk])) == 1
    assert "Utkastets aktivitet" not in page
    assert reverse("activity_detail", args=[shared.pk]) in _page(client_for, "leader_a")


def test_a_passed_due_date_says_how_many_days_over(world, client_for):
    plan = _plan(world, world.unit_a)
    _activity(world, plan, "Sen aktivitet", due_in=-1, owner=world.staff)
    assert "1 dag över tiden" in _page(client_for, "staff")


# ---- Nothing to do --------------------------------------------------------------------------------


def test_with_nothing_to_do_the_page_says_so_and_names_the_next_date(world, client_for):
    plan = _plan(world, world.unit_a)
    later = _activity(world, plan, "Utvärdera läsåret", due_in=60, owner=world.staff)
    page = _page(client_for, "staff")
    assert "Inget att göra just nu" in page
    assert "Nästa datum:" in page and "Utvärdera läsåret ska vara klar" in page
    assert reverse("activity_detail", args=[later.pk]) in page
    month = [
        "januari", "februari", "mars", "april", "maj", "juni",
        "juli", "augusti", "september", "oktober", "november", "december",
    ][later.due_on.month - 1]  # fmt: skip
    assert f"{later.due_on.day} {month} {later.due_on.year}" in page


def test_with_nothing_at_all_the_page_says_nothing_is_planned(world, client_for):
    page = _page(client_for, "staff")
    assert "Inget att göra just nu" in page and "Inget är planerat ännu." in page


def test_the_strategists_next_date_is_the_next_campaign_opening(world, client_for, monkeypatch):
    from digiplan.onboarding import panels
    from digiplan.onboarding.checklist import Checklist

    # A huvudman past its setup: the checklist is one line, not work.
    monkeypatch.setattr(panels, "setup_checklist", lambda huvudman: Checklist(steps=[]))
    campaign = _campaign(world, opened=False, opens_in=50, days=80)
    _plan(world, world.unit_a)
    _plan(world, world.unit_b)
    page = _page(client_for, "strategist")
    assert "Inget att göra just nu" in page and "Skattning 2026/27 öppnar" in page
    assert reverse("campaign_detail", args=[campaign.pk]) in page


@pytest.mark.parametrize("persona", ["strategist", "leader_a", "staff"])
def test_work_on_the_page_means_no_nothing_to_do(world, client_for, persona):
    _campaign(world)
    assert "Inget att göra just nu" not in _page(client_for, persona)


# ---- Reports to make ---------------------------------------------------------------------------


def test_a_closed_campaign_without_a_yearly_report_is_a_report_to_make(world, client_for):
    from digiplan.reports.models import PublicReport

    campaign = _campaign(world)
    assessment_services.campaign_close(actor=world.strategist, campaign=campaign)
    page = _page(client_for, "strategist")
    assert "Rapporter att göra" in page and "Publicera den offentliga årsrapporten för 2026/27" in page
    assert reverse("public_report_list") in page
    for persona in ("leader_a", "staff"):
        assert "Rapporter att göra" not in _page(client_for, persona)
    PublicReport.objects.create(
        huvudman=world.huvudman, school_year="2026/27", title="Årsrapport", token="t", data={}
    )
    assert "Rapporter att göra" not in _page(client_for, "strategist")


def test_the_strategists_next_date_can_be_a_follow_up_of_their_own_plan(world, client_for, monkeypatch):
    from digiplan.onboarding import panels
    from digiplan.onboarding.checklist import Checklist
    from tests.frameworks.test_roles_and_dates import _plan as framework_plan

    monkeypatch.setattr(panels, "setup_checklist", lambda huvudman: Checklist(steps=[]))
    _plan(world, world.unit_a)
    _plan(world, world.unit_b)
    # Beyond the 30 days in which a follow-up is a task on the start page.
    soon_after = timezone.localdate() + datetime.timedelta(days=45)
    version, _title = framework_plan(world, valid_to="2030-12-31", follow_up=soon_after.isoformat())
    page = _page(client_for, "strategist")
    assert "Inget att göra just nu" in page and "Uppföljning av " in page
    assert reverse("version_detail", args=[version.pk]) in page


def test_strategists_find_the_national_comparison_setting_from_their_start_page(world, client_for):
    assert f'href="{reverse("comparison_setting")}"' in _page(client_for, "strategist")
    assert reverse("comparison_setting") not in _page(client_for, "leader_a")
