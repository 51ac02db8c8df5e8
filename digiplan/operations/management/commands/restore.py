"""`manage.py restore ARCHIVE`: a backup loaded into an empty database (operations.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from digiplan.operations.backup import BackupError, restore


class Command(BaseCommand):
    help = "Load a backup made by manage.py backup into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--database", default="default", help="the database alias")

    def handle(self, *args, archive, database, **options):
        try:
            manifest = restore(archive=Path(archive), alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Restored: %(rows)s rows in %(tables)s tables and %(files)s files from the backup of "
                "%(created)s."
            )
            % {
                "rows": sum(manifest["tables"].values()),
                "tables": len(manifest["tables"]),
                "files": manifest["media_files"],
                "created": manifest["created"],
            }
        )
