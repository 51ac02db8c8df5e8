"""Units from CSV and Excel files as people really save them; all or nothing."""

import pytest
from django.test import override_settings

from digiplan.audit.models import AuditEvent
from digiplan.imports import units
from digiplan.imports.errors import ErrorList, FileRejected
from digiplan.organisations.models import Organisation
from tests.helpers import domain_snapshot, fixture_bytes


def plan_file(world, name, **options):
    errors = ErrorList()
    rows = units.rows_from_table(fixture_bytes(name), name, errors)
    return units.plan_units(world.huvudman, rows, errors=errors, **options)


def import_file(world, name, **options):
    plan = plan_file(world, name, **options)
    assert not plan.errors, list(plan.errors)
    return units.apply_units(plan, actor=world.strategist, source=name)


@pytest.mark.parametrize(
    "name", ["units_excel_semicolon_bom.csv", "units_windows1252.csv", "units_comma.csv"]
)
def test_it_reads_excel_csv_in_every_encoding_and_separator(world, name):
    summary = import_file(world, name)
    assert summary == {"add": 3, "change": 1, "deactivate": 0, "unchanged": 0}
    ang = Organisation.objects.get(school_unit_code="44444444")
    assert ang.name == "Ängsskolan"
    assert ang.parent.name == "Område Söder"
    assert ang.parent.parent == world.forvaltning
    assert ang.path == f"{ang.parent.path}{ang.pk}/"
    assert sorted(ang.school_forms.values_list("school_form", flat=True)) == ["FKLASS", "FTH", "GR"]
    assert {(c.school_form, c.grade_band): c.pupils for c in ang.pupil_counts.all()} == {
        ("FKLASS", ""): 30,
        ("GR", "F-3"): 120,
        ("GR", "4-6"): 110,
    }
    assert ang.staff_count == 42
    assert Organisation.objects.get(school_unit_code="55555555").name == "Öjeby förskola"
    world.unit_a.refresh_from_db()
    assert world.unit_a.pupil_counts.get().pupils == 130


def test_it_reads_an_excel_workbook(world):
    summary = import_file(world, "units.xlsx")
    assert summary["add"] == 2
    assert Organisation.objects.get(school_unit_code="44444444").staff_count == 42


def test_reimporting_the_same_file_changes_nothing_and_duplicates_nothing(world):
    import_file(world, "units_excel_semicolon_bom.csv")
    count = Organisation.objects.count()
    plan = plan_file(world, "units_windows1252.csv")
    assert plan.summary == {"add": 0, "change": 0, "deactivate": 0, "unchanged": 4}
    units.apply_units(plan, actor=world.strategist, source="again")
    assert Organisation.objects.count() == count


def test_each_write_is_audited_with_its_actor(world):
    import_file(world, "units_excel_semicolon_bom.csv")
    created = AuditEvent.objects.filter(action="organisation.create", actor=world.strategist)
    assert sorted(created.values_list("object_label", flat=True)) == [
        "Område Söder",
        "Ängsskolan",
        "Öjeby förskola",
    ]
    change = AuditEvent.objects.get(action="organisation.update", object_id=str(world.unit_a.pk))
    assert change.changes["before"]["pupils"] == ["GR F-3=120"]
    assert change.changes["after"]["pupils"] == ["GR F-3=130"]


REJECTIONS = {
    "units_duplicate_code.csv": [
        (3, "Skolenhetskoden 44444444 förekommer två gånger"),
        (4, "En annan aktiv enhet har redan skolenhetskod 33333333"),
    ],
    "units_unknown_parent.csv": [(2, "Område Väst")],
    "units_bad_values.csv": [
        (2, "ska vara exakt 8 siffror"),
        (3, "Okänd typ"),
        (4, "Namn saknas"),
        (5, "Okända skolformer"),
        (6, "längre än 200 tecken"),
    ],
    "units_cycle.csv": [(2, "bildar en slinga"), (3, "bildar en slinga")],
    "units_formula.csv": [(2, "som en formel i ett kalkylblad")],
    "units_formula.xlsx": [(2, "som en formel i ett kalkylblad")],
    "units_too_many_cells.csv": [(2, "fler celler än rubrikraden")],
}


