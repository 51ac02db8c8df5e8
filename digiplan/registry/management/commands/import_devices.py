"""manage.py import_devices FILE --huvudman ORGNR [--format intune|chromeos|digiplan] [--dry-run]"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy

from digiplan.imports.errors import ErrorList
from digiplan.imports.management.commands._import_common import find_huvudman, finish, read_file, reject
from digiplan.lib.uploads import UploadRejected
from digiplan.registry.device_models import DeviceFormat
from digiplan.registry.devices_import import apply_devices, plan_devices
from digiplan.registry.devices_rows import device_file_read

SUMMARY = gettext_lazy(
    "%(add)s devices to add, %(change)s to change, %(gone)s gone from the file, %(unchanged)s unchanged."
)


class Command(BaseCommand):
    help = "Imports a huvudman's devices from an Intune or ChromeOS export or Digiplan's template."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--huvudman",
            required=True,
            metavar="ORGANISATIONSNUMMER",
            help="The school organiser's organisation number, e.g. 212000-1234.",
        )
        parser.add_argument(
            "--format",
            choices=DeviceFormat.values,
            help="The kind of file; without it, recognised from the columns.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and show what would change; save nothing."
        )

    def handle(self, *args, file, huvudman, format, dry_run, **options):
        huvudman = find_huvudman(huvudman)
        name, data = read_file(file)
        errors = ErrorList()
        try:
            device_file = device_file_read(data, name, errors, format)
        except UploadRejected as exc:
            raise CommandError(f"{name}: {exc.message}") from None
        del data  # the rows are read: the file's bytes (and its primary users' names) can go
        plan = plan_devices(huvudman, device_file, errors=errors)
        if plan.errors:
            reject(self, plan.errors)
        self.stdout.write(str(SUMMARY) % plan.summary)
        if not dry_run:
            apply_devices(plan, actor=None, source=name)
        finish(self, dry_run)
