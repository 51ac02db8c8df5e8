"""`manage.py resume_invitations`: queues again the invitations a killed worker (or a failed mail
server) left unsent. See docs/operations.md, "When something fails". Safe to run any number of
times, beside running workers: nobody gets two."""

from django.core.management.base import BaseCommand, CommandError

from digiplan.assessments.invitations import RESUME_AFTER_MINUTES, invitations_resume


class Command(BaseCommand):
    help = (
        "Köar inbjudan igen till alla som ännu inte fått någon i öppna skattningar, "
        "till exempel efter att arbetsprocessen avbrutits. Ingen får två."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes",
            type=int,
            default=RESUME_AFTER_MINUTES,
            help="bara skattningar som öppnades för minst så många minuter sedan "
            f"(standard {RESUME_AFTER_MINUTES})",
        )

    def handle(self, *args, **options):
        if options["minutes"] < 0:
            raise CommandError("--minutes kan inte vara negativt.")
        resumed = invitations_resume(minutes=options["minutes"])
        if not resumed:
            self.stdout.write("Inget att återuppta: alla har fått sin inbjudan.")
            return
        self.stdout.write(f"Inbjudningar köade igen: {sum(resumed.values())}.")
        for campaign, count in resumed.items():
            name = f"{campaign.huvudman.name} – {campaign.name} {campaign.school_year}"
            self.stdout.write(f"  {name} (id {campaign.pk}): {count}")
