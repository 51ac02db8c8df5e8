"""Opening a campaign and reminding those who have not answered, with the e-mails each sends.

Writes like services.py (keyword-only, one transaction with its audit row); here because they
queue the e-mail tasks (tasks.py), which themselves use the services. The e-mails are queued
after the commit, so no mail is queued for a rolled-back open. Only ids go into the queue: the
task makes each person's link itself, as it sends. With the ImmediateBackend (development) the
tasks have run when these return; with the database backend a worker (manage.py db_worker) sends
them later."""

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import Task, TaskResultStatus
from django.utils import timezone

from digiplan.assessments import services
from digiplan.assessments.models import Campaign, CampaignStatus, Participation
from digiplan.assessments.tasks import batches, send_invitations, send_reminders
from digiplan.audit.services import audit_record
from digiplan.organisations.models import Person

log = logging.getLogger(__name__)


@dataclass
class MailOutcome:
    """What became of the e-mails of an open or a reminder, as far as is known when it returns."""

    count: int  # the people mailed to
    sent: int | None = None  # e-mails sent, when the tasks have run already
    failed: bool = False  # a task, or the queue itself, failed


def campaign_open_and_invite(*, actor: Person, campaign: Campaign) -> MailOutcome:
    """Opens the campaign and queues the invitations to everyone it asks."""
    with transaction.atomic():
        # The tokens made by the open are not mailed: the invitation task gives each person a
        # fresh one as it sends, so the queue never holds a working link.
        participation_ids = sorted(services.campaign_open(actor=actor, campaign=campaign))
        outcome = MailOutcome(count=len(participation_ids))
        if participation_ids:
            transaction.on_commit(
                lambda: enqueue_mail(send_invitations, campaign, participation_ids, outcome)
            )
    return outcome


def campaign_remind(*, actor: Person, campaign: Campaign) -> MailOutcome:
    """Queues a reminder to everyone asked who has not answered. The task makes a fresh link per
    person when it sends (only hashes are stored, so the old link cannot be resent) and skips
    anyone who has answered by then."""
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError(services.ERROR_NOT_OPEN)
    with transaction.atomic():
        pending = list(
            Participation.objects.filter(campaign=campaign, answered=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        audit_record(
            actor=actor,
            huvudman=campaign.huvudman,
            action="campaign.remind",
            obj=campaign,
            after={"reminded": len(pending)},
        )
        outcome = MailOutcome(count=len(pending))
        if pending:
            transaction.on_commit(lambda: enqueue_mail(send_reminders, campaign, pending, outcome))
    return outcome


def enqueue_mail(
    mail_task: Task, campaign: Campaign, participation_ids: list[int], outcome: MailOutcome
) -> None:
    """Queues the e-mails, a task per batch of participations, and notes in outcome what is
    known of them: sent (the tasks ran at once) or failed."""
    try:
        results = [mail_task.enqueue(campaign.pk, batch) for batch in batches(participation_ids)]
    except Exception:  # the queue's database may fail too: the page must still answer
        log.exception("campaign %s: queueing %s e-mails failed", campaign.pk, len(participation_ids))
        outcome.failed = True
        return
    if any(r.status == TaskResultStatus.FAILED for r in results):
        outcome.failed = True
    elif all(r.status == TaskResultStatus.SUCCESSFUL for r in results):
        outcome.sent = sum(r.return_value["sent"] for r in results)


RESUME_AFTER_MINUTES = 15


def invitations_resume(*, minutes: int = RESUME_AFTER_MINUTES) -> dict[Campaign, int]:
    """Queues the invitation again for everyone never invited who has not answered, in each
    open campaign opened more than `minutes` ago: what a worker killed halfway (or a mail
    server that failed) left unsent. Safe at any time, beside running workers: the task mails
    only those still without invited_at, under a row lock, so nobody gets two. How many, per
    campaign."""
    cutoff = timezone.now() - datetime.timedelta(minutes=minutes)
    resumed: dict[Campaign, int] = {}
    open_campaigns = Campaign.objects.filter(status=CampaignStatus.OPEN, opened_at__lte=cutoff)
    for campaign in open_campaigns.select_related("huvudman").order_by("pk"):
        never_invited = list(
            Participation.objects.filter(campaign=campaign, answered=False, invited_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if never_invited:
            enqueue_mail(send_invitations, campaign, never_invited, MailOutcome(count=len(never_invited)))
            resumed[campaign] = len(never_invited)
    return resumed
