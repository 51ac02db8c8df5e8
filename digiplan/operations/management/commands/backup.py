"""`manage.py backup [--output PATH]`: the database and the stored files in one archive
(operations.backup; docs/operations.md, "Backup and restore")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from digiplan.operations.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write the database and the stored files to one archive (.tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="PATH", help="the archive to write")
        parser.add_argument("--database", default="default", help="the database alias")

    def handle(self, *args, output, database, **options):
        try:
            result = backup(alias=database, output=Path(output) if output else None)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(
            _("Backup written: %(path)s (%(engine)s, %(rows)s rows in %(tables)s tables, %(files)s files).")
            % {
                "path": result.path,
                "engine": manifest["engine"],
                "rows": sum(manifest["tables"].values()),
                "tables": len(manifest["tables"]),
                "files": manifest["media_files"],
            }
        )
