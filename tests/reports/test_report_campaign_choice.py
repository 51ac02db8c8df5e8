"""Issue 16: the yearly report took the last closed campaign of the year, even a three-unit
trial closed after the real one. The user chooses; by default the report rests on the campaign
that covers the organisation (the most units)."""

import re

from django.urls import reverse

from digiplan.organisations.models import Organisation
from tests.assessments.test_results import framework, new_unit, run_campaign

YEAR = "2026/27"


def _two_campaigns(world):
    version = framework(world)
    extra = [new_unit(world, f"Skola {n}") for n in range(3)]
    whole = [world.unit_a, world.unit_b, *extra]
    big = run_campaign(world, version, {}, units=whole, name="Skattning hösten", school_year=YEAR).campaign
    # A trial of three units, closed after the organisation's campaign.
    trial = run_campaign(world, version, {}, units=extra, name="Provomgång", school_year=YEAR).campaign
    assert trial.closed_at >= big.closed_at
    return big, trial


def _summary(page: str) -> str:
    found = re.search(r'<section aria-labelledby="summary">(.*?)</section>', page, re.S)
    assert found
    return found.group(1)


def _campaign_select(page: str) -> list[tuple[str, str, bool]]:
    found = re.search(r'<select name="skattning"[^>]*>(.*?)</select>', page, re.S)
    assert found, "no choice of self-assessment"
    return [
        (value, label.strip(), " selected" in attrs)
        for value, attrs, label in re.findall(
            r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', found.group(1)
        )
    ]


def test_the_report_rests_on_the_campaign_covering_the_most_units(world, client_for):
    big, trial = _two_campaigns(world)
    page = client_for("strategist").get(reverse("report_org"), {"ar": YEAR}).content.decode()
    summary = _summary(page)
    assert "Skattning hösten" in summary.split("</dl>")[0]
    options = _campaign_select(page)
    assert [(v, s) for v, _l, s in options] == [(str(big.pk), True), (str(trial.pk), False)]
    assert "5 enheter" in options[0][1] and "3 enheter" in options[1][1]


def test_the_user_may_choose_the_trial(world, client_for):
    big, trial = _two_campaigns(world)
    client = client_for("strategist")
    page = client.get(reverse("report_org"), {"ar": YEAR, "skattning": trial.pk}).content.decode()
    assert "Provomgång" in _summary(page).split("</dl>")[0]
    assert [label for _v, label, chosen in _campaign_select(page) if chosen][0].startswith("Provomgång")
    # The downloads follow the choice.
    csv = client.get(
        reverse("report_org_export", args=["csv"]), {"ar": YEAR, "skattning": trial.pk}
    ).content.decode("utf-8-sig")
    participation = csv.split("Deltagande", 1)[1].split("\r\n\r\n", 1)[0]
    assert "Skola 0" in participation and "Almskolan" not in participation


def test_a_campaign_of_another_year_or_huvudman_is_not_chosen(world, client_for):
    big, _trial = _two_campaigns(world)
    page = client_for("strategist").get(reverse("report_org"), {"ar": YEAR, "skattning": "999999"})
    assert "Skattning hösten" in _summary(page.content.decode()).split("</dl>")[0]
    other = client_for("other_strategist").get(reverse("report_org"), {"ar": YEAR, "skattning": big.pk})
    assert "Skattning hösten" not in other.content.decode()


def test_a_unit_report_rests_on_the_organisations_campaign_too(world, client_for):
    _two_campaigns(world)
    # Skola 0 took part in both: its report too rests on the organisation's campaign.
    unit = Organisation.objects.get(name="Skola 0")
    page = client_for("strategist").get(reverse("report_unit", args=[unit.pk]), {"ar": YEAR})
    assert "Skattning hösten" in page.content.decode()
