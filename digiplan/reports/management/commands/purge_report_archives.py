"""`manage.py purge_report_archives`: deletes the ZIPs of every unit's report after a month.

See docs/operations.md. Safe to run any number of times; a second run finds nothing to do.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from digiplan.organisations.models import Huvudman
from digiplan.reports.tasks import archives_prune


class Command(BaseCommand):
    help = (
        "Raderar ZIP-filer med alla enheters rapporter som beställdes för mer än --days "
        "dagar sedan. Kör dagligen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.REPORT_ARCHIVE_DAYS,
            help="hur många dagar en ZIP-fil sparas (standard REPORT_ARCHIVE_DAYS, 30)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="visa vad som skulle raderas utan att ändra något"
        )

    def handle(self, *args, **options):
        if options["days"] < 0:
            raise CommandError("--days kan inte vara negativt.")
        dry_run = options["dry_run"]
        result = archives_prune(days=options["days"], dry_run=dry_run)
        write = self.stdout.write
        cutoff = timezone.localtime(result.cutoff)
        if dry_run:
            write("Provkörning: inget ändras.")
        if not result.deleted:
            write(f"Inget att rensa: ingen ZIP-fil beställd före {cutoff:%Y-%m-%d %H:%M}.")
            return
        verb = "skulle raderas" if dry_run else "raderade"
        write(f"ZIP-filer {verb}: {result.deleted} (beställda före {cutoff:%Y-%m-%d %H:%M}).")
        names = dict(Huvudman.objects.filter(pk__in=result.per_huvudman).values_list("pk", "name"))
        for pk, count in sorted(result.per_huvudman.items()):
            write(f"  {names.get(pk, pk)} (id {pk}): {count}")
