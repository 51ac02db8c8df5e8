"""Who may read results. A unit's results: everyone whose memberships reach the unit. The
organisation's results and their downloads: the huvudman's strategists only."""

from tests.conftest import PERSONAS

LOGIN = "login-redirect"
UNIT_A_READERS = {
    "anonymous": LOGIN,
    "strategist": 200,
    "leader_a": 200,
    "leader_b": 404,
    "staff": 200,
    "other_strategist": 404,
}
OWN_STRATEGIST_ONLY = {
    "anonymous": LOGIN,
    "strategist": 200,
    "leader_a": 403,
    "leader_b": 403,
    "staff": 403,
    "other_strategist": 404,
}
assert set(UNIT_A_READERS) == set(OWN_STRATEGIST_ONLY) == set(PERSONAS)


def _campaign(world):
    # Shared with the other expectation files: one campaign per world, built once.
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
    "results_org": (lambda w: {"pk": _closed_campaign(w).pk}, OWN_STRATEGIST_ONLY),
    "results_unit": (lambda w: {"pk": _closed_campaign(w).pk, "unit_pk": w.unit_a.pk}, UNIT_A_READERS),
    "results_export": (lambda w: {"pk": _closed_campaign(w).pk, "fmt": "xlsx"}, OWN_STRATEGIST_ONLY),
}
