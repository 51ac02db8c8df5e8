"""Looking for a name in everything Digiplan stores: every column of every table (read with SQL,
so no model can be forgotten), session data decoded, ZIPs opened and the text of the PDFs in them
read, and every file under MEDIA_ROOT."""

import io
import json
import os
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from tests.pdf_helpers import flat, pdf_text


def _bytes_texts(data: bytes) -> list[str]:
    if data.startswith(b"PK"):
        try:
            zipped = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            pass
        else:
            return [text for name in zipped.namelist() for text in [name, *_bytes_texts(zipped.read(name))]]
    if data.startswith(b"%PDF"):
        return [flat(pdf_text(data))]
    return [data.decode("utf-8", errors="ignore")]


def _texts(table: str, column: str, value) -> list[str]:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return _bytes_texts(value)
    if isinstance(value, dict | list):
        return [json.dumps(value, ensure_ascii=False)]
    if not isinstance(value, str):
        return []
    texts = [value]
    try:  # JSON as SQLite keeps it, non-ASCII escaped
        texts.append(json.dumps(json.loads(value), ensure_ascii=False))
    except ValueError:
        pass
    if (table, column) == ("django_session", "session_data"):
        decoded = SessionStore().decode(value)
        texts.append(json.dumps(decoded, ensure_ascii=False, default=str))
    return texts


def stored_texts() -> list[tuple[str, str, str]]:
    """(table, column, text) of every value of every table of the database."""
    found = []
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        model_tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
        # The walk covers the models' tables, django_session and axes' tables among them.
        assert model_tables <= set(tables), model_tables - set(tables)
        for table in tables:
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    found.extend((table, column, text) for text in _texts(table, column, value))
    return found


def stored_files() -> list[tuple[str, str, str]]:
    """("file", path, text) of every file under MEDIA_ROOT (ZIPs and PDFs opened)."""
    root = Path(settings.MEDIA_ROOT or ".").resolve()
    assert root != Path(settings.BASE_DIR).resolve(), "set MEDIA_ROOT to a directory of its own"
    found = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            found.extend(("file", str(path), text) for text in [name, *_bytes_texts(path.read_bytes())])
    return found


def places_holding(*needles: str) -> set[tuple[str, str]]:
    """The (table, column) pairs, and files, where any of the needles is written, in any case
    and with any spacing."""
    wanted = [" ".join(n.lower().split()) for n in needles]
    return {
        (table, column)
        for table, column, text in [*stored_texts(), *stored_files()]
        if any(w in " ".join(text.lower().split()) for w in wanted)
    }
