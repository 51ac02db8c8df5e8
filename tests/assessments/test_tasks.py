"""Invitations and reminders go through the task queue. In development (the ImmediateBackend)
they go out at once; with the database backend nothing is sent until the worker runs, and the
queue table never holds a working link: tasks carry participation ids and make the links as they
mail them."""

import io
import json
import re
import signal
import smtplib
import socket
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from digiplan.assessments import services, tasks
from digiplan.assessments.models import CampaignStatus, Participation
from digiplan.organisations import services as org_services
from digiplan.organisations.models import Role
from tests.assessment_helpers import build_campaign

LINK = re.compile(r"https?://\S+/svar/(?P<token>[\w-]+)/")
DATABASE_TASKS = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)


def _add_staff(world, unit, count, prefix):
    people = []
    for i in range(count):
        person = org_services.person_create(
            actor=None, huvudman=world.huvudman, name=f"{prefix} {i}", email=f"{prefix}{i}@sjovik.test"
        )
        org_services.membership_create(actor=None, person=person, organisation=unit, role=Role.STAFF)
        people.append(person)
    return people


def _run_worker() -> None:
    """The production worker in its batch mode: runs every queued task, then exits. It sets
    its own signal handlers; the test run gets its own back."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command(
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0",
            verbosity=0,
            stdout=io.StringIO(),
        )
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _broken_mail_server():
    """SMTP settings that point at a port nobody listens on."""
    return override_settings(
        MAILERS={
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": _closed_port(), "timeout": 5},
            }
        }
    )


def _links_work(client_for, messages) -> dict[str, Participation]:
    """Each e-mail holds exactly one link, it opens the questionnaire, and it belongs to the
    person it was sent to."""
    by_email = {}
    for message in messages:
        link = LINK.search(message.body)
        assert link and message.body.count(link.group(0)) == 1
        participation = services.participation_for_token(link.group("token"))
        assert participation.person.email == message.to[0]
        assert client_for("anonymous").get(urlparse(link.group(0)).path).status_code == 200
        by_email[message.to[0]] = participation
    return by_email


def _queue_text() -> str:
    return json.dumps(
        [
            [str(v) for v in row]
            for row in DBTaskResult.objects.values_list("args_kwargs", "return_value", "traceback")
        ]
    )


# ---- Development: the ImmediateBackend sends at once -------------------------------------------


def test_with_the_immediate_backend_invitations_arrive_at_once(world, client_for):
    colleagues = _add_staff(world, world.unit_b, 2, "kollega")
    fx = build_campaign(world)
    ids = sorted(fx.tokens)
    result = tasks.send_invitations.enqueue(fx.campaign.pk, ids)
    assert result.status == "SUCCESSFUL" and result.return_value == {"sent": 3, "refused": 0}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in (world.staff, *colleagues))
    mailed = _links_work(client_for, mail.outbox)
    assert all(p.invited_at is not None and p.reminded_at is None for p in mailed.values())
    assert all(m.subject.endswith("din personliga länk") for m in mail.outbox)
    # The tokens campaign_open made were never sent; the task's fresh ones replaced them.
    assert all(services.participation_for_token(t) is None for t in fx.tokens.values())
    # A rerun (a retried task, a double enqueue) mails no one twice.
    assert tasks.send_invitations.enqueue(fx.campaign.pk, ids).return_value["sent"] == 0
    assert len(mail.outbox) == 3


def test_invitations_skip_who_answered_and_a_closed_campaign_gets_nothing(world):
    fx = build_campaign(world)
    (pk,) = fx.tokens
    services.response_submit(participation=Participation.objects.get(pk=pk), answers={})
    assert tasks.send_invitations.enqueue(fx.campaign.pk, [pk]).return_value["sent"] == 0
    assert tasks.send_reminders.enqueue(fx.campaign.pk).return_value["sent"] == 0
    other = build_campaign(world)
    services.campaign_close(actor=world.strategist, campaign=other.campaign)
    assert tasks.send_invitations.enqueue(other.campaign.pk, list(other.tokens)).return_value["sent"] == 0
    assert mail.outbox == []


def test_one_refused_address_does_not_stop_the_others_and_keeps_its_old_link(world, client_for, monkeypatch):
    colleagues = _add_staff(world, world.unit_a, 2, "glomsk")
    fx = build_campaign(world)
    Participation.objects.filter(campaign=fx.campaign).update(invited_at=timezone.now())
    old = {Participation.objects.get(pk=pk).person.email: token for pk, token in fx.tokens.items()}
    refused = colleagues[0].email

    class Refusing(LocmemBackend):
        def send_messages(self, messages):
            if any(refused in m.to for m in messages):
                raise smtplib.SMTPRecipientsRefused({refused: (550, b"No such user")})
            return super().send_messages(messages)

    monkeypatch.setattr(tasks, "mailers", SimpleNamespace(default=Refusing()))
    result = tasks.send_reminders.enqueue(fx.campaign.pk)
    assert result.status == "SUCCESSFUL" and result.return_value == {"sent": 2, "refused": 1}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.staff.email, colleagues[1].email])
    for message in mail.outbox:
        assert message.subject.startswith("Påminnelse")
        assert "Länkar i tidigare e-postmeddelanden fungerar inte längre" in message.body
    _links_work(client_for, mail.outbox)
    kept = services.participation_for_token(old[refused])
    assert kept is not None and kept.reminded_at is None
    assert services.participation_for_token(old[world.staff.email]) is None


def test_batches_split_the_ids():
    assert list(tasks.batches(range(5), 2)) == [[0, 1], [2, 3], [4]]
    assert list(tasks.batches([])) == []


# ---- Production: the database backend and its worker -------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_nothing_is_sent_until_the_worker_runs(world, client_for):
    colleagues = _add_staff(world, world.unit_b, 2, "kollega")
    fx = build_campaign(world, open_it=False)
    with DATABASE_TASKS:
        page = (
            client_for("strategist")
            .post(reverse("campaign_open", args=[fx.campaign.pk]), follow=True)
            .content.decode()
        )
        assert "3 e-postmeddelanden med personliga länkar är på väg" in page
        assert mail.outbox == []
        participations = Participation.objects.filter(campaign=fx.campaign)
        assert participations.count() == 3
        assert not participations.filter(invited_at__isnull=False).exists()
        row = DBTaskResult.objects.get()
        assert row.status == "READY"
        assert row.task_path == "digiplan.assessments.tasks.send_invitations"
        # Only the campaign and participation ids: nothing in the queue opens a questionnaire.
        assert row.args_kwargs == {
            "args": [fx.campaign.pk, sorted(p.pk for p in participations)],
            "kwargs": {},
        }

        _run_worker()

    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in (world.staff, *colleagues))
    mailed = _links_work(client_for, mail.outbox)
    assert all(p.invited_at is not None for p in mailed.values())
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL" and row.return_value == {"sent": 3, "refused": 0}
    for message in mail.outbox:
        assert LINK.search(message.body).group("token") not in _queue_text()


@pytest.mark.django_db(transaction=True)
def test_large_campaigns_are_queued_in_batches(world, client_for, monkeypatch):
    _add_staff(world, world.unit_a, 4, "personal")
    fx = build_campaign(world, open_it=False)
    monkeypatch.setattr(tasks, "BATCH_SIZE", 2)
    with DATABASE_TASKS:
        client_for("strategist").post(reverse("campaign_open", args=[fx.campaign.pk]))
        rows = list(DBTaskResult.objects.all())
        assert sorted(len(r.args_kwargs["args"][1]) for r in rows) == [1, 2, 2]
        _run_worker()
    assert len(mail.outbox) == 5
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_reminders_wait_for_the_worker_and_old_links_work_until_then(world, client_for):
    colleagues = _add_staff(world, world.unit_a, 1, "glomsk")
    fx = build_campaign(world)
    Participation.objects.filter(campaign=fx.campaign).update(invited_at=timezone.now())
    old = {Participation.objects.get(pk=pk).person.email: token for pk, token in fx.tokens.items()}
    with DATABASE_TASKS:
        page = (
            client_for("strategist")
            .post(reverse("campaign_remind", args=[fx.campaign.pk]), follow=True)
            .content.decode()
        )
        assert "2 e-postmeddelanden med personliga länkar är på väg" in page
        assert mail.outbox == []
        assert all(services.participation_for_token(t) for t in old.values())
        row = DBTaskResult.objects.get()
        assert row.task_path == "digiplan.assessments.tasks.send_reminders"
        assert set(row.args_kwargs["args"][1]) == set(fx.tokens)
        assert not any(token in _queue_text() for token in old.values())
        # Someone answers before the worker gets to it: they get no reminder.
        answered = services.participation_for_token(old[colleagues[0].email])
        services.response_submit(participation=answered, answers={})

        _run_worker()

    assert [m.to[0] for m in mail.outbox] == [world.staff.email]
    mailed = _links_work(client_for, mail.outbox)[world.staff.email]
    assert mailed.reminded_at is not None
    assert services.participation_for_token(old[world.staff.email]) is None
    assert services.participation_for_token(old[colleagues[0].email]).pk == answered.pk
    assert LINK.search(mail.outbox[0].body).group("token") not in _queue_text()
    assert DBTaskResult.objects.get().return_value == {"sent": 1, "refused": 0}


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_fails_the_task_and_reminders_then_send_the_invitations(world, client_for):
    fx = build_campaign(world, open_it=False)
    with DATABASE_TASKS:
        client_for("strategist").post(reverse("campaign_open", args=[fx.campaign.pk]))
        with _broken_mail_server():
            _run_worker()
        row = DBTaskResult.objects.get()
        assert row.status == "FAILED"
        assert row.exception_class_path == "builtins.ConnectionRefusedError"
        assert mail.outbox == []
        assert not Participation.objects.filter(invited_at__isnull=False).exists()
        fx.campaign.refresh_from_db()
        assert fx.campaign.status == CampaignStatus.OPEN

        # The mail server is back; "Send reminders" reaches those never invited, with an
        # invitation rather than a reminder of e-mails they never got.
        client_for("strategist").post(reverse("campaign_remind", args=[fx.campaign.pk]))
        _run_worker()
    (message,) = mail.outbox
    assert message.subject.endswith("din personliga länk")
    assert "påminnelse" not in message.body.lower()
    participation = _links_work(client_for, mail.outbox)[world.staff.email]
    assert participation.invited_at is not None


def test_with_the_immediate_backend_a_mail_failure_fails_the_task_and_keeps_the_old_links(world):
    fx = build_campaign(world)
    ((pk, token),) = fx.tokens.items()
    with _broken_mail_server():
        result = tasks.send_reminders.enqueue(fx.campaign.pk)
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == "builtins.ConnectionRefusedError"
    assert services.participation_for_token(token).pk == pk
    participation = Participation.objects.get(pk=pk)
    assert participation.invited_at is None and participation.reminded_at is None
