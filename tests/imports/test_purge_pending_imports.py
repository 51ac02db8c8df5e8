"""purge_pending_imports: the scheduled clean-up of import previews nobody confirmed."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from digiplan.audit.models import AuditEvent
from digiplan.imports.models import PendingImport
from digiplan.imports.previews import pending_imports_purge

DAY = datetime.timedelta(hours=24)
SECOND = datetime.timedelta(seconds=1)


def run(**options) -> str:
    out = io.StringIO()
    call_command("purge_pending_imports", stdout=out, **options)
    return out.getvalue()


def pending(world, *, age: datetime.timedelta, huvudman=None, actor=None) -> PendingImport:
    made = PendingImport.objects.create(
        huvudman=huvudman or world.huvudman,
        actor=actor or world.strategist,
        kind="units",
        file_names="enheter.csv",
        rows={"rows": []},
    )
    PendingImport.objects.filter(pk=made.pk).update(created_at=timezone.now() - age)
    return made


def test_previews_older_than_a_day_go_and_younger_ones_stay(world):
    old = pending(world, age=DAY + SECOND)
    young = pending(world, age=DAY - datetime.timedelta(minutes=1))
    out = run()
    assert set(PendingImport.objects.values_list("pk", flat=True)) == {young.pk}
    assert "raderade: 1" in out and "Sjöviks kommun" in out
    assert old.pk not in PendingImport.objects.values_list("pk", flat=True)


def test_the_boundary_is_exactly_twenty_four_hours(world):
    now = timezone.now()
    at = pending(world, age=DAY)
    past = pending(world, age=DAY + datetime.timedelta(microseconds=1))
    PendingImport.objects.filter(pk=at.pk).update(created_at=now - DAY)
    PendingImport.objects.filter(pk=past.pk).update(created_at=now - DAY - datetime.timedelta(microseconds=1))
    result = pending_imports_purge(now=now)
    assert result.deleted == 1
    assert list(PendingImport.objects.values_list("pk", flat=True)) == [at.pk]


def test_a_second_run_finds_nothing_to_do(world):
    pending(world, age=2 * DAY)
    run()
    events = AuditEvent.objects.count()
    out = run()
    assert out.startswith("Inget att rensa")
    assert AuditEvent.objects.count() == events


def test_each_huvudman_gets_an_audit_event_with_the_count(world):
    pending(world, age=2 * DAY)
    pending(world, age=3 * DAY)
    pending(world, age=2 * DAY, huvudman=world.other_huvudman, actor=world.other_strategist)
    run()
    events = {e.huvudman_id: e for e in AuditEvent.objects.filter(action="pending_import.purge")}
    assert set(events) == {world.huvudman.pk, world.other_huvudman.pk}
    mine = events[world.huvudman.pk]
    assert mine.actor_id is None and mine.actor_label == "system"
    assert mine.changes["deleted"] == 2 and mine.changes["hours"] == 24
    assert events[world.other_huvudman.pk].changes["deleted"] == 1


def test_a_dry_run_deletes_nothing(world):
    pending(world, age=2 * DAY)
    out = run(dry_run=True)
    assert "Provkörning" in out and "skulle raderas: 1" in out
    assert PendingImport.objects.count() == 1
    assert not AuditEvent.objects.filter(action="pending_import.purge").exists()


def test_hours_can_be_shortened(world):
    pending(world, age=datetime.timedelta(hours=2))
    run(hours=1)
    assert not PendingImport.objects.exists()


@pytest.mark.django_db
def test_negative_hours_are_refused():
    with pytest.raises(CommandError, match="negativt"):
        run(hours=-1)
