"""Writes of the national comparison: a huvudman's consent, and the build.

The build reads the stored figures of every closed campaign on the built-in standard set of the
huvudmän that share (ResultFigures: only figures that were shown, n ≥ the campaign's k; summed
per unit and area by comparison.aggregate), applies the rules (comparison.rules)
and replaces the comparison tables in one transaction. The only place a huvudman's id is held
is this function's memory while it counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from digiplan.assessments.models import Campaign, CampaignStatus, Group, ResultFigures
from digiplan.audit.services import audit_record
from digiplan.comparison.aggregate import area_sums, figure_sums
from digiplan.comparison.models import ComparisonBuild, ComparisonConsent, ComparisonFigure
from digiplan.comparison.rules import Entry, national, unit_enters
from digiplan.frameworks.models import FrameworkVersion, Item, ItemKind
from digiplan.organisations.models import Huvudman, UnitSchoolForm

STANDARD_SLUG = "digiplan-standard"
ALL_FORMS = ""
STAFF, PUPIL = Group.STAFF.value, Group.PUPIL.value

# (school year, area code, group, school form) → the units' entries
Pool = dict[tuple[str, str, str, str], list[Entry]]


def consent_set(*, actor: Any, huvudman: Huvudman, shares: bool) -> ComparisonConsent:
    """Turn sharing on or off. Turning it off withdraws the huvudman's figures from the next
    build (the build reads only the huvudmän that share at that moment)."""
    with transaction.atomic():
        consent = ComparisonConsent.objects.select_for_update().filter(huvudman=huvudman).first()
        before = consent.shares if consent is not None else False
        if before == shares:
            # Nothing changes (not sharing is also what no row means): nothing to write.
            return consent or ComparisonConsent(huvudman=huvudman, shares=shares)
        if consent is None:
            consent = ComparisonConsent(huvudman=huvudman)
        consent.shares = shares
        consent.save()
        audit_record(
            actor=actor,
            huvudman=huvudman,
            action="comparison.opt_in" if shares else "comparison.opt_out",
            obj=consent,
            object_label=huvudman.name,
            before={"shares": before},
            after={"shares": shares},
        )
    return consent


def standard_versions() -> Iterable[int]:
    return FrameworkVersion.objects.filter(
        framework__slug=STANDARD_SLUG, framework__huvudman__isnull=True
    ).values_list("pk", flat=True)


def _areas_by_code() -> dict[str, str]:
    """Indicator code → its area's code, over every version of the standard set."""
    return dict(
        Item.objects.filter(
            version__in=list(standard_versions()), kind=ItemKind.INDICATOR, parent__kind=ItemKind.AREA
        ).values_list("code", "parent__code")
    )


def _standard_campaigns(huvudman_ids: list[int]) -> QuerySet[Campaign]:
    return Campaign.objects.filter(
        huvudman_id__in=huvudman_ids,
        status=CampaignStatus.CLOSED,
        framework_version__in=FrameworkVersion.objects.filter(
            framework__slug=STANDARD_SLUG, framework__huvudman__isnull=True
        ),
    )


def _latest(campaigns: QuerySet[Campaign]) -> dict[tuple[int, int], tuple[str, int, int, int, int]]:
    """(campaign id, unit id) → (school year, huvudman id, campaign k, staff, pupils) of each
    unit's last closed campaign on the standard set of a school year: a unit counts once a
    year, with its newest figures."""
    info = {
        pk: (year, huvudman_id, k)
        for pk, huvudman_id, year, k in campaigns.order_by("closed_at", "pk").values_list(
            "pk", "huvudman_id", "school_year", "k"
        )
    }
    order = {pk: position for position, pk in enumerate(info)}
    latest: dict[tuple[str, int], tuple[int, int, int, int]] = {}
    rows = ResultFigures.objects.filter(campaign__in=campaigns).values_list(
        "campaign_id", "unit_id", "staff_responses", "pupil_responses"
    )
    for campaign_id, unit_id, staff, pupils in rows.iterator(chunk_size=5000):
        key = (info[campaign_id][0], unit_id)
        if key not in latest or order[latest[key][0]] < order[campaign_id]:
            latest[key] = (campaign_id, unit_id, staff, pupils)
    return {
        (campaign_id, unit_id): (year, info[campaign_id][1], info[campaign_id][2], staff, pupils)
        for (year, _unit), (campaign_id, unit_id, staff, pupils) in latest.items()
    }


def unit_area_means(
    figures: list[list[Any]], area_of: dict[str, str]
) -> dict[tuple[str, str], tuple[float, int]]:
    """(area code, group) → the unit's area mean (the mean of its shown indicator means, as the
    unit's results page shows it) and the fewest answers on the scale behind any of them."""
    return {
        key: (total / count, least) for key, (total, count, least) in figure_sums(figures, area_of).items()
    }


def _pool(huvudman_ids: list[int]) -> Pool:
    campaigns = _standard_campaigns(huvudman_ids)
    latest = _latest(campaigns)
    forms: dict[int, list[str]] = defaultdict(list)
    for unit_id, form in UnitSchoolForm.objects.filter(
        organisation__huvudman_id__in=huvudman_ids
    ).values_list("organisation_id", "school_form"):
        forms[unit_id].append(form)
    pool: Pool = defaultdict(list)
    for campaign_id, unit_id, area, group, total, count, least in area_sums(campaigns, _areas_by_code()):
        found = latest.get((campaign_id, unit_id))
        if found is None:
            continue  # a campaign of the same year that closed before the unit's last one
        year, huvudman_id, k, staff, pupils = found
        answered = staff if group == STAFF else pupils if group == PUPIL else 0
        if not unit_enters(least, answered, k):
            continue
        entry = Entry(huvudman_id, total / count, answered)
        for form in (ALL_FORMS, *forms.get(unit_id, ())):
            pool[(year, area, group, form)].append(entry)
    return pool


def comparison_build() -> ComparisonBuild:
    """Build the comparison anew from the huvudmän that share now, and replace the one before:
    a huvudman that has stopped sharing is gone from every figure."""
    huvudman_ids = list(ComparisonConsent.objects.filter(shares=True).values_list("huvudman_id", flat=True))
    pool = _pool(huvudman_ids)
    figures: list[ComparisonFigure] = []
    contributors: set[int] = set()
    for (year, area, group, form), entries in sorted(pool.items()):
        figure = national(entries)
        if figure is None:
            continue
        contributors.update(entry[0] for entry in entries)
        figures.append(
            ComparisonFigure(
                school_year=year,
                area_code=area,
                group=group,
                school_form=form,
                huvudman_count=figure.huvudman_count,
                unit_count=figure.unit_count,
                median=figure.median,
                q1=figure.q1,
                q3=figure.q3,
            )
        )
    with transaction.atomic():
        ComparisonBuild.objects.all().delete()
        build = ComparisonBuild.objects.create(
            built_at=timezone.now(), huvudman_count=len(contributors), figure_count=len(figures)
        )
        for row in figures:
            row.build = build
        ComparisonFigure.objects.bulk_create(figures, batch_size=2000)
    return build
