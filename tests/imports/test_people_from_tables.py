"""People and roles from CSV: keyed by external id or e-mail, all or nothing."""

import pytest

from digiplan.imports import people
from digiplan.imports.errors import ErrorList
from digiplan.organisations.models import Membership, Person, Role
from digiplan.organisations.services import role_title_save
from tests.helpers import domain_snapshot, fixture_bytes


def plan_file(world, name, data=None, **options):
    errors = ErrorList()
    rows = people.rows_from_table(data or fixture_bytes(name), name, world.huvudman, errors)
    return people.plan_people(world.huvudman, rows, errors=errors, actor=world.strategist, **options)


def test_it_adds_people_with_their_roles_from_excel_csv(world):
    plan = plan_file(world, "people_excel_semicolon_bom.csv")
    assert not plan.errors, list(plan.errors)
    assert plan.summary["add"] == 2 and plan.summary["memberships_add"] == 3
    people.apply_people(plan, actor=world.strategist, source="p.csv")
    asa = Person.objects.get(email="asa.oberg@sjovik.test")
    assert asa.name == "Åsa Öberg" and asa.huvudman == world.huvudman
    assert not asa.has_usable_password()
    assert sorted(asa.memberships.values_list("organisation__name", "role", "is_teaching")) == [
        ("Almskolan", Role.STAFF, True),
        ("Område Norr", Role.VIEWER, False),
    ]
    erik = Person.objects.get(external_id="P-77")
    assert erik.memberships.get().role == Role.UNIT_LEADER


def test_windows_1252_names_keep_their_letters(world):
    plan = plan_file(world, "people_windows1252.csv")
    people.apply_people(plan, actor=world.strategist, source="p.csv")
    assert Person.objects.filter(name="Åsa Öberg").exists()


def test_reimport_updates_by_key_and_never_duplicates(world):
    for _ in range(2):
        plan = plan_file(world, "people_excel_semicolon_bom.csv")
        people.apply_people(plan, actor=world.strategist, source="p.csv")
    assert plan.summary["add"] == 0 and plan.summary["memberships_add"] == 0
    assert Person.objects.filter(email="asa.oberg@sjovik.test").count() == 1
    renamed = (
        "namn;e-post;externt id;enhet;roll\nErik Ärligsson;erik.ny@sjovik.test;P-77;22222222;enhetsledare\n"
    )
    plan = plan_file(world, "r.csv", data=renamed.encode())
    assert plan.summary["change"] == 1 and plan.summary["add"] == 0
    people.apply_people(plan, actor=world.strategist, source="r.csv")
    assert Person.objects.get(external_id="P-77").email == "erik.ny@sjovik.test"


def test_a_file_lists_all_of_a_persons_roles(world):
    moved = "namn;e-post;enhet;roll;undervisande\nPer Personal;personal@sjovik.test;22222222;personal;ja\n"
    plan = plan_file(world, "m.csv", data=moved.encode())
    assert plan.summary["memberships_add"] == 1 and plan.summary["memberships_remove"] == 1
    people.apply_people(plan, actor=world.strategist, source="m.csv")
    assert list(world.staff.memberships.values_list("organisation", flat=True)) == [world.unit_b.pk]


def test_the_organisations_own_titles_are_understood(world):
    role_title_save(actor=None, huvudman=world.huvudman, role=Role.COORDINATOR, name="IT-pedagog")
    data = "namn;e-post;enhet;roll\nIda IT;ida@sjovik.test;11111111;it-pedagog\n"
    plan = plan_file(world, "t.csv", data=data.encode())
    people.apply_people(plan, actor=world.strategist, source="t.csv")
    membership = Membership.objects.get(person__email="ida@sjovik.test")
    assert membership.role == Role.COORDINATOR and membership.title.name == "IT-pedagog"


def test_bad_rows_are_each_reported_and_nothing_is_written(world):
    before = domain_snapshot()
    plan = plan_file(world, "people_bad_rows.csv")
    reported = {e.line: e.message for e in plan.errors}
    assert "Okänd roll ”rektorn”" in reported[2]
    assert "är ingen e-postadress" in reported[3]
    assert "finns inte i organisationen" in reported[4]
    assert "Dubblett" in reported[6]
    assert "kan inte användas" in reported[7]  # another huvudman's person: nothing revealed
    assert "som en formel i ett kalkylblad" in reported[8]
    assert domain_snapshot() == before


def test_deactivate_missing_spares_the_person_importing(world):
    plan = plan_file(world, "people_excel_semicolon_bom.csv", deactivate_missing=True)
    names = sorted(p.name for p in plan.deactivations)
    assert names == ["Anna Rektor", "Bo Rektor"]
    assert world.strategist not in plan.deactivations


@pytest.mark.parametrize("header", ["namn;enhet;roll", "e-post;roll"])
def test_required_columns_are_named_when_missing(world, header):
    from digiplan.imports.errors import FileRejected

    with pytest.raises(FileRejected, match="Obligatoriska kolumner saknas"):
        plan_file(world, "x.csv", data=f"{header}\nA;B;C\n".encode())


def test_imported_roles_are_audited_with_names_as_the_ui_writes_them(world):
    from digiplan.audit.models import AuditEvent

    moved = "namn;e-post;enhet;roll;undervisande\nPer Personal;personal@sjovik.test;22222222;personal;ja\n"
    plan = plan_file(world, "m.csv", data=moved.encode())
    people.apply_people(plan, actor=world.strategist, source="m.csv")
    created = AuditEvent.objects.get(action="membership.create", actor=world.strategist)
    deleted = AuditEvent.objects.get(action="membership.delete", actor=world.strategist)
    assert created.changes["after"] == {
        "person": "Per Personal",
        "organisation": "Björkskolan",
        "role": "Personal",
    }
    assert created.object_label == "Per Personal – Personal – Björkskolan"
    assert deleted.changes["before"] == {
        "person": "Per Personal",
        "organisation": "Almskolan",
        "role": "Personal",
    }
