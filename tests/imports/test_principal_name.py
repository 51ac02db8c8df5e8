"""eduPersonPrincipalName from SS 12000 pages and from people files: kept on the person, lower-cased,
one person's per huvudman, all or nothing."""

import pytest

from digiplan.imports import people, previews, ss12000
from digiplan.imports.errors import ErrorList
from digiplan.imports.ss12000 import apply_ss12000, plan_ss12000
from digiplan.organisations.models import Huvudman, Person
from digiplan.privacy.selectors import person_data
from tests.helpers import domain_snapshot
from tests.imports.test_ss12000 import (
    FULL,
    ORGNR,
    _every_text_in_the_database,
    as_file,
    files,
    page,
    pid,
    record,
    run,
)

ANNA, BENGT = pid(1), pid(2)


def pages_with(principal_names: dict[str, object]) -> list[tuple[str, bytes]]:
    """The full pages, with the persons' eduPersonPrincipalNames set (None: left out)."""
    persons = page("persons-1.json")
    for person in persons["data"]:
        if person["id"] in principal_names:
            value = principal_names[person["id"]]
            if value is None:
                person.pop("eduPersonPrincipalNames", None)
            else:
                person["eduPersonPrincipalNames"] = value
    return [as_file("persons-1.json", persons) if n == "persons-1.json" else files(n)[0] for n in FULL]


def principal_name(person_id: str) -> str:
    return Person.objects.get(external_id=person_id).principal_name


# --- SS 12000 ------------------------------------------------------------------------------


def test_the_first_principal_name_of_a_person_record_is_kept_lower_cased(db):
    run(pages_with({ANNA: ["  Anna.R@Edu.Ekeby.example ", "anna.annan@edu.ekeby.example"]}))
    assert principal_name(ANNA) == "anna.r@edu.ekeby.example"
    assert principal_name(BENGT) == "bengt2@edu.ekeby.example"


def test_a_changed_principal_name_is_updated_and_shown_in_the_preview(db):
    run(files(*FULL))
    huvudman = Huvudman.objects.get(organisation_number=ORGNR)
    actor = Person.objects.get(external_id=ANNA)
    pending = previews.pending_import_create(
        huvudman=huvudman,
        actor=actor,
        kind=previews.KIND_SS12000,
        deactivate_missing=False,
        files=pages_with({BENGT: ["bengt.ny@edu.ekeby.example"]}),
    )
    preview = previews.pending_import_preview(pending=pending, actor=actor)
    changed = {s["title"]: s["items"] for s in preview.sections}["Personer som ändras"]
    assert changed == [
        "Bengt Lärarsson: principal_name: bengt2@edu.ekeby.example → bengt.ny@edu.ekeby.example"
    ]
    previews.pending_import_confirm(pending=pending, actor=actor)
    assert principal_name(BENGT) == "bengt.ny@edu.ekeby.example"


def test_a_record_without_principal_names_leaves_the_stored_one(db):
    run(files(*FULL))
    plan = plan_ss12000(pages_with({BENGT: None}))
    assert not plan.errors and plan.people.summary["change"] == 0
    apply_ss12000(plan, actor=None, source="test")
    assert principal_name(BENGT) == "bengt2@edu.ekeby.example"


def test_two_records_with_the_same_principal_name_are_refused_and_nothing_is_written(db):
    before = domain_snapshot()
    plan = plan_ss12000(pages_with({BENGT: ["ANNA1@edu.ekeby.example"]}))
    message = ss12000.ERROR_PRINCIPAL_NAME_TWICE % {
        "name": "anna1@edu.ekeby.example",
        "number": 1,
        "file": "persons-1.json",
    }
    assert [str(e) for e in plan.errors] == [record(2, "persons-1.json", message)]
    with pytest.raises(ValueError):
        apply_ss12000(plan, actor=None, source="test")
    assert domain_snapshot() == before


