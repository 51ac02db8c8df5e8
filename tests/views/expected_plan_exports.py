"""Who may download a plan: everyone who may read it (a published plan of unit A here)."""

from tests.plan_helpers import build_plan
from tests.views.matrix import READS, UNIT_A_READERS, Route

EXPECTED = {
    "plan_export": Route(
        kwargs=lambda w: {"pk": build_plan(w).plan.pk, "fmt": "xlsx"}, get=UNIT_A_READERS, post=READS
    ),
}
