"""Background jobs of the self-assessment: the e-mailed invitations and reminders.

They run through Django's task framework: at once in development (the ImmediateBackend), and in
production in a worker process (`manage.py db_worker`, see docs/operations.md) that reads them
from the database. Without a running worker no e-mail goes out.

Only ids go into the queue. Each task makes the personal links itself, just before it mails
them, so no raw token is ever written to the task table (whose rows, arguments and all, stay
until pruned); Participation keeps only the hash. A new link replaces the old one, so each
person's token is changed, mailed and recorded in one small transaction of its own: a mail that
could not be sent leaves the earlier link working, and a task that fails halfway keeps what it
had already sent. The mark is written before the mail is handed over and committed right after:
a worker killed at any point before the mail server accepts a message leaves that person
unmarked (the rerun mails them once); only a death between the server's acceptance and the
COMMIT can mail someone twice (docs/operations.md, "When something fails").
"""

import logging
import smtplib
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digiplan.assessments import services
from digiplan.assessments.models import Campaign, CampaignStatus, Participation

log = logging.getLogger(__name__)

# Participations per task: one SMTP connection each, and a failed task redoes no more than this.
BATCH_SIZE = 200


def batches(ids: Iterable[int], size: int | None = None) -> Iterator[list[int]]:
    size = size or BATCH_SIZE
    chunk: list[int] = []
    for pk in ids:
        chunk.append(pk)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def answer_link(token: str) -> str:
    try:
        path = reverse("survey_token", kwargs={"token": token})
    except NoReverseMatch:  # the answering pages live beside this part
        path = f"/svar/{token}/"
    return settings.SITE_URL.rstrip("/") + path


def _subject(campaign: Campaign, *, reminder: bool) -> str:
    """The subject names the campaign once: most are called "Skattning …" already, and
    "Skattning Skattning 2026/27" reads as a mistake."""
    named = str(_("Self-assessment")).lower() in campaign.name.lower()
    if reminder:
        text = _("Reminder: %(campaign)s") if named else _("Reminder: self-assessment %(campaign)s")
    else:
        text = (
            _("%(campaign)s: your personal link")
            if named
            else _("Self-assessment %(campaign)s: your personal link")
        )
    return text % {"campaign": str(campaign)}


def _message(campaign: Campaign, participation: Participation, token: str, *, reminder: bool) -> EmailMessage:
    """The e-mail with the person's link, in Swedish (call inside translation.override)."""
    subject = _subject(campaign, reminder=reminder)
    body = render_to_string(
        "assessments/campaigns/email_invitation.txt",
        {
            "person": participation.person,
            "unit": participation.unit,
            "campaign": campaign,
            "reminder": reminder,
            "link": answer_link(token),
        },
    )
    return EmailMessage(subject, body, None, [participation.person.email])


def _mail_links(campaign_id: int, participation_ids: list[int] | None, *, reminder: bool) -> dict:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or campaign.status != CampaignStatus.OPEN:
        log.info(
            "campaign %s is not open: no %s sent", campaign_id, "reminders" if reminder else "invitations"
        )
        return {"sent": 0, "refused": 0}
    people = _people_to_mail(campaign, participation_ids, reminder=reminder)
    sent = refused = 0
    if not people:
        return {"sent": sent, "refused": refused}
    with translation.override("sv"), mailers.default as connection:
        for participation in people:
            try:
                if not _mail_one(connection, campaign, participation, reminder=reminder):
                    continue
            except smtplib.SMTPRecipientsRefused:
                # One bad address must not stop the others; that person keeps their old link.
                log.warning(
                    "campaign %s: the mail server refused the address of participation %s",
                    campaign.pk,
                    participation.pk,
                )
                refused += 1
                continue
            except Exception:
                log.exception(
                    "campaign %s: sending failed after %s of %s e-mails", campaign.pk, sent, len(people)
                )
                raise
            sent += 1
    log.info(
        "campaign %s: %s %s sent, %s refused",
        campaign.pk,
        sent,
        "reminders" if reminder else "invitations",
        refused,
    )
    return {"sent": sent, "refused": refused}


def _people_to_mail(campaign: Campaign, participation_ids: list[int] | None, *, reminder: bool) -> list:
    """The participations to mail: of these ids (all, when None), not answered, and for an
    invitation not invited yet."""
    wanted = Participation.objects.filter(campaign=campaign, answered=False)
    if participation_ids is not None:
        wanted = wanted.filter(pk__in=participation_ids)
    if not reminder:
        wanted = wanted.filter(invited_at__isnull=True)  # a rerun mails no one twice
    return list(wanted.select_related("person", "unit").order_by("pk"))


def _mail_one(connection, campaign: Campaign, participation: Participation, *, reminder: bool) -> bool:
    """Gives the person a new link, mails it and records when, in one transaction; False when
    there was no one to mail any more."""
    with transaction.atomic():
        # Lock the person's row and look again: they may have answered, been mailed by
        # another task, or the campaign closed since the task began.
        locked = (
            Participation.objects.select_for_update(of=("self",))
            .filter(pk=participation.pk, answered=False, campaign__status=CampaignStatus.OPEN)
            .first()
        )
        if locked is None or (not reminder and locked.invited_at is not None):
            return False
        # Someone whose invitation never went out gets an invitation, not a reminder that
        # speaks of earlier e-mails.
        first_mail = locked.invited_at is None
        token = services.participation_new_token(locked)
        now = timezone.now()
        stamps = {"reminded_at": now} if reminder else {}
        if first_mail:
            stamps["invited_at"] = now
        # Recorded before the mail goes out, in the same transaction: a worker that dies before
        # the mail server has taken the message leaves no mark (the rerun sends it), and once it
        # has taken it only the COMMIT remains, so a rerun finds the person mailed.
        Participation.objects.filter(pk=locked.pk).update(**stamps)
        connection.send_messages([_message(campaign, participation, token, reminder=not first_mail)])
    return True


@task
def send_invitations(campaign_id: int, participation_ids: list[int]) -> dict:
    """Mails each of these participations (that has not answered and was not yet invited) a new
    personal link and records invited_at."""
    return _mail_links(campaign_id, participation_ids, reminder=False)


@task
def send_reminders(campaign_id: int, participation_ids: list[int] | None = None) -> dict:
    """Mails each of these participations (all of the campaign's, when None) that has not yet
    answered a new personal link, which replaces the old one, and records reminded_at."""
    return _mail_links(campaign_id, participation_ids, reminder=True)
