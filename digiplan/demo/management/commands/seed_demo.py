"""`manage.py seed_demo`: the fictional municipality Sjöviks kommun (and a second, small
huvudman) to show and try Digiplan with, built by each app's seed step in order
(digiplan/demo/registry.py). Running it again creates nothing: it only makes sure the demo
passwords still work."""

import time

from django.core.management.base import BaseCommand

from digiplan.demo.registry import DemoRun, demo_parts


class Command(BaseCommand):
    help = "Läser in demodata: den påhittade Sjöviks kommun och Friskolan Exempel AB."

    def handle(self, *args, **options):
        started = time.monotonic()
        run = DemoRun(self.stdout)
        for part in demo_parts:
            if part.seed is not None:
                part.seed(run)
        for summary in run.summaries:
            self.stdout.write(self.style.SUCCESS(summary))
        if run.summaries:
            self.stdout.write(
                f"Klart på {time.monotonic() - started:.1f} s. Inloggningar: manage.py demo_logins"
            )