@pytest.mark.parametrize("name", sorted(REJECTIONS))
def test_a_file_with_bad_rows_writes_nothing_and_names_each_row(world, name):
    before = domain_snapshot()
    plan = plan_file(world, name)
    reported = [(e.line, e.message) for e in plan.errors]
    for line, fragment in REJECTIONS[name]:
        assert any(line == got_line and fragment in message for got_line, message in reported), (
            line,
            fragment,
            reported,
        )
    assert domain_snapshot() == before


FILE_REJECTIONS = {
    "empty.csv": "Filen är tom.",
    "header_only.csv": "inga rader med uppgifter",
    "units_missing_column.csv": "Obligatoriska kolumner saknas: namn",
    "units_extra_column.csv": "Okända kolumner: “rektor”",
    "not_text.csv": "inte en textfil",
    "units_broken.xlsx": "Det gick inte att öppna Excelfilen",
}


@pytest.mark.parametrize("name", sorted(FILE_REJECTIONS))
def test_an_unreadable_file_is_refused_whole(world, name):
    before = domain_snapshot()
    with pytest.raises(FileRejected) as rejected:
        plan_file(world, name)
    assert FILE_REJECTIONS[name] in rejected.value.message
    assert domain_snapshot() == before


@override_settings(IMPORT_MAX_BYTES=1024)
def test_an_oversized_file_is_refused_by_its_size(world):
    with pytest.raises(FileRejected, match="högst"):
        units.rows_from_table(b"typ;namn\n" + b"skolenhet;A\n" * 200, "big.csv", ErrorList())


def test_html_in_names_is_stored_as_text(world):
    import_file(world, "units_xss.csv")
    assert Organisation.objects.get(school_unit_code="44444444").name.startswith("<script>")


def test_a_unit_marked_inactive_is_deactivated_and_keeps_its_history(world):
    plan = plan_file(world, "units_deactivate.csv")
    assert plan.summary["deactivate"] == 1
    units.apply_units(plan, actor=world.strategist, source="x")
    world.unit_b.refresh_from_db()
    assert not world.unit_b.is_active and world.unit_b.deactivated_at is not None
    assert world.unit_b.memberships.count() == 1


def test_deactivate_missing_deactivates_units_not_in_the_file(world):
    plan = plan_file(world, "units_excel_semicolon_bom.csv", deactivate_missing=True)
    assert [n.name for n in plan.deactivations] == ["Björkskolan"]


def test_more_than_a_hundred_bad_rows_are_counted_but_only_a_hundred_listed(world):
    lines = ["typ;namn;skolenhetskod;överordnad"] + [
        f"skolenhet;Skola {i};{i:07d};Område Norr" for i in range(150)
    ]
    errors = ErrorList()
    units.rows_from_table("\n".join(lines).encode(), "many.csv", errors)
    assert errors.total == 150 and len(errors.errors) == 100 and errors.omitted == 50


def test_a_unit_code_can_move_between_units_in_one_file(world):
    from digiplan.organisations.services import organisation_update

    organisation_update(actor=None, node=world.unit_a, external_id="A")
    organisation_update(actor=None, node=world.unit_b, external_id="B")
    data = (
        "typ;namn;skolenhetskod;externt id;överordnad\n"
        "skolenhet;Almskolan;22222222;A;Område Norr\n"
        "skolenhet;Björkskolan;11111111;B;Område Norr\n"
    ).encode()
    errors = ErrorList()
    rows = units.rows_from_table(data, "swap.csv", errors)
    plan = units.plan_units(world.huvudman, rows, errors=errors)
    assert not plan.errors, list(plan.errors)
    units.apply_units(plan, actor=world.strategist, source="swap")
    world.unit_a.refresh_from_db()
    world.unit_b.refresh_from_db()
    assert (world.unit_a.school_unit_code, world.unit_b.school_unit_code) == ("22222222", "11111111")
