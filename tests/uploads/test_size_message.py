"""A file over the size limit whose last byte inside the limit is the first half of a two-byte
character: every way in says the file is too large (in Swedish, naming no row), never that its
characters cannot be read (issue 15, point 6)."""

import html
import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from digiplan.frameworks import exchange
from digiplan.lib import uploads
from tests.uploads.targets import TARGETS, YAML, row_counts

REGISTRY_PAGES = {"device_import_start": {"format": ""}, "services_import": {}}
REGISTRY_COMMANDS = ("import_devices", "import_services")


def _cut_in_a_character(limit: int) -> bytes:
    """limit + 1 bytes: the byte at the limit is the first of "å"'s two."""
    return b"a" * (limit - 1) + "å".encode() + b"\n"


def _assert_the_size_message(text: str) -> None:
    assert "högst" in text, text[:400]
    assert "UTF-8" not in text and "Rad 0" not in text and "Row 0" not in text


def _page_text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_every_import_says_the_file_is_too_large(world, client_for, tmp_path, target):
    limit = exchange.MAX_FILE_BYTES if target in YAML else settings.IMPORT_MAX_BYTES
    before = row_counts()
    outcome = target.send(client_for("strategist"), "stor.csv", _cut_in_a_character(limit), tmp_path=tmp_path)
    assert not outcome.accepted
    _assert_the_size_message(outcome.text)
    assert row_counts() == before


@pytest.mark.parametrize("url_name", REGISTRY_PAGES)
def test_the_registry_pages_say_the_file_is_too_large(world, client_for, url_name):
    upload = SimpleUploadedFile("stor.csv", _cut_in_a_character(settings.IMPORT_MAX_BYTES))
    response = client_for("strategist").post(reverse(url_name), {"file": upload, **REGISTRY_PAGES[url_name]})
    assert response.status_code in (400, 413)
    _assert_the_size_message(_page_text(response))


@pytest.mark.parametrize("command", REGISTRY_COMMANDS)
def test_the_registry_commands_say_the_file_is_too_large(world, tmp_path, command):
    path = tmp_path / "stor.csv"
    path.write_bytes(_cut_in_a_character(settings.IMPORT_MAX_BYTES))
    stderr = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command(command, str(path), "--huvudman", "212000-1234", stdout=io.StringIO(), stderr=stderr)
    _assert_the_size_message(f"{refused.value}\n{stderr.getvalue()}")


def test_the_size_is_checked_before_the_characters(settings):
    settings.IMPORT_MAX_BYTES = 10
    upload = SimpleUploadedFile("stor.csv", _cut_in_a_character(10))
    upload.size = None  # a stream whose size is not known beforehand
    with translation.override("sv"), pytest.raises(uploads.UploadRejected) as refused:
        uploads.decode_table_text(uploads.read_upload(upload))
    assert refused.value.message.startswith("Filen är")
    assert "högst" in refused.value.message
