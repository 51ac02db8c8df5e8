"""`manage.py purge_report_archives`: deletes the ZIPs of every unit's report after a month.

See docs/operations.md. Safe to run any number of times; a second run finds nothing to do.
"""

from django.conf import settings

from digiplan.organisations.retention import PurgeCommand, Purged
from digiplan.reports.tasks import archives_prune


class Command(PurgeCommand):
    help = (
        "Raderar ZIP-filer med alla enheters rapporter som beställdes för mer än --days "
        "dagar sedan. Kör dagligen."
    )
    age_help = "hur många dagar en ZIP-fil sparas (standard REPORT_ARCHIVE_DAYS, 30)"
    nothing_text = "Inget att rensa: ingen ZIP-fil beställd före {cutoff}."
    deleted_text = "ZIP-filer {verb}: {count} (beställda före {cutoff})."

    @property
    def age_default(self) -> int:  # type: ignore[override]  # read when the command runs, not at import
        return settings.REPORT_ARCHIVE_DAYS

    def purge(self, age: int, dry_run: bool) -> Purged:
        return archives_prune(days=age, dry_run=dry_run)
