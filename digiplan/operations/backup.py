"""One archive of the whole installation, and loading it back into an empty database.

The archive is a gzipped tar with three parts:

    manifest.json   format, engine, created, Django version, applied migrations, rows per table
    database.dump   PostgreSQL: pg_dump's custom format      (engine "postgresql")
    database.sqlite3  SQLite: a consistent copy (backup API)  (engine "sqlite")
    media/…         the files under MEDIA_ROOT, when it is set

Nothing else is stored outside the database: the reports' ZIPs are rows
(reports_reportarchive.content). The sealing key is never in the archive (docs/operations.md).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST, PG_DUMP, SQLITE_COPY, MEDIA = "manifest.json", "database.dump", "database.sqlite3", "media"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


@dataclass(frozen=True)
class Result:
    path: Path
    manifest: dict[str, Any]


def engine_of(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(
            _("Backups are made of PostgreSQL and SQLite only, not %(vendor)s.") % {"vendor": vendor}
        )
    return vendor


def table_counts(alias: str) -> dict[str, int]:
    """Rows per table of every model (many-to-many tables included)."""
    return {
        model._meta.db_table: model._base_manager.using(alias).count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def applied_migrations(alias: str) -> list[list[str]]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [list(row) for row in cursor.fetchall()]


def _media_root() -> Path | None:
    root = settings.MEDIA_ROOT
    return Path(root) if root and Path(root).is_dir() else None


# ---- PostgreSQL -----------------------------------------------------------------------------


def _pg_tool(alias: str, tool: str) -> str:
    """The pg_dump or pg_restore of the server's major version (a newer client refuses nothing,
    an older one refuses a newer server): PG_BIN_DIR, then /usr/lib/postgresql/N/bin, then PATH."""
    major = getattr(connections[alias], "pg_version", 0) // 10000
    candidates = [Path(os.environ["PG_BIN_DIR"]) / tool] if os.environ.get("PG_BIN_DIR") else []
    candidates.append(Path(f"/usr/lib/postgresql/{major}/bin/{tool}"))
    found = shutil.which(tool)
    candidates += [Path(found)] if found else []
    for path in candidates:
        if path.is_file():
            return str(path)
    raise BackupError(
        _(
            "Found no %(tool)s for PostgreSQL %(major)s. Install postgresql-client-%(major)s or set "
            "PG_BIN_DIR."
        )
        % {"tool": tool, "major": major}
    )


def _pg_env(alias: str) -> tuple[dict[str, str], str]:
    """The connection for the client tools: the password in the environment, never in argv."""
    conf = connections[alias].settings_dict
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if conf.get(key):
            env[name] = str(conf[key])
    return env, conf["NAME"]


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(
            _("%(tool)s failed: %(error)s")
            % {"tool": Path(command[0]).name, "error": done.stderr.strip()[-2000:]}
        )


def _pg_dump(alias: str, target: Path) -> None:
    env, name = _pg_env(alias)
    _run(
        [
            _pg_tool(alias, "pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
            name,
        ],
        env,
    )


def _pg_restore(alias: str, source: Path) -> None:
    env, name = _pg_env(alias)
    command = [_pg_tool(alias, "pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
    _run([*command, "--single-transaction", f"--dbname={name}", str(source)], env)


# ---- SQLite ---------------------------------------------------------------------------------


def _sqlite_copy(alias: str, target: Path) -> None:
    """A consistent copy while the application runs: the backup API copies a snapshot."""
    connection = connections[alias]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


def _sqlite_load(alias: str, source: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    origin = sqlite3.connect(source)
    try:
        origin.backup(connection.connection)
    finally:
        origin.close()


# ---- The archive ----------------------------------------------------------------------------


def backup(*, alias: str = "default", output: Path | None = None) -> Result:
    """Writes the archive, first under a temporary name beside it: a failure (a full disk)
    leaves no half-written archive under the real name."""
    engine = engine_of(alias)
    created = timezone.now()
    output = Path(output or f"digiplan-backup-{created:%Y%m%d-%H%M%S}.tar.gz")
    manifest = {
        "format": FORMAT,
        "engine": engine,
        "created": created.isoformat(),
        "django": django.get_version(),
        "migrations": applied_migrations(alias),
        "tables": table_counts(alias),
        "media_files": 0,
    }
    with tempfile.TemporaryDirectory(prefix="digiplan-backup-") as work:
        dump = Path(work) / (PG_DUMP if engine == "postgresql" else SQLITE_COPY)
        if engine == "postgresql":
            _pg_dump(alias, dump)
        else:
            _sqlite_copy(alias, dump)
        media = _media_root()
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media else []
        manifest["media_files"] = len(files)
        partial = output.with_name(f".{output.name}.partial")
        try:
            with tarfile.open(partial, "w:gz") as tar:
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode())
                tar.add(dump, arcname=dump.name)
                for path in files:
                    tar.add(path, arcname=f"{MEDIA}/{path.relative_to(media)}")  # type: ignore[arg-type]
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
    return Result(output, manifest)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("The file is not a Digiplan backup of format %(format)s.") % {"format": FORMAT})
    return manifest


def _check(manifest: dict[str, Any], alias: str) -> None:
    engine = engine_of(alias)
    if manifest.get("engine") != engine:
        raise BackupError(
            _("The backup is of a %(archive)s database and cannot be restored into %(engine)s.")
            % {"archive": manifest.get("engine"), "engine": engine}
        )
    known = {(app, name) for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    unknown = sorted(f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known)
    if unknown:
        raise BackupError(
            _("The backup was made by a newer version of Digiplan (migrations unknown here: %(names)s).")
            % {"names": ", ".join(unknown[:5])}
        )
    tables = connections[alias].introspection.table_names()
    if tables:
        raise BackupError(
            _("The database is not empty (%(count)s tables). Restore only into an empty database.")
            % {"count": len(tables)}
        )
    media = _media_root()
    if manifest.get("media_files") and media and any(p.is_file() for p in media.rglob("*")):
        raise BackupError(
            _("MEDIA_ROOT (%(path)s) is not empty. Restore the files into an empty folder.") % {"path": media}
        )


def restore(*, archive: Path, alias: str = "default") -> dict[str, Any]:
    """Loads the archive into the empty database, then checks that every table holds as many
    rows as the manifest says. Refuses before writing anything when the database has tables,
    the archive is of the other engine, or it comes from a newer Digiplan."""
    try:
        tar = tarfile.open(archive, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(
            _("Could not read the backup %(path)s: %(error)s") % {"path": archive, "error": error}
        ) from error
    with tar, tempfile.TemporaryDirectory(prefix="digiplan-restore-") as work:
        manifest = read_manifest(tar)
        _check(manifest, alias)
        dump_name = PG_DUMP if manifest["engine"] == "postgresql" else SQLITE_COPY
        members = [m for m in tar.getmembers() if m.name == dump_name or m.name.startswith(f"{MEDIA}/")]
        tar.extractall(work, members=members, filter="data")
        dump = Path(work) / dump_name
        if not dump.is_file():
            raise BackupError(_("The backup holds no database."))
        if manifest["engine"] == "postgresql":
            _pg_restore(alias, dump)
        else:
            _sqlite_load(alias, dump)
        _restore_media(Path(work) / MEDIA)
    counts = table_counts(alias)
    wrong = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if wrong:
        raise BackupError(
            _("The restored tables do not hold the rows the backup lists: %(tables)s") % {"tables": wrong}
        )
    return manifest


def _restore_media(folder: Path) -> None:
    if not folder.is_dir():
        return
    if not settings.MEDIA_ROOT:
        raise BackupError(_("The backup holds files, but MEDIA_ROOT is not set."))
    shutil.copytree(folder, Path(settings.MEDIA_ROOT), dirs_exist_ok=True)
