"""The self-assessment's part of a person's data (digiplan.privacy.registry), registered in
AssessmentsConfig.ready(): whether they were asked and answered, and the leader ratings they
submitted. What they answered is not part of it: it was never linked to them (see models).

At erasure, their unfinished drafts go and their ratings stay without them. A colleague's
comment may also name the person. Once a campaign has closed, the comment is a
response's text and the general search of privacy finds it; while the campaign is open it is
inside a sealed ballot or draft, which only the application can open. So the ballots and drafts
of the huvudman's open campaigns are opened here, the person's name replaced, and every one of
them sealed again, changed or not: which ones named the person must not show in the database
either.
"""

from collections import Counter

from digiplan.assessments import ballots, services
from digiplan.assessments.models import Ballot, Campaign, CampaignStatus, Draft, LeaderRating, Participation
from digiplan.privacy import mentions
from digiplan.privacy.registry import PersonalData
from digiplan.privacy.selectors import when

RESEAL_BATCH = 500


def assessments_export(person) -> dict:
    return {
        # Whether the person was asked and has answered; what they answered is not linked to
        # them anywhere, so it cannot be part of this file.
        "self_assessments": [
            {
                "campaign": str(p.campaign),
                "unit": p.unit.name,
                "answered": p.answered,
                "invited_at": when(p.invited_at),
                "reminded_at": when(p.reminded_at),
            }
            for p in Participation.objects.filter(person=person).select_related("campaign", "unit")
        ],
        "leader_ratings_submitted": [
            {"campaign": str(r.campaign), "unit": r.unit.name, "submitted_at": when(r.submitted_at)}
            for r in LeaderRating.objects.filter(submitted_by=person).select_related("campaign", "unit")
        ],
    }


def assessments_unlink(*, person, **_context) -> dict:
    Draft.objects.filter(
        token_hash__in=Participation.objects.filter(person=person).values("token_hash")
    ).delete()
    LeaderRating.objects.filter(submitted_by=person).update(submitted_by=None)
    return {}


def ballots_erase(*, huvudman_id: int | None, identity: mentions.Identity, **_context) -> dict:
    pattern = identity.pattern()
    changed: Counter[str] = Counter()
    if pattern is None or huvudman_id is None:
        return {}
    for campaign in Campaign.objects.filter(huvudman_id=huvudman_id, status=CampaignStatus.OPEN):
        changed["ballots"] += _reseal_ballots(campaign, pattern)
        changed["drafts"] += _reseal_drafts(campaign, pattern)
    return {"sealed_comments_rewritten": changed["ballots"] + changed["drafts"]}


def _clean(contents: ballots.Contents, pattern) -> bool:
    new = mentions.replace_in(contents.comment, pattern)
    if new == contents.comment:
        return False
    contents.comment = new
    return True


def _reseal_ballots(campaign: Campaign, pattern) -> int:
    changed, batch = 0, []
    for ballot in (
        Ballot.objects.filter(campaign=campaign)
        .select_for_update()
        .only("pk", "sealed", "campaign_id")
        .iterator(chunk_size=RESEAL_BATCH)
    ):
        contents = ballots.open_ballot(campaign.pk, ballot.sealed)
        changed += _clean(contents, pattern)
        group_size = services.box_size(campaign, contents.group)
        ballot.sealed = ballots.seal_ballot(campaign.pk, group_size, contents)
        batch.append(ballot)
        if len(batch) == RESEAL_BATCH:
            Ballot.objects.bulk_update(batch, ["sealed"])
            batch = []
    if batch:
        Ballot.objects.bulk_update(batch, ["sealed"])
    return changed


def _reseal_drafts(campaign: Campaign, pattern) -> int:
    participations = dict(Participation.objects.filter(campaign=campaign).values_list("token_hash", "pk"))
    size = services.box_size(campaign)
    changed, batch = 0, []
    for draft in Draft.objects.filter(token_hash__in=participations).select_for_update():
        participation_id = participations[draft.token_hash]
        try:
            contents = ballots.open_draft(campaign.pk, participation_id, draft.sealed)
        except ballots.sealing.SealError:
            continue  # a draft that no longer opens is no draft: the person starts again
        changed += _clean(contents, pattern)
        draft.sealed = ballots.seal_draft(campaign.pk, participation_id, size, contents)
        batch.append(draft)
    Draft.objects.bulk_update(batch, ["sealed"], batch_size=RESEAL_BATCH)
    return changed


PART = PersonalData(
    app="assessments",
    export=assessments_export,
    shown_links=frozenset(
        {("assessments.participation", "person"), ("assessments.leaderrating", "submitted_by")}
    ),
    unlink=assessments_unlink,
    scrub=ballots_erase,
)
