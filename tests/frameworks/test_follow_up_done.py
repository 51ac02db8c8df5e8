"""A plan's follow-up date is a task on the strategists' start page until it is marked done,
from the start page or the version's dates page; the mark can be taken back, and is audited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from digiplan.audit.models import AuditEvent
from digiplan.frameworks.models import FollowUp
from digiplan.frameworks.selectors import plan_tasks
from tests.framework_helpers import build_frameworks


@pytest.fixture
def follow_up(world):
    version = build_frameworks(world).published
    return FollowUp.objects.create(
        version=version, date=timezone.localdate() + datetime.timedelta(days=10), text="Halvårsuppföljning"
    )


def _home(client) -> str:
    return client.get(reverse("home")).content.decode()


def test_marking_done_from_the_start_page_takes_the_task_away(world, client_for, follow_up):
    client = client_for("strategist")
    assert "Halvårsuppföljning" in _home(client)
    response = client.post(reverse("follow_up_done", args=[follow_up.pk]), {"next": "home"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    follow_up.refresh_from_db()
    assert follow_up.done_on == timezone.localdate()
    assert "Halvårsuppföljning" not in _home(client)
    event = AuditEvent.objects.get(action="follow_up.done")
    assert event.actor == world.strategist


def test_the_mark_shows_on_the_dates_page_and_can_be_taken_back(world, client_for, follow_up):
    client = client_for("strategist")
    client.post(reverse("follow_up_done", args=[follow_up.pk]))
    page = client.get(reverse("version_details", args=[follow_up.version_id])).content.decode()
    assert f"klar {timezone.localdate():%Y-%m-%d}" in page and "Markera som inte klar" in page
    client.post(reverse("follow_up_done", args=[follow_up.pk]), {"done": "0"})
    follow_up.refresh_from_db()
    assert follow_up.done_on is None
    assert [t.text for t in plan_tasks(world.huvudman.pk, timezone.localdate())] == ["Halvårsuppföljning"]


def test_a_late_follow_up_stays_a_task_until_done(world, follow_up):
    follow_up.date = timezone.localdate() - datetime.timedelta(days=12)
    follow_up.save()
    assert [t.follow_up for t in plan_tasks(world.huvudman.pk, timezone.localdate())] == [follow_up]


@pytest.mark.parametrize("persona", ["leader_a", "staff", "other_strategist"])
def test_no_one_else_marks_it(world, client_for, follow_up, persona):
    response = client_for(persona).post(reverse("follow_up_done", args=[follow_up.pk]))
    assert response.status_code in (403, 404)
    follow_up.refresh_from_db()
    assert follow_up.done_on is None
