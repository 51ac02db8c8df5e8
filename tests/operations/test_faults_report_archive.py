"""Fault: the disk fills up while a report archive is being written. The archive page says so,
in Swedish, the archive is marked failed, no half-built ZIP is stored or served, and the
temporary file is gone."""

import errno
import os
import tempfile

import pytest
from django.db import OperationalError
from django.urls import reverse

from digiplan.reports import tasks
from digiplan.reports.models import ArchiveStatus, ReportArchive
from tests.reports.report_helpers import YEAR_2, build_years

FULL_PAGE = "Disken blev full medan ZIP-filen skapades, så inget av den sparades."


@pytest.fixture
def archive(world):
    build_years(world)
    return ReportArchive.objects.create(
        huvudman=world.huvudman, school_year=YEAR_2, requested_by=world.strategist
    )


def _spool_that_fills_the_disk(made: list):
    """A SpooledTemporaryFile that goes to disk at once (in the test's own temporary directory)
    and whose disk is full once the first unit's report is in it."""

    class FillsUp(tempfile.SpooledTemporaryFile):
        def __init__(self, *args, **kwargs):
            kwargs["max_size"] = 1
            super().__init__(*args, **kwargs)
            self.written = 0
            made.append(self)

        def write(self, data):
            self.written += len(data)
            if self.written > 20_000:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return super().write(data)

    return FillsUp


def _assert_failed_cleanly(archive, client_for):
    archive.refresh_from_db()
    assert archive.status == ArchiveStatus.FAILED and archive.finished_at is not None
    assert archive.content is None and archive.filename == ""
    assert archive.error == tasks.ERROR_DISK_FULL
    client = client_for("strategist")
    page = client.get(reverse("report_archive", args=[archive.pk])).content.decode()
    assert "Misslyckades" in page and FULL_PAGE in page
    assert "be administratören att frigöra utrymme" in page.lower()
    assert client.get(reverse("report_archive_download", args=[archive.pk])).status_code == 404


def test_a_full_disk_while_zipping_fails_the_archive_with_a_clear_message_and_leaves_no_file(
    archive, client_for, monkeypatch, tmp_path
):
    made: list = []
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(tasks.tempfile, "SpooledTemporaryFile", _spool_that_fills_the_disk(made))
    with pytest.raises(OSError) as raised:
        tasks.build_report_archive.call(archive.pk)
    assert raised.value.errno == errno.ENOSPC
    (spool,) = made
    assert spool._rolled and spool.written > 20_000  # it had gone to disk, and filled it
    assert spool.closed and os.listdir(tmp_path) == []  # and the temporary file is gone
    _assert_failed_cleanly(archive, client_for)
    # Once there is room again, asking anew builds it.
    monkeypatch.undo()
    tasks.build_report_archive.call(archive.pk)
    archive.refresh_from_db()
    assert archive.status == ArchiveStatus.DONE and bytes(archive.content)[:2] == b"PK"


@pytest.mark.parametrize(
    "message",
    [
        'could not extend file "base/16384/24601": No space left on device',  # PostgreSQL
        "database or disk is full",  # SQLite
    ],
)
def test_a_full_database_disk_while_storing_the_zip_fails_the_archive_cleanly(
    archive, client_for, monkeypatch, message
):
    real_update = tasks._update

    def store(archive_id, **fields):
        if fields.get("content") is not None:
            raise OperationalError(message)
        return real_update(archive_id, **fields)

    monkeypatch.setattr(tasks, "_update", store)
    with pytest.raises(OperationalError):
        tasks.build_report_archive.call(archive.pk)
    _assert_failed_cleanly(archive, client_for)


def test_any_other_failure_keeps_the_general_message(archive, client_for, monkeypatch):
    monkeypatch.setattr(tasks.exports, "unit_pdf", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("x")))
    with pytest.raises(RuntimeError):
        tasks.build_report_archive.call(archive.pk)
    archive.refresh_from_db()
    assert archive.error == tasks.ERROR_FAILED
    page = client_for("strategist").get(reverse("report_archive", args=[archive.pk])).content.decode()
    assert "ZIP-filen kunde inte skapas. Försök igen" in page and FULL_PAGE not in page
