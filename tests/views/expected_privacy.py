"""A person's data: downloaded and erased by the huvudman's strategists; one's own by anyone."""

from digiplan.organisations.models import Membership
from tests.views.matrix import OWN_STRATEGIST_ONLY, READS, SIGNED_IN_200, Post, Route, to


def _staff(world):
    return {"pk": world.staff.pk}


EXPECTED = {
    # The download itself is recorded, whichever way it is asked for.
    "person_data_export": Route(
        kwargs=_staff,
        get=OWN_STRATEGIST_ONLY,
        post=Post(OWN_STRATEGIST_ONLY, writers=("strategist",), audit=("person.export_data",)),
    ),
    "person_erase": Route(
        kwargs=_staff,
        get=OWN_STRATEGIST_ONLY,
        post=Post(
            {**OWN_STRATEGIST_ONLY, "strategist": to("people_list")},
            lambda w: {"confirm_email": w.staff.email},
            writers=("strategist",),
            audit=("person.erase",),
            rows={Membership: -1},
        ),
    ),
    "my_data_export": Route(get=SIGNED_IN_200, post=READS),
}
