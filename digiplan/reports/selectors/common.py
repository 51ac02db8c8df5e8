"""The reads both reports share: the year's campaigns, the years to choose from, the filters of
the organisation report, and the scales the charts are drawn on."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from digiplan.assessments.models import Campaign, CampaignStatus, CampaignUnit
from digiplan.frameworks.models import Item, ScaleLevel
from digiplan.lib import schoolyear
from digiplan.organisations.models import Organisation, OrganisationType, UnitSchoolForm
from digiplan.plans.models import Plan


def year_campaigns(
    huvudman_id: int,
    school_year: str,
    *,
    unit: Organisation | None = None,
) -> QuerySet[Campaign]:
    """The year's campaigns of the huvudman (including the unit), last closed first."""
    campaigns = Campaign.objects.filter(huvudman_id=huvudman_id, school_year=school_year)
    if unit is not None:
        campaigns = campaigns.filter(units__unit=unit)
    return campaigns.select_related("framework_version__framework").order_by("-closed_at", "-pk")


def closed_campaigns(
    huvudman_id: int,
    school_year: str,
    *,
    unit: Organisation | None = None,
) -> list[Campaign]:
    """The year's closed campaigns, each with unit_count, the one covering the most units first
    (then the last closed): a trial of three units does not outrank the organisation's own."""
    units = (
        CampaignUnit.objects.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(n=Count("pk"))
        .values("n")
    )
    found = (
        year_campaigns(huvudman_id, school_year, unit=unit)
        .filter(status=CampaignStatus.CLOSED)
        .annotate(unit_count=Coalesce(Subquery(units), 0))
    )
    return list(found.order_by("-unit_count", "-closed_at", "-pk"))


def report_campaign(
    huvudman_id: int,
    school_year: str,
    *,
    unit: Organisation | None = None,
    chosen: int | None = None,
) -> Campaign | None:
    """The campaign a year's report rests on: the one chosen (among the year's closed ones),
    else the one covering the most units (issue 16: not merely the last closed)."""
    found = closed_campaigns(huvudman_id, school_year, unit=unit)
    return next((c for c in found if c.pk == chosen), found[0] if found else None)


def trend_campaigns(campaign: Campaign) -> list[Campaign]:
    """The closed campaigns of the same framework up to this one, oldest first: what a trend
    can compare. Campaigns on another framework measure other things and are left out."""
    earlier = Campaign.objects.filter(
        huvudman_id=campaign.huvudman_id,
        status=CampaignStatus.CLOSED,
        framework_version__framework__slug=campaign.framework_version.framework.slug,
    )
    if campaign.closed_at:
        earlier = earlier.filter(closed_at__lte=campaign.closed_at)
    found = list(earlier.select_related("framework_version__framework").order_by("closed_at", "pk"))
    if campaign not in found:
        found.append(campaign)
    return found


def unit_years(unit: Organisation) -> list[str]:
    """School years with a campaign including the unit or a plan of it, newest first."""
    years = set(
        Campaign.objects.filter(huvudman_id=unit.huvudman_id, units__unit=unit).values_list(
            "school_year", flat=True
        )
    )
    years |= set(Plan.objects.filter(organisation=unit).values_list("school_year", flat=True))
    years.add(schoolyear.current())
    return sorted(years, reverse=True)


def org_years(huvudman_id: int) -> list[str]:
    years = set(Campaign.objects.filter(huvudman_id=huvudman_id).values_list("school_year", flat=True))
    years |= set(Plan.objects.filter(huvudman_id=huvudman_id).values_list("school_year", flat=True))
    years.add(schoolyear.current())
    return sorted(years, reverse=True)


def default_year(years: list[str], closed: set[str]) -> str:
    """The newest year with a closed campaign, else the newest year."""
    return next((y for y in years if y in closed), years[0] if years else schoolyear.current())


def closed_years(huvudman_id: int, *, unit: Organisation | None = None) -> set[str]:
    campaigns = Campaign.objects.filter(huvudman_id=huvudman_id, status=CampaignStatus.CLOSED)
    if unit is not None:
        campaigns = campaigns.filter(units__unit=unit)
    return set(campaigns.values_list("school_year", flat=True))


class FilterChoices(TypedDict):
    nodes: list[Organisation]  # administrations and areas
    school_forms: list[str]


def filter_choices(managed: QuerySet[Organisation]) -> FilterChoices:
    """The parts of the organisation (administrations and areas) and school forms the
    organisation report can be narrowed to."""
    nodes = managed.filter(
        type__in=(OrganisationType.FORVALTNING, OrganisationType.OMRADE), is_active=True
    ).order_by("path")
    forms = (
        UnitSchoolForm.objects.filter(organisation__in=managed.values("pk"))
        .values_list("school_form", flat=True)
        .distinct()
        .order_by("school_form")
    )
    return {"nodes": list(nodes), "school_forms": list(forms)}


def report_units(
    managed: QuerySet[Organisation], *, node: Organisation | None = None, school_form: str = ""
) -> QuerySet[Organisation]:
    """The school units a strategist manages, within the chosen node and school form."""
    units = managed.filter(type=OrganisationType.SKOLENHET)
    if node is not None:
        units = units.filter(path__startswith=node.path)
    if school_form:
        units = units.filter(
            pk__in=UnitSchoolForm.objects.filter(school_form=school_form).values("organisation_id")
        )
    return units


def scale_bounds(item_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Lowest and highest counting level of each indicator's scale, by item id."""
    bounds: dict[int, tuple[int, int]] = {}
    rows = ScaleLevel.objects.filter(scale__items__in=list(item_ids), not_applicable=False).values_list(
        "scale__items", "value"
    )
    for item_id, value in rows:
        low, high = bounds.get(item_id, (value, value))
        bounds[item_id] = (min(low, value), max(high, value))
    return bounds


def group_bounds(items: list[Item]) -> dict[str, tuple[int, int]]:
    """Per respondent group, the range its scales span: the axis of its charts."""
    bounds = scale_bounds(i.pk for i in items)
    groups: dict[str, tuple[int, int]] = {}
    for item in items:
        if item.pk in bounds:
            low, high = bounds[item.pk]
            old = groups.get(item.respondent, (low, high))
            groups[item.respondent] = (min(old[0], low), max(old[1], high))
    return groups
