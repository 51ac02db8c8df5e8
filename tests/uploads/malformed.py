"""Malformed files, built in the test run as an attacker or a broken program would make them."""

import functools
import io
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
VALID_XLSX = FIXTURES / "imports" / "units.xlsx"

BOMB_CLAIMS = 256 * 2**20  # what the bomb's sheet inflates to


@functools.cache
def xlsx_bomb() -> bytes:
    """A real workbook whose sheet inflates from about 256 KB to 256 MB of blank space:
    the file that raised the server's memory by 835 MB."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(VALID_XLSX) as valid,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for info in valid.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info, valid.read(info))
                continue
            sheet = valid.read(info)
            head, tail = sheet.split(b"<sheetData>")
            # Streamed in, so that the test never holds the 256 MB it describes.
            with bomb.open(info.filename, "w", force_zip64=False) as member:
                member.write(head + b"<sheetData>")
                chunk = b" " * 2**20
                for _ in range(BOMB_CLAIMS // len(chunk)):
                    member.write(chunk)
                member.write(tail)
    return out.getvalue()


def truncated_zip() -> bytes:
    data = VALID_XLSX.read_bytes()
    return data[: len(data) // 2]


def nested_json(depth: int = 100_000) -> bytes:
    return b'{"data": ' + b"[" * depth + b"]" * depth + b"}"


def bom_then_invalid_utf8() -> bytes:
    return b"\xef\xbb\xbf" + b"typ;namn\nskolenhet;" + b"\xff\xfe\xc3\x28 skola\n"


def latin1_csv() -> bytes:
    return "typ;namn;skolenhetskod;överordnad\nskolenhet;Åsäng skola;44444444;Område Norr\n".encode("latin-1")


def yaml_alias_bomb(levels: int = 6, width: int = 10) -> bytes:
    """Billion laughs in a framework file's items: each level repeats the one below ten times,
    so that a reader that follows the aliases walks width ** levels items."""
    lines = [
        "format: digiplan-framework/1",
        "slug: bomb",
        "name: Bomb",
        "kind: plan",
        "x0: &l0 [{code: a, kind: area, title: t}]",
    ]
    for level in range(1, levels + 1):
        children = ", ".join(f"*l{level - 1}" for _ in range(width))
        lines.append(f"x{level}: &l{level} [{{code: a, kind: area, title: t, children: [{children}]}}]")
    lines.append(f"items: *l{levels}")
    return ("\n".join(lines) + "\n").encode()


def yaml_deeply_nested(depth: int = 100_000) -> bytes:
    return b"format: digiplan-framework/1\nitems: " + b"[" * depth + b"]" * depth + b"\n"


def empty() -> bytes:
    return b""


def just_over(limit: int) -> bytes:
    return b"typ;namn\n" + b"x" * (limit - 8)


# name → builder; every page and command gets every one of them.
MALFORMED = {
    "bomb.xlsx": xlsx_bomb,
    "truncated.xlsx": truncated_zip,
    "nested.json": nested_json,
    "bom-invalid.csv": bom_then_invalid_utf8,
    "latin1.csv": latin1_csv,
    "laughs.yaml": yaml_alias_bomb,
    "deep.yaml": yaml_deeply_nested,
    "empty.csv": empty,
}
