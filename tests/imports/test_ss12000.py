"""SS 12000 JSON pages → the organisation tree, people and their roles, in one transaction."""

import copy
import datetime
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from digiplan.audit.models import AuditEvent
from digiplan.imports import ss12000
from digiplan.imports.errors import FileRejected
from digiplan.imports.ss12000 import apply_ss12000, export_organisations, plan_ss12000
from digiplan.organisations import services
from digiplan.organisations.models import (
    Huvudman,
    Membership,
    Organisation,
    OrganisationType,
    Person,
    Role,
    RoleTitle,
)
from tests.helpers import domain_snapshot

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ss12000"
FULL = ("organisations-1.json", "organisations-2.json", "persons-1.json", "duties-1.json")
ORGNR = "212000-9999"
SPEC = Path(settings.BASE_DIR).parent / "shared" / "ss12000" / "openapi_ss12000_version2_1_0.yaml"


def oid(n: int) -> str:
    return f"0e5a1c3b-7d2f-4c1a-9b6e-{n:012d}"


def pid(n: int) -> str:
    return f"5b7c9d1e-2f3a-4b5c-8d6e-{n:012d}"


def did(n: int) -> str:
    return f"9c8b7a6d-5e4f-4a3b-9c2d-{n:012d}"


def files(*names: str) -> list[tuple[str, bytes]]:
    return [(name, (FIXTURES / name).read_bytes()) for name in names]


def page(name: str) -> dict:
    return json.loads((FIXTURES / name).read_bytes())


def as_file(name: str, data: dict) -> tuple[str, bytes]:
    return name, json.dumps(data, ensure_ascii=False).encode()


def run(pages, huvudman_key=None, deactivate_missing=False) -> dict:
    plan = plan_ss12000(list(pages), huvudman_key, deactivate_missing)
    assert not plan.errors, [str(e) for e in plan.errors]
    return apply_ss12000(plan, actor=None, source="test")


def snapshot() -> dict:
    return {**domain_snapshot(), "Huvudman": sorted(map(repr, Huvudman.objects.values_list()))}


def record(number: int, file: str, message) -> str:
    return str(ss12000.ERROR_RECORD % {"number": number, "file": file, "message": message})


@pytest.fixture
def imported(db):
    run(files(*FULL))
    return Huvudman.objects.get(organisation_number=ORGNR)


def tree(huvudman) -> dict[str, tuple[str, str, bool]]:
    """name → (type, parent name, active)."""
    return {
        n.name: (n.type, n.parent.name if n.parent else "", n.is_active)
        for n in Organisation.objects.filter(huvudman=huvudman).select_related("parent")
    }


# --- A full import -----------------------------------------------------------------------


def test_a_full_import_creates_the_huvudman_and_its_tree(imported):
    assert imported.name == "Ekeby kommun"
    root = services.huvudman_root(imported)
    assert root.external_id == oid(1)
    assert tree(imported) == {
        "Ekeby kommun": ("huvudman", "", True),
        "Barn- och utbildningsförvaltningen": ("forvaltning", "Ekeby kommun", True),
        "Rektorsområde Norr": ("omrade", "Barn- och utbildningsförvaltningen", True),
        # "Norrskolan" (Skola) sits in a Rektorsområde: its units move up into it.
        "Norrskolan F-6": ("skolenhet", "Rektorsområde Norr", True),
        "Norrskolan 7-9": ("skolenhet", "Rektorsområde Norr", True),
        "Rektorsområde Syd": ("omrade", "Barn- och utbildningsförvaltningen", True),
        "Södra förskolan": ("skolenhet", "Rektorsområde Syd", True),
        "Gamla skolan": ("skolenhet", "Rektorsområde Syd", False),
        "Ekeby gymnasium": ("skolenhet", "Barn- och utbildningsförvaltningen", True),
        # "Ekeby Kultur AB" (Bolag) is not imported: its unit hangs on the huvudman.
        "Ekeby kulturskola": ("skolenhet", "Ekeby kommun", True),
    }


