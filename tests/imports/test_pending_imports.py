"""Between upload and confirmation an import keeps only the rows it will write: never the file,
never a civic number, address or phone number; gone at confirmation, at cancellation and a day
later; and the confirmation writes exactly what the preview showed, or nothing."""

import base64
import datetime
import html
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from digiplan.imports import previews, ss12000
from digiplan.imports.models import PendingImport
from digiplan.organisations.models import Huvudman, Organisation, Person
from digiplan.organisations.services import organisation_create
from tests.helpers import domain_snapshot, fixture_bytes

SS12000 = Path(__file__).resolve().parent.parent / "fixtures" / "ss12000"
PAGES = ("organisations-1.json", "organisations-2.json", "persons-1.json", "duties-1.json")
PUPIL = {
    "id": "5b7c9d1e-2f3a-4b5c-8d6e-000000000099",
    "givenName": "Elin",
    "familyName": "Elevsson",
    "civicNo": {"value": "201001019993"},
    "emails": [{"type": "Privat", "value": "elin.elevsson@hemma.example"}],
    "eduPersonPrincipalNames": ["elin.elevsson@elev.ekeby.example"],
}


def _pages(*, with_pupil: bool = False) -> list[SimpleUploadedFile]:
    uploads = []
    for name in PAGES:
        data = json.loads((SS12000 / name).read_bytes())
        if name == "persons-1.json" and with_pupil:  # /persons lists pupils too, no duty
            data["data"].append(PUPIL)
        uploads.append(SimpleUploadedFile(name, json.dumps(data, ensure_ascii=False).encode()))
    return uploads


@pytest.fixture
def ekeby(world):
    """The world's huvudman under the number the SS 12000 pages carry."""
    Huvudman.objects.filter(pk=world.huvudman.pk).update(organisation_number="212000-9999")
    world.huvudman.refresh_from_db()
    return world


def upload(client, kind, files, **extra):
    return client.post(reverse("import_start"), {"kind": kind, "files": files, **extra})


def upload_units(client, name="units_excel_semicolon_bom.csv"):
    return upload(client, "units", SimpleUploadedFile(name, fixture_bytes(name)))


def confirm(client, pending, **data):
    return client.post(reverse("import_confirm", args=[pending.pk]), data)


