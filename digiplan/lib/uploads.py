"""The checks every uploaded file passes before a parser sees it, for the web pages and the
commands alike: its size (before it is read), what a zip (XLSX) would inflate to (before it
is opened), its text encoding, and how deep JSON and YAML nest and how far YAML aliases
expand (before anything walks the result). Each refusal is an UploadRejected whose message
the person who sent the file can act on, in their language."""

import io
import math
import re
import struct
import zipfile
from itertools import accumulate
from pathlib import Path

import yaml
from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext_lazy as _

# JSON and YAML nesting: an SS 12000 page is six levels deep, a framework file about twenty.
MAX_NESTING = 64
# The nodes YAML aliases may add when expanded; a framework file needs none at all.
MAX_YAML_ALIAS_NODES = 10_000
# What a workbook may hold; Excel writes about ten parts, one per sheet beyond.
MAX_ZIP_MEMBERS = 1000
MAX_ZIP_DIRECTORY_BYTES = 2**20
# Parts smaller than this may pack as tightly as they like: they cannot hurt.
RATIO_CHECKED_FROM = 2**20

ERROR_TOO_LARGE = _("The file is %(size)s MB; at most %(max)s MB can be imported at once.")
ERROR_EMPTY = _("The file is empty.")
ERROR_NOT_UTF8 = _(
    "The file's characters could not be read: save it as UTF-8 text (in Excel: “CSV UTF-8”) and try again."
)
ERROR_NOT_XLSX = _("The Excel file could not be opened. Is it an .xlsx file?")
ERROR_ZIP_INFLATES = _(
    "The Excel file would unpack to far more than its size (%(size)s MB). "
    "It is refused so as not to overload the server; save it again in Excel, "
    "or as CSV."
)
ERROR_BAD_CHARACTERS = _(
    "The file holds characters that are not text (a NUL character, or half "
    "of a character pair). Check that it is the right file."
)
ERROR_TOO_DEEP = _(
    "The file nests deeper than %(max)s levels; no import needs that. Check that it is the right file."
)
ERROR_YAML_ALIASES = _(
    "The file repeats its own parts through YAML aliases (*name) more than a "
    "framework file can: write the parts out instead of referring to them."
)

BOM = b"\xef\xbb\xbf"


class UploadRejected(Exception):
    """The file as a whole cannot be taken; message says why, for the person who sent it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def _megabytes(size: int) -> str:
    # Rounded up: a file a byte over the limit must not read as exactly the limit.
    return formats.number_format(math.ceil(size * 10 / 2**20) / 10, decimal_pos=1)


def check_size(size: int, limit: int | None = None) -> None:
    limit = settings.IMPORT_MAX_BYTES if limit is None else limit
    if size > limit:
        raise UploadRejected(ERROR_TOO_LARGE % {"size": _megabytes(size), "max": round(limit / 2**20)})


def check_request_size(request, limit: int | None = None) -> None:
    """Refuses a request by its declared length, before Django reads its body."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    check_size(length, limit)


def read_upload(upload, limit: int | None = None) -> bytes:
    """An uploaded file's bytes, its size checked first and never more read than the limit."""
    limit = settings.IMPORT_MAX_BYTES if limit is None else limit
    check_size(upload.size or 0, limit)
    upload.seek(0)
    data = upload.read(limit + 1)
    check_size(len(data), limit)
    return data


def read_path(path: str | Path, limit: int | None = None) -> bytes:
    """A file's bytes for a command, its size checked first; OSError is the caller's."""
    limit = settings.IMPORT_MAX_BYTES if limit is None else limit
    path = Path(path)
    check_size(path.stat().st_size, limit)
    with path.open("rb") as file:
        data = file.read(limit + 1)  # a file that grew since stat() is still cut off here
    check_size(len(data), limit)
    return data


def check_not_empty(data: bytes | str) -> None:
    if not data.strip():
        raise UploadRejected(ERROR_EMPTY)


