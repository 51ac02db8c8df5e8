"""Reads behind the leader rating page: the unit's rating and last year's."""

from django.db.models import QuerySet

from digiplan.assessments.models import Campaign, CampaignStatus, LeaderAnswer, LeaderRating
from digiplan.organisations.models import Organisation


def rating_of(campaign: Campaign, unit: Organisation) -> LeaderRating | None:
    return LeaderRating.objects.filter(campaign=campaign, unit=unit).select_related("submitted_by").first()


def previous_rating(campaign: Campaign, unit: Organisation) -> LeaderRating | None:
    """The unit's rating in the latest earlier closed campaign of the same huvudman."""
    return (
        LeaderRating.objects.filter(
            unit=unit,
            campaign__huvudman_id=campaign.huvudman_id,
            campaign__status=CampaignStatus.CLOSED,
            campaign__opens_on__lt=campaign.opens_on,
        )
        .select_related("campaign")
        .order_by("-campaign__opens_on")
        .first()
    )


def rating_answers(rating: LeaderRating, codes: list[str]) -> QuerySet[LeaderAnswer]:
    """The rating's answers to the statements with these codes, with their scales' levels."""
    return (
        rating.answers.filter(item__code__in=codes)
        .select_related("item__scale")
        .prefetch_related("item__scale__levels")
    )