def test_a_principal_name_another_person_of_the_huvudman_has_is_refused(db):
    run(files(*FULL))
    huvudman = Huvudman.objects.get(organisation_number=ORGNR)
    Person.objects.create(
        huvudman=huvudman, name="Ny Person", email="ny@ekeby.example", principal_name="ny@x.se"
    )
    before = domain_snapshot()
    plan = plan_ss12000(pages_with({BENGT: ["ny@x.se"]}))
    message = people.ERROR_PRINCIPAL_NAME_TAKEN % {"name": "ny@x.se"}
    assert [str(e) for e in plan.errors] == [record(2, "persons-1.json", message)]
    assert domain_snapshot() == before


def test_the_same_principal_name_in_another_huvudman_is_no_conflict(world):
    world.staff.principal_name = "anna1@edu.ekeby.example"
    world.staff.save()
    run(files(*FULL))
    assert principal_name(ANNA) == "anna1@edu.ekeby.example"


def test_a_too_long_principal_name_is_an_error_on_the_record(db):
    plan = plan_ss12000(pages_with({BENGT: ["b" * 250 + "@edu.ekeby.example"]}))
    assert [str(e) for e in plan.errors] == [
        record(2, "persons-1.json", "eduPersonPrincipalName är längre än 254 tecken.")
    ]


def test_a_principal_name_is_text_whatever_it_looks_like(db):
    run(pages_with({BENGT: ["<script>alert(1)</script>@edu.ekeby.example"]}))
    assert principal_name(BENGT) == "<script>alert(1)</script>@edu.ekeby.example"


def test_a_pupils_principal_name_is_neither_checked_nor_kept(db):
    persons = page("persons-1.json")
    for number, principal in ((98, "anna1@edu.ekeby.example"), (99, "elin.elevsson@elev.ekeby.example")):
        pupil = {"id": pid(number), "givenName": "Elin", "familyName": f"Elevsson{number}"}
        persons["data"].append({**pupil, "eduPersonPrincipalNames": [principal]})
    run([as_file("persons-1.json", persons) if n == "persons-1.json" else files(n)[0] for n in FULL])
    assert not Person.objects.filter(external_id__in=[pid(98), pid(99)]).exists()
    assert principal_name(ANNA) == "anna1@edu.ekeby.example"
    assert "elin.elevsson@elev.ekeby.example" not in _every_text_in_the_database()


# --- People files ----------------------------------------------------------------------------


def plan_file(world, data: str):
    errors = ErrorList()
    rows = people.rows_from_table(data.encode(), "p.csv", world.huvudman, errors)
    return people.plan_people(world.huvudman, rows, errors=errors, actor=world.strategist)


@pytest.mark.parametrize(
    "header", ["eppn", "eduPersonPrincipalName", "Principal name", "Användarnamn (eppn)"]
)
def test_a_people_file_sets_the_principal_name(world, header):
    data = (
        f"namn;e-post;{header};enhet;roll\nÅsa Öberg;asa@sjovik.test; Asa@Edu.Sjovik.se ;11111111;personal\n"
    )
    plan = plan_file(world, data)
    assert not plan.errors, list(plan.errors)
    people.apply_people(plan, actor=world.strategist, source="p.csv")
    assert Person.objects.get(email="asa@sjovik.test").principal_name == "asa@edu.sjovik.se"


def test_a_people_file_changes_a_principal_name_as_a_change(world):
    data = "namn;e-post;eppn\nPer Personal;personal@sjovik.test;per@edu.sjovik.se\n"
    plan = plan_file(world, data)
    assert plan.summary["change"] == 1
    assert [(b["principal_name"], a["principal_name"]) for _r, _p, b, a in plan.changes] == [
        ("", "per@edu.sjovik.se")
    ]
    people.apply_people(plan, actor=world.strategist, source="p.csv")
    world.staff.refresh_from_db()
    assert world.staff.principal_name == "per@edu.sjovik.se"
    assert plan_file(world, "namn;e-post\nPer Personal;personal@sjovik.test\n").summary["change"] == 0


