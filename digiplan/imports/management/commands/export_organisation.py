"""`manage.py export_organisation --huvudman KEY [--output FILE]`

Prints the huvudman's tree as one SS 12000 /organisations page (JSON). Importing that page
with import_ss12000 changes nothing."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from digiplan.imports.management.commands._import_common import find_huvudman
from digiplan.imports.ss12000 import export_organisations


class Command(BaseCommand):
    help = "Export the organisation tree as SS 12000 /organisations JSON."

    def add_arguments(self, parser):
        parser.add_argument("--huvudman", required=True, metavar="ORGANISATIONSNUMMER")
        parser.add_argument("--output", metavar="FILE", help="Write here instead of stdout.")

    def handle(self, *args, huvudman, output, **options):
        text = json.dumps(export_organisations(find_huvudman(huvudman)), ensure_ascii=False, indent=2)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
