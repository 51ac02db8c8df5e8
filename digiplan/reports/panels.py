"""What reports adds to the start page (organisations.hooks.start_page_panels): the yearly
reports a strategist has yet to make, for school years whose campaign has closed."""

import datetime

from django.utils import timezone

from digiplan.assessments.models import Campaign, CampaignStatus
from digiplan.organisations import access
from digiplan.organisations.hooks import StartPagePanel
from digiplan.organisations.models import Person
from digiplan.reports.models import PublicReport

# A closed campaign asks for its yearly report this long after it closed.
REPORT_DAYS = 365


def reports_to_make(huvudman_id: int, today: datetime.date) -> list[Campaign]:
    """The campaigns closed within REPORT_DAYS whose school year has no published (and not
    withdrawn) yearly report: one query."""
    published = PublicReport.objects.filter(huvudman_id=huvudman_id, withdrawn_at__isnull=True)
    closed = (
        Campaign.objects.filter(
            huvudman_id=huvudman_id,
            status=CampaignStatus.CLOSED,
            closes_on__gte=today - datetime.timedelta(days=REPORT_DAYS),
        )
        .exclude(school_year__in=published.values("school_year"))
        .order_by("-closes_on", "name")
    )
    by_year: dict[str, Campaign] = {}
    for campaign in closed:
        by_year.setdefault(campaign.school_year, campaign)
    return list(by_year.values())


def reports_panel(person: Person) -> StartPagePanel | None:
    if person.huvudman_id is None or not access.is_strategist(person):
        return None
    campaigns = reports_to_make(person.huvudman_id, timezone.localdate())
    if not campaigns:
        return None
    return StartPagePanel("reports/_start_reports.html", {"campaigns": campaigns}, work=True)
