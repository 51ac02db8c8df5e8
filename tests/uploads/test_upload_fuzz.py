"""Random bytes and mutated copies of the valid fixtures, fed to every upload page and import
command: never a server error or an unexpected exception, and never a partial write — a file is
refused with every affected table as it was, or taken whole."""

import io
import json
import zipfile
from pathlib import Path

import pytest
import yaml
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digiplan.audit.models import AuditEvent
from digiplan.frameworks import exchange
from digiplan.imports.models import PendingImport
from tests.uploads.targets import (
    FRAMEWORK_PAGE,
    IMPORT_FRAMEWORK,
    IMPORT_ORGANISATION,
    IMPORT_PEOPLE,
    IMPORT_SS12000,
    PEOPLE_PAGE,
    SS12000_PAGE,
    UNITS_PAGE,
    Page,
    row_counts,
)

# Bounded, so that eight targets stay within seconds each; deadline off: a page with its
# database round trips is slow next to a pure function, and that is not what is tested.
settings.register_profile(
    "upload-fuzz",
    max_examples=40,
    deadline=None,
    derandomize=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
FUZZ = settings.get_profile("upload-fuzz")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _fixture(path: str, *, as_world: bool = False) -> tuple[str, bytes]:
    data = (FIXTURES / path).read_bytes()
    if as_world:  # the SS 12000 pages name their own huvudman: make it the test world's
        data = data.replace(b"212000-9999", b"212000-1234")
    return Path(path).name, data


UNIT_SEEDS = [
    _fixture(f"imports/{n}")
    for n in (
        "units_excel_semicolon_bom.csv",
        "units_windows1252.csv",
        "units_comma.csv",
        "units.xlsx",
        "units_formula.xlsx",
        "units_bad_values.csv",
    )
]
PEOPLE_SEEDS = [
    _fixture(f"imports/{n}")
    for n in ("people_excel_semicolon_bom.csv", "people_windows1252.csv", "people_bad_rows.csv")
]
SS12000_PAGES = [
    _fixture(f"ss12000/{n}", as_world=True)
    for n in ("organisations-1.json", "organisations-2.json", "persons-1.json", "duties-1.json")
]
FRAMEWORK_SEEDS = [_fixture("frameworks/annan-kommun-plan.yaml")]

TOKENS = [
    b"[",
    b"]",
    b"{",
    b"}",
    b'"',
    b"\\",
    b",",
    b";",
    b":",
    b"\n",
    b"\r\n",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xc3",
    b"&a ",
    b"*a",
    b"<<: *a",
    b"- ",
    b"  ",
    b"\t",
    b"=1+1",
    b"9" * 5000,
    b"[" * 200,
    b'{"data": ',
    b"null",
    b"true",
    b"-1e999",
    # What no database column takes: NUL and a lone surrogate, escaped in JSON, YAML, XLSX.
    b"\\u0000",
    b"\\ud800",
    b'"\\0"',
    b"_x0000_",
    b"_xD800_",
]


@st.composite
def mutated(draw, data: bytes) -> bytes:
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "insert", "token", "delete", "repeat", "cut"]))
        if op == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif op == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
        elif op == "token":
            data = data[:at] + draw(st.sampled_from(TOKENS)) + data[at:]
        elif op == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 64)) :]
        elif op == "repeat":
            data = data[:at] + data[at : at + 64] * draw(st.integers(2, 50)) + data[at:]
        else:
            data = data[:at]
    return data


@st.composite
def mutated_workbook(draw, data: bytes) -> bytes:
    """A workbook with one of its parts mutated and packed again: past the zip, into the XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as workbook:
        parts = {info.filename: workbook.read(info) for info in workbook.infolist()}
    name = draw(st.sampled_from(sorted(parts)))
    parts[name] = draw(mutated(parts[name]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as workbook:
        for part, content in parts.items():
            workbook.writestr(part, content)
    return out.getvalue()


# Keys the readers look for, so that random structures land where they are read.
KEYS = sorted(
    exchange.TOP_KEYS
    | exchange.SCALE_KEYS
    | exchange.LEVEL_KEYS
    | exchange.ITEM_KEYS
    | exchange.RESPONSIBILITY_KEYS
    | exchange.TARGET_KEYS
    | exchange.TRANSLATION_KEYS
    | {
        "sv",
        "en",
        "id",
        "data",
        "displayName",
        "organisationType",
        "parentOrganisation",
        "schoolUnitCode",
        "schoolTypes",
        "endDate",
        "organisationNumber",
        "givenName",
        "familyName",
        "emails",
        "type",
        "person",
        "dutyAt",
        "dutyRole",
        "_embedded",
    }
)
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["area", "indicator", "leader", "staff", "Skolenhet", "Rektor", "GR"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | st.integers(0, 5), inner, max_size=3)
    ),
    max_leaves=8,
)


def _places(value, found):
    """Every (container, key) in a parsed document, to replace what is there."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        found.append((value, key))
        _places(child, found)
    return found


