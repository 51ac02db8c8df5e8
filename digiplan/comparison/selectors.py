"""Reads of the national comparison: whether a huvudman shares, and a results page's rows of
"Jämfört med riket" (its own figure beside the national median and quartiles).

A page shows the national figures only to a huvudman that shares itself, and only what the
build stored: figures that passed every rule, with the number of huvudmän behind them.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from digiplan.assessments.models import Campaign, Group, ResultFigures
from digiplan.assessments.selectors import frozen
from digiplan.comparison.models import ComparisonBuild, ComparisonConsent, ComparisonFigure
from digiplan.comparison.services import ALL_FORMS, STANDARD_SLUG, unit_area_means
from digiplan.frameworks.models import Item, ItemKind
from digiplan.organisations.models import Organisation, SchoolForm, UnitSchoolForm

GROUP_ORDER = (Group.STAFF.value, Group.PUPIL.value)


@dataclass
class Row:
    area: Item
    group: str
    own: float | None
    national: ComparisonFigure | None


@dataclass
class Table:
    school_form: str
    rows: list[Row] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(SchoolForm(self.school_form).label) if self.school_form else ""


def shares(huvudman_id: int) -> bool:
    return ComparisonConsent.objects.filter(huvudman_id=huvudman_id, shares=True).exists()


def on_standard_set(campaign: Campaign) -> bool:
    framework = campaign.framework_version.framework
    return framework.slug == STANDARD_SLUG and framework.huvudman_id is None


def latest_build() -> ComparisonBuild | None:
    return ComparisonBuild.objects.order_by("-built_at", "-pk").first()


def _national(year: str) -> tuple[ComparisonBuild | None, dict[tuple[str, str, str], ComparisonFigure]]:
    """The newest build and its figures of the school year, in one query (a second only when
    the year has none). Only one build is ever kept."""
    figures = list(ComparisonFigure.objects.filter(school_year=year).select_related("build"))
    build = figures[0].build if figures else latest_build()
    return build, {(f.area_code, f.group, f.school_form): f for f in figures}


def _areas(campaign: Campaign) -> tuple[list[Item], dict[str, str]]:
    """The campaign's areas in order, and indicator code → area code (kept while the version
    is published, as the results pages keep its items)."""

    def load() -> tuple[list[Item], dict[str, str]]:
        items = list(
            Item.objects.filter(
                version=campaign.framework_version, kind__in=[ItemKind.AREA, ItemKind.INDICATOR]
            )
            .select_related("parent")
            .order_by("order", "code")
        )
        areas = [item for item in items if item.kind == ItemKind.AREA]
        area_of = {
            i.code: i.parent.code for i in items if i.kind == ItemKind.INDICATOR and i.parent is not None
        }
        return areas, area_of

    return frozen(campaign.framework_version_id, "comparison-areas", load)


def _tables(
    campaign: Campaign,
    national: dict[tuple[str, str, str], ComparisonFigure],
    forms: list[str],
    own: dict[tuple[str, str, str], float],
    areas: list[Item],
) -> list[Table]:
    groups = [g for g in GROUP_ORDER if g == Group.STAFF or campaign.include_pupils]
    tables = []
    for form in forms:
        table = Table(school_form=form)
        for area in areas:
            for group in groups:
                key = (area.code, group, form)
                if key in own or key in national:
                    table.rows.append(
                        Row(area=area, group=group, own=own.get(key), national=national.get(key))
                    )
        tables.append(table)
    return tables


def unit_tables(campaign: Campaign, unit: Organisation) -> tuple[ComparisonBuild | None, list[Table]]:
    """The unit's area means (as its results page shows them) beside the national figures for
    each of its school forms (every school form together when it has none)."""
    areas, area_of = _areas(campaign)
    figures = (
        ResultFigures.objects.filter(campaign=campaign, unit=unit).values_list("figures", flat=True).first()
    ) or []
    forms = list(UnitSchoolForm.objects.filter(organisation=unit).values_list("school_form", flat=True)) or [
        ALL_FORMS
    ]
    own = {
        (area, group, form): mean
        for (area, group), (mean, _answers) in unit_area_means(figures, area_of).items()
        for form in forms
    }
    build, national = _national(campaign.school_year)
    return build, _tables(campaign, national, forms, own, areas)


def org_tables(campaign: Campaign) -> tuple[ComparisonBuild | None, list[Table]]:
    """The huvudman's figure, the median of its units' shown area means, beside the national
    figures: every school form together, then each school form of the campaign's units."""
    areas, area_of = _areas(campaign)
    unit_forms: dict[int, list[str]] = defaultdict(list)
    for unit_id, form in UnitSchoolForm.objects.filter(
        organisation__in=campaign.units.values("unit_id")
    ).values_list("organisation_id", "school_form"):
        unit_forms[unit_id].append(form)
    means: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for unit_id, figures in ResultFigures.objects.filter(campaign=campaign).values_list("unit_id", "figures"):
        for (area, group), (mean, _answers) in unit_area_means(figures, area_of).items():
            for form in (ALL_FORMS, *unit_forms.get(unit_id, ())):
                means[(area, group, form)].append(mean)
    own = {key: statistics.median(values) for key, values in means.items()}
    forms = [ALL_FORMS, *sorted({form for forms in unit_forms.values() for form in forms})]
    build, national = _national(campaign.school_year)
    return build, _tables(campaign, national, forms, own, areas)
