"""manage.py purge_assessment_data: drafts that can no longer be sent are deleted, the links of
closed campaigns stop working for good, and a second run does nothing."""

import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from digiplan.assessments import selectors, services
from digiplan.assessments.models import Draft, Participation, Response
from digiplan.audit.models import AuditEvent
from digiplan.organisations import services as org_services
from digiplan.organisations.models import Role
from tests.assessment_helpers import build_campaign


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_assessment_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def fx(world):
    """An open campaign with three staff in unit A, two of them with drafts."""
    for number in (1, 2):
        person = org_services.person_create(
            actor=None,
            huvudman=world.huvudman,
            name=f"Lärare {number}",
            email=f"larare{number}@sjovik.test",
            audit=False,
        )
        org_services.membership_create(
            actor=None, person=person, organisation=world.unit_a, role=Role.STAFF, audit=False
        )
    fx = build_campaign(world)
    fx.participations = list(Participation.objects.filter(campaign=fx.campaign).order_by("pk"))
    assert len(fx.participations) == 3
    led = fx.items["LED.P1"]
    for participation in fx.participations[:2]:
        services.draft_save(participation=participation, answers={str(led.pk): "3"})
    return fx


def hashes(fx) -> list[str]:
    return list(
        Participation.objects.filter(campaign=fx.campaign).order_by("pk").values_list("token_hash", flat=True)
    )


def close(fx, world):
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    fx.campaign.refresh_from_db()


def test_closed_campaigns_lose_their_drafts_and_their_links(fx, world):
    participation = fx.participations[0]
    services.response_submit(participation=participation, answers={str(fx.items["LED.P1"].pk): "4"})
    close(fx, world)
    assert not Draft.objects.exists()  # closing already deleted them
    # One left behind anyway (say, written in a race with the close).
    Draft.objects.create(token_hash=fx.participations[1].token_hash, sealed=b"x")
    snapshot = selectors.snapshot_for(fx.campaign).data
    old_tokens = [fx.tokens[p.pk] for p in fx.participations]

    output = purge()

    assert not Draft.objects.exists()
    new = hashes(fx)
    assert all(h.startswith(services.RETIRED_PREFIX) and len(h) == 64 for h in new)
    assert len(set(new)) == len(new)
    for token in old_tokens:
        assert services.participation_for_token(token) is None
        assert Client().get(reverse("survey_token", args=[token])).status_code == 404
    # Who answered, the answers and the results stay as they were.
    assert list(
        Participation.objects.filter(campaign=fx.campaign).order_by("pk").values_list("answered", flat=True)
    ) == [True, False, False]
    assert Response.objects.filter(campaign=fx.campaign).count() == 1
    assert selectors.snapshot_for(fx.campaign).data == snapshot
    assert "Utkast raderade: 1 (1 i stängda skattningar, 0 i skattningar öppna" in output
    assert "Länkar som gjordes oanvändbara: 3." in output
    assert f"Sjöviks kommun – Skattning 2026/27 (id {fx.campaign.pk}): 1 utkast, 3 länkar." in output


def test_a_second_run_changes_nothing(fx, world):
    close(fx, world)
    purge()
    after_first = hashes(fx)
    events = AuditEvent.objects.count()
    output = purge()
    assert hashes(fx) == after_first
    assert AuditEvent.objects.count() == events
    assert "Utkast raderade: 0 " in output and "Länkar som gjordes oanvändbara: 0." in output
    assert output.strip().endswith("Inget att rensa.")


def test_each_campaign_purged_is_audited_as_done_by_the_system(fx, world):
    close(fx, world)
    Draft.objects.create(token_hash=fx.participations[2].token_hash, sealed=b"x")
    purge()
    event = AuditEvent.objects.get(action="campaign.purge")
    assert event.actor is None and event.actor_label == "system"
    assert event.huvudman == world.huvudman and event.object_id == str(fx.campaign.pk)
    assert event.changes == {"drafts": 1, "retired_links": 3}


def test_an_open_campaign_keeps_its_drafts_and_links(fx):
    before = hashes(fx)
    output = purge()
    assert Draft.objects.count() == 2 and hashes(fx) == before
    assert "Inget att rensa." in output
    # The link still leads to the questionnaire, with the saved answer.
    page = Client().get(reverse("survey_token", args=[fx.tokens[fx.participations[0].pk]]) + "?del=1")
    assert page.status_code == 200 and 'value="3" checked' in page.content.decode()


@pytest.mark.parametrize(
    ("days_past_closing", "days", "kept"), [(10, 30, True), (30, 30, True), (31, 30, False), (1, 0, False)]
)
def test_drafts_of_a_campaign_left_open_go_days_after_its_closing_date(fx, days_past_closing, days, kept):
    closes_on = timezone.localdate() - datetime.timedelta(days=days_past_closing)
    type(fx.campaign).objects.filter(pk=fx.campaign.pk).update(
        opens_on=closes_on - datetime.timedelta(days=30), closes_on=closes_on
    )
    before = hashes(fx)
    output = purge("--days", str(days))
    assert Draft.objects.exists() is kept
    assert hashes(fx) == before  # still open: its links are not retired
    if not kept:
        assert f"2 i skattningar öppna mer än {days} dagar efter slutdatum" in output


def test_drafts_nobody_can_reach_go_once_old(fx, world):
    old = Draft.objects.create(token_hash="a" * 64, sealed=b"x")
    recent = Draft.objects.create(token_hash="b" * 64, sealed=b"x")
    Draft.objects.filter(pk=old.pk).update(updated_on=timezone.localdate() - datetime.timedelta(days=31))
    output = purge()
    assert not Draft.objects.filter(pk=old.pk).exists()
    assert Draft.objects.filter(pk=recent.pk).exists()
    assert Draft.objects.count() == 3  # the recent orphan and the open campaign's two drafts
    assert "1 utan deltagande" in output
    assert AuditEvent.objects.get(action="draft.purge").changes == {"drafts": 1}


def test_a_dry_run_says_what_it_would_do_and_changes_nothing(fx, world):
    close(fx, world)
    Draft.objects.create(token_hash=fx.participations[0].token_hash)
    before, events = hashes(fx), AuditEvent.objects.count()
    output = purge("--dry-run")
    assert output.startswith("Provkörning: inget ändras.")
    assert re.search(r"Utkast skulle raderas: 1 ", output)
    assert "Länkar som skulle göras oanvändbara: 3." in output
    assert hashes(fx) == before and Draft.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_negative_days_are_refused():
    with pytest.raises(CommandError):
        purge("--days", "-1")
