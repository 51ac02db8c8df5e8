"""Who may read reports. A unit's report: everyone whose memberships reach the unit. The
organisation's report: strategists (each of their own huvudman)."""

from tests.views.expected_results import _closed_campaign
from tests.views.matrix import READS, STRATEGISTS_ONLY, UNIT_A_READERS, Route


def _unit_a_with_results(world):
    # The full report, with a closed campaign's figures and charts, not only its empty state.
    _closed_campaign(world)
    return {"unit_pk": world.unit_a.pk}


def _closed(world):
    _closed_campaign(world)
    return {}


EXPECTED = {
    "report_unit": Route(kwargs=_unit_a_with_results, get=UNIT_A_READERS, post=READS),
    "report_org": Route(kwargs=_closed, get=STRATEGISTS_ONLY, post=READS),
}
