"""Who may open the answering pages. A personal link and a pupil code are the key themselves:
with a valid one every visitor, signed in or not, reaches the page."""

from tests.conftest import PERSONAS

LOGIN = "login-redirect"
ALL_200 = dict.fromkeys(PERSONAS, 200)


def _campaign(world):
    # Shared with the other expectation files: one campaign per world, built once.
    fx = getattr(world, "_campaign", None)
    if fx is None:
        from tests.assessment_helpers import build_campaign

        fx = build_campaign(world)
        world._campaign = fx
    return fx


def _staff_participation(world):
    from digiplan.assessments.models import Participation

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


EXPECTED = {
    "survey_start": (None, {**ALL_200, "anonymous": LOGIN}),
    "survey_token": (_token, ALL_200),
    "survey_participation": (
        lambda w: {"pk": _staff_participation(w).pk},
        {**dict.fromkeys(PERSONAS, 404), "anonymous": LOGIN, "staff": 200},
    ),
    # POST only, and as login-free as the questionnaire by link: everyone gets 405 for a GET.
    "survey_profile_pdf": (None, dict.fromkeys(PERSONAS, 405)),
    "pupil_start": (None, ALL_200),
    "pupil_questionnaire": (_pupil_code, ALL_200),
    "pupil_done": (None, ALL_200),
}
