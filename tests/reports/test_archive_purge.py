"""ZIPs of every unit's report are deleted a set number of days after they were asked for, by
`purge_report_archives`, run daily: every huvudman's, whatever their state, with an audit event;
a second run finds nothing."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from digiplan.audit.models import AuditEvent
from digiplan.reports import tasks
from digiplan.reports.models import ArchiveStatus, ReportArchive


def _archive(huvudman, *, days_ago: float, status=ArchiveStatus.DONE, requested_by=None):
    archive = ReportArchive.objects.create(
        huvudman=huvudman, school_year="2025/26", status=status, content=b"PK zip", requested_by=requested_by
    )
    ReportArchive.objects.filter(pk=archive.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return archive


def _run(*args) -> str:
    out = io.StringIO()
    call_command("purge_report_archives", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def archives(world):
    return {
        "old": _archive(world.huvudman, days_ago=31),
        "stuck": _archive(world.huvudman, days_ago=45, status=ArchiveStatus.RUNNING),
        "recent": _archive(world.huvudman, days_ago=29),
        "other_old": _archive(world.other_huvudman, days_ago=40, status=ArchiveStatus.FAILED),
    }


def test_archives_older_than_thirty_days_go_and_the_rest_stay(world, archives):
    output = _run()
    assert "ZIP-filer raderade: 3" in output
    assert f"{world.huvudman.name} (id {world.huvudman.pk}): 2" in output
    assert f"{world.other_huvudman.name} (id {world.other_huvudman.pk}): 1" in output
    assert list(ReportArchive.objects.values_list("pk", flat=True)) == [archives["recent"].pk]
    events = AuditEvent.objects.filter(action="report_archive.purge")
    assert {(e.huvudman_id, e.changes["deleted"], e.changes["days"]) for e in events} == {
        (world.huvudman.pk, 2, 30),
        (world.other_huvudman.pk, 1, 30),
    }
    assert all(e.actor_id is None for e in events)
    # Idempotent: nothing more to do, nothing more audited.
    assert "Inget att rensa" in _run()
    assert AuditEvent.objects.filter(action="report_archive.purge").count() == 2


def test_a_dry_run_changes_nothing(archives):
    output = _run("--dry-run")
    assert "Provkörning" in output and "ZIP-filer skulle raderas: 3" in output
    assert ReportArchive.objects.count() == 4
    assert not AuditEvent.objects.filter(action="report_archive.purge").exists()


def test_days_can_be_chosen_and_must_not_be_negative(archives):
    from django.core.management.base import CommandError

    assert "ZIP-filer raderade: 4" in _run("--days", "7")
    with pytest.raises(CommandError, match="negativt"):
        _run("--days", "-1")


def test_the_setting_decides_the_default_and_the_page_says_it(world, client_for, settings):
    settings.REPORT_ARCHIVE_DAYS = 60
    _archive(world.huvudman, days_ago=45)
    assert tasks.archives_prune().deleted == 0
    page = client_for("strategist").get(reverse("report_archives")).content.decode()
    assert "raderas 60 dagar efter" in page


def test_an_archive_that_is_gone_answers_404(world, client_for, archives):
    _run()
    url = reverse("report_archive_download", args=[archives["old"].pk])
    assert client_for("strategist").get(url).status_code == 404
