"""Who may download reports: a unit's report as its page (everyone the unit reaches), the
organisation's report and every answer as its page (strategists), and the ZIP archives
(strategists of the archive's own huvudman)."""

from tests.conftest import PERSONAS

LOGIN = "login-redirect"
UNIT_A_READERS = {
    "anonymous": LOGIN,
    "strategist": 200,
    "leader_a": 200,
    "leader_b": 404,
    "staff": 200,
    "other_strategist": 404,
}
STRATEGISTS_ONLY = {
    "anonymous": LOGIN,
    "strategist": 200,
    "leader_a": 403,
    "leader_b": 403,
    "staff": 403,
    "other_strategist": 200,
}
# The answers need a closed self-assessment; the other huvudman has none.
OWN_STRATEGIST_ONLY = {**STRATEGISTS_ONLY, "other_strategist": 404}
POST_ONLY = {**dict.fromkeys(PERSONAS, 405), "anonymous": LOGIN}
assert set(UNIT_A_READERS) == set(STRATEGISTS_ONLY) == set(POST_ONLY) == set(PERSONAS)


def _closed(world):
    from tests.views.expected_results import _closed_campaign

    _closed_campaign(world)


def _unit_a(fmt):
    def kwargs(world):
        _closed(world)
        return {"unit_pk": world.unit_a.pk, "fmt": fmt}

    return kwargs


def _org(fmt):
    def kwargs(world):
        _closed(world)
        return {"fmt": fmt}

    return kwargs


def _archive(world):
    from digiplan.reports.models import ArchiveStatus, ReportArchive

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


def _closed_none(world):
    _closed(world)
    return {}


EXPECTED = {
    "report_export": (_unit_a("pdf"), UNIT_A_READERS),
    "report_org_export": (_org("xlsx"), STRATEGISTS_ONLY),
    "report_answers_export": (_closed_none, OWN_STRATEGIST_ONLY),
    "report_archives": (None, STRATEGISTS_ONLY),
    "report_archive_create": (None, POST_ONLY),
    "report_archive": (_archive, {**STRATEGISTS_ONLY, "other_strategist": 404}),
    "report_archive_download": (_archive, {**STRATEGISTS_ONLY, "other_strategist": 404}),
}
