"""Opening a campaign and reminding: one service each, whose transaction holds its audit row
and whose e-mails are queued only once it has committed."""

from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from digiplan.assessments import invitations, services
from digiplan.assessments.models import CampaignStatus, Participation
from digiplan.audit.models import AuditEvent
from tests.assessment_helpers import build_campaign


def test_opening_queues_the_invitations_only_after_the_commit(world, django_capture_on_commit_callbacks):
    fx = build_campaign(world, open_it=False)
    with django_capture_on_commit_callbacks() as callbacks:
        outcome = invitations.campaign_open_and_invite(actor=world.strategist, campaign=fx.campaign)
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()  # the commit
    asked = Participation.objects.filter(campaign=fx.campaign).count()
    assert asked and outcome.count == asked
    assert outcome.sent == asked  # the ImmediateBackend ran the task at once
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Participation.objects.filter(campaign=fx.campaign).values_list("person__email", flat=True)
    )
    assert AuditEvent.objects.filter(action="campaign.open").count() == 1


def test_a_campaign_that_cannot_open_queues_no_mail(world, django_capture_on_commit_callbacks):
    fx = build_campaign(world)  # open already
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationError):
        invitations.campaign_open_and_invite(actor=world.strategist, campaign=fx.campaign)
    assert callbacks == [] and mail.outbox == []


def test_reminding_a_campaign_that_is_not_open_is_refused_and_writes_nothing(world):
    fx = build_campaign(world, open_it=False)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        invitations.campaign_remind(actor=world.strategist, campaign=fx.campaign)
    assert refused.value.messages == [services.ERROR_NOT_OPEN]
    assert AuditEvent.objects.count() == events and fx.campaign.status == CampaignStatus.DRAFT


def test_a_reminder_is_audited_with_how_many_and_mails_only_those_who_have_not_answered(
    world, django_capture_on_commit_callbacks
):
    fx = build_campaign(world)
    fx.campaign.refresh_from_db()
    answered = Participation.objects.filter(campaign=fx.campaign).first()
    services.response_submit(participation=answered, answers={})
    pending = Participation.objects.filter(campaign=fx.campaign, answered=False).count()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = invitations.campaign_remind(actor=world.strategist, campaign=fx.campaign)
    assert outcome.count == pending == len(mail.outbox)
    assert answered.person.email not in [m.to[0] for m in mail.outbox]
    event = AuditEvent.objects.get(action="campaign.remind")
    assert (event.actor_id, event.changes["after"]) == (world.strategist.pk, {"reminded": pending})


def test_a_queue_that_fails_is_reported_and_the_campaign_stays_open(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    fx = build_campaign(world, open_it=False)

    def broken(*args, **kwargs):
        raise OSError("the queue's database is gone")

    monkeypatch.setattr(invitations, "send_invitations", SimpleNamespace(enqueue=broken))
    with django_capture_on_commit_callbacks(execute=True):
        outcome = invitations.campaign_open_and_invite(actor=world.strategist, campaign=fx.campaign)
    fx.campaign.refresh_from_db()
    assert outcome.failed and outcome.sent is None
    assert fx.campaign.status == CampaignStatus.OPEN
