"""Every unit's report as one ZIP, built by the task queue: the page shows its progress and
refreshes itself until the ZIP is ready; only strategists of the huvudman reach it; the queue
holds the archive's id and nothing else."""

import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils.text import slugify
from django_tasks_db.models import DBTaskResult

from digiplan.reports import tasks
from digiplan.reports.models import ArchiveStatus, ReportArchive
from tests.assessments.test_tasks import DATABASE_TASKS, _run_worker
from tests.pdf_helpers import flat, pdf_text
from tests.reports.report_helpers import YEAR_2, build_years

REFRESH = '<meta http-equiv="refresh" content="3">'


@pytest.fixture
def years(world):
    return build_years(world)


def _create(client, **data):
    return client.post(reverse("report_archive_create"), {"ar": YEAR_2, **data})


# The worker closes the database connection when it is done, as it would in production: these
# tests run outside the usual test transaction, which on PostgreSQL would die with it.
@pytest.mark.django_db(transaction=True)
@DATABASE_TASKS
def test_the_worker_builds_one_pdf_per_unit_and_the_page_follows_it(
    world, years, client_for, django_capture_on_commit_callbacks
):
    client = client_for("strategist")
    with django_capture_on_commit_callbacks(execute=True):
        response = _create(client)
    archive = ReportArchive.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "report_archive", args=[archive.pk]
    )
    units = ["Almskolan", "Björkskolan", "Lilla skolan", "Skola Ett", "Skola Två"]
    assert (archive.status, archive.done, archive.total) == (ArchiveStatus.QUEUED, 0, len(units))
    # The queue holds the id, nothing else.
    (queued,) = DBTaskResult.objects.all()
    assert json.loads(json.dumps(queued.args_kwargs)) == {"args": [archive.pk], "kwargs": {}}
    page = client.get(response["Location"]).content.decode()
    assert REFRESH in page and "<progress" in page and 'for="archive-progress"' in page
    assert "0 %" in page and "<script" not in page.split("</head>")[1].split("focus.js")[0]
    assert client.get(reverse("report_archive_download", args=[archive.pk])).status_code == 404

    _run_worker()
    archive.refresh_from_db()
    assert archive.status == ArchiveStatus.DONE
    assert archive.done == archive.total == len(units) and archive.percent == 100
    page = client.get(reverse("report_archive", args=[archive.pk])).content.decode()
    assert REFRESH not in page and "100 %" in page and 'value="5"' in page
    download = client.get(reverse("report_archive_download", args=[archive.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    zipped = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = zipped.namelist()
    assert len(names) == len(units) and all(n.endswith(".pdf") for n in names)
    for unit in units:
        # "rapport-almskolan-2026-27.pdf" once translations are compiled.
        (name,) = [n for n in names if n.endswith(f"-{slugify(unit)}-2026-27.pdf")]
        text = flat(pdf_text(zipped.read(name)))
        assert unit in text and YEAR_2 in text


@pytest.mark.django_db(transaction=True)
@DATABASE_TASKS
def test_the_filters_choose_the_units(world, years, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _create(client_for("strategist"), nod=years.soder.pk)
    _run_worker()
    archive = ReportArchive.objects.get()
    zipped = zipfile.ZipFile(io.BytesIO(bytes(archive.content)))
    (name,) = zipped.namelist()
    assert name.endswith("-skola-tva-2026-27.pdf")


def test_a_failure_is_shown_and_nothing_half_built_is_served(world, client_for, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(tasks.exports, "unit_pdf", broken)
    archive = ReportArchive.objects.create(
        huvudman=world.huvudman, school_year=YEAR_2, requested_by=world.strategist
    )
    with pytest.raises(RuntimeError):
        tasks.build_report_archive.call(archive.pk)
    archive.refresh_from_db()
    assert archive.status == ArchiveStatus.FAILED and archive.content is None
    client = client_for("strategist")
    page = client.get(reverse("report_archive", args=[archive.pk])).content.decode()
    assert REFRESH not in page
    assert client.get(reverse("report_archive_download", args=[archive.pk])).status_code == 404


def test_the_immediate_backend_builds_it_in_the_request(
    world, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _create(client_for("strategist"))
    archive = ReportArchive.objects.get()
    assert archive.status == ArchiveStatus.DONE and archive.done == archive.total == 2


def test_who_reaches_an_archive(world, client_for):
    archive = ReportArchive.objects.create(
        huvudman=world.huvudman, school_year=YEAR_2, requested_by=world.strategist
    )
    for name in ("report_archive", "report_archive_download"):
        url = reverse(name, args=[archive.pk])
        assert client_for("other_strategist").get(url).status_code == 404
        for persona in ("leader_a", "leader_b", "staff"):
            assert client_for(persona).get(url).status_code == 403
    for persona in ("leader_a", "staff"):
        assert _create(client_for(persona)).status_code == 403
    assert client_for("strategist").get(reverse("report_archive_create")).status_code == 405
    assert ReportArchive.objects.count() == 1


def test_the_list_offers_the_form_and_earlier_archives(world, client_for):
    ReportArchive.objects.create(
        huvudman=world.huvudman, school_year="2024/25", requested_by=world.strategist
    )
    ReportArchive.objects.create(huvudman=world.other_huvudman, school_year="2023/24")
    page = client_for("strategist").get(reverse("report_archives")).content.decode()
    assert 'action="' + reverse("report_archive_create") + '"' in page
    assert 'for="id_ar"' in page and "2024/25" in page and "2023/24" not in page
    assert "style=" not in page
