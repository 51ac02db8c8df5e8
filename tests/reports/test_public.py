"""The public version of the organisation report: who publishes, lists and withdraws it, that
anyone reads it at its address, and that it holds nothing below the organisation."""

import datetime
import json
import math
import re
import statistics
from types import SimpleNamespace

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from digiplan.audit.models import AuditEvent
from digiplan.organisations.models import Organisation, OrganisationType
from digiplan.plans import services as plan_services
from digiplan.plans.models import ActivityStatus
from digiplan.reports import public
from digiplan.reports.models import PublicReport
from tests.conftest import PERSONAS
from tests.reports.report_helpers import YEAR_1, YEAR_2, build_years, framework, new_unit, run_campaign

YEAR = "2026/27"
# Per unit, five staff answers each to LED.P1 and KOMP.P1, chosen so that every unit's mean
# differs from every organisation figure at one decimal (medians, quartiles).
ANSWERS = {
    "Solrosskolan": ((1, 2, 2, 2, 2), (3, 3, 3, 3, 4)),  # 1.8, 3.2
    "Tulpanskolan": ((2, 3, 3, 3, 3), (1, 1, 1, 2, 1)),  # 2.8, 1.2
    "Vitsippeskolan": ((4, 4, 4, 4, 5), (2, 2, 2, 2, 3)),  # 4.2, 2.2
    "Blåklockeskolan": ((5, 5, 5, 5, 4), (5, 4, 5, 5, 4)),  # 4.8, 4.6
    "Liljeskolan": ((3, 3, 3, 4, 4), (4, 4, 4, 4, 4)),  # 3.4, 4.0
    "Rosenskolan": ((2, 2, 1, 1, 1), (3, 2, 3, 3, 3)),  # 1.4, 2.8
}
FOUR = tuple(ANSWERS)[:4]
COMMENT = "Rektorn lyssnar aldrig på oss"
GOAL_TITLE = "Hemligt enhetsmål om surfplattor"
NASTY = "<script>alert('x')</script>"


def _unit_mean(values):
    return sum(values) / len(values)


