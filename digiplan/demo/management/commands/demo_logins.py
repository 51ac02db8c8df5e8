"""`manage.py demo_logins`: the demo personas' sign-ins, for the README and `make demo`."""

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from digiplan.demo.registry import DemoLogin, demo_parts


class Command(BaseCommand):
    help = "Skriver ut demoinloggningarna (roll, e-post, lösenord)."

    def handle(self, *args, **options):
        try:
            rows = self.rows()
        except DatabaseError:  # no tables yet: nothing is loaded
            rows = []
        if not rows:
            self.stdout.write("Demodata är inte inlästa. Kör först: python manage.py seed_demo")
            return
        header = ("Roll", "E-post", "Lösenord", "Enhet")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        self.stdout.write("Demoinloggningar:")
        for row in [header, *rows]:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  " + "  ".join(cells).rstrip())

    def rows(self) -> list[tuple[str, str, str, str]]:
        logins: list[DemoLogin] = []
        for part in demo_parts:
            if part.logins is not None:
                logins += part.logins()
        return [(login.role, login.email, login.password, login.places) for login in logins]
