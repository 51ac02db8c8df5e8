"""Who may open and change the activities and the calendar feed. The plan is build_plan's: a
published plan of unit A whose one activity the staff persona owns."""

from digiplan.plans.models import Activity, CalendarFeed, ProgressNote
from tests.conftest import PERSONAS
from tests.plan_helpers import build_plan
from tests.views.matrix import (
    ALL_200,
    LOGIN,
    POST_ONLY,
    READS,
    SIGNED_IN_200,
    UNIT_A_EDITORS,
    UNIT_A_READERS,
    Post,
    Route,
    answers,
    to,
)

EDITORS = ("strategist", "leader_a")


def _plan(world):
    return {"pk": build_plan(world).plan.pk}


def _activity(world):
    return {"pk": build_plan(world).activity.pk}


def _staff_secret(world):
    from digiplan.plans.services import calendar_feed_secret

    return {"secret": calendar_feed_secret(person=world.staff)}


def _activity_as_edited(world) -> dict:
    """The activity as it is, with a new title."""
    activity = Activity.objects.get(pk=build_plan(world).activity.pk)
    return {
        "title": "Studiecirkel om lärplattformen, del 1",
        "goal": activity.goal_id,
        "owner": activity.owner_id,
        "starts_on": activity.starts_on.isoformat(),
        "due_on": activity.due_on.isoformat(),
        "status": activity.status,
        "revision": str(activity.revision),
    }


def _editors_write(
    audit: str, redirect: str, rows=None, body=lambda w: {}, writers=EDITORS, base=UNIT_A_EDITORS
):
    return Post({**base, **dict.fromkeys(writers, to(redirect))}, body, writers, (audit,), rows or {})


EXPECTED = {
    "plan_activities": Route(kwargs=_plan, get=UNIT_A_READERS, post=READS),
    "activity_create": Route(
        kwargs=_plan,
        get=UNIT_A_EDITORS,
        post=_editors_write(
            "activity.create",
            "activity_detail",
            {Activity: 1},
            lambda w: {"title": "Workshop om digitala prov", "status": "planned"},
        ),
    ),
    "activity_from_library": Route(
        kwargs=lambda w: {"pk": build_plan(w).plan.pk, "entry_pk": build_plan(w).entry.pk},
        get=POST_ONLY,
        post=_editors_write("activity.create", "activity_edit", {Activity: 1}),
    ),
    "activity_detail": Route(kwargs=_activity, get=UNIT_A_READERS, post=READS),
    "activity_edit": Route(
        kwargs=_activity,
        get=UNIT_A_EDITORS,
        post=_editors_write("activity.update", "activity_detail", body=_activity_as_edited),
    ),
    # The owner records progress as well as the plan's editors.
    "activity_progress": Route(
        kwargs=_activity,
        get=POST_ONLY,
        post=_editors_write(
            "activity.progress",
            "activity_detail",
            {ProgressNote: 1},
            lambda w: {"status": "ongoing", "note": "Första träffen är hållen."},
            writers=(*EDITORS, "staff"),
        ),
    ),
    # A GET asks to confirm; the POST deletes.
    "activity_delete": Route(
        kwargs=_activity,
        get=UNIT_A_EDITORS,
        post=_editors_write("activity.delete", "plan_activities", {Activity: -1}),
    ),
    "my_activities": Route(get=SIGNED_IN_200, post=READS),
    # A POST makes a new secret address (the first one, here).
    "calendar_settings": Route(
        get=SIGNED_IN_200,
        post=Post(
            answers(to("calendar_settings"), anonymous=LOGIN),
            writers=PERSONAS[1:],
            audit=("calendar.renew",),
            rows={CalendarFeed: 1},
        ),
    ),
    # No sign-in: the secret is the key, so everyone holding it gets the same answer.
    "calendar_feed": Route(kwargs=_staff_secret, get=ALL_200, post=Post(answers(405))),
}
