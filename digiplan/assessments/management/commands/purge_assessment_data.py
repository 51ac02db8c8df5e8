"""`manage.py purge_assessment_data`: the self-assessment's scheduled clean-up, run daily.

See docs/operations.md. Safe to run any number of times: what is gone stays gone, and a second
run reports nothing more to do.
"""

from django.core.management.base import BaseCommand, CommandError

from digiplan.assessments.services import PURGE_DAYS_DEFAULT, assessment_data_purge


class Command(BaseCommand):
    help = (
        "Raderar utkast som inte längre kan skickas in och gör länkarna i stängda "
        "skattningar oanvändbara. Kör dagligen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=PURGE_DAYS_DEFAULT,
            help="utkast i skattningar som står öppna så många dagar efter slutdatum raderas, "
            f"liksom utkast utan deltagande som inte ändrats på så länge "
            f"(standard {PURGE_DAYS_DEFAULT})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="visa vad som skulle göras utan att ändra något"
        )

    def handle(self, *args, **options):
        if options["days"] < 0:
            raise CommandError("--days kan inte vara negativt.")
        dry_run = options["dry_run"]
        result = assessment_data_purge(days=options["days"], dry_run=dry_run)
        write = self.stdout.write
        if dry_run:
            write("Provkörning: inget ändras.")
        verb = "skulle raderas" if dry_run else "raderade"
        write(
            f"Utkast {verb}: {result.drafts} "
            f"({result.drafts_closed} i stängda skattningar, "
            f"{result.drafts_overdue} i skattningar öppna mer än {options['days']} dagar "
            f"efter slutdatum (före {result.cutoff:%Y-%m-%d}), "
            f"{result.drafts_orphaned} utan deltagande)."
        )
        verb = "skulle göras oanvändbara" if dry_run else "gjordes oanvändbara"
        write(f"Länkar som {verb}: {result.tokens_retired}.")
        for campaign, counts in sorted(result.campaigns.items(), key=lambda pair: pair[0].pk):
            write(
                f"  {campaign.huvudman.name} – {campaign.name} {campaign.school_year} "
                f"(id {campaign.pk}): {counts['drafts']} utkast, {counts['tokens']} länkar."
            )
        if not result.anything:
            write("Inget att rensa.")
