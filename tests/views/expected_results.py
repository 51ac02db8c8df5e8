"""Who may read results. A unit's results: everyone whose memberships reach the unit. The
organisation's results and their downloads: the huvudman's strategists only.

_campaign and _closed_campaign are the one campaign of a world that every expectation file
(and tests/plan_helpers) shares."""

from tests.views.matrix import OWN_STRATEGIST_ONLY, READS, UNIT_A_READERS, Route


def _campaign(world):
    """build_campaign's open campaign over units A and B, built once per world."""
    fx = getattr(world, "_campaign", None)
    if fx is None:
        from tests.assessment_helpers import build_campaign

        fx = build_campaign(world)
        world._campaign = fx
    return fx


def _closed_campaign(world):
    """Results show their figures only once the campaign is closed: check the full pages."""
    from digiplan.assessments import services
    from digiplan.assessments.models import CampaignStatus

    fx = _campaign(world)
    # campaign_open changed the row, not the object build_campaign holds.
    fx.campaign.refresh_from_db()
    if fx.campaign.status == CampaignStatus.OPEN:
        fx.campaign = services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    return fx.campaign


EXPECTED = {
    "results_org": Route(
        kwargs=lambda w: {"pk": _closed_campaign(w).pk}, get=OWN_STRATEGIST_ONLY, post=READS
    ),
    "results_unit": Route(
        kwargs=lambda w: {"pk": _closed_campaign(w).pk, "unit_pk": w.unit_a.pk},
        get=UNIT_A_READERS,
        post=READS,
    ),
    "results_export": Route(
        kwargs=lambda w: {"pk": _closed_campaign(w).pk, "fmt": "xlsx"},
        get=OWN_STRATEGIST_ONLY,
        post=READS,
    ),
}
