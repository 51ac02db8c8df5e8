"""`manage.py import_services FILE --huvudman ORGNR [--dry-run]`

Reads a register of digital services (the export's columns, Excel or CSV), checks every row
and writes all of them or none: each bad row is printed with its line and reason."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from digiplan.imports.errors import FileRejected
from digiplan.imports.management.commands._import_common import find_huvudman, finish, read_file, reject
from digiplan.registry.digital_exchange import plan_import, read_rows
from digiplan.registry.digital_services import services_import


class Command(BaseCommand):
    help = "Import a register of digital services from Excel or CSV; a file with one bad row saves nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--huvudman", required=True, metavar="ORGANISATIONSNUMMER")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and show what would change; save nothing."
        )

    def handle(self, *args, file, huvudman, dry_run, **options):
        huvudman = find_huvudman(huvudman)
        name, data = read_file(file)
        try:
            rows = read_rows(data, name)
        except FileRejected as rejected:
            raise CommandError(f"{name}: {rejected.message}") from None
        plan = plan_import(huvudman, rows)
        if plan.errors:
            reject(self, plan.errors)
        self.stdout.write(
            _("%(added)s to add, %(changed)s to change, %(unchanged)s unchanged.")
            % {"added": len(plan.adds), "changed": len(plan.changes), "unchanged": plan.unchanged}
        )
        if not dry_run:
            services_import(
                huvudman=huvudman,
                actor=None,
                adds=plan.adds,
                changes=plan.changes,
                source=f"import_services: {name}",
            )
        finish(self, dry_run)
