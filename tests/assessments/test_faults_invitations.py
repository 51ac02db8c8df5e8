"""Fault: the worker is killed in the middle of sending invitations. When it runs again it
resumes: everyone gets exactly one invitation, the "invited" marks match the e-mails that went
out, and every mailed link opens the questionnaire."""

import re

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db.models import QuerySet
from django.test import Client

from digiplan.assessments import tasks
from digiplan.assessments.models import Participation
from tests.assessment_helpers import build_campaign
from tests.assessments.test_ballot_box import add_staff

KILLED_AFTER = 3


def _invite_everyone(campaign) -> None:
    ids = list(Participation.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True))
    tasks.send_invitations.call(campaign.pk, ids)


def _assert_each_invited_once_with_a_working_link(campaign) -> None:
    participations = list(Participation.objects.filter(campaign=campaign).select_related("person"))
    sent_to = sorted(m.to[0] for m in mail.outbox)
    assert sent_to == sorted(p.person.email for p in participations)  # nobody two, nobody none
    assert all(p.invited_at is not None for p in participations)  # the marks match
    for message in mail.outbox:
        link = re.search(r"https?://\S+/svar/(\S+?)/", message.body)
        page = Client().get(f"/svar/{link.group(1)}/")
        assert page.status_code == 200 and 'name="go"' in page.content.decode(), message.to


@pytest.mark.parametrize("death", [SystemExit, KeyboardInterrupt])
def test_a_worker_killed_while_handing_over_a_mail_resumes_and_mails_everyone_once(world, monkeypatch, death):
    add_staff(world, 6)
    fx = build_campaign(world)
    real_send = EmailBackend.send_messages
    calls = []

    def dies_on_the_next(self, messages):
        calls.append(messages)
        if len(calls) > KILLED_AFTER:
            raise death()  # the process dies before the mail server has taken the message
        return real_send(self, messages)

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", dies_on_the_next)
        with pytest.raises(death):
            _invite_everyone(fx.campaign)
    assert len(mail.outbox) == KILLED_AFTER
    assert Participation.objects.filter(invited_at__isnull=False).count() == KILLED_AFTER
    _invite_everyone(fx.campaign)  # the worker is started again and the task rerun
    assert len(mail.outbox) == Participation.objects.filter(campaign=fx.campaign).count() > KILLED_AFTER
    _assert_each_invited_once_with_a_working_link(fx.campaign)
    _invite_everyone(fx.campaign)  # and a third run sends nothing
    _assert_each_invited_once_with_a_working_link(fx.campaign)


def test_a_worker_killed_while_recording_an_invitation_never_mails_that_person_twice(world, monkeypatch):
    """The mark is written before the mail is handed over: a death while it is written means the
    mail has not gone out, so the rerun sends it once (sending first, then marking, mailed them
    twice, and the first link no longer worked)."""
    add_staff(world, 6)
    fx = build_campaign(world)
    real_update = QuerySet.update
    marks = []

    def dies_while_marking(self, **kwargs):
        if self.model is Participation and "invited_at" in kwargs:
            marks.append(kwargs)
            if len(marks) > KILLED_AFTER:
                raise SystemExit()
        return real_update(self, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(QuerySet, "update", dies_while_marking)
        with pytest.raises(SystemExit):
            _invite_everyone(fx.campaign)
    assert len(mail.outbox) == KILLED_AFTER
    _invite_everyone(fx.campaign)
    _assert_each_invited_once_with_a_working_link(fx.campaign)


def test_a_mail_server_that_drops_the_connection_midway_loses_nobody(world, monkeypatch):
    import smtplib

    add_staff(world, 4)
    fx = build_campaign(world)
    real_send = EmailBackend.send_messages
    calls = []

    def drops(self, messages):
        calls.append(messages)
        if len(calls) == 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, messages)

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", drops)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            _invite_everyone(fx.campaign)
    assert Participation.objects.filter(invited_at__isnull=False).count() == len(mail.outbox) == 1
    _invite_everyone(fx.campaign)
    _assert_each_invited_once_with_a_working_link(fx.campaign)


# The production worker (the database queue): a task killed halfway does not run again by
# itself; resume_invitations queues whoever it left, and running it twice changes nothing.
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_halfway_is_resumed_by_resume_invitations_and_nobody_gets_two(monkeypatch):
    import io

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from digiplan.assessments import invitations
    from tests.assessments.test_tasks import DATABASE_TASKS, _run_worker
    from tests.conftest import build_world

    world = build_world()
    add_staff(world, 6)
    fx = build_campaign(world, open_it=False)
    real_send = EmailBackend.send_messages
    calls = []

    def dies_on_the_next(self, messages):
        calls.append(messages)
        if len(calls) > KILLED_AFTER:
            raise SystemExit()
        return real_send(self, messages)

    with DATABASE_TASKS:
        invitations.campaign_open_and_invite(actor=world.strategist, campaign=fx.campaign)
        with monkeypatch.context() as patch:
            patch.setattr(EmailBackend, "send_messages", dies_on_the_next)
            _run_worker()
        assert len(mail.outbox) == KILLED_AFTER
        assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED"]
        out = io.StringIO()
        call_command("resume_invitations", "--minutes", "0", stdout=out)
        left = Participation.objects.filter(campaign=fx.campaign).count() - KILLED_AFTER
        assert f"Inbjudningar köade igen: {left}." in out.getvalue()
        _run_worker()
        _assert_each_invited_once_with_a_working_link(fx.campaign)
        out = io.StringIO()
        call_command("resume_invitations", "--minutes", "0", stdout=out)
        assert "Inget att återuppta" in out.getvalue()
        _run_worker()
    _assert_each_invited_once_with_a_working_link(fx.campaign)