def test_units_keep_their_code_forms_and_id(imported):
    unit = Organisation.objects.get(name="Norrskolan F-6")
    assert unit.school_unit_code == "29990001"
    assert unit.external_id == oid(5)
    assert sorted(unit.school_forms.values_list("school_form", flat=True)) == ["FKLASS", "FTH", "GR"]
    ended = Organisation.objects.get(name="Gamla skolan")
    assert ended.deactivated_at is not None and ended.school_unit_code == ""
    assert all(
        n.path == f"{n.parent.path}{n.pk}/"
        for n in Organisation.objects.filter(huvudman=imported, parent__isnull=False).select_related("parent")
    )


def test_people_get_the_roles_their_duties_give(imported):
    roles = sorted(
        (m.person.name, m.organisation.name, m.role, m.is_teaching, m.external_id)
        for m in Membership.objects.filter(huvudman=imported).select_related("person", "organisation")
    )
    assert roles == [
        ("Anna Rektorsson", "Rektorsområde Norr", Role.UNIT_LEADER, False, did(1)),
        # Lärare and Förstelärare at one unit: one membership, with the first duty's id.
        ("Bengt Lärarsson", "Norrskolan F-6", Role.STAFF, True, did(2)),
        ("Cecilia Förskolesson", "Södra förskolan", Role.STAFF, True, did(4)),
        # A Lärare described as IT-pedagog is also the unit's coordinator.
        ("David Digitalsson", "Norrskolan 7-9", Role.COORDINATOR, False, did(5)),
        ("David Digitalsson", "Norrskolan 7-9", Role.STAFF, True, did(5)),
        ("Eva Kuratorsson", "Ekeby gymnasium", Role.STAFF, False, did(6)),
        # A duty at a Skola within a Rektorsområde lands on the Rektorsområde.
        ("Gunilla Kanslisson", "Rektorsområde Norr", Role.STAFF, False, did(8)),
    ]


def test_people_are_kept_with_their_work_address_and_nothing_else(imported):
    people = {
        p.external_id: (p.name, p.email, p.has_usable_password())
        for p in Person.objects.filter(huvudman=imported)
    }
    assert people == {
        pid(1): ("Anna Rektorsson", "anna.rektorsson@ekeby.example", False),  # not Privat
        pid(2): ("Bengt Lärarsson", "bengt.lararsson@ekeby.example", False),
        pid(3): ("Cecilia Förskolesson", "cecilia.f@ekeby.example", False),  # lower-cased
        pid(4): ("David Digitalsson", "david.d@ekeby.example", False),
        pid(5): ("Eva Kuratorsson", "eva.k@elevhalsa.ekeby.example", False),  # Arbete övrigt
        pid(7): ("Gunilla Kanslisson", "gunilla.k@ekeby.example", False),
    }  # Fredrik's duty has ended; Helena works only at a Bolag: neither is imported


def _every_text_in_the_database() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_no_civic_number_address_phone_or_photo_is_stored_anywhere(imported):
    dump = _every_text_in_the_database()
    assert "Anna Rektorsson" in dump  # the dump does see the imported rows
    secrets = set()
    for person in page("persons-1.json")["data"]:
        secrets.add(person["civicNo"]["value"])
        secrets.add(person["birthDate"])
        secrets.add(person["photo"])
        secrets.update(p["value"] for p in person["phoneNumbers"])
        secrets.update(a["streetAddress"] for a in person["addresses"])
        secrets.update(a["postalCode"] for a in person["addresses"])
        secrets.update(e["value"] for e in person["emails"] if e["type"] == "Privat")
    secrets.update(["Lönnby", "Hemlighetsgatan", "Skolvägen 1", "0999-100 00"])
    # eduPersonPrincipalNames are kept, as sign-in matches by them (test_principal_name.py).
    assert len(secrets) > 40
    found = sorted(s for s in secrets if s.lower() in dump.lower())
    assert found == []


def test_the_import_is_audited(imported):
    actions = set(AuditEvent.objects.filter(huvudman=imported).values_list("action", flat=True))
    assert {
        "huvudman.create",
        "organisation.create",
        "person.create",
        "membership.create",
        "import.units",
        "import.people",
    } <= actions


