"""Who may open the campaign and leader rating pages."""

from tests.conftest import PERSONAS

LOGIN = "login-redirect"
SIGNED_IN_200 = {**dict.fromkeys(PERSONAS, 200), "anonymous": LOGIN}
STRATEGISTS_ONLY = {
    "anonymous": LOGIN,
    "strategist": 200,
    "leader_a": 403,
    "leader_b": 403,
    "staff": 403,
    "other_strategist": 200,
}
OWN_STRATEGIST_ONLY = {**STRATEGISTS_ONLY, "other_strategist": 404}
POST_ONLY = {**dict.fromkeys(PERSONAS, 405), "anonymous": LOGIN}
# Leaders of both units lead a unit of the campaign; staff lead none.
UNIT_LEADERS_AND_STRATEGIST = {**OWN_STRATEGIST_ONLY, "leader_a": 200, "leader_b": 200}
# Unit A's rating: its leader and the strategist; unit B's leader cannot see unit A at all.
UNIT_A_RATERS = {
    "anonymous": LOGIN,
    "strategist": 200,
    "leader_a": 200,
    "leader_b": 404,
    "staff": 403,
    "other_strategist": 404,
}


def _campaign(world):
    # Shared with the other expectation files: one campaign per world, built once.
    fx = getattr(world, "_campaign", None)
    if fx is None:
        from tests.assessment_helpers import build_campaign

        fx = build_campaign(world)
        world._campaign = fx
    return fx


def _pk(world):
    return {"pk": _campaign(world).campaign.pk}


def _unit_a(world):
    return {"pk": _campaign(world).campaign.pk, "unit_pk": world.unit_a.pk}


EXPECTED = {
    "campaign_list": (None, SIGNED_IN_200),
    "campaign_create": (None, STRATEGISTS_ONLY),
    "campaign_detail": (_pk, OWN_STRATEGIST_ONLY),
    "campaign_open": (_pk, POST_ONLY),
    "campaign_remind": (_pk, POST_ONLY),
    "campaign_close": (_pk, OWN_STRATEGIST_ONLY),  # a page that asks to confirm
    "pupil_codes": (_pk, UNIT_LEADERS_AND_STRATEGIST),
    "pupil_codes_print": (_pk, UNIT_LEADERS_AND_STRATEGIST),
    "rating_edit": (_unit_a, UNIT_A_RATERS),
    "rating_reopen": (_unit_a, POST_ONLY),
}
