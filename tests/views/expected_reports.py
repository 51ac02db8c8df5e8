"""Who may read reports. A unit's report: everyone whose memberships reach the unit. The
organisation's report: strategists (each of their own huvudman)."""

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
STRATEGISTS_ONLY = {
    "anonymous": LOGIN,
    "strategist": 200,
    "leader_a": 403,
    "leader_b": 403,
    "staff": 403,
    "other_strategist": 200,
}
assert set(UNIT_A_READERS) == set(STRATEGISTS_ONLY) == set(PERSONAS)


def _unit_a_with_results(world):
    # The full report, with a closed campaign's figures and charts, not only its empty state.
    from tests.views.expected_results import _closed_campaign

    _closed_campaign(world)
    return {"unit_pk": world.unit_a.pk}


def _closed(world):
    from tests.views.expected_results import _closed_campaign

    _closed_campaign(world)
    return {}


EXPECTED = {
    "report_unit": (_unit_a_with_results, UNIT_A_READERS),
    "report_org": (_closed, STRATEGISTS_ONLY),
}
