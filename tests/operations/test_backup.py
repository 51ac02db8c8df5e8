"""manage.py backup and restore: the demo organisation round-trips into an empty database of the
engine the suite runs on (PostgreSQL with pg_dump/pg_restore, SQLite with its backup API), and
every table of every model holds the same rows afterwards, row by row. A database with tables,
an archive of the other engine and a file that is no backup are refused before anything is
written. Runs once per engine: CI runs the suite on both."""

import io
import json
import os
import tarfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.test import override_settings

from digiplan.assessments.models import Answer
from digiplan.operations import backup as ops
from digiplan.organisations.demo import DEMO_ORGNR
from digiplan.organisations.models import Huvudman

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
RESTORED = "restored"


def rows(alias: str, model) -> list[tuple]:
    fields = [f.attname for f in model._meta.concrete_fields]
    found = model._base_manager.using(alias).order_by("pk").values_list(*fields)
    return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in found]


def every_model() -> list:
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


@contextmanager
def empty_database(tmp: Path):
    """A second, empty database of the suite's engine under the alias RESTORED, dropped after."""
    default = connections["default"].settings_dict
    if connections["default"].vendor == "postgresql":
        name = f"digiplan_p2_restore_{os.getpid()}"
        with connections["default"].cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(tmp / "restored.sqlite3")
    connections.settings[RESTORED] = {**default, "NAME": name}
    try:
        yield RESTORED
    finally:
        connections[RESTORED].close()
        del connections[RESTORED]
        del connections.settings[RESTORED]
        if connections["default"].vendor == "postgresql":
            with connections["default"].cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def round_trip(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seeded and committed, backed up, restored into an empty database; what each
    table holds on both sides. The demo is flushed away afterwards."""
    tmp = tmp_path_factory.mktemp("backup")
    media, media_restored = tmp / "media", tmp / "media-restored"
    (media / "uploads").mkdir(parents=True)
    (media / "uploads" / "bilaga.pdf").write_bytes(b"%PDF-1.4 en bilaga")
    archive = tmp / "digiplan.tar.gz"
    out = io.StringIO()
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        try:
            call_command("seed_demo", stdout=io.StringIO())
            with override_settings(MEDIA_ROOT=str(media)):
                call_command("backup", output=str(archive), stdout=out)
            with empty_database(tmp) as alias, override_settings(MEDIA_ROOT=str(media_restored)):
                call_command("restore", str(archive), database=alias, stdout=out)
                original = {m._meta.db_table: rows("default", m) for m in every_model()}
                restored = {m._meta.db_table: rows(alias, m) for m in every_model()}
                demo_in_restored = (
                    Huvudman.objects.using(alias).filter(organisation_number=DEMO_ORGNR).exists()
                )
                answers = Answer.objects.using(alias).count()
        finally:
            call_command("flush", interactive=False, verbosity=0)
    return {
        "archive": archive,
        "out": out.getvalue(),
        "original": original,
        "restored": restored,
        "demo": demo_in_restored,
        "answers": answers,
        "media_restored": media_restored,
    }


def test_every_table_holds_the_same_rows_after_the_round_trip(round_trip):
    original, restored = round_trip["original"], round_trip["restored"]
    assert round_trip["demo"] and round_trip["answers"] > 1000
    assert sum(1 for table in original.values() if table) > 40  # the demo fills most tables
    assert set(original) == set(restored)
    differing = [table for table in original if original[table] != restored[table]]
    assert differing == []


def test_the_archive_holds_the_dump_the_files_and_a_manifest(round_trip):
    with tarfile.open(round_trip["archive"], "r:gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(ops.MANIFEST).read())
    engine = connections["default"].vendor
    assert manifest["format"] == ops.FORMAT and manifest["engine"] == engine
    assert (ops.PG_DUMP if engine == "postgresql" else ops.SQLITE_COPY) in names
    assert "media/uploads/bilaga.pdf" in names and manifest["media_files"] == 1
    assert ["organisations", "0001_initial"] in manifest["migrations"]
    assert manifest["tables"]["organisations_huvudman"] == 2
    assert manifest["tables"] == {t: len(r) for t, r in round_trip["original"].items()}
    assert (round_trip["media_restored"] / "uploads" / "bilaga.pdf").read_bytes() == b"%PDF-1.4 en bilaga"
    assert "Säkerhetskopian är skriven" in round_trip["out"]
    assert "Återställd" in round_trip["out"]


@pytest.mark.django_db
def test_a_database_with_tables_is_refused_and_nothing_is_written(round_trip):
    before = Huvudman.objects.count()
    with pytest.raises(CommandError, match="Databasen är inte tom"):
        call_command("restore", str(round_trip["archive"]))
    assert Huvudman.objects.count() == before


def _rewritten(archive: Path, target: Path, **changes) -> Path:
    with tarfile.open(archive, "r:gz") as tar, tarfile.open(target, "w:gz") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()
            if member.name == ops.MANIFEST:
                data = json.dumps({**json.loads(data), **changes}).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


@pytest.mark.django_db
def test_an_archive_of_the_other_engine_is_refused(round_trip, tmp_path):
    other = "sqlite" if connections["default"].vendor == "postgresql" else "postgresql"
    archive = _rewritten(round_trip["archive"], tmp_path / "other.tar.gz", engine=other)
    with pytest.raises(CommandError, match=f"Säkerhetskopian är av en {other}-databas"):
        call_command("restore", str(archive))


@pytest.mark.django_db
def test_an_archive_of_a_newer_digiplan_and_a_file_that_is_no_backup_are_refused(round_trip, tmp_path):
    newer = _rewritten(
        round_trip["archive"],
        tmp_path / "newer.tar.gz",
        migrations=[["organisations", "9999_from_the_future"]],
    )
    with pytest.raises(CommandError, match="nyare version av Digiplan"):
        call_command("restore", str(newer))
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="Kunde inte läsa säkerhetskopian"):
        call_command("restore", str(junk))