def test_a_principal_name_twice_in_a_file_is_refused_and_nothing_is_written(world):
    before = domain_snapshot()
    data = (
        "namn;e-post;eppn\n"
        "Åsa Öberg;asa@sjovik.test;delad@edu.sjovik.se\n"
        "Erik Ek;erik@sjovik.test;DELAD@edu.sjovik.se\n"
    )
    plan = plan_file(world, data)
    message = people.ERROR_PRINCIPAL_NAME_TWICE % {"name": "delad@edu.sjovik.se", "line": 2}
    assert [(e.line, e.message) for e in plan.errors] == [(3, str(message))]
    with pytest.raises(ValueError):
        people.apply_people(plan, actor=world.strategist, source="p.csv")
    assert domain_snapshot() == before


def test_a_principal_name_of_another_person_is_refused(world):
    world.leader_a.principal_name = "anna@edu.sjovik.se"
    world.leader_a.save()
    before = domain_snapshot()
    plan = plan_file(world, "namn;e-post;eppn\nPer Personal;personal@sjovik.test;Anna@edu.sjovik.se\n")
    message = people.ERROR_PRINCIPAL_NAME_TAKEN % {"name": "anna@edu.sjovik.se"}
    assert [(e.line, e.message) for e in plan.errors] == [(2, str(message))]
    assert (
        str(message)
        == "Användarnamnet (eppn) anna@edu.sjovik.se tillhör redan en annan person i organisationen."
    )
    assert domain_snapshot() == before


def test_the_same_person_with_two_principal_names_is_refused(world):
    data = (
        "namn;e-post;eppn;enhet;roll\n"
        "Åsa Öberg;asa@sjovik.test;asa@edu.sjovik.se;11111111;personal\n"
        "Åsa Öberg;asa@sjovik.test;asa2@edu.sjovik.se;22222222;personal\n"
    )
    plan = plan_file(world, data)
    assert [(e.line, e.message) for e in plan.errors] == [
        (3, str(people.ERROR_PRINCIPAL_NAME_DIFFERS % {"line": 2}))
    ]


def test_a_too_long_or_formula_principal_name_in_a_file_is_an_error(world):
    data = (
        "namn;e-post;eppn\nÅsa Öberg;asa@sjovik.test;"
        + "a" * 255
        + "\nErik Ek;erik@sjovik.test;=HYPERLINK(1)\n"
    )
    plan = plan_file(world, data)
    reported = {e.line: e.message for e in plan.errors}
    assert "längre än 254 tecken" in reported[2]
    assert "som en formel i ett kalkylblad" in reported[3]


def test_a_principal_name_in_a_file_is_text_whatever_it_looks_like(world):
    plan = plan_file(world, "namn;e-post;eppn\nÅsa Öberg;asa@sjovik.test;<script>x</script>@a.se\n")
    people.apply_people(plan, actor=world.strategist, source="p.csv")
    assert Person.objects.get(email="asa@sjovik.test").principal_name == "<script>x</script>@a.se"


def test_the_preview_shows_a_principal_name_as_text(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    data = "namn;e-post;eppn\nPer Personal;personal@sjovik.test;<script>alert(1)</script>@a.se\n"
    client = client_for("strategist")
    response = client.post(
        reverse("import_start"), {"kind": "people", "files": SimpleUploadedFile("p.csv", data.encode())}
    )
    page = client.get(response["Location"]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;@a.se" in page
    assert "<script>alert(1)" not in page


# --- The person's own data ----------------------------------------------------------------------


def test_the_personal_data_file_shows_the_principal_name(world):
    world.staff.principal_name = "per@edu.sjovik.se"
    world.staff.save()
    assert person_data(world.staff)["person"]["principal_name"] == "per@edu.sjovik.se"


def test_the_import_checks_the_length_the_database_keeps():
    assert people.PRINCIPAL_NAME_MAX == Person._meta.get_field("principal_name").max_length