# --- Importing again ---------------------------------------------------------------------


def test_importing_the_same_pages_again_changes_nothing(imported):
    before = {m.__name__: m.objects.count() for m in (Organisation, Person, Membership)}
    summary = run(files(*FULL))
    assert summary["units"] == {"add": 0, "change": 0, "deactivate": 0, "unchanged": 9}
    assert summary["people"]["add"] == summary["people"]["change"] == 0
    assert summary["people"]["memberships_add"] == summary["people"]["memberships_remove"] == 0
    assert {m.__name__: m.objects.count() for m in (Organisation, Person, Membership)} == before


def test_pages_in_another_order_give_the_same_tree(db):
    run(files(*reversed(FULL)))
    assert len(tree(Huvudman.objects.get())) == 10
    assert Membership.objects.count() == 7


def test_a_changed_display_name_is_one_change(imported):
    changed = page("organisations-2.json")
    changed["data"][2]["displayName"] = "Ekeby gymnasieskola"
    plan = plan_ss12000(
        [
            *files("organisations-1.json"),
            as_file("organisations-2.json", changed),
            *files("persons-1.json", "duties-1.json"),
        ]
    )
    assert plan.summary["units"]["change"] == 1 and plan.summary["units"]["add"] == 0
    assert plan.units.changes[0].after["name"] == "Ekeby gymnasieskola"
    apply_ss12000(plan, actor=None, source="test")
    assert Organisation.objects.filter(name="Ekeby gymnasieskola", external_id=oid(9)).exists()


def test_an_ended_duty_removes_the_membership_it_gave(imported):
    duties = page("duties-1.json")
    duties["data"][5]["endDate"] = "2020-12-31"  # Eva Kuratorsson's only duty
    summary = run([*files(*FULL[:3]), as_file("duties-1.json", duties)])
    assert summary["people"]["memberships_remove"] == 1
    assert not Membership.objects.filter(person__external_id=pid(5)).exists()
    assert Person.objects.get(external_id=pid(5)).is_active  # still there: not deactivated


def test_memberships_given_in_digiplan_survive_a_reimport(imported):
    bengt = Person.objects.get(external_id=pid(2))
    root = services.huvudman_root(imported)
    services.membership_create(actor=None, person=bengt, organisation=root, role=Role.STRATEGIST)
    run(files(*FULL))
    assert bengt.memberships.filter(role=Role.STRATEGIST).exists()


def test_missing_units_and_people_are_deactivated_only_when_asked(imported):
    orgs = page("organisations-2.json")
    orgs["data"] = [r for r in orgs["data"] if r["id"] != oid(9)]  # Ekeby gymnasium
    persons = page("persons-1.json")
    persons["data"] = [r for r in persons["data"] if r["id"] != pid(5)]  # Eva, who worked there
    duties = page("duties-1.json")
    duties["data"] = [r for r in duties["data"] if r["person"]["id"] != pid(5)]
    hand_made = services.person_create(
        actor=None, huvudman=imported, name="Sara Strateg", email="sara@ekeby.example"
    )
    pages = [
        *files("organisations-1.json"),
        as_file("organisations-2.json", orgs),
        as_file("persons-1.json", persons),
        as_file("duties-1.json", duties),
    ]

    assert plan_ss12000(pages).summary["units"]["deactivate"] == 0
    summary = run(pages, deactivate_missing=True)
    assert summary["units"]["deactivate"] == 1 and summary["people"]["deactivate"] == 1
    assert not Organisation.objects.get(external_id=oid(9)).is_active
    assert not Person.objects.get(external_id=pid(5)).is_active
    hand_made.refresh_from_db()
    assert hand_made.is_active  # made in Digiplan, not the school system's to end


# --- The huvudman ------------------------------------------------------------------------


def test_the_huvudman_is_found_by_its_number_with_or_without_dash(imported):
    orgs = page("organisations-1.json")
    orgs["data"][0]["organisationNumber"] = "212000-9999"
    plan = plan_ss12000([as_file("organisations-1.json", orgs), *files("organisations-2.json")])
    assert plan.huvudman == imported and not plan.huvudman_new


