"""The organisation overview, the year view (årshjul) and the unit goals on the chain of steering
(styrkedja): who sees them, and that their figures equal what the test itself counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from digiplan.assessments.models import Campaign, CampaignStatus
from digiplan.lib.schoolyear import of as school_year_of
from digiplan.organisations import services as org_services
from digiplan.organisations.models import OrganisationType, Role
from digiplan.plans import services
from digiplan.plans.models import OPEN_STATUSES, ActivityStatus, Plan, PlanStatus
from tests.conftest import PASSWORD
from tests.framework_helpers import build_frameworks
from tests.plan_helpers import build_plan

pytestmark = pytest.mark.django_db

YEAR = "2026/27"  # build_plan's school year


def _today():
    return timezone.localdate()


def _add(plan, world, title, *, status=ActivityStatus.PLANNED, due=None, actor=None):
    return services.activity_create(
        actor=actor or world.strategist, plan=plan, title=title, status=status, due_on=due
    )


def _scenario(world):
    """Unit A: build_plan's published plan and four more activities. Unit B: a draft with two."""
    fx = build_plan(world)
    past = _today() - datetime.timedelta(days=3)
    _add(fx.plan, world, "Klar aktivitet", status=ActivityStatus.DONE)
    _add(fx.plan, world, "Sen aktivitet", due=past)
    _add(fx.plan, world, "Inställd aktivitet", status=ActivityStatus.CANCELLED, due=past)
    _add(
        fx.plan,
        world,
        "Pågående aktivitet",
        status=ActivityStatus.ONGOING,
        due=_today() + datetime.timedelta(days=30),
    )
    plan_b = services.plan_create(actor=world.leader_b, organisation=world.unit_b, school_year=YEAR)
    services.goal_create(
        actor=world.leader_b, plan=plan_b, title="Mål om kompetens", items=[fx.items["KOMP.L1"]]
    )
    services.goal_create(
        actor=world.leader_b, plan=plan_b, title="Mål om ledning", items=[fx.items["LED.L1"]]
    )
    for _ in range(2):
        services.activity_from_library(
            actor=world.leader_b, plan=plan_b, library_activity=fx.entry, due_on=past
        )
    services.activity_progress(
        actor=world.leader_b, activity=plan_b.activities.first(), status=ActivityStatus.DONE
    )
    return fx, plan_b


def _expected_figures(plan: Plan) -> dict:
    """What the overview must show for one plan, counted here from the activities."""
    activities = list(plan.activities.all())
    counted = [a for a in activities if a.status != ActivityStatus.CANCELLED]
    done = sum(1 for a in activities if a.status == ActivityStatus.DONE)
    return {
        "goals": plan.goals.count(),
        "activities": len(activities),
        "done_percent": round(100 * done / len(counted)) if counted else None,
        "late": sum(1 for a in activities if a.status in OPEN_STATUSES and a.due_on and a.due_on < _today()),
    }


def _figures(row) -> dict:
    return {
        "goals": row.goals,
        "activities": row.activities,
        "done_percent": row.done_percent,
        "late": row.late,
    }


# ---- The organisation overview -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["leader_a", "leader_b", "staff"])
def test_overview_is_for_strategists_only(world, client_for, persona):
    build_plan(world)
    assert client_for(persona).get(reverse("plan_overview")).status_code == 403


