"""The self-assessment's scheduled clean-up (manage.py purge_assessment_data): drafts that can
no longer be sent are deleted and the links of closed campaigns retired."""

import datetime
import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from digiplan.assessments.models import (
    Campaign,
    CampaignStatus,
    Draft,
    Participation,
)
from digiplan.audit.services import audit_record

# ---- Purging on a schedule (manage.py purge_assessment_data) --------------------------------

# A retired token hash can never match a link again: a real one is 64 hexadecimal digits, and a
# link's token is always hashed to those, never to anything with a colon.
RETIRED_PREFIX = "retired:"
PURGE_DAYS_DEFAULT = 30
PURGE_BATCH = 1000


def retired_token_hash() -> str:
    return RETIRED_PREFIX + secrets.token_hex(28)


@dataclass
class PurgeResult:
    cutoff: datetime.date
    drafts_closed: int = 0  # drafts of closed campaigns
    drafts_overdue: int = 0  # drafts of campaigns left open past their closing date + the days
    drafts_orphaned: int = 0  # drafts whose participation no longer exists
    tokens_retired: int = 0
    campaigns: dict[Campaign, dict[str, int]] = field(default_factory=dict)  # {"drafts": n, "tokens": n}

    @property
    def drafts(self) -> int:
        return self.drafts_closed + self.drafts_overdue + self.drafts_orphaned

    @property
    def anything(self) -> bool:
        return bool(self.drafts or self.tokens_retired)


def assessment_data_purge(
    *, days: int = PURGE_DAYS_DEFAULT, today: datetime.date | None = None, dry_run: bool = False
) -> PurgeResult:
    """Deletes the drafts that can no longer become answers and retires the links of closed
    campaigns. Idempotent: a second run finds nothing more to do.

    - drafts of closed campaigns (closing deletes them; this catches any left behind);
    - drafts of campaigns still open more than `days` days after their closing date;
    - drafts no participation leads to any more (a person or a campaign deleted), once they
      have not changed for `days` days;
    - the token hashes of closed campaigns' participations are replaced by random values that
      no link hashes to, so an old link can never be used again.

    Each campaign touched gets an audit event (actor: the system) with the counts."""
    if days < 0:
        raise ValueError("days must not be negative")
    today = today or timezone.localdate()
    result = PurgeResult(cutoff=today - datetime.timedelta(days=days))
    with transaction.atomic():
        found = _purge_find(result.cutoff)
        _purge_count(found, result)
        if dry_run:
            return result
        _purge_write(found)
        for campaign, counts in result.campaigns.items():
            audit_record(
                actor=None,
                huvudman=campaign.huvudman,
                action="campaign.purge",
                obj=campaign,
                extra={"drafts": counts["drafts"], "retired_links": counts["tokens"]},
            )
        if found.orphans:
            audit_record(
                actor=None,
                huvudman=None,
                action="draft.purge",
                object_type="draft",
                extra={"drafts": len(found.orphans)},
            )
    return result


@dataclass
class _PurgeFound:
    campaigns: dict[int, Campaign]  # closed, or open or draft past their closing date, by id
    drafted: list[tuple[int, str]]  # (campaign id, token hash) of their drafts
    orphans: list[int]  # ids of drafts no participation leads to, unchanged since the cutoff
    retire: list[tuple[int, int]]  # (participation id, campaign id) of live links of closed campaigns


def _purge_find(cutoff: datetime.date) -> _PurgeFound:
    campaigns = {
        c.pk: c
        for c in Campaign.objects.select_related("huvudman").filter(
            Q(status=CampaignStatus.CLOSED)
            | Q(closes_on__lt=cutoff, status__in=(CampaignStatus.OPEN, CampaignStatus.DRAFT))
        )
    }
    drafted = list(
        Participation.objects.filter(
            campaign_id__in=list(campaigns),
            token_hash__in=Draft.objects.values("token_hash"),
        ).values_list("campaign_id", "token_hash")
    )
    orphans = list(
        Draft.objects.filter(updated_on__lt=cutoff)
        .exclude(
            Exists(Participation.objects.filter(token_hash=OuterRef("token_hash"))),
        )
        .values_list("pk", flat=True)
    )
    retire = list(
        Participation.objects.filter(
            campaign__status=CampaignStatus.CLOSED,
        )
        .exclude(token_hash__startswith=RETIRED_PREFIX)
        .values_list("pk", "campaign_id")
    )
    return _PurgeFound(campaigns=campaigns, drafted=drafted, orphans=orphans, retire=retire)


def _purge_count(found: _PurgeFound, result: PurgeResult) -> None:
    """What the purge deletes and retires, per campaign and in all."""
    for campaign_id, _hash in found.drafted:
        counts = result.campaigns.setdefault(found.campaigns[campaign_id], {"drafts": 0, "tokens": 0})
        counts["drafts"] += 1
        if found.campaigns[campaign_id].status == CampaignStatus.CLOSED:
            result.drafts_closed += 1
        else:
            result.drafts_overdue += 1
    result.drafts_orphaned = len(found.orphans)
    for _pk, campaign_id in found.retire:
        campaign = found.campaigns[campaign_id]
        result.campaigns.setdefault(campaign, {"drafts": 0, "tokens": 0})["tokens"] += 1
    result.tokens_retired = len(found.retire)


def _purge_write(found: _PurgeFound) -> None:
    hashes = [h for _c, h in found.drafted]
    for start in range(0, len(hashes), PURGE_BATCH):
        Draft.objects.filter(token_hash__in=hashes[start : start + PURGE_BATCH]).delete()
    for start in range(0, len(found.orphans), PURGE_BATCH):
        Draft.objects.filter(pk__in=found.orphans[start : start + PURGE_BATCH]).delete()
    for start in range(0, len(found.retire), PURGE_BATCH):
        Participation.objects.bulk_update(
            [
                Participation(pk=pk, token_hash=retired_token_hash())
                for pk, _c in found.retire[start : start + PURGE_BATCH]
            ],
            ["token_hash"],
        )
