"""import_ss12000, import_organisation, import_people and export_organisation from the shell."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from digiplan.imports import ss12000
from digiplan.imports.management.commands import _import_common as common
from digiplan.imports.management.commands.import_ss12000 import Command as ImportSs12000
from digiplan.organisations.models import Huvudman, Membership, Organisation, Person, Role
from tests.helpers import domain_snapshot

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ss12000"
FULL = [
    str(FIXTURES / n)
    for n in ("organisations-1.json", "organisations-2.json", "persons-1.json", "duties-1.json")
]
ZERO = {"add": 0, "change": 0, "deactivate": 0}


def run(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def rejected(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(*args, stdout=out, stderr=err, **options)
    return str(failure.value), err.getvalue()


def snapshot() -> dict:
    return {**domain_snapshot(), "Huvudman": sorted(map(repr, Huvudman.objects.values_list()))}


# --- import_ss12000 ----------------------------------------------------------------------


@pytest.mark.django_db
def test_import_ss12000_saves_and_says_what_it_did():
    out, err = run("import_ss12000", *FULL)
    assert common.units_text({"add": 9, "change": 0, "deactivate": 0}) in out
    assert (
        common.people_text(
            {"add": 6, "change": 0, "deactivate": 0, "memberships_add": 7, "memberships_remove": 0}
        )
        in out
    )
    assert err == ""
    assert Organisation.objects.count() == 10 and Membership.objects.count() == 7


@pytest.mark.django_db
def test_import_ss12000_twice_changes_nothing_the_second_time():
    run("import_ss12000", *FULL)
    out, _err = run("import_ss12000", *FULL)
    assert common.units_text(ZERO) in out
    assert common.people_text({**ZERO, "memberships_add": 0, "memberships_remove": 0}) in out


@pytest.mark.django_db
def test_a_dry_run_writes_nothing():
    out, _err = run("import_ss12000", *FULL, dry_run=True)
    assert common.units_text({"add": 9, "change": 0, "deactivate": 0}) in out
    assert not Huvudman.objects.exists() and not Person.objects.exists()


@pytest.mark.django_db
def test_bad_records_are_printed_and_the_command_fails():
    run("import_ss12000", *FULL)
    before = snapshot()
    message, err = rejected("import_ss12000", str(FIXTURES / "bad-parent-cycle.json"))
    assert "bad-parent-cycle.json" in err and err.count("\n") == 2
    assert str(ss12000.ERROR_RECORD % {"number": 2, "file": "bad-parent-cycle.json", "message": ""}) in err
    assert "2" in message
    assert snapshot() == before


@pytest.mark.django_db
def test_a_file_that_is_not_json_fails_with_its_name():
    message, _err = rejected("import_ss12000", *FULL[:3], str(FIXTURES / "bad-truncated.json"))
    assert "bad-truncated.json" in message and str(ss12000.ERROR_CUT_OFF) in message
    assert not Huvudman.objects.exists()


@pytest.mark.django_db
def test_a_missing_file_fails():
    message, _err = rejected("import_ss12000", str(FIXTURES / "no-such-page.json"))
    assert "no-such-page.json" in message


@pytest.mark.django_db
def test_at_most_a_hundred_errors_are_printed(tmp_path):
    orgs = json.loads(Path(FULL[0]).read_bytes())
    orgs["data"] += [
        {**orgs["data"][1], "id": f"00000000-0000-4000-8000-{n:012d}", "organisationType": "Kommundel"}
        for n in range(150)
    ]
    path = tmp_path / "many.json"
    path.write_text(json.dumps(orgs))
    message, err = rejected("import_ss12000", str(path))
    lines = err.strip().splitlines()
    assert len(lines) == 101
    assert lines[-1] == str(common.MORE_ERRORS % {"count": 50})
    assert "150" in message


@pytest.mark.django_db
def test_the_command_exits_non_zero_from_the_shell(monkeypatch):
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)  # keep the test's DB
    with pytest.raises(SystemExit) as exit_:
        ImportSs12000(stdout=io.StringIO(), stderr=io.StringIO()).run_from_argv(
            ["manage.py", "import_ss12000", str(FIXTURES / "bad-unknown-type.json")]
        )
    assert exit_.value.code == 1


@pytest.mark.django_db
def test_the_huvudman_option_must_match_the_files():
    message, _err = rejected("import_ss12000", FULL[0], huvudman="556000-0002")
    assert message == str(ss12000.ERROR_OTHER_HUVUDMAN % {"number": "212000-9999", "chosen": "556000-0002"})


@pytest.mark.django_db
def test_deactivate_missing_is_passed_on(tmp_path):
    run("import_ss12000", *FULL)
    orgs = json.loads(Path(FULL[1]).read_bytes())
    orgs["data"] = [r for r in orgs["data"] if r["displayName"] != "Ekeby kulturskola"]
    path = tmp_path / "organisations-2.json"
    path.write_text(json.dumps(orgs))
    out, _err = run("import_ss12000", FULL[0], str(path))
    assert common.units_text(ZERO) in out
    out, _err = run("import_ss12000", FULL[0], str(path), deactivate_missing=True)
    assert common.units_text({"add": 0, "change": 0, "deactivate": 1}) in out
    assert not Organisation.objects.get(name="Ekeby kulturskola").is_active


# --- export_organisation -----------------------------------------------------------------


@pytest.mark.django_db
def test_export_then_import_is_a_round_trip_that_changes_nothing(tmp_path):
    run("import_ss12000", *FULL)
    out, _err = run("export_organisation", huvudman="2120009999")
    exported = json.loads(out)
    assert len(exported["data"]) == 10
    path = tmp_path / "export.json"
    path.write_text(out)
    before = snapshot()["Organisation"]
    out, _err = run("import_ss12000", str(path))
    assert common.units_text(ZERO) in out
    assert snapshot()["Organisation"] == before


def test_export_of_a_hand_made_tree_round_trips_too(world, tmp_path):
    path = tmp_path / "export.json"
    run("export_organisation", huvudman="212000-1234", output=str(path))
    out, _err = run("import_ss12000", str(path), deactivate_missing=True)
    assert common.units_text(ZERO) in out


@pytest.mark.django_db
def test_export_of_an_unknown_huvudman_fails():
    message, _err = rejected("export_organisation", huvudman="212000-0000")
    assert message == str(ss12000.ERROR_NO_SUCH_HUVUDMAN % {"number": "212000-0000"})


# --- import_organisation and import_people (CSV / XLSX) -----------------------------------


def test_import_organisation_adds_units_from_a_csv(world, tmp_path):
    path = tmp_path / "enheter.csv"
    path.write_text(
        "typ;namn;skolenhetskod;överordnad;skolformer\n"
        "skolenhet;Cedergymnasiet;44444444;Utbildningsförvaltningen;GY\n",
        encoding="utf-8",
    )
    out, _err = run("import_organisation", str(path), huvudman="212000-1234", dry_run=True)
    assert common.units_text({"add": 1, "change": 0, "deactivate": 0}) in out
    assert not Organisation.objects.filter(name="Cedergymnasiet").exists()
    run("import_organisation", str(path), huvudman="212000-1234")
    unit = Organisation.objects.get(name="Cedergymnasiet")
    assert unit.parent == world.forvaltning and unit.school_unit_code == "44444444"


def test_import_organisation_rejects_a_bad_row_and_writes_nothing(world, tmp_path):
    path = tmp_path / "enheter.csv"
    path.write_text("typ;namn;skolenhetskod\nskolenhet;Cedergymnasiet;123\n", encoding="utf-8")
    before = snapshot()
    _message, err = rejected("import_organisation", str(path), huvudman="212000-1234")
    assert err.strip() and "123" in err
    assert snapshot() == before


def test_import_organisation_needs_a_known_huvudman(world, tmp_path):
    path = tmp_path / "enheter.csv"
    path.write_text("typ;namn\nskolenhet;X\n", encoding="utf-8")
    message, _err = rejected("import_organisation", str(path), huvudman="999999-9999")
    assert "999999-9999" in message


def test_import_organisation_rejects_a_file_with_unknown_columns(world, tmp_path):
    path = tmp_path / "enheter.csv"
    path.write_text("färg;namn\nblå;X\n", encoding="utf-8")
    message, _err = rejected("import_organisation", str(path), huvudman="212000-1234")
    assert "enheter.csv" in message and "färg" in message


def test_import_people_adds_people_and_roles_from_a_csv(world, tmp_path):
    path = tmp_path / "personal.csv"
    path.write_text(
        "namn;e-post;enhet;roll;undervisande\nLisa Lärare;lisa@sjovik.test;11111111;personal;ja\n",
        encoding="utf-8",
    )
    out, _err = run("import_people", str(path), huvudman="212000-1234")
    assert (
        common.people_text(
            {"add": 1, "change": 0, "deactivate": 0, "memberships_add": 1, "memberships_remove": 0}
        )
        in out
    )
    lisa = Membership.objects.get(person__email="lisa@sjovik.test")
    assert lisa.organisation == world.unit_a and lisa.role == Role.STAFF and lisa.is_teaching


def test_import_people_rejects_a_bad_row_and_writes_nothing(world, tmp_path):
    path = tmp_path / "personal.csv"
    path.write_text("namn;e-post\nLisa Lärare;inte-en-adress\n", encoding="utf-8")
    before = snapshot()
    _message, err = rejected("import_people", str(path), huvudman="212000-1234")
    assert "inte-en-adress" in err
    assert snapshot() == before
