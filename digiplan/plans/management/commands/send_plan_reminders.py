"""`manage.py send_plan_reminders`: queues the day's plan reminders. Run daily (docs/operations.md).

Safe to run any number of times: each reminder goes out once per due date."""

from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus

from digiplan.plans.tasks import REMIND_DAYS, send_plan_reminders


class Command(BaseCommand):
    help = (
        "Köar dagens påminnelser: till ansvariga för aktiviteter som snart ska vara klara "
        "och till dem som följer upp planer vars uppföljning närmar sig. Kör dagligen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=REMIND_DAYS,
            help=f"påminn så många dagar före datumet (standard {REMIND_DAYS})",
        )

    def handle(self, *args, **options):
        days = options["days"]
        if days < 0:
            raise CommandError("--days kan inte vara negativt.")
        result = send_plan_reminders.enqueue(days=days)
        if result.status == TaskResultStatus.SUCCESSFUL:  # the immediate backend ran it at once
            counts = result.return_value
            self.stdout.write(
                f"Påminnelser skickade: {counts['activities']['sent']} om aktiviteter, "
                f"{counts['follow_ups']['sent']} om uppföljningar."
            )
        elif result.status == TaskResultStatus.FAILED:
            raise CommandError("Påminnelserna kunde inte skickas; se loggen.")
        else:
            self.stdout.write(f"Påminnelserna är köade (uppgift {result.id}); en worker skickar dem.")
