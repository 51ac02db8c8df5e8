"""`manage.py export_services --huvudman ORGNR [--output FILE]`

Writes the huvudman's register of digital services as an Excel workbook (to stdout when no file
is named). Importing it with import_services changes nothing."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from digiplan.imports.management.commands._import_common import find_huvudman
from digiplan.registry.digital_exchange import export_xlsx


class Command(BaseCommand):
    help = "Export the register of digital services as an Excel workbook (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--huvudman", required=True, metavar="ORGANISATIONSNUMMER", help="e.g. 212000-1234 or 2120001234"
        )
        parser.add_argument("--output", metavar="FILE", help="Write here instead of stdout.")

    def handle(self, *args, huvudman, output, **options):
        data = export_xlsx(find_huvudman(huvudman))
        if output:
            Path(output).write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
