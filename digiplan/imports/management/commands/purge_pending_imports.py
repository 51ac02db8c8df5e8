"""`manage.py purge_pending_imports`: deletes import previews nobody confirmed or cancelled.

See docs/operations.md. Run it at least daily (hourly does no harm); a second run finds
nothing to do.
"""

from digiplan.imports.previews import PENDING_LIFETIME, pending_imports_purge
from digiplan.organisations.retention import PurgeCommand, Purged

HOURS_DEFAULT = int(PENDING_LIFETIME.total_seconds() // 3600)


class Command(PurgeCommand):
    help = (
        "Raderar förhandsgranskningar av importer som gjordes för mer än --hours timmar "
        "sedan och aldrig bekräftades eller avbröts. Kör dagligen."
    )
    age_unit = "hours"
    age_default = HOURS_DEFAULT
    age_help = f"hur många timmar en förhandsgranskning sparas (standard {HOURS_DEFAULT})"
    nothing_text = "Inget att rensa: ingen förhandsgranskning gjord före {cutoff}."
    deleted_text = "Förhandsgranskningar av importer {verb}: {count} (gjorda före {cutoff})."

    def purge(self, age: int, dry_run: bool) -> Purged:
        return pending_imports_purge(hours=age, dry_run=dry_run)
