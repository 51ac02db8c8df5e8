"""A huvudman leaves: export_huvudman writes what it owns to one ZIP, made by the exports its
strategists already use (results as the results page shows them, suppression kept), and
delete_huvudman, after a typed confirmation, removes every row it owns and what the shared tables
hold of it. Afterwards every column of every table (and every stored file) is read: nothing names
it, its number or its people, no foreign key points at a deleted row, and the other huvudman's
rows are exactly as they were."""

import datetime
import io
import json
import zipfile

import openpyxl
import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from digiplan.assessments.models import Draft, Participation
from digiplan.audit.models import AuditEvent
from digiplan.frameworks.exchange import import_framework
from digiplan.operations.huvudman_delete import owned_models
from digiplan.organisations.models import Huvudman, Membership, Organisation, OrganisationType, Person, Role
from digiplan.organisations.services import person_create
from digiplan.privacy.mentions import tenant_path
from digiplan.reports import public
from tests.assessment_helpers import INDICATORS
from tests.conftest import PASSWORD
from tests.plan_helpers import build_plan
from tests.privacy.erasure_helpers import places_holding

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def _a_year_of_work(world, django_capture_on_commit_callbacks):
    """Sjöviks kommun after a year: a closed self-assessment, a published plan, a public report,
    a ZIP of reports, sign-ins, a session, a draft, a queued task and the operator's audit row
    of its creation. Friskolan has a framework and people of its own."""
    fx = build_plan(world)
    public.public_report_publish(
        actor=world.strategist,
        huvudman=world.huvudman,
        school_year="2026/27",
        units=Organisation.objects.filter(huvudman=world.huvudman, type=OrganisationType.SKOLENHET),
        title="Uppföljning 2026/27",
    )
    from digiplan.reports import tasks

    with django_capture_on_commit_callbacks(execute=True):
        tasks.archive_request(actor=world.strategist, school_year="2026/27")
    participation = Participation.objects.filter(campaign__huvudman=world.huvudman).first()
    Draft.objects.create(token_hash=participation.token_hash, sealed=b"sealed")
    Client(REMOTE_ADDR="10.0.0.1").post(
        reverse("login"), {"username": world.leader_a.email, "password": PASSWORD}
    )
    Client(REMOTE_ADDR="10.0.0.2").post(reverse("login"), {"username": world.staff.email, "password": "fel"})
    DBTaskResult.objects.create(
        task_path="digiplan.onboarding.tasks.send_invitation",
        args_kwargs={"args": [world.strategist.pk, "sv"], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
        run_after=timezone.now() + datetime.timedelta(days=1),
    )
    AuditEvent.objects.create(
        huvudman=None,
        actor_label="Drift",
        action="huvudman.create",
        object_type="huvudman",
        object_id=str(world.huvudman.pk),
        object_label=world.huvudman.name,
        changes={"organisation_number": world.huvudman.organisation_number},
    )
    AuditEvent.objects.create(huvudman=None, actor_label="Drift", action="comparison.build", object_type="x")
    import_framework(INDICATORS, huvudman=world.other_huvudman, actor=None, publish=True)
    person_create(
        actor=world.other_strategist,
        huvudman=world.other_huvudman,
        name="Eva Annan",
        email="eva@friskolan.test",
    )
    return fx


def _rows_of(huvudman_id: int) -> dict[str, list[tuple]]:
    """Every row the huvudman owns, per table, whole."""
    found = {}
    for model, lookup in owned_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        rows = model._base_manager.filter(**{lookup: huvudman_id}).order_by("pk").values_list(*fields)
        found[model._meta.db_table] = [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows
        ]
    return found


def test_export_holds_what_it_owns_as_its_strategists_download_it(world, client_for, tmp_path):
    fx = build_plan(world)
    out = io.StringIO()
    target = tmp_path / "sjovik.zip"
    call_command("export_huvudman", "2120001234", output=str(target), stdout=out)
    assert "Exporterade Sjöviks kommun (212000-1234)" in out.getvalue()
    archive = zipfile.ZipFile(target)
    names = set(archive.namelist())
    assert {"LASMIG.txt", "manifest.json", "organisation/ss12000.json", "register/utrustning.xlsx"} <= names
    assert "register/digitala-tjanster.xlsx" in names
    tree = json.loads(archive.read("organisation/ss12000.json"))
    assert {"Almskolan", "Björkskolan"} <= {o["displayName"] for o in tree["data"]}
    assert "Ekskolan" not in archive.read("organisation/ss12000.json").decode()
    frameworks = [n for n in names if n.startswith("ramverk/")]
    assert frameworks and all(n.endswith(".yaml") for n in frameworks)
    # The results are the page's: the same sheets, the same (suppressed) cells.
    results = [n for n in names if n.startswith("skattningar/")]
    assert len(results) == 1
    page = client_for("strategist").get(reverse("results_export", args=[fx.campaign.pk, "xlsx"]))
    assert _sheets(archive.read(results[0])) == _sheets(page.content)
    assert any(n.startswith("planer/") for n in names)
    assert "rapporter/organisationsrapport-2026-27.xlsx" in names
    manifest = json.loads(archive.read("manifest.json"))
    assert set(manifest["files"]) == names - {"LASMIG.txt", "manifest.json"}


def test_without_the_typed_name_or_number_nothing_is_deleted(world, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "Sjövik")
    with pytest.raises(CommandError, match="Inget raderades"):
        call_command("delete_huvudman", "212000-1234", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Inget raderades"):
        call_command("delete_huvudman", "212000-1234", confirm="556000-0002", stdout=io.StringIO())
    assert Huvudman.objects.count() == 2


def test_deleting_one_huvudman_leaves_nothing_of_it_and_the_other_untouched(
    world, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    _a_year_of_work(world, django_capture_on_commit_callbacks)
    gone, kept = world.huvudman, world.other_huvudman
    people = list(Person.objects.filter(huvudman=gone).values_list("name", "email"))
    ids = list(Person.objects.filter(huvudman=gone).values_list("pk", flat=True))
    assert Session.objects.exists()
    needles = [gone.name, gone.organisation_number, gone.organisation_number.replace("-", "")]
    needles += [value for person in people for value in person]
    tables = {table for table, _column in places_holding(*needles)}  # the search finds them
    assert {
        "organisations_huvudman",
        "organisations_person",
        "organisations_organisation",
        "audit_auditevent",
        "axes_accesslog",
        "axes_accessattempt",
        "reports_reportarchive",
    } <= tables
    other_before = _rows_of(kept.pk)
    assert sum(map(len, other_before.values())) > 30

    monkeypatch.setattr("builtins.input", lambda prompt: "  sjöviks KOMMUN ")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("delete_huvudman", "212000-1234", stdout=out)
    assert "Raderade Sjöviks kommun (212000-1234)" in out.getvalue()

    connection.check_constraints()  # no foreign key points at a deleted row
    assert places_holding(*needles) == set()
    assert not Huvudman.objects.filter(pk=gone.pk).exists()
    for model, lookup in owned_models():
        assert not model._base_manager.filter(**{lookup: gone.pk}).exists(), model
    # What the tables of no huvudman held of it is gone too: its draft, its people's
    # sessions (keyed by their id only), the task queued for its strategist.
    assert not Draft.objects.exists()
    assert not DBTaskResult.objects.exists()
    signed_in = {
        str(SessionStore().decode(s.session_data).get("_auth_user_id")) for s in Session.objects.all()
    }
    assert not signed_in & {str(pk) for pk in ids}
    assert _rows_of(kept.pk) == other_before
    # One audit row says it happened, naming no one; the operator's other rows stay.
    event = AuditEvent.objects.get(action="huvudman.delete")
    assert event.huvudman_id is None and event.object_label == f"#{gone.pk}"
    assert event.changes["rows_deleted"]["organisations_person"] == len(people)
    assert AuditEvent.objects.filter(action="comparison.build").exists()
    logged = [r.getMessage() for r in caplog.records if r.name == "digiplan.operations"]
    assert len(logged) == 1 and logged[0].startswith(f"huvudman.delete id={gone.pk} ")
    assert not any(needle.lower() in logged[0].lower() for needle in needles)


def test_a_row_of_another_huvudman_that_needs_its_rows_stops_the_deletion_whole(world):
    build_plan(world)
    Membership.objects.create(
        huvudman=world.other_huvudman,
        person=world.other_strategist,
        organisation=world.unit_a,
        role=Role.STAFF,
    )
    people = Person.objects.count()
    with pytest.raises(CommandError, match="Inget raderades: 1 rader i organisations_membership"):
        call_command("delete_huvudman", "212000-1234", confirm="212000-1234", stdout=io.StringIO())
    assert Huvudman.objects.filter(pk=world.huvudman.pk).exists()
    assert Person.objects.count() == people
    assert not AuditEvent.objects.filter(action="huvudman.delete").exists()


def test_every_table_is_owned_by_a_huvudman_or_shared():
    # Which shared tables exist, and that they hold nothing of a huvudman, is kept by
    # tests/privacy (SHARED_TABLES); the deletion reaches every other table, many-to-many
    # tables included.
    owned = {m._meta.label_lower for m, _lookup in owned_models()}
    every = {
        m._meta.label_lower
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    }
    shared = {label for label in every if tenant_path(apps.get_model(label)) is None}
    assert every == owned | shared
    assert {"organisations.group_members", "organisations.person", "assessments.answer"} <= owned
    assert {"sessions.session", "assessments.draft", "audit.auditevent"} & shared == {
        "sessions.session",
        "assessments.draft",
    }
