"""Who may download a plan: everyone who may read it (a published plan of unit A here)."""

from tests.conftest import PERSONAS

LOGIN = "login-redirect"
PLAN_A_READERS = {
    "anonymous": LOGIN,
    "strategist": 200,
    "leader_a": 200,
    "leader_b": 404,
    "staff": 200,
    "other_strategist": 404,
}
assert set(PLAN_A_READERS) == set(PERSONAS)


def _plan(world):
    from tests.plan_helpers import build_plan

    return build_plan(world).plan


EXPECTED = {
    "plan_export": (lambda w: {"pk": _plan(w).pk, "fmt": "xlsx"}, PLAN_A_READERS),
}
