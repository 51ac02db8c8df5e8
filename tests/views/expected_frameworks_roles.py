"""The plan's own roles and dates: a version's period, decision and follow-up dates (kept by the
huvudman's strategists, on published versions too) and the groups plans give duties to."""

from datetime import date

from digiplan.frameworks.models import FollowUp
from digiplan.organisations.models import Group
from tests.framework_helpers import build_frameworks
from tests.views.matrix import (
    LOGIN,
    OWN_STRATEGIST_ONLY,
    POST_ONLY,
    STRATEGISTS_ONLY,
    Post,
    Route,
    answers,
    to,
)

# A published version is read by the huvudman, its dates kept by its strategists.
PUBLISHED_EDITORS = answers(403, anonymous=LOGIN, strategist=200, other_strategist=404)


def _published(world):
    return {"pk": build_frameworks(world).published.pk}


def _follow_up(world):
    version = build_frameworks(world).published
    follow_up, _created = FollowUp.objects.get_or_create(
        version=version, date=date(2026, 3, 1), text="Uppföljning"
    )
    return {"pk": follow_up.pk}


def _group(world):
    group, _created = Group.objects.get_or_create(huvudman=world.huvudman, name="Lokala IT-gruppen")
    return {"pk": group.pk}


EXPECTED = {
    "version_details": Route(
        kwargs=_published,
        get=PUBLISHED_EDITORS,
        post=Post(
            {**PUBLISHED_EDITORS, "strategist": to("version_detail")},
            lambda w: {
                "form": "details",
                "valid_from": "2026-01-01",
                "valid_to": "2027-12-31",
                "decision_body": "BUN",
            },
            writers=("strategist",),
            audit=("framework_version.details",),
        ),
    ),
    "follow_up_delete": Route(
        kwargs=_follow_up,
        get=POST_ONLY,
        post=Post(
            {**PUBLISHED_EDITORS, "strategist": to("version_details")},
            writers=("strategist",),
            audit=("follow_up.delete",),
            rows={FollowUp: -1},
        ),
    ),
    "follow_up_done": Route(
        kwargs=_follow_up,
        get=POST_ONLY,
        post=Post(
            {**PUBLISHED_EDITORS, "strategist": to("version_details")},
            writers=("strategist",),
            audit=("follow_up.done",),
            changes=lambda w: sorted(str(d) for d in FollowUp.objects.values_list("done_on", flat=True)),
        ),
    ),
    "plan_groups": Route(
        get=STRATEGISTS_ONLY,
        post=Post(
            {**STRATEGISTS_ONLY, "strategist": to("plan_groups"), "other_strategist": to("plan_groups")},
            lambda w: {"name": "Lokala IT-gruppen"},
            writers=("strategist", "other_strategist"),
            audit=("group.create",),
            rows={Group: 1},
        ),
    ),
    "plan_group_edit": Route(
        kwargs=_group,
        get=OWN_STRATEGIST_ONLY,
        post=Post(
            {**OWN_STRATEGIST_ONLY, "strategist": to("plan_groups")},
            lambda w: {"name": "IT-gruppen"},
            writers=("strategist",),
            audit=("group.update",),
        ),
    ),
    "plan_group_delete": Route(
        kwargs=_group,
        get=POST_ONLY,
        post=Post(
            {**OWN_STRATEGIST_ONLY, "strategist": to("plan_groups")},
            writers=("strategist",),
            audit=("group.delete",),
            rows={Group: -1},
        ),
    ),
}
