"""Who may open the activity pages and the calendar feed. The plan is build_plan's: a published
plan of unit A whose one activity the staff persona owns."""

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
UNIT_A_EDITORS = {**UNIT_A_READERS, "staff": 403}
POST_ONLY = {**dict.fromkeys(PERSONAS, 405), "anonymous": LOGIN}
SIGNED_IN_200 = {**dict.fromkeys(PERSONAS, 200), "anonymous": LOGIN}
ALL_200 = dict.fromkeys(PERSONAS, 200)


def _plan(world):
    from tests.plan_helpers import build_plan

    return build_plan(world)


def _staff_secret(world):
    from digiplan.plans.services import calendar_feed_secret

    return calendar_feed_secret(person=world.staff)


EXPECTED = {
    "plan_activities": (lambda w: {"pk": _plan(w).plan.pk}, UNIT_A_READERS),
    "activity_create": (lambda w: {"pk": _plan(w).plan.pk}, UNIT_A_EDITORS),
    "activity_from_library": (lambda w: {"pk": _plan(w).plan.pk, "entry_pk": _plan(w).entry.pk}, POST_ONLY),
    "activity_detail": (lambda w: {"pk": _plan(w).activity.pk}, UNIT_A_READERS),
    "activity_edit": (lambda w: {"pk": _plan(w).activity.pk}, UNIT_A_EDITORS),
    "activity_progress": (lambda w: {"pk": _plan(w).activity.pk}, POST_ONLY),
    "activity_delete": (lambda w: {"pk": _plan(w).activity.pk}, UNIT_A_EDITORS),  # confirm page
    "my_activities": (None, SIGNED_IN_200),
    "calendar_settings": (None, SIGNED_IN_200),
    # No sign-in: the secret is the key, so everyone holding it gets the same answer.
    "calendar_feed": (lambda w: {"secret": _staff_secret(w)}, ALL_200),
}