def _stored_texts(pending: PendingImport) -> str:
    """Every text column of the pending import's row as the database holds it, with anything
    that looks like base64 decoded beside it: a file kept in any encoding is found."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {PendingImport._meta.db_table} WHERE id = %s", [pending.pk])
        row = cursor.fetchone()
    texts = [
        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        for value in row
        if isinstance(value, str | dict | list)
    ]
    decoded = []
    for text in texts:
        for chunk in re.findall(r"[A-Za-z0-9+/=]{24,}", text):
            try:
                decoded.append(base64.b64decode(chunk).decode("utf-8", errors="replace"))
            except ValueError:
                pass
    return "\n".join(texts + decoded).lower()


def _secrets() -> set[str]:
    # Staff's eduPersonPrincipalNames are kept (sign-in matches by them); a pupil's never is.
    secrets = {PUPIL["civicNo"]["value"], "Elevsson", "elin.elevsson@hemma.example"}
    secrets.update(PUPIL["eduPersonPrincipalNames"])
    for person in json.loads((SS12000 / "persons-1.json").read_bytes())["data"]:
        secrets.add(person["civicNo"]["value"])
        secrets.add(person["birthDate"])
        secrets.add(person["photo"])
        secrets.update(p["value"] for p in person["phoneNumbers"])
        secrets.update(a["streetAddress"] for a in person["addresses"])
        secrets.update(a["postalCode"] for a in person["addresses"])
        secrets.update(e["value"] for e in person["emails"] if e["type"] == "Privat")
    return secrets


# --- What is kept ---------------------------------------------------------------------------


def test_a_preview_never_holds_a_civic_number_address_or_phone(ekeby, client_for):
    client = client_for("strategist")
    response = upload(client, "ss12000", _pages(with_pupil=True))
    assert response.status_code == 302
    pending = PendingImport.objects.get()
    stored = _stored_texts(pending)
    assert "rektorsson" in stored  # the search does see the kept rows
    assert sorted(s for s in _secrets() if s.lower() in stored) == []
    assert client.get(response["Location"]).status_code == 200


def test_a_duty_description_that_gives_no_role_is_not_kept(ekeby, client_for):
    client = client_for("strategist")
    duties = json.loads((SS12000 / "duties-1.json").read_bytes())
    duties["data"][0]["description"] = "Sjukskriven till och med v. 12, ring 070-555 01 99"
    files = [f for f in _pages() if f.name != "duties-1.json"]
    files.append(SimpleUploadedFile("duties-1.json", json.dumps(duties).encode()))
    upload(client, "ss12000", files)
    assert "sjukskriven" not in _stored_texts(PendingImport.objects.get())


def test_a_table_preview_keeps_rows_not_the_file(world, client_for):
    upload_units(client_for("strategist"))
    pending = PendingImport.objects.get()
    assert pending.file_names == "units_excel_semicolon_bom.csv"
    assert "Ängsskolan" in json.dumps(pending.rows, ensure_ascii=False)
    assert "typ;namn" not in _stored_texts(pending)  # no line of the file as it was


def test_the_kept_rows_plan_as_the_files_themselves_do(ekeby):
    files = [(f.name, f.read()) for f in _pages(with_pupil=True)]
    pending = previews.pending_import_create(
        huvudman=ekeby.huvudman, actor=ekeby.strategist, kind="ss12000", deactivate_missing=False, files=files
    )
    from_rows = previews.pending_import_preview(pending=pending, actor=ekeby.strategist)
    from_files = ss12000.plan_ss12000(files, "212000-9999", actor=ekeby.strategist)
    assert from_rows.sections and not from_rows.errors
    assert [(s["title"], s["items"]) for s in from_rows.sections] == [
        (title, items[: previews.PREVIEW_ITEMS]) for title, items in previews._changes(from_files)
    ]


def test_a_refused_file_leaves_no_preview_behind(world, client_for):
    response = upload(
        client_for("strategist"),
        "units",
        SimpleUploadedFile("enheter.csv", b"\xef\xbb\xbftyp;namn\n\xff\xfe\n"),
    )
    assert response.status_code == 400
    assert not PendingImport.objects.exists()


# --- Confirm and cancel ---------------------------------------------------------------------


def test_confirming_writes_the_import_and_deletes_the_preview(world, client_for):
    client = client_for("strategist")
    client.get(upload_units(client)["Location"])
    pending = PendingImport.objects.get()
    response = confirm(client, pending, digest=pending.digest)
    assert response.status_code == 302
    assert Organisation.objects.filter(school_unit_code__in=["44444444", "55555555"]).count() == 2
    assert not PendingImport.objects.exists()


def test_a_confirmation_after_the_organisation_changed_writes_nothing(world, client_for):
    client = client_for("strategist")
    client.get(upload_units(client)["Location"])
    pending = PendingImport.objects.get()
    shown = pending.digest
    # Meanwhile someone else adds the unit the file adds: the import would now change it.
    organisation_create(
        actor=None, parent=world.omrade, type="skolenhet", name="Ängsskolan", school_unit_code="44444444"
    )
    before = domain_snapshot()
    response = confirm(client, pending, digest=shown)
    assert response["Location"] == reverse("import_preview", args=[pending.pk])
    assert domain_snapshot() == before
    assert PendingImport.objects.filter(pk=pending.pk).exists()
    page = html.unescape(client.get(response["Location"]).content.decode())
    with translation.override("sv"):
        assert str(previews.ERROR_PREVIEW_OUTDATED) in page
    # The new preview shows the new plan; confirming that one works.
    pending.refresh_from_db()
    assert pending.digest != shown
    confirm(client, pending, digest=pending.digest)
    assert not PendingImport.objects.exists()
    assert Organisation.objects.filter(name="Öjeby förskola").exists()


def test_a_confirmation_without_a_preview_writes_nothing(world, client_for):
    client = client_for("strategist")
    upload_units(client)  # the preview page never shown
    before = domain_snapshot()
    confirm(client, PendingImport.objects.get())
    assert domain_snapshot() == before


def test_a_second_confirmation_finds_nothing_to_write(world, client_for):
    client = client_for("strategist")
    client.get(upload_units(client)["Location"])
    pending = PendingImport.objects.get()
    confirm(client, pending, digest=pending.digest)
    before = domain_snapshot()
    assert confirm(client, pending, digest=pending.digest).status_code == 404
    assert domain_snapshot() == before


def test_cancelling_deletes_the_preview_and_writes_nothing(world, client_for):
    client = client_for("strategist")
    client.get(upload_units(client)["Location"])
    pending = PendingImport.objects.get()
    before = domain_snapshot()
    response = client.post(reverse("import_cancel", args=[pending.pk]), follow=True)
    assert "Ingenting har ändrats" in response.content.decode()
    assert not PendingImport.objects.exists()
    assert confirm(client, pending, digest=pending.digest).status_code == 404
    assert domain_snapshot() == before


def test_a_preview_older_than_a_day_is_gone_before_the_purge_runs(world, client_for):
    client = client_for("strategist")
    client.get(upload_units(client)["Location"])
    pending = PendingImport.objects.get()
    PendingImport.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - previews.PENDING_LIFETIME - datetime.timedelta(seconds=1)
    )
    before = domain_snapshot()
    assert client.get(reverse("import_preview", args=[pending.pk])).status_code == 404
    assert confirm(client, pending, digest=pending.digest).status_code == 404
    assert domain_snapshot() == before


def test_a_confirmation_that_fails_midway_writes_nothing_and_keeps_the_preview(
    world, client_for, monkeypatch
):
    client = client_for("strategist")
    client.get(
        upload(
            client, "people", SimpleUploadedFile("p.csv", fixture_bytes("people_excel_semicolon_bom.csv"))
        )["Location"]
    )
    pending = PendingImport.objects.get()
    before = domain_snapshot()
    real = Person.objects.bulk_update

    def fail_after_the_people(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Person.objects, "bulk_update", fail_after_the_people)
    with pytest.raises(RuntimeError):
        confirm(client, pending, digest=pending.digest)
    assert domain_snapshot() == before
    assert PendingImport.objects.filter(pk=pending.pk).exists()


def test_switching_language_between_preview_and_confirmation_changes_nothing(world, client_for):
    client = client_for("strategist")
    client.get(
        upload(
            client, "people", SimpleUploadedFile("p.csv", fixture_bytes("people_excel_semicolon_bom.csv"))
        )["Location"]
    )  # in Swedish
    pending = PendingImport.objects.get()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    confirm(client, pending, digest=pending.digest)
    assert not PendingImport.objects.exists()
    assert world.huvudman.people.filter(name="Åsa Öberg").exists()


def test_a_confirmation_racing_another_finds_the_preview_gone(world, client_for):
    client = client_for("strategist")
    client.get(upload_units(client)["Location"])
    pending = PendingImport.objects.get()  # both requests hold it before either writes
    previews.pending_import_confirm(pending=pending, actor=world.strategist)
    before = domain_snapshot()
    with pytest.raises(previews.PreviewGone):
        previews.pending_import_confirm(pending=pending, actor=world.strategist)
    assert domain_snapshot() == before
