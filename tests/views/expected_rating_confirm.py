"""The summary before a leader rating is final, and its confirmation (views/ratings.py)."""

from digiplan.assessments import services
from digiplan.assessments.models import LeaderRating
from tests.views.expected_campaigns import UNIT_A_RATERS, _unit_a
from tests.views.expected_results import _campaign
from tests.views.matrix import Post, Route, to


def _complete_draft(world):
    """Unit A's rating with a level for every statement, not yet submitted."""
    fx = _campaign(world)
    services.rating_save(
        actor=world.leader_a,
        rating=services.rating_for(fx.campaign, world.unit_a),
        answers={str(fx.items["LED.L1"].pk): "3", str(fx.items["KOMP.L1"].pk): "2"},
        comments={},
    )
    return _unit_a(world)


def _rating(world):
    return LeaderRating.objects.get(campaign=_campaign(world).campaign, unit=world.unit_a)


EXPECTED = {
    "rating_confirm": Route(
        kwargs=_unit_a,
        get=UNIT_A_RATERS,
        post=Post(
            {**UNIT_A_RATERS, "strategist": to("rating_edit"), "leader_a": to("rating_edit")},
            lambda w: {"revision": str(_rating(w).revision), "action": "confirm"},
            writers=("strategist", "leader_a"),
            audit=("rating.submit",),
            kwargs=_complete_draft,
            changes=lambda w: _rating(w).status,
        ),
    ),
}
