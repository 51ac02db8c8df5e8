"""The answering pages. A personal link and a pupil code are the key themselves: with a valid
one every visitor, signed in or not, reaches the page and answers. What is answered is written
without a person and without an audit event: the answers are anonymous."""

import time

from digiplan.accounts.models import KnownCode
from digiplan.assessments.models import Ballot, Draft, Participation
from tests.conftest import PERSONAS
from tests.views.expected_results import _campaign
from tests.views.matrix import ALL_200, LOGIN, READS, Post, Route, answers, to


def _staff_participation(world):
    return Participation.objects.get(campaign=_campaign(world).campaign, person=world.staff)


def _token(world):
    return {"token": _campaign(world).tokens[_staff_participation(world).pk]}


def _pupil_code(world):
    code = getattr(world, "_pupil_code", None)
    if code is None:
        from digiplan.assessments import services

        code = services.pupil_code_create(
            actor=world.strategist,
            campaign=_campaign(world).campaign,
            unit=world.unit_a,
            label="7B",
            capacity=25,
        )
        world._pupil_code = code
    return {"code": code.code}


def _first_page(world) -> dict:
    """The first area's statement answered, and stay on the page: the answer is kept as a draft."""
    return {"del": "1", f"item-{_campaign(world).items['LED.P1'].pk}": "4", "go": "stay"}


def _sealed_profile(world) -> dict:
    """The profile a thank-you page shows, sealed, as its PDF button posts it."""
    from digiplan.assessments.views.answering import PROFILE_FIELD, _seal_profile

    fx = _campaign(world)
    profile = {
        "c": fx.campaign.pk,
        "u": world.unit_a.pk,
        "a": {str(fx.items["LED.P1"].pk): "4"},
        "e": int(time.time()) + 600,
    }
    return {PROFILE_FIELD: _seal_profile(profile)}


EXPECTED = {
    "survey_start": Route(get=answers(200, anonymous=LOGIN), post=READS),
    "survey_token": Route(
        kwargs=_token,
        get=ALL_200,
        post=Post(
            answers(to("survey_token")),
            _first_page,
            writers=PERSONAS,
            rows={Draft: 1, KnownCode: 1},
        ),
    ),
    "survey_participation": Route(
        kwargs=lambda w: {"pk": _staff_participation(w).pk},
        get=answers(404, anonymous=LOGIN, staff=200),
        post=Post(
            answers(404, anonymous=LOGIN, staff=to("survey_participation")),
            _first_page,
            writers=("staff",),
            rows={Draft: 1},
        ),
    ),
    # POST only, and as login-free as the questionnaire by link. The PDF is made, never stored.
    "survey_profile_pdf": Route(get=answers(405), post=Post(ALL_200, _sealed_profile)),
    "pupil_start": Route(
        get=ALL_200,
        post=Post(
            answers(to("pupil_questionnaire")),
            lambda w: {"kod": _pupil_code(w)["code"]},
            writers=PERSONAS,
            rows={KnownCode: 1},
        ),
    ),
    "pupil_questionnaire": Route(
        kwargs=_pupil_code,
        get=ALL_200,
        post=Post(
            answers(to("pupil_done")),
            lambda w: {"nonce": "ett-formulär", f"item-{_campaign(w).items['KOMP.E1'].pk}": "4"},
            writers=PERSONAS,
            rows={Ballot: 1},
        ),
    ),
    "pupil_done": Route(get=ALL_200, post=READS),
}