def test_pages_without_a_huvudman_record_need_the_huvudman_chosen(imported):
    orgs = page("organisations-1.json")
    del orgs["data"][0]  # the Huvudman record; its children still point at its id
    pages = [as_file("organisations-1.json", orgs), *files(*FULL[1:])]
    with pytest.raises(FileRejected) as rejected:
        plan_ss12000(pages)
    assert rejected.value.message == str(ss12000.ERROR_NEED_HUVUDMAN)
    plan = plan_ss12000(pages, "2120009999")
    assert not plan.errors, [str(e) for e in plan.errors]
    assert plan.summary["units"]["unchanged"] == 9 and plan.summary["people"]["unchanged"] == 6


def test_duties_without_the_organisation_pages_are_rejected(imported):
    with pytest.raises(FileRejected) as rejected:
        plan_ss12000(files("persons-1.json", "duties-1.json"), ORGNR)
    assert rejected.value.message == str(ss12000.ERROR_DUTIES_WITHOUT_ORGANISATIONS)


def test_a_huvudman_record_for_another_huvudman_is_rejected(imported):
    with pytest.raises(FileRejected) as rejected:
        plan_ss12000(files("organisations-1.json"), "556000-0002")
    assert rejected.value.message == str(
        ss12000.ERROR_OTHER_HUVUDMAN % {"number": ORGNR, "chosen": "556000-0002"}
    )


def test_an_unknown_huvudman_without_a_record_is_rejected(db):
    with pytest.raises(FileRejected) as rejected:
        plan_ss12000(files("organisations-2.json"), "212000-0000")
    assert rejected.value.message == str(ss12000.ERROR_NO_SUCH_HUVUDMAN % {"number": "212000-0000"})


# --- Bad input: nothing is written -------------------------------------------------------

REJECTED_FILES = [
    ("bad-truncated.json", ss12000.ERROR_CUT_OFF),
    ("bad-not-a-page.json", ss12000.ERROR_NO_DATA),
]


@pytest.mark.parametrize(("name", "reason"), REJECTED_FILES)
def test_a_file_that_is_not_a_page_rejects_the_whole_import(imported, name, reason):
    before = snapshot()
    with pytest.raises(FileRejected) as rejected:
        plan_ss12000([*files(*FULL), *files(name)])
    assert name in rejected.value.message and str(reason) in rejected.value.message
    assert snapshot() == before


def test_a_cut_off_file_says_where_it_ends(db):
    with pytest.raises(FileRejected) as rejected:
        plan_ss12000(files("bad-truncated.json"))
    assert re.search(r"\b57\b", rejected.value.message)  # the line where the file stops
    assert not Huvudman.objects.exists()


BAD_RECORDS = [
    ("bad-missing-parent.json", 3, ss12000.ERROR_PARENT_MISSING % {"id": oid(404)}),
    ("bad-parent-cycle.json", 2, ss12000.ERROR_PARENT_CYCLE % {"ids": f"{oid(21)} → {oid(22)} → {oid(21)}"}),
    ("bad-parent-cycle.json", 3, ss12000.ERROR_PARENT_CYCLE % {"ids": f"{oid(21)} → {oid(22)} → {oid(21)}"}),
    ("bad-unknown-type.json", 3, ss12000.ERROR_UNKNOWN_ORG_TYPE % {"value": "Kommundel"}),
    ("bad-duty-missing-person.json", 1, ss12000.ERROR_DUTY_PERSON_MISSING % {"id": pid(404)}),
]
WITH_ORGANISATIONS = {"bad-duty-missing-person.json": FULL[:3]}


@pytest.mark.parametrize(("name", "number", "message"), BAD_RECORDS)
def test_a_bad_record_is_reported_by_number_and_file_and_nothing_is_written(imported, name, number, message):
    before = snapshot()
    plan = plan_ss12000(files(*WITH_ORGANISATIONS.get(name, ()), name))
    assert record(number, name, message) in [str(e) for e in plan.errors]
    with pytest.raises(ValueError):
        apply_ss12000(plan, actor=None, source="test")
    assert snapshot() == before


