"""Every malformed file against every upload page and import command: a clear Swedish message,
a 200/400 (413 for a body over the limit), never a server error, and nothing written."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.forms import FileField
from django.utils import translation

from digiplan.frameworks import exchange
from digiplan.lib import uploads
from digiplan.organisations.models import Organisation
from tests.uploads import malformed
from tests.uploads.targets import (
    COMMANDS,
    IMPORT_ORGANISATION,
    IMPORT_PEOPLE,
    JSON,
    PAGES,
    PEOPLE_PAGE,
    TABLES,
    TARGETS,
    UNITS_PAGE,
    YAML,
    Command,
    Page,
    row_counts,
)


def sv(message) -> str:
    with translation.override("sv"):
        return str(message)


def expected_message(target, filename: str) -> str | None:
    """The message a target must give for a file; None where any refusal will do (a CSV
    reader shown a zip says "unknown columns", an SS 12000 reader shown YAML "not JSON")."""
    if filename == "empty.csv":
        # A page's form refuses an empty file before any importer sees it.
        return sv(
            FileField.default_error_messages["empty"] if isinstance(target, Page) else uploads.ERROR_EMPTY
        )
    if filename == "latin1.csv" and target in (PEOPLE_PAGE, IMPORT_PEOPLE):
        return "“överordnad”"  # a unit file: wrong columns, but read as the letters they are
    if filename == "bom-invalid.csv":
        return sv(uploads.ERROR_NOT_UTF8)
    if target in TABLES:
        return {
            "bomb.xlsx": sv(uploads.ERROR_ZIP_INFLATES).split("%")[0],
            "truncated.xlsx": sv(uploads.ERROR_NOT_XLSX),
        }.get(filename)
    if target in JSON:
        return {
            "nested.json": sv(uploads.ERROR_TOO_DEEP % {"max": uploads.MAX_NESTING}),
            "bomb.xlsx": sv(uploads.ERROR_NOT_UTF8),
            "truncated.xlsx": sv(uploads.ERROR_NOT_UTF8),
        }.get(filename)
    if target in YAML:
        return {
            "laughs.yaml": sv(uploads.ERROR_YAML_ALIASES),
            "deep.yaml": sv(uploads.ERROR_TOO_DEEP % {"max": uploads.MAX_NESTING}),
            "bomb.xlsx": sv(uploads.ERROR_NOT_UTF8),
            "truncated.xlsx": sv(uploads.ERROR_NOT_UTF8),
        }.get(filename)
    return None


def accepted_by(target, filename: str) -> bool:
    """Only the Latin-1 CSV is a good file (Swedish Excel saves CSV so), of units."""
    return filename == "latin1.csv" and target in (UNITS_PAGE, IMPORT_ORGANISATION)


@pytest.mark.parametrize("filename", list(malformed.MALFORMED))
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_a_malformed_file_gets_a_swedish_message_and_writes_nothing(
    world, client_for, tmp_path, target, filename
):
    data = malformed.MALFORMED[filename]()
    before = row_counts()
    outcome = target.send(client_for("strategist"), filename, data, tmp_path=tmp_path)
    if isinstance(target, Page):
        assert outcome.status in (200, 400), outcome.text[:500]
    if accepted_by(target, filename):
        assert outcome.accepted, outcome.text[:500]
        # Read as Windows-1252, the Latin-1 superset: listed in the preview, or saved.
        assert "Åsäng skola" in outcome.text or Organisation.objects.filter(name="Åsäng skola").exists()
        return
    assert not outcome.accepted, outcome.text[:500]
    assert row_counts() == before
    message = expected_message(target, filename)
    if message is not None:
        assert message in outcome.text, outcome.text[:500]
    assert "Traceback" not in outcome.text


def _limit_for(target) -> int:
    return exchange.MAX_FILE_BYTES if target in YAML else settings.IMPORT_MAX_BYTES


@pytest.mark.parametrize("target", PAGES, ids=lambda t: t.name)
def test_a_file_one_byte_over_the_limit_is_refused_by_every_page(world, client_for, target):
    data = malformed.just_over(_limit_for(target) + 1)
    before = row_counts()
    outcome = target.send(client_for("strategist"), "stor.csv", data)
    # 413: the request's declared length is refused before Django reads the body.
    assert outcome.status in (400, 413) and not outcome.accepted
    assert "högst" in outcome.text
    assert row_counts() == before


@pytest.mark.parametrize("target", COMMANDS, ids=lambda t: t.name)
def test_a_file_one_byte_over_the_limit_is_refused_by_every_command_before_it_is_read(
    world, tmp_path, monkeypatch, target
):
    path = tmp_path / "stor.csv"
    with path.open("wb") as sparse:  # no disk is used: the size is all that is checked
        sparse.truncate(_limit_for(target) + 1)
    monkeypatch.setattr(Path, "read_bytes", _must_not_read)
    monkeypatch.setattr(Path, "read_text", _must_not_read)
    before = row_counts()
    outcome = target.run(str(path))
    assert not outcome.accepted and "högst" in outcome.text
    assert row_counts() == before


def _must_not_read(*_args, **_kwargs):
    raise AssertionError("the file was read before its size was checked")


@pytest.mark.parametrize("filename", ["nested.json", "bomb.xlsx", "laughs.yaml"])
@pytest.mark.parametrize("target", COMMANDS, ids=lambda t: t.name)
def test_a_command_exits_non_zero_with_the_message_and_no_traceback(
    world, tmp_path, monkeypatch, capsys, target: Command, filename
):
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)  # keep the test's DB
    path = tmp_path / filename
    path.write_bytes(malformed.MALFORMED[filename]())
    stderr = io.StringIO()
    command = _command_class(target.name)(stdout=io.StringIO(), stderr=stderr)
    with pytest.raises(SystemExit) as exit_:
        command.run_from_argv(["manage.py", target.name, str(path), "--huvudman", "212000-1234"])
    assert exit_.value.code == 1
    printed = stderr.getvalue() + capsys.readouterr().err
    assert "CommandError: " in printed and "Traceback" not in printed


def _command_class(name: str):
    from django.core.management import load_command_class

    return type(
        load_command_class("digiplan.imports" if name != "import_framework" else "digiplan.frameworks", name)
    )


def test_the_ss12000_command_names_the_file_that_nests_too_deep(world, tmp_path):
    path = tmp_path / "persons-9.json"
    path.write_bytes(malformed.nested_json())
    outcome = Command("import_ss12000").run(str(path))
    assert not outcome.accepted and "persons-9.json" in outcome.text
