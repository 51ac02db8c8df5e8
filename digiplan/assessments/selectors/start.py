"""Reads behind the start page's self-assessment boxes: the campaigns a strategist runs, the
units a leader or coordinator rates for, a person's own unanswered questionnaires.

Only who has been asked and who has answered is counted (as on the campaign pages), never a
figure of answers. Each read is a fixed handful of grouped queries, whatever the number of
units."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery

from digiplan.assessments.models import (
    Campaign,
    CampaignStatus,
    CampaignUnit,
    Draft,
    LeaderRating,
    Participation,
    RatingStatus,
)
from digiplan.lib.due import Due
from digiplan.organisations.models import Organisation, Person

# A campaign not yet opened shows on the strategist's start page this long before it opens.
OPENING_LEAD_DAYS = 14
# How many units a box names before it says "and N more" and links to the whole list.
UNITS_NAMED = 5


def _paths_filter(field_name: str, paths: list[str]) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field_name}__startswith": path})
    return query


@dataclass
class UnitProgress:
    unit_id: int
    unit_name: str
    asked: int = 0
    answered: int = 0
    rating: str = ""  # "", draft or submitted

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.asked) if self.asked else 0


@dataclass
class CampaignWork:
    """An open campaign as its strategist follows it, or one about to be opened."""

    campaign: Campaign
    due: Due
    units: list[UnitProgress] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.campaign.status == CampaignStatus.OPEN

    @property
    def asked(self) -> int:
        return sum(u.asked for u in self.units)

    @property
    def answered(self) -> int:
        return sum(u.answered for u in self.units)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.asked) if self.asked else 0

    @property
    def lowest(self) -> list[UnitProgress]:
        """The units furthest behind, the ones a reminder helps most."""
        asked = [u for u in self.units if u.asked]
        return sorted(asked, key=lambda u: (u.percent, u.unit_name))[:UNITS_NAMED]

    @property
    def without_rating(self) -> list[UnitProgress]:
        if not self.campaign.include_leader:
            return []
        return [u for u in self.units if u.rating != RatingStatus.SUBMITTED]


def _progress(campaigns: list[Campaign], unit_filter: Q) -> dict[tuple[int, int], UnitProgress]:
    """(campaign, unit) → its participation counts and rating status: two queries."""
    ids = [c.pk for c in campaigns]
    rating = LeaderRating.objects.filter(campaign_id=OuterRef("campaign_id"), unit_id=OuterRef("unit_id"))
    rows = {
        (cu["campaign_id"], cu["unit_id"]): UnitProgress(
            cu["unit_id"], cu["unit__name"], rating=cu["rating"] or ""
        )
        for cu in CampaignUnit.objects.filter(unit_filter, campaign_id__in=ids)
        .annotate(rating=Subquery(rating.values("status")[:1]))
        .values("campaign_id", "unit_id", "unit__name", "rating")
        .order_by("unit__name")
    }
    counts = (
        Participation.objects.filter(unit_filter, campaign_id__in=ids)
        .values("campaign_id", "unit_id")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(answered=True)))
        .order_by()
    )
    for count in counts:
        row = rows.get((count["campaign_id"], count["unit_id"]))
        if row is not None:
            row.asked, row.answered = count["asked"], count["answered"]
    return rows


def campaigns_to_follow(huvudman_id: int, today: datetime.date) -> list[CampaignWork]:
    """The huvudman's open campaigns with their progress per unit, and the campaigns due to be
    opened within OPENING_LEAD_DAYS (or overdue for it), the soonest closing first."""
    campaigns = list(
        Campaign.objects.filter(huvudman_id=huvudman_id)
        .filter(
            Q(status=CampaignStatus.OPEN)
            | Q(
                status=CampaignStatus.DRAFT,
                opens_on__lte=today + datetime.timedelta(days=OPENING_LEAD_DAYS),
            )
        )
        .order_by("closes_on", "name")
    )
    opened = [c for c in campaigns if c.status == CampaignStatus.OPEN]
    progress = _progress(opened, Q()) if opened else {}
    works = []
    for campaign in campaigns:
        day = campaign.closes_on if campaign.status == CampaignStatus.OPEN else campaign.opens_on
        work = CampaignWork(campaign, Due.of(day, today))
        work.units = [row for (c_id, _u), row in progress.items() if c_id == campaign.pk]
        works.append(work)
    return sorted(works, key=lambda w: w.due.date)


@dataclass
class LedUnitWork:
    """A unit the person leads or coordinates in an open campaign."""

    campaign: Campaign
    progress: UnitProgress
    due: Due

    @property
    def rating_to_do(self) -> bool:
        return self.campaign.include_leader and self.progress.rating != RatingStatus.SUBMITTED


def led_units_in_open_campaigns(person: Person, paths: list[str], today: datetime.date) -> list[LedUnitWork]:
    """The units under the paths (the person's unit leader and coordinator memberships) in the
    huvudman's open campaigns: the leader rating's status and how many of the unit's staff have
    answered (a count, as the campaign pages show it to leaders)."""
    if not paths or person.huvudman_id is None:
        return []
    campaigns = list(
        Campaign.objects.filter(huvudman_id=person.huvudman_id, status=CampaignStatus.OPEN).order_by(
            "closes_on", "name"
        )
    )
    if not campaigns:
        return []
    units = Organisation.objects.filter(
        _paths_filter("path", paths), huvudman_id=person.huvudman_id, is_active=True
    ).values("pk")
    progress = _progress(campaigns, Q(unit__in=units))
    by_pk = {c.pk: c for c in campaigns}
    found = [
        LedUnitWork(by_pk[c_id], row, Due.of(by_pk[c_id].closes_on, today))
        for (c_id, _u), row in progress.items()
    ]
    return sorted(found, key=lambda w: (w.due.date, w.progress.unit_name))


@dataclass
class QuestionnaireToAnswer:
    participation_id: int
    campaign: Campaign
    unit: Organisation
    started: bool
    due: Due


def questionnaires_to_answer(person: Person, today: datetime.date) -> list[QuestionnaireToAnswer]:
    """The person's own questionnaires in open campaigns that they have not answered, the one
    closing first first. Nothing about anyone else."""
    participations = list(
        Participation.objects.filter(person=person, answered=False, campaign__status=CampaignStatus.OPEN)
        .select_related("campaign", "unit")
        .order_by("campaign__closes_on", "unit__name")
    )
    if not participations:
        return []
    started = set(
        Draft.objects.filter(token_hash__in=[p.token_hash for p in participations]).values_list(
            "token_hash", flat=True
        )
    )
    return [
        QuestionnaireToAnswer(
            p.pk, p.campaign, p.unit, p.token_hash in started, Due.of(p.campaign.closes_on, today)
        )
        for p in participations
    ]


def next_campaign_date(
    person: Person, today: datetime.date, *, strategist: bool
) -> tuple[datetime.date, Campaign, str] | None:
    """The next opening (a strategist's campaigns not yet opened) or closing (open campaigns)
    from today on: (date, campaign, "opens" or "closes")."""
    if person.huvudman_id is None:
        return None
    campaigns = Campaign.objects.filter(huvudman_id=person.huvudman_id)
    closing = campaigns.filter(status=CampaignStatus.OPEN, closes_on__gte=today).order_by("closes_on").first()
    found: list[tuple[datetime.date, Campaign, str]] = []
    if closing is not None:
        found.append((closing.closes_on, closing, "closes"))
    if strategist:
        opening = (
            campaigns.filter(status=CampaignStatus.DRAFT, opens_on__gte=today).order_by("opens_on").first()
        )
        if opening is not None:
            found.append((opening.opens_on, opening, "opens"))
    return min(found, key=lambda f: f[0], default=None)
