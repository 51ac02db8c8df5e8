"""The leader's rating of a unit: saved as a draft, submitted, reopened with a reason."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from digiplan.assessments.models import (
    Campaign,
    CampaignStatus,
    LeaderAnswer,
    LeaderRating,
    RatingStatus,
)
from digiplan.assessments.services.common import (
    ERROR_ITEM,
    ERROR_NOT_OPEN,
    ERROR_RATING_SUBMITTED,
    ERROR_REASON,
    ERROR_STALE,
    _clean_answers,
    _clean_comment,
    campaign_items,
)
from digiplan.audit.services import audit_record
from digiplan.frameworks.models import RespondentGroup
from digiplan.organisations.models import Organisation, Person


def rating_for(campaign: Campaign, unit: Organisation) -> LeaderRating:
    rating, _created = LeaderRating.objects.get_or_create(campaign=campaign, unit=unit)
    return rating


def rating_save(
    *,
    actor: Person | None,
    rating: LeaderRating,
    answers: Mapping[Any, Any],
    comments: Mapping[Any, Any],
    participants: str = "",
    revision: int | None = None,
    submit: bool = False,
) -> LeaderRating:
    with transaction.atomic():
        rating = LeaderRating.objects.select_for_update().select_related("campaign").get(pk=rating.pk)
        if rating.status == RatingStatus.SUBMITTED:
            raise ValidationError(ERROR_RATING_SUBMITTED)
        if rating.campaign.status != CampaignStatus.OPEN:
            raise ValidationError(ERROR_NOT_OPEN)
        if revision is not None and revision != rating.revision:
            raise ValidationError(ERROR_STALE)
        clean = _clean_answers(rating.campaign, RespondentGroup.LEADER, answers)
        comments = {int(k): _clean_comment(v) for k, v in comments.items() if str(k).isdigit()}
        unknown = set(comments) - {i.pk for i in campaign_items(rating.campaign, RespondentGroup.LEADER)}
        if unknown:
            raise ValidationError(ERROR_ITEM)
        existing = {a.item_id: a for a in rating.answers.all()}
        for item_pk in set(clean) | set(comments):
            answer = existing.get(item_pk) or LeaderAnswer(rating=rating, item_id=item_pk)
            if item_pk in clean:
                answer.value = clean[item_pk]
            if item_pk in comments:
                answer.comment = comments[item_pk]
            answer.save()
        rating.participants = participants.strip()[:2000]
        rating.revision += 1
        if submit:
            rating.status = RatingStatus.SUBMITTED
            rating.submitted_at = timezone.now()
            rating.submitted_by = actor
        rating.save()
        audit_record(
            actor=actor,
            huvudman=rating.campaign.huvudman,
            action="rating.submit" if submit else "rating.save",
            obj=rating,
            object_label=f"{rating.unit.name} {rating.campaign}",
            after={"answers": len(clean)},
        )
    return rating


def rating_reopen(*, actor: Person | None, rating: LeaderRating, reason: str) -> LeaderRating:
    with transaction.atomic():
        rating = LeaderRating.objects.select_for_update().get(pk=rating.pk)
        if not reason.strip():
            raise ValidationError(ERROR_REASON)
        rating.status = RatingStatus.DRAFT
        rating.reopened_reason = reason.strip()[:2000]
        rating.revision += 1
        rating.save()
        audit_record(
            actor=actor,
            huvudman=rating.campaign.huvudman,
            action="rating.reopen",
            obj=rating,
            object_label=f"{rating.unit.name} {rating.campaign}",
            after={"reason": rating.reopened_reason},
        )
    return rating
