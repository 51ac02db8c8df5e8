"""`manage.py export_huvudman ORGNR [--output PATH]`: everything the huvudman owns, in one ZIP
(operations.huvudman_export; docs/operations.md, "A huvudman leaves")."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from digiplan.imports.management.commands._import_common import find_huvudman
from digiplan.operations.huvudman_export import huvudman_export


class Command(BaseCommand):
    help = "Export everything a school organiser owns to one ZIP."

    def add_arguments(self, parser):
        parser.add_argument("orgnr", metavar="ORGANISATIONSNUMMER")
        parser.add_argument("--output", metavar="PATH", help="the ZIP to write")

    def handle(self, *args, orgnr, output, **options):
        huvudman = find_huvudman(orgnr)
        exported = huvudman_export(huvudman=huvudman, output=Path(output) if output else None)
        self.stdout.write(
            _("Exported %(name)s (%(number)s) to %(path)s: %(count)s files.")
            % {
                "name": huvudman.name,
                "number": huvudman.organisation_number,
                "path": exported.path,
                "count": len(exported.files),
            }
        )
        for name, size in exported.files.items():
            self.stdout.write(f"  {name} ({size} B)")
