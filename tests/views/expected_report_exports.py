"""Who may download reports: a unit's report as its page (everyone the unit reaches), the
organisation's report and every answer as its page (strategists), and the ZIP archives
(strategists of the archive's own huvudman)."""

from digiplan.reports.models import ArchiveStatus, ReportArchive
from tests.views.expected_results import _closed_campaign
from tests.views.matrix import (
    OWN_STRATEGIST_ONLY,
    POST_ONLY,
    READS,
    STRATEGISTS_ONLY,
    UNIT_A_READERS,
    Post,
    Route,
    to,
)


def _unit_a(fmt):
    def kwargs(world):
        _closed_campaign(world)
        return {"unit_pk": world.unit_a.pk, "fmt": fmt}

    return kwargs


def _org(fmt):
    def kwargs(world):
        _closed_campaign(world)
        return {"fmt": fmt}

    return kwargs


def _closed(world):
    _closed_campaign(world)
    return {}


def _archive(world):
    archive = ReportArchive.objects.create(
        huvudman=world.huvudman,
        school_year="2026/27",
        requested_by=world.strategist,
        status=ArchiveStatus.DONE,
        total=1,
        done=1,
        content=b"PK\x05\x06" + bytes(18),
        filename="rapporter-2026-27.zip",
    )
    return {"pk": archive.pk}


EXPECTED = {
    "report_export": Route(kwargs=_unit_a("pdf"), get=UNIT_A_READERS, post=READS),
    "report_org_export": Route(kwargs=_org("xlsx"), get=STRATEGISTS_ONLY, post=READS),
    # The answers need a closed self-assessment; the other huvudman has none.
    "report_answers_export": Route(kwargs=_closed, get=OWN_STRATEGIST_ONLY, post=READS),
    "report_archives": Route(get=STRATEGISTS_ONLY, post=READS),
    "report_archive_create": Route(
        kwargs=_closed,
        get=POST_ONLY,
        post=Post(
            {
                **STRATEGISTS_ONLY,
                "strategist": to("report_archive"),
                "other_strategist": to("report_archive"),
            },
            lambda w: {"ar": "2026/27"},
            writers=("strategist", "other_strategist"),
            audit=("report_archive.request",),
            rows={ReportArchive: 1},
        ),
    ),
    "report_archive": Route(kwargs=_archive, get=OWN_STRATEGIST_ONLY, post=READS),
    "report_archive_download": Route(kwargs=_archive, get=OWN_STRATEGIST_ONLY, post=READS),
}
