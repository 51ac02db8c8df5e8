"""Reads behind the campaign pages (the list, the choices of a new campaign, progress while it
runs, the pupil codes) and the answering pages (the person's open questionnaires, their unit's
school forms). No figure of answers: only who has been asked and who has answered."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from digiplan.assessments.models import (
    Campaign,
    CampaignStatus,
    CampaignUnit,
    Draft,
    LeaderRating,
    Participation,
    PupilCode,
)
from digiplan.frameworks.models import FrameworkVersion, Item, ItemKind, VersionStatus
from digiplan.organisations.access import managed_nodes
from digiplan.organisations.models import Huvudman, Organisation, OrganisationType, Person, UnitSchoolForm


def _paths_filter(field: str, paths: list[str]) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


def run_campaigns(person: Person) -> QuerySet[Campaign]:
    """The campaigns of the person's huvudman, with their number of units."""
    if person.huvudman_id is None:
        return Campaign.objects.none()
    return (
        Campaign.objects.filter(huvudman_id=person.huvudman_id)
        .annotate(unit_count=Count("units"))
        .select_related("framework_version__framework")
    )


@dataclass
class LedUnit:
    campaign: Campaign
    unit: Organisation
    rating: LeaderRating | None  # None before one is saved


def led_campaign_units(person: Person, paths: list[str]) -> list[LedUnit]:
    """The open and closed campaigns' units under the paths the person leads, with their
    leader ratings."""
    if not paths or person.huvudman_id is None:
        return []
    led = list(
        CampaignUnit.objects.filter(
            _paths_filter("unit__path", paths),
            campaign__huvudman_id=person.huvudman_id,
            campaign__status__in=[CampaignStatus.OPEN, CampaignStatus.CLOSED],
        )
        .select_related("campaign", "unit")
        .order_by("-campaign__school_year", "unit__name")
    )
    ratings = {
        (r.campaign_id, r.unit_id): r
        for r in LeaderRating.objects.filter(campaign__in={cu.campaign_id for cu in led})
    }
    return [LedUnit(cu.campaign, cu.unit, ratings.get((cu.campaign_id, cu.unit_id))) for cu in led]


def invitations_open(person: Person) -> QuerySet[Participation]:
    """The person's participations in open campaigns."""
    return Participation.objects.filter(person=person, campaign__status=CampaignStatus.OPEN).select_related(
        "campaign", "unit"
    )


@dataclass
class OpenQuestionnaire:
    pk: int  # the participation's
    campaign: Campaign
    unit: Organisation
    answered: bool
    started: bool  # a draft is saved


def open_questionnaires(person: Person) -> list[OpenQuestionnaire]:
    """The person's questionnaires in open campaigns, the one closing first first."""
    participations = list(
        Participation.objects.filter(person=person, campaign__status=CampaignStatus.OPEN)
        .select_related("campaign", "unit")
        .order_by("campaign__closes_on", "unit__name")
    )
    started = set(
        Draft.objects.filter(token_hash__in=[p.token_hash for p in participations]).values_list(
            "token_hash", flat=True
        )
    )
    return [
        OpenQuestionnaire(p.pk, p.campaign, p.unit, p.answered, p.token_hash in started)
        for p in participations
    ]


def campaign_versions(huvudman: Huvudman) -> QuerySet[FrameworkVersion]:
    """The published versions with statements to rate that a campaign of the huvudman may use."""
    return (
        FrameworkVersion.objects.filter(
            Q(framework__huvudman__isnull=True) | Q(framework__huvudman=huvudman),
            status=VersionStatus.PUBLISHED,
            pk__in=Item.objects.filter(kind=ItemKind.INDICATOR).values("version"),
        )
        .select_related("framework")
        .order_by("framework__name", "-number")
    )


def campaign_units(person: Person) -> list[Organisation]:
    """The active school units the person manages, by administration and name."""
    return list(
        managed_nodes(person)
        .filter(type=OrganisationType.SKOLENHET, is_active=True)
        .select_related("parent")
        .prefetch_related("school_forms")
        .order_by("parent__path", "name")
    )


@dataclass
class _Counts:
    asked: int = 0
    answered: int = 0


def campaign_progress(campaign: Campaign) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Per unit: staff asked and answered, the leader rating's status, pupil answers and code
    places; and the totals. A handful of grouped queries, whatever the number of units."""
    opened = campaign.status != CampaignStatus.DRAFT
    staff = {
        row["unit"]: _Counts(asked=row["asked"], answered=row["answered"])
        for row in Participation.objects.filter(campaign=campaign)
        .values("unit")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(answered=True)))
    }
    # Pupils' answers are sealed until closing: the seats taken on the codes count them.
    pupils = {
        row["unit"]: row["n"] or 0
        for row in PupilCode.objects.filter(campaign=campaign).values("unit").annotate(n=Sum("used"))
    }
    places = {
        row["unit"]: row["n"]
        for row in PupilCode.objects.filter(campaign=campaign).values("unit").annotate(n=Sum("capacity"))
    }
    ratings = {r.unit_id: r for r in LeaderRating.objects.filter(campaign=campaign)}
    rows = []
    for cu in campaign.units.select_related("unit").order_by("unit__name"):
        counts = staff.get(cu.unit_id, _Counts())
        asked = counts.asked if opened else cu.staff_expected
        rows.append(
            {
                "unit": cu.unit,
                "asked": asked,
                "answered": counts.answered,
                "percent": round(100 * counts.answered / asked) if asked else 0,
                "rating": ratings.get(cu.unit_id),
                "pupils": pupils.get(cu.unit_id, 0),
                "pupil_places": places.get(cu.unit_id, 0),
                "pupils_expected": cu.pupils_expected,
            }
        )
    return rows, _progress_totals(rows)


def _progress_totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    asked, answered = sum(r["asked"] for r in rows), sum(r["answered"] for r in rows)
    return {
        "asked": asked,
        "answered": answered,
        "percent": round(100 * answered / asked) if asked else 0,
        "pupils": sum(r["pupils"] for r in rows),
        "pupil_places": sum(r["pupil_places"] for r in rows),
        "pupils_expected": sum(r["pupils_expected"] for r in rows),
        "submitted": sum(1 for r in rows if r["rating"] and r["rating"].status == "submitted"),
        "units": len(rows),
    }


def pupil_codes(campaign: Campaign, units: list[Organisation]) -> QuerySet[PupilCode]:
    """The campaign's pupil codes of these units."""
    return PupilCode.objects.filter(campaign=campaign, unit__in=units).select_related("unit")


def unit_school_forms(unit_id: int) -> list[str]:
    """The school forms (SS 12000 codes) of the unit."""
    return list(UnitSchoolForm.objects.filter(organisation_id=unit_id).values_list("school_form", flat=True))
