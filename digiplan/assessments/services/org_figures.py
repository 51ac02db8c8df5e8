"""The organisation's own figures (OrgResultFigures) for campaigns closed before they were
stored at closing: without them their organisation page goes through every unit's figures."""

from django.db import transaction

from digiplan.assessments import selectors
from digiplan.assessments.models import (
    Campaign,
    CampaignStatus,
    OrgResultFigures,
    ResultFigures,
    ResultSnapshot,
)


def org_figures_store_missing() -> list[Campaign]:
    """Stores them for every closed campaign that has its stored unit figures and its snapshot
    but not yet these; returns those campaigns. Computed as campaign_close computes them (from
    the stored unit figures and the snapshot, shown figures alone), each in its own
    transaction. A campaign closed before the unit figures were stored is left as it is: its
    pages compute from the snapshot. Safe to run again: a campaign that has them is skipped."""
    campaigns = (
        Campaign.objects.filter(status=CampaignStatus.CLOSED)
        .exclude(pk__in=OrgResultFigures.objects.values("campaign_id"))
        .filter(pk__in=ResultFigures.objects.values("campaign_id"))
        .filter(pk__in=ResultSnapshot.objects.values("campaign_id"))
        .select_related("huvudman", "framework_version__framework")
        .order_by("pk")
    )
    stored = []
    for campaign in campaigns:
        snapshot = ResultSnapshot.objects.get(campaign=campaign)
        with transaction.atomic():
            created = OrgResultFigures.objects.get_or_create(
                campaign=campaign, defaults={"data": selectors.org_figures_data(campaign, snapshot.data)}
            )[1]
        if created:
            stored.append(campaign)
    return stored