def decode_utf8(data: bytes) -> str:
    """UTF-8, with or without the byte-order mark Excel and Notepad put first."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRejected(ERROR_NOT_UTF8) from None


def decode_table_text(data: bytes) -> str:
    """A CSV file as Swedish programs save it: UTF-8 (a BOM promises it), else Windows-1252."""
    if data.startswith(BOM):
        return decode_utf8(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\ufffd" in text:  # bytes that Windows-1252 leaves undefined: neither encoding
        raise UploadRejected(ERROR_NOT_UTF8)
    return text


# Neither can be stored: PostgreSQL refuses NUL in text, and no encoding writes a lone surrogate.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def check_storable(text: str) -> None:
    """Refuses text no database column can hold."""
    if _UNSTORABLE.search(text):
        raise UploadRejected(ERROR_BAD_CHARACTERS)


# --- Zip (XLSX) -----------------------------------------------------------------------------

_END_OF_DIRECTORY = b"PK\x05\x06"


def check_zip(data: bytes) -> None:
    """Refuses a zip whose parts would inflate beyond IMPORT_MAX_UNCOMPRESSED_BYTES, or a large
    part by more than IMPORT_MAX_COMPRESSION_RATIO, from its directory alone. zipfile stops a
    part at the size the directory gives (and fails its checksum), so a part that lies about
    its size cannot inflate further when it is read."""
    # The directory's own size first: zipfile would build an object per entry before we could
    # count them, and a 20 MB file can list hundreds of thousands.
    end = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - 65_557))
    if end < 0 or len(data) < end + 22:
        raise UploadRejected(ERROR_NOT_XLSX)
    entries, directory_size = struct.unpack("<HI", data[end + 10 : end + 16])
    if entries > MAX_ZIP_MEMBERS or directory_size > MAX_ZIP_DIRECTORY_BYTES:
        raise UploadRejected(ERROR_NOT_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        OSError,
        EOFError,
        NotImplementedError,
        struct.error,
    ):
        raise UploadRejected(ERROR_NOT_XLSX) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise UploadRejected(ERROR_NOT_XLSX)
    total = sum(m.file_size for m in members)
    too_packed = any(
        m.file_size >= RATIO_CHECKED_FROM
        and m.file_size > settings.IMPORT_MAX_COMPRESSION_RATIO * max(m.compress_size, 1)
        for m in members
    )
    if total > settings.IMPORT_MAX_UNCOMPRESSED_BYTES or too_packed:
        raise UploadRejected(ERROR_ZIP_INFLATES % {"size": _megabytes(total)})


# --- JSON -----------------------------------------------------------------------------------

# A JSON string, unrolled so that a long one costs no backtracking state per character.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# The escapes that would put unstorable characters into a string: NUL, and a surrogate without
# its partner (an escaped backslash before them is refused too: rare, and harmless).
_BAD_ESCAPE = re.compile(
    r"\\u0000|\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def check_json_text(text: str, limit: int = MAX_NESTING) -> None:
    """Refuses JSON nested deeper than the limit before json.loads recurses into it (Python's
    parser recurses once per level and fails with RecursionError near a thousand), and JSON
    whose strings would hold what no database column can."""
    if _BAD_ESCAPE.search(text):
        raise UploadRejected(ERROR_BAD_CHARACTERS)
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > limit:
        raise UploadRejected(ERROR_TOO_DEEP % {"max": limit})


# --- YAML -----------------------------------------------------------------------------------


class LimitedYamlComposer:
    """Mixed into a yaml Loader (before it in the bases): refuses a document nested deeper than
    MAX_NESTING, aliases that would expand to more than MAX_YAML_ALIAS_NODES nodes or refer
    to the node they are in ("billion laughs" and its endless cousin), and text no database
    column can hold, while it is composed, before any code walks the result."""

    _sizes: dict[int, int]  # id(node) → nodes it stands for, aliases expanded

    def compose_document(self):
        self._depth = 0
        self._sizes = {}
        self._aliased = 0
        try:
            return super().compose_document()
        finally:
            self._sizes = {}

    def compose_node(self, parent, index):
        is_alias = self.check_event(yaml.AliasEvent)
        self._depth += 1
        if self._depth > MAX_NESTING:
            raise UploadRejected(ERROR_TOO_DEEP % {"max": MAX_NESTING})
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if is_alias:
            size = self._sizes.get(id(node))
            if size is None:  # the alias is inside its own anchor: it would never end
                raise UploadRejected(ERROR_YAML_ALIASES)
            self._aliased += size
            if self._aliased > MAX_YAML_ALIAS_NODES:
                raise UploadRejected(ERROR_YAML_ALIASES)
            return node
        if isinstance(node.value, str):
            check_storable(node.value)
        children = node.value if isinstance(node.value, list) else []
        size = 1
        for child in children:
            for part in child if isinstance(child, tuple) else (child,):
                size += self._sizes.get(id(part), 1)
        self._sizes[id(node)] = size
        return node
