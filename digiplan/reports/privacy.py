"""The reports' part of erasing a person (digiplan.privacy.registry), registered in
ReportsConfig.ready(): the privacy app sits below reports and does not import it.

A stored ZIP of reports holds every unit's report as it was the day it was built; its PDFs may
name the person (a responsible person, a note). Reading every PDF of every ZIP to find out would
take long, and building them again longer, so the huvudman's ZIPs are deleted; the erasure's
audit event counts them and the archive page says why they are gone (tasks.archives_deleted_by_
erasure). A public report whose text named the person has been rewritten by then: its cached
PDF is dropped so that the next one is made from the new text."""

import datetime
from collections import Counter

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from digiplan.privacy.registry import PersonalData
from digiplan.reports.models import PublicReport, ReportArchive

ARCHIVES_DELETED = "report_archives_deleted"  # a key of the person.erase audit event


def reports_erase(*, huvudman_id: int | None, rewritten: Counter, **_context) -> dict:
    if huvudman_id is None:  # a person of no huvudman has no archives nor public reports
        return {ARCHIVES_DELETED: 0}
    deleted = ReportArchive.objects.filter(huvudman_id=huvudman_id).delete()[0]
    if rewritten["reports.publicreport"]:
        tokens = list(PublicReport.objects.filter(huvudman_id=huvudman_id).values_list("token", flat=True))
        transaction.on_commit(lambda: _forget_public_pdfs(tokens))
    return {ARCHIVES_DELETED: deleted}


def _forget_public_pdfs(tokens: list[str]) -> None:
    # views_public.public_report_pdf keeps each PDF for a day under this key.
    today = timezone.localdate()
    cache.delete_many(
        [
            f"public-report-pdf:{token}:{language}:{day.isoformat()}"
            for token in tokens
            for language, _name in settings.LANGUAGES
            for day in (today, today - datetime.timedelta(days=1))
        ]
    )


PART = PersonalData(app="reports", scrub=reports_erase)
