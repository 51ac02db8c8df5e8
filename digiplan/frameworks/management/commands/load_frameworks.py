import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from digiplan.frameworks import services, yamlfile
from digiplan.frameworks.exchange import FrameworkFileError, export_framework, import_framework, parse
from digiplan.frameworks.exchange.format import iso_date
from digiplan.frameworks.models import FrameworkVersion, VersionStatus

BUILTIN = Path(__file__).resolve().parents[2] / "builtin"
# Keys that describe a framework or a version rather than its content: a change in them alone is
# written into the published version in place, so links bound to it stay bound.
DESCRIPTION_KEYS = ("name", "source", "standing", "valid_from", "valid_to", "decision")


class Command(BaseCommand):
    help = (
        "Loads the built-in frameworks (digiplan/frameworks/builtin/*.yaml); a file already "
        "published unchanged is skipped, and one whose name, source, standing or period alone "
        "changed updates the published version in place."
    )

    def handle(self, *args, **options):
        for path in sorted(BUILTIN.glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            try:
                data = parse(text)
            except FrameworkFileError as error:
                self._fail(path, error)
            current = FrameworkVersion.objects.filter(
                framework__slug=data["slug"],
                framework__huvudman__isnull=True,
                status=VersionStatus.PUBLISHED,
            ).first()
            if current is not None:
                candidate, published = _exports(current, text)
                if candidate == published:
                    continue
                if _content(candidate) == _content(published):
                    _describe(current, data)
                    self.stdout.write(f"{current.framework.name}: {current.label} (beskrivning)")
                    continue
            try:
                version = import_framework(text, huvudman=None, actor=None, publish=True)
            except FrameworkFileError as error:
                self._fail(path, error)
            self.stdout.write(f"{version.framework.name}: {version.label}")

    def _fail(self, path: Path, error: FrameworkFileError):
        for line, message in error.errors:
            self.stderr.write(f"{path.name} rad {line}: {message}")
        raise CommandError(f"{path.name} är felaktig.") from None


class _Rollback(Exception):
    pass


def _exports(version, text: str) -> tuple[str, str]:
    """The file as it would be exported once loaded, and the published version's export. The
    file is loaded as a draft inside a transaction that is rolled back, so ordering and
    whitespace in the file do not matter."""
    try:
        with transaction.atomic():
            candidate = export_framework(import_framework(text, huvudman=None, actor=None))
            raise _Rollback
    except _Rollback:
        pass
    version.framework.refresh_from_db()
    return _strip_versions(candidate), _strip_versions(export_framework(version))


def _strip_versions(text: str) -> str:
    # A built-in stays bound to the national version it was loaded against (links are frozen);
    # only a change in the file itself republishes it.
    return re.sub(r"([a-z0-9-]+)@\d+:", r"\1:", text)


def _content(text: str) -> dict:
    data = yamlfile.load(text)
    return {key: value for key, value in data.items() if key not in DESCRIPTION_KEYS}


def _describe(version: FrameworkVersion, data: dict) -> None:
    """Writes the file's name, source, standing, period and decision into the published version."""
    services.framework_describe(
        actor=None,
        framework=version.framework,
        name=str(data["name"]).strip(),
        source=str(data.get("source") or "").strip(),
        standing=data.get("standing") or "",
    )
    decision = data.get("decision") or {}
    services.version_details_save(
        actor=None,
        version=version,
        valid_from=iso_date(data.get("valid_from")),
        valid_to=iso_date(data.get("valid_to")),
        decision_body=str(decision.get("body") or "").strip(),
        decision_date=iso_date(decision.get("date")),
        decision_reference=str(decision.get("reference") or "").strip(),
    )
