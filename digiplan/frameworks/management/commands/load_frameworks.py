import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from digiplan.frameworks.exchange import FrameworkFileError, export_framework, import_framework, parse
from digiplan.frameworks.models import FrameworkVersion, VersionStatus

BUILTIN = Path(__file__).resolve().parents[2] / "builtin"


class Command(BaseCommand):
    help = (
        "Loads the built-in frameworks (digiplan/frameworks/builtin/*.yaml); a file already "
        "published unchanged is skipped."
    )

    def handle(self, *args, **options):
        for path in sorted(BUILTIN.glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            try:
                slug = parse(text)["slug"]
            except FrameworkFileError as error:
                for line, message in error.errors:
                    self.stderr.write(f"{path.name} rad {line}: {message}")
                raise CommandError(f"{path.name} är felaktig.") from None
            current = FrameworkVersion.objects.filter(
                framework__slug=slug, framework__huvudman__isnull=True, status=VersionStatus.PUBLISHED
            ).first()
            if current and _same(current, text):
                continue
            try:
                version = import_framework(text, huvudman=None, actor=None, publish=True)
            except FrameworkFileError as error:
                for line, message in error.errors:
                    self.stderr.write(f"{path.name} rad {line}: {message}")
                raise CommandError(f"{path.name} är felaktig.") from None
            self.stdout.write(f"{version.framework.name}: {version.label}")


class _Rollback(Exception):
    pass


def _same(version, text: str) -> bool:
    """Would loading the file change what is published? The file is loaded as a draft inside a
    transaction that is rolled back, so ordering and whitespace in the file do not matter."""
    try:
        with transaction.atomic():
            candidate = export_framework(import_framework(text, huvudman=None, actor=None))
            raise _Rollback
    except _Rollback:
        pass
    return _strip_versions(candidate) == _strip_versions(export_framework(version))


def _strip_versions(text: str) -> str:
    # A built-in stays bound to the national version it was loaded against (links are frozen);
    # only a change in the file itself republishes it.
    return re.sub(r"([a-z0-9-]+)@\d+:", r"\1:", text)