def test_overview_requires_sign_in(world, client_for):
    response = client_for("anonymous").get(reverse("plan_overview"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_overview_figures_equal_the_activities_created(world, client_for):
    fx, plan_b = _scenario(world)
    response = client_for("strategist").get(reverse("plan_overview"), {"year": YEAR})
    assert response.status_code == 200
    rows = {row.unit.name: row for row in response.context["rows"]}
    assert set(rows) == {"Almskolan", "Björkskolan"}
    assert _figures(rows["Almskolan"]) == _expected_figures(fx.plan)
    assert _figures(rows["Björkskolan"]) == _expected_figures(plan_b)
    # Spelled out, so that a mistake in the helper above cannot hide one in the page: unit A
    # has 5 activities, 1 done of 4 not cancelled, 1 late; unit B 1 done of 2, 1 late.
    assert _figures(rows["Almskolan"]) == {"goals": 1, "activities": 5, "done_percent": 25, "late": 1}
    assert _figures(rows["Björkskolan"]) == {"goals": 2, "activities": 2, "done_percent": 50, "late": 1}
    counts = {s["key"]: s["count"] for s in response.context["status_counts"]}
    assert counts == {"none": 0, "draft": 1, "published": 1, "followed_up": 0}
    totals = response.context["totals"]
    assert (totals["activities"], totals["late"], totals["done_percent"]) == (7, 2, 33)
    html = response.content.decode()
    assert reverse("plan_detail", args=[fx.plan.pk]) in html
    assert reverse("plan_detail", args=[plan_b.pk]) in html


def test_overview_counts_units_without_a_plan(world, client_for):
    build_plan(world)
    response = client_for("strategist").get(reverse("plan_overview"), {"year": "2027/28"})
    counts = {s["key"]: s["count"] for s in response.context["status_counts"]}
    assert counts == {"none": 2, "draft": 0, "published": 0, "followed_up": 0}
    assert all(row.plan is None for row in response.context["rows"])


def test_overview_shows_priorities_library_use_and_national_coverage(world, client_for):
    fw = build_frameworks(world)
    fx, plan_b = _scenario(world)
    services.goal_create(
        actor=world.leader_b, plan=plan_b, title="Mål i kommunens plan", items=[fw.published_item]
    )  # DK.1, which derives from national 1.2
    response = client_for("strategist").get(reverse("plan_overview"), {"year": YEAR})
    priorities = {area.code: n for area, n in response.context["priorities"]}
    assert priorities == {"KOMP": 2, "LED": 1, "DK": 1}
    used = {e.title: (e.uses, e.units) for e in response.context["library_used"]}
    assert used == {fx.entry.title: (3, 2)}
    national = {row["item"].code: row["goals"] for row in response.context["national"]}
    assert national == {"1.1": 0, "1.2": 1, "2.1": 0}
    assert [row["item"].code for row in response.context["national"]] == ["1.1", "1.2", "2.1"]

    # Another year's goal on the same item does not count for this year.
    earlier = services.plan_create(actor=world.leader_b, organisation=world.unit_b, school_year="2024/25")
    services.goal_create(
        actor=world.leader_b, plan=earlier, title="Förra årets mål", items=[fw.published_item]
    )
    response = client_for("strategist").get(reverse("plan_overview"), {"year": YEAR})
    assert {row["item"].code: row["goals"] for row in response.context["national"]}["1.2"] == 1


def test_overview_filters_by_school_form_and_part_of_the_organisation(world, client_for):
    _scenario(world)
    other_area = org_services.organisation_create(
        actor=None, parent=world.forvaltning, type=OrganisationType.OMRADE, name="Område Syd"
    )
    org_services.organisation_create(
        actor=None,
        parent=other_area,
        type=OrganisationType.SKOLENHET,
        name="Cederskolan",
        school_unit_code="44444444",
        school_forms=["GY"],
    )
    client = client_for("strategist")

    def names(**params):
        response = client.get(reverse("plan_overview"), {"year": YEAR, **params})
        return [row.unit.name for row in response.context["rows"]]

    assert names() == ["Almskolan", "Björkskolan", "Cederskolan"]
    assert names(skolform="FTH") == ["Björkskolan"]
    assert names(skolform="GY") == ["Cederskolan"]
    assert names(**{"del": world.omrade.pk}) == ["Almskolan", "Björkskolan"]
    assert names(**{"del": other_area.pk}) == ["Cederskolan"]


def test_a_strategist_of_one_area_sees_only_its_units(world, client_for):
    _scenario(world)
    area = org_services.organisation_create(
        actor=None, parent=world.forvaltning, type=OrganisationType.OMRADE, name="Område Syd"
    )
    org_services.organisation_create(
        actor=None,
        parent=area,
        type=OrganisationType.SKOLENHET,
        name="Cederskolan",
        school_unit_code="44444444",
    )
    person = org_services.person_create(
        actor=None, huvudman=world.huvudman, name="Sol Strateg", email="sol@sjovik.test"
    )
    person.set_password(PASSWORD)
    person.save()
    org_services.membership_create(actor=None, person=person, organisation=area, role=Role.STRATEGIST)
    client = client_for("anonymous")
    client.force_login(person)
    response = client.get(reverse("plan_overview"), {"year": YEAR})
    assert [row.unit.name for row in response.context["rows"]] == ["Cederskolan"]
    assert "Almskolan" not in response.content.decode()


def test_another_huvudmans_strategist_sees_only_their_own_units(world, client_for):
    _scenario(world)
    response = client_for("other_strategist").get(reverse("plan_overview"), {"year": YEAR})
    assert response.status_code == 200
    assert [row.unit.name for row in response.context["rows"]] == ["Ekskolan"]
    html = response.content.decode()
    assert "Almskolan" not in html and "Studiecirkel" not in html


def test_overview_escapes_html_in_names(world, client_for):
    fx = build_plan(world)
    services.library_update(
        actor=world.strategist,
        entry=fx.entry,
        revision=None,
        title="<img src=x onerror=alert(1)>",
        publish=True,
    )
    html = client_for("strategist").get(reverse("plan_overview"), {"year": YEAR}).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_bad_year_falls_back_to_the_current_one(world, client_for):
    response = client_for("strategist").get(reverse("plan_overview"), {"year": "<script>"})
    assert response.status_code == 200
    assert response.context["year"] == school_year_of(_today())


# ---- The year view -------------------------------------------------------------------------------


def _month_html(html: str, first: datetime.date) -> str:
    """The part of the page that belongs to one month."""
    start = html.index(f'id="month-{first:%Y-%m}"')
    end = html.find('class="year-month"', start)
    return html[start : end if end != -1 else len(html)]


def test_year_view_shows_a_due_date_in_its_month(world, client_for):
    fx = build_plan(world)  # due 31 March 2027, owned by the staff persona
    response = client_for("staff").get(reverse("plan_year"), {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    march = _month_html(html, datetime.date(2027, 3, 1))
    assert fx.activity.title in march
    assert reverse("activity_detail", args=[fx.activity.pk]) in march
    assert fx.activity.title not in _month_html(html, datetime.date(2027, 2, 1))
    assert fx.activity.title not in _month_html(html, datetime.date(2027, 4, 1))
    # The spring follow-up deadline, 31 May 2027.
    assert fx.plan.title in _month_html(html, datetime.date(2027, 5, 1))
    months = [m.first.month for term in response.context["terms"] for m in term["months"]]
    assert months == [7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6]


def test_year_view_marks_late_activities_in_text(world, client_for):
    past = _today() - datetime.timedelta(days=3)
    year = school_year_of(past)
    plan = services.plan_create(actor=world.leader_b, organisation=world.unit_b, school_year=year)
    services.goal_create(actor=world.leader_b, plan=plan, title="Ett mål")
    services.activity_create(actor=world.leader_b, plan=plan, title="Försenad aktivitet", due_on=past)
    services.activity_create(
        actor=world.leader_b, plan=plan, title="Klar i tid", due_on=past, status=ActivityStatus.DONE
    )
    services.plan_publish(actor=world.leader_b, plan=plan)
    response = client_for("leader_b").get(reverse("plan_year"), {"year": year})
    month = _month_html(response.content.decode(), past.replace(day=1))
    rows = month.split("<tr")
    late_row = next(row for row in rows if "Försenad aktivitet" in row)
    done_row = next(row for row in rows if "Klar i tid" in row)
    assert "badge-late" in late_row and "badge-late" not in done_row
    events = [e for t in response.context["terms"] for m in t["months"] for e in m.events]
    late = {e["title"]: e["late"] for e in events if e["kind"] == "activity"}
    assert late == {"Försenad aktivitet": True, "Klar i tid": False}
    assert response.context["late_count"] == 1


def test_year_view_shows_only_plans_the_person_can_read(world, client_for):
    build_plan(world)
    draft = services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year="2027/28")
    services.activity_create(
        actor=world.leader_a, plan=draft, title="Utkastets aktivitet", due_on=datetime.date(2027, 10, 15)
    )
    seen = {}
    for persona in ("strategist", "leader_a", "leader_b", "staff", "other_strategist"):
        response = client_for(persona).get(reverse("plan_year"), {"year": "2027/28"})
        assert response.status_code == 200
        seen[persona] = "Utkastets aktivitet" in response.content.decode()
    assert seen == {
        "strategist": True,
        "leader_a": True,
        "leader_b": False,
        "staff": False,
        "other_strategist": False,
    }
    published = {}
    for persona in ("leader_b", "staff", "other_strategist"):
        html = client_for(persona).get(reverse("plan_year"), {"year": YEAR}).content.decode()
        published[persona] = "Studiecirkel om lärplattformen" in html
    assert published == {"leader_b": False, "staff": True, "other_strategist": False}


def test_year_view_shows_the_campaign_but_not_a_draft_one_to_staff(world, client_for):
    fx = build_plan(world)
    client = client_for("staff")
    events = [
        e
        for t in client.get(reverse("plan_year"), {"year": YEAR}).context["terms"]
        for m in t["months"]
        for e in m.events
    ]
    kinds = {e["kind"] for e in events}
    assert {"campaign_opens", "campaign_closes", "activity", "follow_up"} <= kinds
    Campaign.objects.filter(pk=fx.campaign.pk).update(status=CampaignStatus.DRAFT)
    events = [
        e
        for t in client.get(reverse("plan_year"), {"year": YEAR}).context["terms"]
        for m in t["months"]
        for e in m.events
    ]
    assert not any(e["kind"].startswith("campaign") for e in events)
    strategist_events = [
        e
        for t in client_for("strategist").get(reverse("plan_year"), {"year": YEAR}).context["terms"]
        for m in t["months"]
        for e in m.events
    ]
    assert any(e["kind"] == "campaign_opens" for e in strategist_events)


def test_year_view_filters_by_unit(world, client_for):
    _scenario(world)
    client = client_for("strategist")
    response = client.get(reverse("plan_year"), {"year": YEAR, "enhet": world.unit_b.pk})
    units = {
        e["unit"].name
        for t in response.context["terms"]
        for m in t["months"]
        for e in m.events
        if e.get("unit")
    }
    assert units == {"Björkskolan"}


def test_year_view_escapes_html_in_titles(world, client_for):
    fx = build_plan(world)
    services.activity_create(
        actor=world.leader_a, plan=fx.plan, title="<b>Fet</b> aktivitet", due_on=datetime.date(2027, 1, 10)
    )
    html = client_for("leader_a").get(reverse("plan_year"), {"year": YEAR}).content.decode()
    assert "<b>Fet</b>" not in html
    assert "&lt;b&gt;Fet&lt;/b&gt; aktivitet" in html


def test_year_view_requires_sign_in(client_for):
    response = client_for("anonymous").get(reverse("plan_year"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# ---- Unit goals on the chain of steering ---------------------------------------------------------


def _chain_goals(world):
    """A published goal (build_plan's plan of unit A) and a draft goal (next year's plan of
    unit A), both linked to the municipal DK.1, which derives from national 1.2."""
    fw = build_frameworks(world)
    fx = build_plan(world)
    published = services.goal_create(
        actor=world.leader_a, plan=fx.plan, title="Publicerat <em>mål</em>", items=[fw.published_item]
    )
    draft_plan = services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year="2027/28")
    draft = services.goal_create(
        actor=world.leader_a, plan=draft_plan, title="Utkastets mål", items=[fw.published_item]
    )
    assert draft_plan.status == PlanStatus.DRAFT
    return fw, published, draft


def _goal_titles(response, group) -> set[str]:
    return {g.title for g in response.context["unit_goals"][group]}


def test_the_chain_page_lists_unit_goals_linked_to_the_item(world, client_for):
    fw, published, draft = _chain_goals(world)
    url = reverse("item_chain", args=[fw.published_item.pk])
    response = client_for("strategist").get(url)
    assert _goal_titles(response, "direct") == {published.title, draft.title}
    html = response.content.decode()
    assert reverse("plan_detail", args=[published.plan_id]) in html
    assert "Almskolan" in html and "2026/27" in html
    assert "&lt;em&gt;mål&lt;/em&gt;" in html and "<em>mål</em>" not in html


def test_the_chain_page_of_a_parent_or_a_cited_item_lists_the_goals_below(world, client_for):
    fw, published, draft = _chain_goals(world)
    area = fw.published.items.get(code="DK")
    national = fw.national.items.get(code="1.2")
    for item in (area, national):
        response = client_for("leader_a").get(reverse("item_chain", args=[item.pk]))
        assert _goal_titles(response, "direct") == set()
        assert _goal_titles(response, "below") == {published.title, draft.title}
    unrelated = fw.national.items.get(code="2.1")
    response = client_for("strategist").get(reverse("item_chain", args=[unrelated.pk]))
    assert _goal_titles(response, "direct") | _goal_titles(response, "below") == set()


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("strategist", {"Publicerat <em>mål</em>", "Utkastets mål"}),
        ("leader_a", {"Publicerat <em>mål</em>", "Utkastets mål"}),
        ("staff", {"Publicerat <em>mål</em>"}),  # a draft is for its editors only
        ("leader_b", set()),  # unit A is out of their reach
    ],
)
def test_the_chain_page_shows_only_goals_of_readable_plans(world, client_for, persona, expected):
    fw, _published, _draft = _chain_goals(world)
    national = fw.national.items.get(code="1.2")
    response = client_for(persona).get(reverse("item_chain", args=[national.pk]))
    assert _goal_titles(response, "below") == expected
    html = response.content.decode()
    assert ("Utkastets mål" in html) == ("Utkastets mål" in expected)


def test_the_chain_page_never_shows_another_huvudmans_goals(world, client_for):
    fw, _published, _draft = _chain_goals(world)
    national = fw.national.items.get(code="1.2")  # built-in: everyone reads it
    response = client_for("other_strategist").get(reverse("item_chain", args=[national.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Utkastets mål" not in html and "Publicerat" not in html and "Almskolan" not in html
    # Our own framework's item is not theirs to open at all.
    assert (
        client_for("other_strategist").get(reverse("item_chain", args=[fw.published_item.pk])).status_code
        == 404
    )