@pytest.mark.parametrize(
    "name", ["bad-missing-parent.json", "bad-parent-cycle.json", "bad-unknown-type.json"]
)
def test_a_bad_page_for_a_new_huvudman_writes_nothing_either(db, name):
    plan = plan_ss12000(files(name))
    assert plan.errors and plan.huvudman_new
    assert snapshot() == {**domain_snapshot(), "Huvudman": []}
    assert not Organisation.objects.exists()


def test_a_record_below_a_cycle_is_not_blamed_for_it(imported):
    plan = plan_ss12000(files("bad-parent-cycle.json"))
    assert [e.where.split(":")[0] for e in plan.errors] == [
        record(2, "bad-parent-cycle.json", "").split(":")[0],
        record(3, "bad-parent-cycle.json", "").split(":")[0],
    ]


def test_every_bad_record_is_reported_at_once(imported):
    duties = page("duties-1.json")
    duties["data"][0]["dutyRole"] = "Rektorinna"
    duties["data"][1]["dutyAt"] = {"id": oid(777)}
    persons = page("persons-1.json")
    persons["data"][1]["emails"] = []  # Bengt, who has duties
    persons["data"][2]["emails"] = [{"type": "Skola personal", "value": "inte en adress"}]
    plan = plan_ss12000(
        [*files(*FULL[:2]), as_file("persons-1.json", persons), as_file("duties-1.json", duties)]
    )
    assert [str(e) for e in plan.errors] == [
        record(2, "persons-1.json", ss12000.ERROR_NO_EMAIL % {"name": "Bengt Lärarsson"}),
        record(3, "persons-1.json", ss12000.ERROR_BAD_EMAIL % {"email": "inte en adress"}),
        record(1, "duties-1.json", ss12000.ERROR_UNKNOWN_DUTY_ROLE % {"value": "Rektorinna"}),
        record(2, "duties-1.json", ss12000.ERROR_DUTY_UNIT_MISSING % {"id": oid(777)}),
    ]


def test_the_same_id_twice_is_an_error(imported):
    plan = plan_ss12000(files("organisations-1.json", "organisations-1.json"))
    assert record(
        1,
        "organisations-1.json",
        ss12000.ERROR_DUPLICATE_ID % {"id": oid(1), "number": 1, "file": "organisations-1.json"},
    ) in map(str, plan.errors)


def test_unknown_school_types_are_reported(db):
    orgs = page("organisations-1.json")
    orgs["data"][4]["schoolTypes"] = ["GR", "GRUNDSKOLA"]
    plan = plan_ss12000([as_file("o.json", orgs)])
    assert [str(e) for e in plan.errors] == [
        record(5, "o.json", ss12000.ERROR_UNKNOWN_SCHOOL_TYPES % {"values": "GRUNDSKOLA"})
    ]


def test_a_unit_below_a_school_unit_is_an_error(db):
    orgs = page("organisations-1.json")
    orgs["data"][5]["parentOrganisation"] = {"id": oid(5)}
    plan = plan_ss12000([as_file("o.json", orgs)])
    assert [str(e) for e in plan.errors] == [
        record(
            6,
            "o.json",
            ss12000.ERROR_UNDER_UNIT
            % {"type": OrganisationType.SKOLENHET.label.lower(), "parent": "Norrskolan F-6"},
        )
    ]


def test_persons_without_their_duties_are_rejected(imported):
    with pytest.raises(FileRejected) as rejected:
        plan_ss12000(files("persons-1.json"), ORGNR)
    assert rejected.value.message == str(ss12000.ERROR_PERSONS_WITHOUT_DUTIES)


# --- Mapping details ---------------------------------------------------------------------


def test_a_forvaltning_within_a_forvaltning_becomes_an_omrade(db):
    orgs = page("organisations-1.json")
    orgs["data"][2]["organisationType"] = "Verksamhetsområde"  # Norr, below the förvaltning
    run([as_file("o.json", orgs)])
    assert Organisation.objects.get(name="Rektorsområde Norr").type == OrganisationType.OMRADE