@st.composite
def restructured(draw, data: bytes, as_yaml: bool) -> bytes:
    """The document parsed, one value in it replaced by a random structure or removed, and
    written out again: past the parser, into the importer's checks."""
    document = yaml.safe_load(data) if as_yaml else json.loads(data)
    for _ in range(draw(st.integers(1, 3))):
        places = _places(document, [])
        if not places:
            break
        container, key = draw(st.sampled_from(places))
        if isinstance(container, dict) and draw(st.booleans()):
            del container[key]
        else:
            container[key] = draw(VALUES)
    if as_yaml:
        return yaml.safe_dump(document, allow_unicode=True).encode()
    return json.dumps(document, ensure_ascii=False).encode()


def files_from(seeds: list[tuple[str, bytes]]):
    """(name, bytes): random bytes, or a seed mutated as bytes, inside a workbook, or in its
    structure."""

    def mutate(seed):
        name, data = seed
        ways = [mutated(data)]
        if name.endswith(".xlsx"):
            ways.append(mutated_workbook(data))
        if name.endswith((".json", ".yaml")):
            ways.append(restructured(data, name.endswith(".yaml")))
        return st.tuples(st.just(name), st.one_of(*ways))

    random = st.tuples(st.sampled_from([name for name, _data in seeds]), st.binary(max_size=2048))
    return st.one_of(random, st.sampled_from(seeds).flatmap(mutate))


def ss12000_sets():
    """All four pages, one of them mutated or replaced by random bytes."""
    return st.integers(0, len(SS12000_PAGES) - 1).flatmap(
        lambda i: files_from([SS12000_PAGES[i]]).map(
            lambda file: [file, *(page for j, page in enumerate(SS12000_PAGES) if j != i)]
        )
    )


def _send_and_check(target, client, files, tmp_path) -> None:
    (name, data), *others = files
    before = row_counts()
    outcome = target.send(client, name, data, tmp_path=tmp_path, others=others)
    after = row_counts()
    if isinstance(target, Page) and not outcome.accepted:
        assert outcome.status in (200, 400)
    if outcome.previewed:
        # A preview keeps its pending import and writes nothing else, errors or not.
        assert after == {**before, "PendingImport": before["PendingImport"] + 1}
        if outcome.accepted:
            _confirm_and_check(client)
    elif not outcome.accepted:
        assert after == before, outcome.text[:300]
    elif after != before:  # a command that saved: its closing audit row is the last written
        assert AuditEvent.objects.order_by("-pk").values_list("action", flat=True).first() in {
            "import.units",
            "import.people",
            "framework.import",
            "version.publish",
        }


def _confirm_and_check(client) -> None:
    pending = PendingImport.objects.order_by("-pk").first()
    before = row_counts()
    response = client.post(reverse("import_confirm", args=[pending.pk]), {"digest": pending.digest})
    assert response.status_code == 302
    after = row_counts()
    if PendingImport.objects.filter(pk=pending.pk).exists():  # refused: nothing else changed
        assert after == before
    elif after != {**before, "PendingImport": before["PendingImport"] - 1}:
        assert AuditEvent.objects.order_by("-pk").values_list("action", flat=True).first() in {
            "import.units",
            "import.people",
        }


TABLE_CASES = [
    (UNITS_PAGE, UNIT_SEEDS),
    (PEOPLE_PAGE, PEOPLE_SEEDS),
    (IMPORT_ORGANISATION, UNIT_SEEDS),
    (IMPORT_PEOPLE, PEOPLE_SEEDS),
    (FRAMEWORK_PAGE, FRAMEWORK_SEEDS),
    (IMPORT_FRAMEWORK, FRAMEWORK_SEEDS),
]


@pytest.mark.parametrize(("target", "seeds"), TABLE_CASES, ids=[t.name for t, _s in TABLE_CASES])
def test_random_and_mutated_files_never_break_an_upload(world, client_for, tmp_path_factory, target, seeds):
    client = client_for("strategist")

    @FUZZ
    @given(file=files_from(seeds))
    def attempt(file):
        _send_and_check(target, client, [file], tmp_path_factory.mktemp("upload"))

    attempt()


@pytest.mark.parametrize("target", [SS12000_PAGE, IMPORT_SS12000], ids=lambda t: t.name)
def test_random_and_mutated_ss12000_pages_never_break_an_import(world, client_for, tmp_path_factory, target):
    client = client_for("strategist")

    @FUZZ
    @given(files=ss12000_sets())
    def attempt(files):
        _send_and_check(target, client, files, tmp_path_factory.mktemp("pages"))

    attempt()
