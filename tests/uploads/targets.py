"""Every way a file gets into Digiplan: the upload pages and the import commands. Each target
takes (name, bytes) and says what happened; a server error or an unexpected exception is not
caught here, so it fails the test that sent the file."""

import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from digiplan.audit.models import AuditEvent
from digiplan.frameworks.models import (
    Framework,
    FrameworkVersion,
    Item,
    Responsibility,
    Scale,
    ScaleLevel,
    Target,
)
from digiplan.imports.models import PendingImport
from digiplan.organisations.models import (
    Huvudman,
    Membership,
    Organisation,
    Person,
    PupilCount,
    RoleTitle,
    UnitSchoolForm,
)

ORGNR = "212000-1234"
# Every table an import of any kind writes to, the pending previews included.
WRITTEN_TABLES: tuple[type[Model], ...] = (
    Huvudman,
    Organisation,
    UnitSchoolForm,
    PupilCount,
    Person,
    Membership,
    RoleTitle,
    AuditEvent,
    PendingImport,
    Framework,
    FrameworkVersion,
    Item,
    Scale,
    ScaleLevel,
    Responsibility,
    Target,
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITTEN_TABLES}


@dataclass
class Outcome:
    accepted: bool  # the file was taken (a preview to confirm, or a command that saved)
    status: int  # HTTP status of the last page; 0 for a command that saved, 1 for a refusal
    text: str  # the page's text, or the command's message and stderr
    previewed: bool = False  # an import page kept rows for a preview (with errors, or not)


def _page_text(response) -> str:
    body = response.content.decode("utf-8", errors="replace")
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@dataclass
class Page:
    name: str
    kind: str  # units, people, ss12000 or framework

    def send(self, client: Client, filename: str, data: bytes, *, others=(), **_ignored) -> Outcome:
        """others: more (name, bytes) files sent with it (SS 12000 takes several pages)."""
        upload = SimpleUploadedFile(filename, data)
        if self.kind == "framework":
            response = client.post(reverse("framework_import"), {"file": upload})
            return Outcome(response.status_code == 302, response.status_code, _page_text(response))
        files = [upload, *(SimpleUploadedFile(name, content) for name, content in others)]
        response = client.post(reverse("import_start"), {"kind": self.kind, "files": files})
        if response.status_code != 302:
            return Outcome(False, response.status_code, _page_text(response))
        preview = client.get(response["Location"])
        return Outcome(preview.status_code == 200, preview.status_code, _page_text(preview), previewed=True)


@dataclass
class Command:
    name: str  # the management command
    needs_orgnr: bool = True

    def send(self, _client, filename: str, data: bytes, *, tmp_path: Path, others=()) -> Outcome:
        paths = []
        for name, content in [(filename, data), *others]:
            paths.append(tmp_path / name)
            paths[-1].write_bytes(content)
        return self.run(*map(str, paths))

    def run(self, *paths: str) -> Outcome:
        out, err = io.StringIO(), io.StringIO()
        options = {"huvudman": ORGNR} if self.needs_orgnr else {}
        try:
            call_command(self.name, *paths, stdout=out, stderr=err, **options)
        except CommandError as refused:
            return Outcome(False, 1, f"{refused}\n{err.getvalue()}")
        return Outcome(True, 0, out.getvalue())


UNITS_PAGE = Page("the units import page", "units")
PEOPLE_PAGE = Page("the people import page", "people")
SS12000_PAGE = Page("the SS 12000 import page", "ss12000")
FRAMEWORK_PAGE = Page("the framework import page", "framework")
IMPORT_ORGANISATION = Command("import_organisation")
IMPORT_PEOPLE = Command("import_people")
IMPORT_SS12000 = Command("import_ss12000")
IMPORT_FRAMEWORK = Command("import_framework")

PAGES = (UNITS_PAGE, PEOPLE_PAGE, SS12000_PAGE, FRAMEWORK_PAGE)
COMMANDS = (IMPORT_ORGANISATION, IMPORT_PEOPLE, IMPORT_SS12000, IMPORT_FRAMEWORK)
TARGETS = PAGES + COMMANDS
TABLES = (UNITS_PAGE, PEOPLE_PAGE, IMPORT_ORGANISATION, IMPORT_PEOPLE)
JSON = (SS12000_PAGE, IMPORT_SS12000)
YAML = (FRAMEWORK_PAGE, IMPORT_FRAMEWORK)
