"""What assessments adds to the start page (organisations.hooks): the campaigns a strategist
follows, the leader rating and staff response count of the units a leader or coordinator
helps, and a person's own questionnaire still to answer; and, when there is nothing to do, the
next opening or closing of a campaign."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from digiplan.assessments.selectors import start
from digiplan.organisations import access
from digiplan.organisations.hooks import NextDate, StartPagePanel
from digiplan.organisations.models import Person, Role

LEADING_ROLES = (Role.UNIT_LEADER, Role.COORDINATOR)


def campaigns_panel(person: Person) -> StartPagePanel | None:
    """A strategist's open campaigns (response rate per unit, units without a leader rating,
    days left) and the ones due to be opened."""
    if person.huvudman_id is None or not access.is_strategist(person):
        return None
    works = start.campaigns_to_follow(person.huvudman_id, timezone.localdate())
    if not works:
        return None
    return StartPagePanel(
        "assessments/_start_campaigns.html",
        {"works": works, "named": start.UNITS_NAMED},
        work=True,
        due=works[0].due.date,
    )


def led_units_panel(person: Person) -> StartPagePanel | None:
    """For a unit leader or coordinator: each unit's leader rating to do and its staff's
    response count, in the open campaigns."""
    paths = access.membership_paths(person, LEADING_ROLES)
    works = start.led_units_in_open_campaigns(person, paths, timezone.localdate())
    if not works:
        return None
    to_do = [w for w in works if w.rating_to_do]
    return StartPagePanel(
        "assessments/_start_led_units.html",
        {"works": works},
        # The count of answers is for following; the rating is the leader's own work.
        work=bool(to_do),
        due=min(w.due.date for w in to_do) if to_do else None,
    )


def questionnaire_panel(person: Person) -> StartPagePanel | None:
    """The person's own questionnaires still to answer, with their deadlines."""
    if not person.is_authenticated:
        return None
    found = start.questionnaires_to_answer(person, timezone.localdate())
    if not found:
        return None
    return StartPagePanel(
        "assessments/_start_questionnaire.html", {"questionnaires": found}, work=True, due=found[0].due.date
    )


def next_campaign_date(person: Person) -> NextDate | None:
    strategist = access.is_strategist(person)
    found = start.next_campaign_date(person, timezone.localdate(), strategist=strategist)
    if found is None:
        return None
    day, campaign, kind = found
    text = (
        _("%(campaign)s opens") % {"campaign": campaign}
        if kind == "opens"
        else _("%(campaign)s closes") % {"campaign": campaign}
    )
    url = reverse("campaign_detail", args=[campaign.pk]) if strategist else reverse("campaign_list")
    return NextDate(day, text, url)
