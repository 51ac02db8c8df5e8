"""Who may open the activity library, the organisation overview and the year view. The data is
build_plan's: a published plan of unit A with one activity copied from a published example."""

from tests.conftest import PERSONAS

LOGIN = "login-redirect"
SIGNED_IN_200 = {**dict.fromkeys(PERSONAS, 200), "anonymous": LOGIN}
# Another huvudman's strategist runs their own library and overview: 200, on their own data.
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


def _plan(world):
    from tests.plan_helpers import build_plan

    return build_plan(world)


def _with_plan(world) -> dict:
    """No URL arguments, but a page with data in it to render."""
    _plan(world)
    return {}


EXPECTED = {
    "library_list": (_with_plan, SIGNED_IN_200),
    "library_create": (_with_plan, STRATEGISTS_ONLY),
    "library_edit": (lambda w: {"pk": _plan(w).entry.pk}, OWN_STRATEGIST_ONLY),
    "library_delete": (lambda w: {"pk": _plan(w).entry.pk}, POST_ONLY),
    "plan_overview": (_with_plan, STRATEGISTS_ONLY),
    "plan_year": (_with_plan, SIGNED_IN_200),
}
