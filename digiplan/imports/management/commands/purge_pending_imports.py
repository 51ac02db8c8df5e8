"""`manage.py purge_pending_imports`: deletes import previews nobody confirmed or cancelled.

See docs/operations.md. Run it at least daily (hourly does no harm); a second run finds
nothing to do.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from digiplan.imports.previews import PENDING_LIFETIME, pending_imports_purge
from digiplan.organisations.models import Huvudman

HOURS_DEFAULT = int(PENDING_LIFETIME.total_seconds() // 3600)


class Command(BaseCommand):
    help = (
        "Raderar förhandsgranskningar av importer som gjordes för mer än --hours timmar "
        "sedan och aldrig bekräftades eller avbröts. Kör dagligen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=HOURS_DEFAULT,
            help=f"hur många timmar en förhandsgranskning sparas (standard {HOURS_DEFAULT})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="visa vad som skulle raderas utan att ändra något"
        )

    def handle(self, *args, **options):
        if options["hours"] < 0:
            raise CommandError("--hours kan inte vara negativt.")
        dry_run = options["dry_run"]
        result = pending_imports_purge(hours=options["hours"], dry_run=dry_run)
        write = self.stdout.write
        cutoff = timezone.localtime(result.cutoff)
        if dry_run:
            write("Provkörning: inget ändras.")
        if not result.deleted:
            write(f"Inget att rensa: ingen förhandsgranskning gjord före {cutoff:%Y-%m-%d %H:%M}.")
            return
        verb = "skulle raderas" if dry_run else "raderade"
        write(
            f"Förhandsgranskningar av importer {verb}: {result.deleted} (gjorda före "
            f"{cutoff:%Y-%m-%d %H:%M})."
        )
        names = dict(Huvudman.objects.filter(pk__in=result.per_huvudman).values_list("pk", "name"))
        for pk, count in sorted(result.per_huvudman.items()):
            write(f"  {names.get(pk, pk)} (id {pk}): {count}")