def _swedish(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _plan(world, unit, items, activities):
    plan = plan_services.plan_create(
        actor=world.strategist, organisation=unit, school_year=YEAR, title=f"Plan för {unit.name}"
    )
    goal = plan_services.goal_create(actor=world.strategist, plan=plan, title=GOAL_TITLE, items=items)
    for title, status, due in activities:
        plan_services.activity_create(
            actor=world.strategist, plan=plan, goal=goal, title=title, status=status, due_on=due
        )
    return plan_services.plan_publish(actor=world.strategist, plan=plan)


def build_org(world, names=FOUR, plans=3):
    """Units with distinctive names and means, one closed campaign, and published plans for
    the first `plans` units."""
    units = {name: new_unit(world, name) for name in names}
    staff = {
        units[name]: [{"LED.P1": a, "KOMP.P1": b} for a, b in zip(*ANSWERS[name], strict=True)]
        for name in names
    }
    comments = {unit: [COMMENT] for unit in units.values()}
    campaign = run_campaign(
        world, framework(world), staff, comments=comments, units=list(units.values()), school_year=YEAR
    )
    old = datetime.date(2020, 1, 31)
    for unit in list(units.values())[:plans]:
        _plan(
            world,
            unit,
            [campaign.items["LED.P1"]],
            [
                ("Studiecirkel", ActivityStatus.DONE, None),
                ("Workshop", ActivityStatus.PLANNED, old),
                ("Studiebesök", ActivityStatus.CANCELLED, None),
            ],
        )
    led = {name: _unit_mean(ANSWERS[name][0]) for name in names}
    komp = {name: _unit_mean(ANSWERS[name][1]) for name in names}
    return SimpleNamespace(units=units, campaign=campaign, led=led, komp=komp)


def _publish(world, title="Uppföljning 2026/27", year=YEAR):
    units = Organisation.objects.filter(huvudman=world.huvudman, type=OrganisationType.SKOLENHET)
    return public.public_report_publish(
        actor=world.strategist, huvudman=world.huvudman, units=units, school_year=year, title=title
    )


def _page(client, report):
    return client.get(reverse("public_report", args=[report.token]))


def _numbers(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from _numbers(value)
    elif isinstance(data, list):
        for value in data:
            yield from _numbers(value)
    elif isinstance(data, float):
        yield data


def _without_svg(html: str) -> str:
    # SVG coordinates are plain decimals ("341.8"); the figures are in text and tables.
    return re.sub(r"<svg.*?</svg>", "", html, flags=re.S)


@pytest.fixture
def org(world):
    return build_org(world)


# ---- Nothing below the organisation --------------------------------------------------------


def test_the_public_page_shows_the_organisation_median_computed_from_the_answers(world, org, client_for):
    report = _publish(world)
    page = _page(client_for("anonymous"), report).content.decode()
    led_median = statistics.median(org.led.values())
    komp_median = statistics.median(org.komp.values())
    assert _swedish(led_median) in page and _swedish(komp_median) in page
    areas = {a["code"]: a for a in report.data["areas"]}
    assert math.isclose(areas["LED"]["median"], led_median)
    assert math.isclose(areas["KOMP"]["median"], komp_median)
    assert areas["LED"]["units_shown"] == 4


def test_no_unit_name_unit_figure_comment_or_person_is_published(world, org, client_for):
    report = _publish(world)
    page = _page(client_for("anonymous"), report).content.decode()
    data = json.dumps(report.data, ensure_ascii=False)
    names = [*org.units, world.unit_a.name, world.unit_b.name, world.omrade.name, world.forvaltning.name]
    people = [world.strategist.name, world.leader_a.name, world.staff.name]
    for text in [*names, *people, COMMENT, GOAL_TITLE, "Studiecirkel", "Plan för"]:
        assert text not in page, text
        assert text not in data, text
    plain = _without_svg(page)
    unit_means = [*org.led.values(), *org.komp.values()]
    for mean in unit_means:
        assert _swedish(mean) not in page, mean
        assert f"{mean:.1f}" not in plain, mean
        assert not any(math.isclose(mean, value) for value in _numbers(report.data)), mean
    assert "<svg" in page and "<script>alert" not in page


def test_plan_progress_is_published_as_totals(world, org):
    plans = _publish(world).data["plans"]
    assert plans["units_with_plan"] == 3 and not plans["withheld"]
    assert (plans["goals"], plans["activities"], plans["done"], plans["late"], plans["cancelled"]) == (
        3,
        9,
        3,
        3,
        3,
    )
    assert [(row["code"], row["goals"]) for row in plans["priorities"]] == [("LED", 3)]
    assert "unit" not in json.dumps(plans).replace("units", "")


def test_a_draft_plan_is_not_counted(world, org):
    plan_services.plan_create(
        actor=world.strategist, organisation=world.unit_a, school_year=YEAR, title="Utkast"
    )
    assert _publish(world).data["plans"]["units_with_plan"] == 3


def test_fewer_than_three_units_show_no_median_and_say_so(world, client_for):
    build_org(world, names=("Solrosskolan", "Tulpanskolan"), plans=2)
    report = _publish(world)
    areas = report.data["areas"]
    assert areas and all(a["median"] is None and a["q1"] is None for a in areas)
    assert report.data["participation"]["withheld"]
    assert report.data["participation"]["answered"] is None
    assert report.data["plans"]["withheld"] and report.data["plans"]["goals"] is None
    page = _page(client_for("anonymous"), report).content.decode()
    assert 'class="results-suppressed"' in page
    assert "Solrosskolan" not in page and "Tulpanskolan" not in page
    for name in ("Solrosskolan", "Tulpanskolan"):
        for mean in (_unit_mean(ANSWERS[name][0]), _unit_mean(ANSWERS[name][1])):
            assert _swedish(mean) not in page


def test_three_units_show_a_median_but_no_quartiles(world, client_for):
    # With three units, the median and both quartiles would give every unit's value.
    build_org(world, names=("Solrosskolan", "Tulpanskolan", "Vitsippeskolan"))
    areas = _publish(world).data["areas"]
    assert all(a["median"] is not None and a["q1"] is None and a["q3"] is None for a in areas)


def test_trends_over_two_years_are_published_without_units(world, client_for):
    years = build_years(world)
    report = _publish(world, year=YEAR_2)
    assert report.data["trend"]["years"] == [YEAR_1, YEAR_2]
    page = _page(client_for("anonymous"), report).content.decode()
    assert page.count("<svg") >= 2
    for unit in (world.unit_a, world.unit_b, years.skola_1, years.skola_2, years.small):
        assert unit.name not in page
    for text in years.comments[world.unit_a]:
        if text:
            assert text not in page
    assert "<script>alert(1)</script>" not in page


def test_a_year_with_no_campaign_still_publishes_and_says_what_is_missing(world, client_for):
    report = _publish(world, year="2019/20")
    assert report.data["campaign"] is None and "no_campaign" in report.data["missing"]
    assert _page(client_for("anonymous"), report).status_code == 200


# ---- The public address ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_reads_a_published_report_without_signing_in(world, org, client_for, persona):
    report = _publish(world)
    response = _page(client_for(persona), report)
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_an_unknown_address_is_not_found(world, client_for):
    response = client_for("anonymous").get(reverse("public_report", args=["inte-en-token"]))
    assert response.status_code == 404


def test_a_title_with_markup_is_shown_as_text(world, org, client_for):
    report = _publish(world, title=NASTY)
    page = _page(client_for("anonymous"), report).content.decode()
    assert NASTY not in page and "&lt;script&gt;" in page
    listing = client_for("strategist").get(reverse("public_report_list")).content.decode()
    assert NASTY not in listing and "&lt;script&gt;" in listing


def test_the_page_has_no_inline_style_or_script_and_labelled_tables(world, org, client_for):
    page = _page(client_for("anonymous"), _publish(world)).content.decode()
    assert "style=" not in page and "<script>" not in page
    assert 'scope="col"' in page and 'scope="row"' in page and "<caption" in page


# ---- Publishing, listing and withdrawing ---------------------------------------------------


def test_a_strategist_publishes_and_gets_the_address(world, org, client_for):
    client = client_for("strategist")
    response = client.post(
        reverse("public_report_create"), {"school_year": YEAR, "title": "Uppföljning för fullmäktige"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("public_report_list")
    report = PublicReport.objects.get()
    assert report.huvudman == world.huvudman and report.published_by == world.strategist
    assert report.school_year == YEAR and len(report.token) >= 40
    listing = client.get(reverse("public_report_list")).content.decode()
    assert f"http://testserver{reverse('public_report', args=[report.token])}" in listing
    event = AuditEvent.objects.get(action="public_report_publish")
    assert event.actor == world.strategist and event.object_id == str(report.pk)


def test_a_missing_title_is_an_error_shown_at_the_title_that_keeps_the_year(world, org, client_for):
    response = client_for("strategist").post(
        reverse("public_report_create"), {"school_year": YEAR, "title": "  "}
    )
    assert response.status_code == 400
    page = response.content.decode()
    # The message is under the title, and the title field points to it for a screen reader.
    with translation.override("sv"):
        required = str(forms.Field.default_error_messages["required"])
    assert f'<ul class="errorlist" id="id_title_error"><li>{required}</li></ul>' in page
    title = re.search(r'<input [^>]*name="title"[^>]*>', page)[0]
    assert 'aria-invalid="true"' in title
    described = re.search(r'aria-describedby="([^"]*)"', title)
    assert described and "id_title_error" in described[1].split(), title
    assert f'<option value="{YEAR}" selected>' in page
    assert not PublicReport.objects.exists()


def test_an_unknown_year_is_refused(world, org, client_for):
    response = client_for("strategist").post(
        reverse("public_report_create"), {"school_year": "1999/00", "title": "x"}
    )
    assert response.status_code == 400 and not PublicReport.objects.exists()


@pytest.mark.parametrize("persona", ["leader_a", "leader_b", "staff"])
def test_only_strategists_publish_and_list(world, client_for, persona):
    client = client_for(persona)
    assert client.get(reverse("public_report_list")).status_code == 403
    response = client.post(reverse("public_report_create"), {"school_year": YEAR, "title": "x"})
    assert response.status_code == 403 and not PublicReport.objects.exists()


def test_withdrawing_makes_the_address_answer_not_found(world, org, client_for):
    report = _publish(world)
    client = client_for("strategist")
    response = client.post(reverse("public_report_withdraw", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.withdrawn_at is not None
    assert _page(client_for("anonymous"), report).status_code == 404
    assert AuditEvent.objects.filter(action="public_report_withdraw", object_id=str(report.pk)).exists()
    listing = client.get(reverse("public_report_list")).content.decode()
    assert reverse("public_report", args=[report.token]) not in listing


def test_another_huvudmans_strategist_neither_lists_nor_withdraws(world, org, client_for):
    report = _publish(world, title="Sjöviks uppföljning")
    client = client_for("other_strategist")
    assert "Sjöviks uppföljning" not in client.get(reverse("public_report_list")).content.decode()
    assert client.post(reverse("public_report_withdraw", args=[report.pk])).status_code == 404
    report.refresh_from_db()
    assert report.withdrawn_at is None


def test_leaders_cannot_withdraw(world, org, client_for):
    report = _publish(world)
    assert client_for("leader_a").post(reverse("public_report_withdraw", args=[report.pk])).status_code == 403
    report.refresh_from_db()
    assert report.withdrawn_at is None


def test_a_published_report_is_frozen(world, org, client_for):
    report = _publish(world)
    before = report.data
    plan_services.plan_create(
        actor=world.strategist, organisation=world.unit_b, school_year=YEAR, title="Senare plan"
    )
    report.refresh_from_db()
    assert report.data == before


# ---- The reports' start page -----------------------------------------------------------------


def test_the_start_page_lists_the_units_a_person_reads(world, client_for):
    page = client_for("leader_a").get(reverse("report_list")).content.decode()
    assert reverse("report_unit", args=[world.unit_a.pk]) in page
    assert reverse("report_unit", args=[world.unit_b.pk]) not in page
    assert reverse("report_org") not in page and reverse("public_report_list") not in page


def test_strategists_also_find_the_organisation_report_and_public_versions(world, client_for):
    page = client_for("strategist").get(reverse("report_list")).content.decode()
    assert reverse("report_org") in page and reverse("public_report_list") in page
    assert reverse("report_unit", args=[world.unit_a.pk]) in page
    assert reverse("report_unit", args=[world.unit_b.pk]) in page


def test_the_menu_links_to_the_reports_for_everyone(world, client_for):
    for persona in ("strategist", "leader_a", "staff"):
        page = client_for(persona).get(reverse("report_list")).content.decode()
        assert f'href="{reverse("report_list")}" aria-current="page"' in page


def test_a_part_of_the_organisation_is_published_with_its_own_figures(world, client_for):
    from digiplan.organisations import services as org_services

    # Three units stay outside the part: with one or two, the part's medians beside the whole
    # campaign's (which every unit's report shows) would give those units away.
    org = build_org(world, names=tuple(ANSWERS))
    soder = org_services.organisation_create(
        actor=None, parent=world.forvaltning, type=OrganisationType.OMRADE, name="Område Söder"
    )
    moved = ("Tulpanskolan", "Vitsippeskolan", "Blåklockeskolan")
    for name in moved:
        org_services.organisation_move(actor=None, node=org.units[name], new_parent=soder)
    client = client_for("strategist")
    form = client.get(reverse("public_report_list")).content.decode()
    assert f'<option value="{soder.pk}">Område Söder</option>' in form
    response = client.post(
        reverse("public_report_create"),
        {"school_year": YEAR, "title": "Uppföljning för Söder", "node": soder.pk},
    )
    assert response.status_code == 302
    report = PublicReport.objects.get()
    assert report.data["scope"] == "Område Söder"
    assert report.data["participation"]["units"] == len(moved)
    led = next(a for a in report.data["areas"] if a["code"] == "LED")
    assert led["median"] == pytest.approx(statistics.median(org.led[n] for n in moved))
    page = _without_svg(_page(client_for("anonymous"), report).content.decode())
    assert "Den omfattar bara enheterna i den här delen av organisationen: Område Söder." in page
    assert _swedish(statistics.median(org.led[n] for n in moved)) in page
    assert _swedish(statistics.median(org.led.values())) not in page  # the whole organisation's
    listing = client.get(reverse("public_report_list")).content.decode()
    assert "<td>Område Söder</td>" in listing
    event = AuditEvent.objects.get(action="public_report_publish")
    assert event.changes["after"]["scope"] == "Område Söder"


def test_a_node_of_another_huvudman_is_refused_and_nothing_is_published(world, org, client_for):
    response = client_for("strategist").post(
        reverse("public_report_create"),
        {"school_year": YEAR, "title": "Uppföljning", "node": world.other_root.pk},
    )
    assert response.status_code == 400 and not PublicReport.objects.exists()
    assert "id_node_error" in response.content.decode()
