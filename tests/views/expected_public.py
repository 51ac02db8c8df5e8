"""The public reports and the reports' start page. The public page needs no sign-in: its
address is the key; the pages that publish, list and withdraw are for strategists."""

from digiplan.reports.models import PublicReport
from tests.factories import PlanFactory
from tests.views.expected_results import _closed_campaign
from tests.views.matrix import (
    ALL_200,
    OWN_STRATEGIST_ONLY,
    POST_ONLY,
    READS,
    SIGNED_IN_200,
    STRATEGISTS_ONLY,
    Post,
    Route,
    to,
)


def _published(world):
    from digiplan.organisations.models import Organisation, OrganisationType
    from digiplan.reports.public import public_report_publish

    report = getattr(world, "_public_report", None)
    if report is None:
        campaign = _closed_campaign(world)
        report = world._public_report = public_report_publish(
            actor=world.strategist,
            huvudman=world.huvudman,
            units=Organisation.objects.filter(huvudman=world.huvudman, type=OrganisationType.SKOLENHET),
            school_year=campaign.school_year,
            title="Uppföljning",
        )
    return report


def _both_have_the_year(world) -> dict:
    """Our closed campaign of 2026/27, and a plan of the other huvudman for the same year: each
    strategist has that year to publish, whatever today's date."""
    _closed_campaign(world)
    PlanFactory(actor=world.other_strategist, organisation=world.other_unit, school_year="2026/27")
    return {}


EXPECTED = {
    "report_list": Route(get=SIGNED_IN_200, post=READS),
    "public_report_list": Route(kwargs=lambda w: (_published(w), {})[1], get=STRATEGISTS_ONLY, post=READS),
    "public_report_create": Route(
        kwargs=_both_have_the_year,
        get=POST_ONLY,
        # Each strategist publishes the report of their own huvudman.
        post=Post(
            {
                **STRATEGISTS_ONLY,
                "strategist": to("public_report_list"),
                "other_strategist": to("public_report_list"),
            },
            lambda w: {"school_year": "2026/27", "title": "Uppföljning för nämnden"},
            writers=("strategist", "other_strategist"),
            audit=("public_report_publish",),
            rows={PublicReport: 1},
        ),
    ),
    "public_report_withdraw": Route(
        kwargs=lambda w: {"pk": _published(w).pk},
        get=POST_ONLY,
        post=Post(
            {**OWN_STRATEGIST_ONLY, "strategist": to("public_report_list")},
            writers=("strategist",),
            audit=("public_report_withdraw",),
        ),
    ),
    "public_report": Route(kwargs=lambda w: {"token": _published(w).token}, get=ALL_200, post=READS),
    "public_report_pdf": Route(kwargs=lambda w: {"token": _published(w).token}, get=ALL_200, post=READS),
}
