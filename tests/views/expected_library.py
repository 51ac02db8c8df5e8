"""Who may read and write the activity library, and open the organisation overview and the year
view. The data is build_plan's: a published plan of unit A with one activity copied from a
published example."""

from digiplan.plans.models import LibraryActivity
from tests.plan_helpers import build_plan
from tests.views.matrix import (
    OWN_STRATEGIST_ONLY,
    POST_ONLY,
    READS,
    SIGNED_IN_200,
    STRATEGISTS_ONLY,
    Post,
    Route,
    to,
)


def _with_plan(world) -> dict:
    """No URL arguments, but a page with data in it to render."""
    build_plan(world)
    return {}


def _entry(world):
    return {"pk": build_plan(world).entry.pk}


def _entry_as_edited(world) -> dict:
    """The example as it is, with a new title."""
    entry = LibraryActivity.objects.get(pk=build_plan(world).entry.pk)
    return {
        "title": "Studiecirkel om lärplattformen för arbetslag",
        "description": entry.description,
        "items": list(entry.items.values_list("pk", flat=True)),
        "duration": entry.duration,
        "is_published": "on",
        "revision": str(entry.revision),
    }


EXPECTED = {
    "library_list": Route(kwargs=_with_plan, get=SIGNED_IN_200, post=READS),
    "library_create": Route(
        kwargs=_with_plan,
        get=STRATEGISTS_ONLY,
        post=Post(
            {**STRATEGISTS_ONLY, "strategist": to("library_list"), "other_strategist": to("library_list")},
            lambda w: {"title": "Digitalt klassrum: en lektion i veckan"},
            writers=("strategist", "other_strategist"),
            audit=("library.create",),
            rows={LibraryActivity: 1},
        ),
    ),
    "library_edit": Route(
        kwargs=_entry,
        get=OWN_STRATEGIST_ONLY,
        post=Post(
            {**OWN_STRATEGIST_ONLY, "strategist": to("library_list")},
            _entry_as_edited,
            writers=("strategist",),
            audit=("library.update",),
        ),
    ),
    "library_delete": Route(
        kwargs=_entry,
        get=POST_ONLY,
        post=Post(
            {**OWN_STRATEGIST_ONLY, "strategist": to("library_list")},
            writers=("strategist",),
            audit=("library.delete",),
            rows={LibraryActivity: -1, LibraryActivity.items.through: -1},
        ),
    ),
    "plan_overview": Route(kwargs=_with_plan, get=STRATEGISTS_ONLY, post=READS),
    "plan_year": Route(kwargs=_with_plan, get=SIGNED_IN_200, post=READS),
}
