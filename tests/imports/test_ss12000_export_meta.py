"""The SS 12000 export's meta.modified follows every change an import or a move writes, though
the bulk writes skip auto_now (issue 15, point 6)."""

import datetime

from django.utils import timezone

from digiplan.imports.ss12000 import apply_ss12000, export_organisations, plan_ss12000
from digiplan.organisations import services
from digiplan.organisations.models import Huvudman, Organisation, OrganisationType
from tests.imports.test_ss12000 import FULL, ORGNR, as_file, files, oid, page, run

LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def _age_everything() -> None:
    Organisation.objects.update(updated_at=LONG_AGO)


def _modified(huvudman: Huvudman) -> dict[str, str]:
    return {r["displayName"]: r["meta"]["modified"] for r in export_organisations(huvudman)["data"]}


def _import_with(renamed_to: str) -> None:
    changed = page("organisations-2.json")
    changed["data"][2]["displayName"] = renamed_to
    pages = [*files("organisations-1.json"), as_file("organisations-2.json", changed), *files(*FULL[2:])]
    plan = plan_ss12000(pages)
    assert not plan.errors
    apply_ss12000(plan, actor=None, source="test")


def test_a_unit_renamed_by_an_import_is_exported_as_modified_now(db):
    run(files(*FULL))
    huvudman = Huvudman.objects.get(organisation_number=ORGNR)
    _age_everything()
    started = timezone.now().replace(microsecond=0)
    _import_with("Ekeby gymnasieskola")
    modified = _modified(huvudman)
    assert Organisation.objects.get(external_id=oid(9)).name == "Ekeby gymnasieskola"
    assert datetime.datetime.fromisoformat(modified.pop("Ekeby gymnasieskola")) >= started
    assert set(modified.values()) == {"2020-01-01T00:00:00Z"}  # nothing else was touched


def test_a_unit_deactivated_by_an_import_is_exported_as_modified_now(db):
    run(files(*FULL))
    huvudman = Huvudman.objects.get(organisation_number=ORGNR)
    _age_everything()
    shorter = page("organisations-2.json")
    del shorter["data"][2]
    pages = [*files("organisations-1.json"), as_file("organisations-2.json", shorter), *files(*FULL[2:])]
    plan = plan_ss12000(pages, None, True)
    assert not plan.errors, [str(e) for e in plan.errors]
    apply_ss12000(plan, actor=None, source="test")
    gone = Organisation.objects.get(huvudman=huvudman, external_id=oid(9))
    assert not gone.is_active
    assert datetime.datetime.fromisoformat(_modified(huvudman)[gone.name]) > LONG_AGO


def test_a_moved_unit_is_exported_as_modified_now(world):
    _age_everything()
    world.unit_a.refresh_from_db()
    services.organisation_move(actor=None, node=world.unit_a, new_parent=world.forvaltning)
    moved = Organisation.objects.get(pk=world.unit_a.pk)
    assert moved.updated_at > LONG_AGO
    assert Organisation.objects.filter(type=OrganisationType.OMRADE, updated_at=LONG_AGO).exists()


def test_a_municipality_code_given_by_the_import_is_stored_and_exported(db):
    with_code = page("organisations-2.json")
    with_code["data"][2]["municipalityCode"] = "0180"
    plan = plan_ss12000(
        [*files("organisations-1.json"), as_file("organisations-2.json", with_code), *files(*FULL[2:])]
    )
    assert not plan.errors
    apply_ss12000(plan, actor=None, source="test")
    huvudman = Huvudman.objects.get(organisation_number=ORGNR)
    unit = Organisation.objects.get(external_id=oid(9))
    assert unit.municipality_code == "0180"
    exported = {r["id"]: r for r in export_organisations(huvudman)["data"]}
    assert exported[oid(9)]["municipalityCode"] == "0180"
    given = {
        r["id"]: r["municipalityCode"]
        for r in [*page("organisations-1.json")["data"], *with_code["data"]]
        if r.get("municipalityCode") and r["organisationType"] != "Huvudman"
    }
    # Exactly the codes the files gave, and no other node's: a code is never guessed.
    assert {i: r["municipalityCode"] for i, r in exported.items() if "municipalityCode" in r} == given


def test_a_reimport_without_the_code_keeps_it_and_a_changed_code_is_one_change(db):
    with_code = page("organisations-2.json")
    with_code["data"][2]["municipalityCode"] = "0180"
    run([*files("organisations-1.json"), as_file("organisations-2.json", with_code), *files(*FULL[2:])])
    assert run(files(*FULL))["units"]["change"] == 0
    assert Organisation.objects.get(external_id=oid(9)).municipality_code == "0180"
    with_code["data"][2]["municipalityCode"] = "0181"
    plan = plan_ss12000(
        [*files("organisations-1.json"), as_file("organisations-2.json", with_code), *files(*FULL[2:])]
    )
    assert plan.summary["units"]["change"] == 1


def test_a_municipality_code_that_is_not_four_digits_is_an_error_with_its_record(db):
    bad = page("organisations-2.json")
    bad["data"][2]["municipalityCode"] = "180"
    plan = plan_ss12000(
        [*files("organisations-1.json"), as_file("organisations-2.json", bad), *files(*FULL[2:])]
    )
    assert any("municipalityCode" in str(e) and "180" in str(e) for e in plan.errors)


def test_the_municipality_code_survives_the_web_preview(world, client_for):
    from django.urls import reverse

    from digiplan.imports.models import PendingImport
    from tests.imports.test_import_views import SS12000_PAGES, _ss12000_upload

    Huvudman.objects.filter(pk=world.huvudman.pk).update(organisation_number=ORGNR)
    client = client_for("strategist")
    assert client.get(_ss12000_upload(client, SS12000_PAGES)["Location"]).status_code == 200
    client.post(reverse("import_confirm", args=[PendingImport.objects.get().pk]))
    coded = Organisation.objects.filter(huvudman=world.huvudman).exclude(municipality_code="")
    assert coded.exists() and set(coded.values_list("municipality_code", flat=True)) == {"2199"}