def test_duties_may_bring_their_person_embedded(db):
    duties = page("duties-1.json")
    people = {p["id"]: p for p in page("persons-1.json")["data"]}
    for duty in duties["data"]:
        duty["_embedded"] = {"person": copy.deepcopy(people[duty["person"]["id"]])}
    run([*files(*FULL[:2]), as_file("duties-1.json", duties)])
    assert Person.objects.count() == 6
    assert "197501019996" not in _every_text_in_the_database()


def test_a_role_title_in_the_description_gives_its_role(imported):
    RoleTitle.objects.create(huvudman=imported, role=Role.COORDINATOR, name="Digital coach")
    duties = page("duties-1.json")
    duties["data"][5]["description"] = "digital coach"  # Eva, Kurator
    run([*files(*FULL[:3]), as_file("duties-1.json", duties)])
    eva = Membership.objects.get(person__external_id=pid(5), role=Role.COORDINATOR)
    assert eva.title.name == "Digital coach"


def test_a_strategist_title_is_never_given_by_the_school_system(imported):
    RoleTitle.objects.create(huvudman=imported, role=Role.STRATEGIST, name="Utvecklingsstrateg")
    duties = page("duties-1.json")
    duties["data"][5]["description"] = "Utvecklingsstrateg"
    run([*files(*FULL[:3]), as_file("duties-1.json", duties)])
    assert not Membership.objects.filter(role=Role.STRATEGIST).exists()


def test_an_ended_organisation_ends_everything_below_it(db):
    orgs = page("organisations-2.json")
    orgs["data"][1]["endDate"] = "2025-06-30"  # Rektorsområde Syd
    run([*files("organisations-1.json"), as_file("organisations-2.json", orgs)])
    assert not Organisation.objects.get(name="Södra förskolan").is_active


def test_an_end_date_today_still_counts_as_active(db):
    orgs = page("organisations-2.json")
    orgs["data"][0]["endDate"] = datetime.date.today().isoformat()
    run([*files("organisations-1.json"), as_file("organisations-2.json", orgs)])
    assert Organisation.objects.get(name="Södra förskolan").is_active


# --- Export ------------------------------------------------------------------------------


def test_export_then_import_changes_nothing(imported):
    exported = export_organisations(imported)
    assert exported["pageToken"] is None
    plan = plan_ss12000([as_file("export.json", exported)])
    assert not plan.errors
    assert plan.summary["units"] == {"add": 0, "change": 0, "deactivate": 0, "unchanged": 9}


def test_export_of_a_tree_made_by_hand_imports_back_unchanged(world):
    Organisation.objects.filter(pk=world.unit_b.pk).update(is_active=False, school_unit_code="")
    exported = export_organisations(world.huvudman)
    again = export_organisations(world.huvudman)
    assert exported == again  # ids derived from the nodes stay the same
    before = snapshot()
    plan = plan_ss12000([as_file("export.json", exported)], None, deactivate_missing=True)
    assert not plan.errors, [str(e) for e in plan.errors]
    assert plan.summary["units"] == {"add": 0, "change": 0, "deactivate": 0, "unchanged": 4}
    apply_ss12000(plan, actor=None, source="test")
    after = snapshot()
    assert after["Organisation"] == before["Organisation"]
    assert after["Person"] == before["Person"]


def test_export_writes_types_codes_and_end_dates(imported):
    records = {r["displayName"]: r for r in export_organisations(imported)["data"]}
    assert records["Ekeby kommun"]["organisationType"] == "Huvudman"
    assert records["Ekeby kommun"]["organisationNumber"] == ORGNR
    assert "parentOrganisation" not in records["Ekeby kommun"]
    unit = records["Norrskolan F-6"]
    assert unit["schoolUnitCode"] == "29990001"
    assert unit["schoolTypes"] == ["FKLASS", "FTH", "GR"]
    assert unit["parentOrganisation"] == {"id": oid(3)}
    assert records["Rektorsområde Norr"]["organisationType"] == "Rektorsområde"
    assert "endDate" in records["Gamla skolan"] and "endDate" not in unit
