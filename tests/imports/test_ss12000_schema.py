"""The SS 12000 fixtures and Digiplan's export checked against the standard's own schemas, read
from ../shared/ss12000/ beside the project."""

import re

import pytest
from django.apps import apps
from django.db import connection

from digiplan.imports.ss12000 import export_organisations
from digiplan.organisations.models import Huvudman
from tests.imports.test_ss12000 import FULL, ORGNR, SPEC, files, page, run


@pytest.fixture
def imported(db):
    run(files(*FULL))
    return Huvudman.objects.get(organisation_number=ORGNR)


# --- The fixtures and the export follow the standard's schemas ----------------------------


def _schema_checker():
    """A small validator for the parts of OpenAPI 3 the SS 12000 schemas use."""
    yaml = pytest.importorskip("yaml")
    if not SPEC.exists():
        pytest.skip("the SS 12000 specification is not beside the project")
    schemas = yaml.safe_load(SPEC.read_text(encoding="utf-8"))["components"]["schemas"]

    def check(value, schema, where, problems):
        if "$ref" in schema:
            return check(value, schemas[schema["$ref"].rsplit("/", 1)[1]], where, problems)
        for part in schema.get("allOf", []):
            check(value, part, where, problems)
        if value is None:
            if not schema.get("nullable") and schema.get("type"):
                problems.append(f"{where}: null")
            return
        kind = schema.get("type")
        python = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict}.get(kind)
        if python and not isinstance(value, python):
            problems.append(f"{where}: not {kind}")
            return
        if "enum" in schema and value not in schema["enum"]:
            problems.append(f"{where}: {value!r} not in enum")
        if schema.get("format") == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            problems.append(f"{where}: not a date")
        if schema.get("format") == "uuid" and not re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", value
        ):
            problems.append(f"{where}: not a uuid")
        if isinstance(value, dict):
            for name in schema.get("required", []):
                if name not in value and not schema.get("readOnly"):
                    problems.append(f"{where}: {name} missing")
            for name, sub in schema.get("properties", {}).items():
                if name in value:
                    check(value[name], sub, f"{where}.{name}", problems)
        if isinstance(value, list) and "items" in schema:
            for index, item in enumerate(value):
                check(item, schema["items"], f"{where}[{index}]", problems)
        return problems

    return lambda value, name: check(value, {"$ref": f"#/components/schemas/{name}"}, name, [])


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("organisations-1.json", "Organisations"),
        ("organisations-2.json", "Organisations"),
        ("persons-1.json", "PersonsExpanded"),
        ("duties-1.json", "Duties"),
    ],
)
def test_the_valid_fixtures_follow_the_schemas(name, schema):
    check = _schema_checker()
    assert check(page(name), schema) == []


def test_the_schema_check_does_catch_mistakes():
    check = _schema_checker()
    bad = page("organisations-1.json")
    bad["data"][1]["organisationType"] = "Kommundel"
    del bad["data"][2]["displayName"]
    assert len(check(bad, "Organisations")) == 2


def test_the_export_follows_the_schema(imported):
    check = _schema_checker()
    assert check(export_organisations(imported), "Organisations") == []


@pytest.mark.django_db
def test_every_model_is_covered_by_the_privacy_dump():
    # The dump reads every table: a new model cannot hide personal data from the test above.
    tables = {m._meta.db_table for m in apps.get_models()}
    with connection.cursor() as cursor:
        assert tables <= set(connection.introspection.table_names(cursor))
