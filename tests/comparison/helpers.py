"""Huvudmän with closed campaigns on a built-in "digiplan-standard" set, their stored figures
written directly (ResultFigures, as closing writes them), for the comparison's tests."""

import datetime

from django.utils import timezone

from digiplan.assessments.models import Campaign, CampaignStatus, CampaignUnit, ResultFigures
from digiplan.comparison import services
from digiplan.frameworks.exchange import import_framework
from digiplan.frameworks.models import FrameworkVersion
from digiplan.organisations.services import huvudman_root
from tests.assessment_helpers import INDICATORS
from tests.factories import HuvudmanFactory, OrganisationFactory

YEAR = "2025/26"


def standard_version() -> FrameworkVersion:
    """The built-in standard set (the test framework under the standard slug, no huvudman)."""
    found = FrameworkVersion.objects.filter(
        framework__slug=services.STANDARD_SLUG, framework__huvudman__isnull=True
    ).first()
    if found is not None:
        return found
    text = INDICATORS.replace("slug: skattning-test", f"slug: {services.STANDARD_SLUG}")
    return import_framework(text, huvudman=None, actor=None, publish=True)


def figures(mean: float, n: int = 10, *, pupils: float | None = None) -> list:
    """A unit's stored figures: every staff indicator at `mean` over n answers (and the pupil
    one at `pupils`), in ResultFigures' flat form."""
    rows = [[code, "staff", n, 0, mean * n, mean, 4, n] for code in ("KOMP.P1", "LED.P1")]
    if pupils is not None:
        rows.append(["KOMP.E1", "pupil", n, 0, pupils * n, pupils, 4, n])
    return rows


def closed_on_standard(huvudman, units: dict, *, year=YEAR, k=5, version=None, closed_days_ago=1):
    """A closed campaign of huvudman over units: {unit: (figures, staff responses)}."""
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        huvudman=huvudman,
        name="Skattning",
        school_year=year,
        framework_version=version or standard_version(),
        k=k,
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today - datetime.timedelta(days=closed_days_ago),
        status=CampaignStatus.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=closed_days_ago),
    )
    for unit, (rows, staff) in units.items():
        CampaignUnit.objects.create(campaign=campaign, unit=unit)
        ResultFigures.objects.create(campaign=campaign, unit=unit, figures=rows, staff_responses=staff)
    return campaign


def sharing_huvudman(
    means: list[float], *, respondents: int = 10, n: int | None = None, share=True, forms=("GR",), k=5
):
    """A huvudman (sharing, unless share=False) with one unit per mean, each with its closed
    figures of YEAR. Answers (huvudman, its units)."""
    huvudman = HuvudmanFactory()
    root = huvudman_root(huvudman)
    units = [OrganisationFactory(parent=root, school_forms=list(forms)) for _ in means]
    closed_on_standard(
        huvudman,
        {
            unit: (figures(mean, n or respondents), respondents)
            for unit, mean in zip(units, means, strict=True)
        },
        k=k,
    )
    if share:
        services.consent_set(actor=None, huvudman=huvudman, shares=True)
    return huvudman, units
