"""Who may open, run and close a campaign, make pupil codes and rate a unit. The campaign is
build_campaign's, open, over units A and B (expected_results._campaign)."""

import datetime

from django.utils import timezone

from digiplan.assessments import services
from digiplan.assessments.models import (
    Campaign,
    CampaignUnit,
    LeaderAnswer,
    LeaderRating,
    OrgResultFigures,
    Participation,
    PupilCode,
    ResultFigures,
    ResultSnapshot,
)
from tests.factories import CampaignFactory
from tests.views.expected_results import _campaign
from tests.views.matrix import (
    LOGIN,
    OWN_STRATEGIST_ONLY,
    POST_ONLY,
    READS,
    SIGNED_IN_200,
    STRATEGISTS_ONLY,
    Post,
    Route,
    answers,
    to,
)

# Leaders of both units lead a unit of the campaign; staff lead none.
UNIT_LEADERS_AND_STRATEGIST = {**OWN_STRATEGIST_ONLY, "leader_a": 200, "leader_b": 200}
# Unit A's rating: its leader and the strategist; unit B's leader cannot see unit A at all.
UNIT_A_RATERS = answers(404, anonymous=LOGIN, strategist=200, leader_a=200, staff=403)


def _pk(world):
    return {"pk": _campaign(world).campaign.pk}


def _draft(world):
    """A campaign not yet opened."""
    campaign = CampaignFactory(
        huvudman=world.huvudman, actor=world.strategist, units=[world.unit_a, world.unit_b]
    )
    return {"pk": campaign.pk}


def _unit_a(world):
    return {"pk": _campaign(world).campaign.pk, "unit_pk": world.unit_a.pk}


def _submitted(world):
    """Unit A's rating, submitted by its leader."""
    fx = _campaign(world)
    services.rating_save(
        actor=world.leader_a,
        rating=services.rating_for(fx.campaign, world.unit_a),
        answers={str(fx.items["LED.L1"].pk): "3", str(fx.items["KOMP.L1"].pk): "2"},
        comments={},
        submit=True,
    )
    return _unit_a(world)


def _new_campaign(world) -> dict:
    today = timezone.localdate()
    return {
        "name": "Skattning 2027/28",
        "school_year": "2027/28",
        "framework_version": _campaign(world).version.pk,
        "include_leader": "on",
        "include_staff": "on",
        "unit_choice": "all",
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=28)).isoformat(),
        "k": "5",
    }


def _runs_it(audit: str, rows=None, body=lambda w: {}, redirect="campaign_detail", base=OWN_STRATEGIST_ONLY):
    return Post({**base, "strategist": to(redirect)}, body, ("strategist",), (audit,), rows or {})


EXPECTED = {
    "campaign_list": Route(get=SIGNED_IN_200, post=READS),
    "campaign_create": Route(
        get=STRATEGISTS_ONLY,
        # Another huvudman's strategist cannot name our framework version: the form says so.
        post=_runs_it(
            "campaign.create", {Campaign: 1, CampaignUnit: 2}, _new_campaign, base=STRATEGISTS_ONLY
        ),
    ),
    "campaign_detail": Route(kwargs=_pk, get=OWN_STRATEGIST_ONLY, post=READS),
    # The staff persona of unit A is asked (unit B has no staff).
    "campaign_open": Route(kwargs=_draft, get=POST_ONLY, post=_runs_it("campaign.open", {Participation: 1})),
    "campaign_remind": Route(kwargs=_pk, get=POST_ONLY, post=_runs_it("campaign.remind")),
    # A GET asks to confirm; the POST closes.
    # The figures are stored as the campaign closes: one row per unit and a snapshot.
    "campaign_close": Route(
        kwargs=_pk,
        get=OWN_STRATEGIST_ONLY,
        post=_runs_it("campaign.close", {ResultFigures: 2, ResultSnapshot: 1, OrgResultFigures: 1}),
    ),
    "pupil_codes": Route(
        kwargs=_pk,
        get=UNIT_LEADERS_AND_STRATEGIST,
        # Unit B's leader makes codes for unit B only: naming unit A is a form error.
        post=Post(
            {**UNIT_LEADERS_AND_STRATEGIST, "strategist": to("pupil_codes"), "leader_a": to("pupil_codes")},
            lambda w: {"unit": w.unit_a.pk, "label": "8A", "capacity": "25"},
            writers=("strategist", "leader_a"),
            audit=("pupil_code.create",),
            rows={PupilCode: 1},
        ),
    ),
    "pupil_codes_print": Route(kwargs=_pk, get=UNIT_LEADERS_AND_STRATEGIST, post=READS),
    "rating_edit": Route(
        kwargs=_unit_a,
        get=UNIT_A_RATERS,
        post=Post(
            {**UNIT_A_RATERS, "strategist": to("rating_edit"), "leader_a": to("rating_edit")},
            lambda w: {
                "participants": "Ledningsgruppen",
                "revision": "0",
                f"level_{_campaign(w).items['LED.L1'].pk}": "3",
                "action": "save",
            },
            writers=("strategist", "leader_a"),
            audit=("rating.save",),
            rows={LeaderRating: 1, LeaderAnswer: 1},
        ),
    ),
    "rating_reopen": Route(
        kwargs=_submitted,
        get=POST_ONLY,
        post=_runs_it(
            "rating.reopen",
            body=lambda w: {"reason": "Nivån på LED.L1 blev fel."},
            redirect="rating_edit",
            base={**UNIT_A_RATERS, "leader_a": 403},
        ),
    ),
}
