"""The national comparison's setting: a huvudman's strategists only (each sets their own
huvudman's consent); the results pages that show "Jämfört med riket" are in expected_results."""

from digiplan.comparison.models import ComparisonConsent
from tests.views.matrix import STRATEGISTS_ONLY, Post, Route, to

SAVED = {
    **STRATEGISTS_ONLY,
    "strategist": to("comparison_setting"),
    "other_strategist": to("comparison_setting"),
}

EXPECTED = {
    "comparison_setting": Route(
        get=STRATEGISTS_ONLY,
        post=Post(
            SAVED,
            lambda w: {"shares": "on"},
            writers=("strategist", "other_strategist"),
            audit=("comparison.opt_in",),
            rows={ComparisonConsent: 1},
        ),
    ),
}
