"""Erasure leaves the person's name, e-mail address and external id nowhere: not in text that
colleagues wrote about them, not in the JSON of audit events, snapshots or public reports, not in
sign-in logs or sessions, not inside the ZIPs of reports. Checked by reading every column of every
table and every stored file, on SQLite and on PostgreSQL alike."""

import io
import zipfile

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from digiplan.assessments.models import Group, LeaderAnswer, LeaderRating, Response
from digiplan.audit.models import AuditEvent
from digiplan.frameworks.models import Item
from digiplan.imports.models import PendingImport
from digiplan.organisations.models import Organisation, OrganisationType, Person
from digiplan.organisations.services import person_create
from digiplan.plans import services as plan_services
from digiplan.plans.models import Goal, ProgressNote
from digiplan.privacy import mentions
from digiplan.privacy import services as privacy
from digiplan.reports import public, tasks
from digiplan.reports.models import ArchiveStatus, PublicReport, ReportArchive
from tests.conftest import PASSWORD
from tests.pdf_helpers import flat, pdf_text
from tests.plan_helpers import build_plan
from tests.privacy.erasure_helpers import places_holding

pytestmark = pytest.mark.django_db

NAME, EMAIL, EXTERNAL_ID = "Per Personal", "personal@sjovik.test", "ext-per-personal-7731"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _sign_in(client: Client, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": EMAIL, "password": password})


def _mentions_everywhere(world, django_capture_on_commit_callbacks):
    """The staff persona written about wherever people write, signed in, locked out, and in a
    ZIP of reports; the state a real organisation is in after a year."""
    fx = build_plan(world)
    staff = world.staff
    staff.external_id = EXTERNAL_ID
    staff.save(update_fields=["external_id"])
    leader = world.leader_a
    plan_services.activity_progress(
        actor=leader, activity=fx.activity, note=f"{NAME} har börjat, per vecka en träff."
    )
    plan_services.activity_progress(actor=staff, activity=fx.activity, note="Mitt eget steg")
    plan_services.goal_update(
        actor=leader,
        goal=fx.goal,
        revision=None,
        title=fx.goal.title,
        description=f"Som {NAME}s arbetslag visade i fjol.",
    )
    plan_services.activity_follow_up(
        actor=leader, activity=fx.activity, done=False, note=f"Väntar på per personal ({EMAIL})."
    )
    rating = LeaderRating.objects.create(
        campaign=fx.campaign, unit=world.unit_a, participants="Anna Rektor, Personal, Per"
    )
    LeaderAnswer.objects.create(
        rating=rating, item=fx.items["LED.L1"], value=3, comment=f"Enligt {NAME.upper()}."
    )
    Response.objects.create(
        campaign=fx.campaign, unit=world.unit_a, group=Group.STAFF, comment=f"Fråga {NAME} om hjälp"
    )
    report = public.public_report_publish(
        actor=world.strategist,
        huvudman=world.huvudman,
        school_year="2026/27",
        units=Organisation.objects.filter(huvudman=world.huvudman, type=OrganisationType.SKOLENHET),
        title=f"Uppföljning, sammanställd med {NAME}",
    )
    public_pdf = Client().get(reverse("public_report_pdf", args=[report.token]))
    assert NAME in flat(pdf_text(public_pdf.content))  # now in the cache too
    # A preview holds the people an upload would write, the erased person perhaps among them.
    PendingImport.objects.create(huvudman=world.huvudman, actor=world.strategist, kind="people")
    with django_capture_on_commit_callbacks(execute=True):
        archive = tasks.archive_request(actor=world.strategist, school_year="2026/27")
    archive.refresh_from_db()
    assert archive.status == ArchiveStatus.DONE
    zipped = zipfile.ZipFile(io.BytesIO(bytes(archive.content)))
    assert any(NAME in flat(pdf_text(zipped.read(n))) for n in zipped.namelist())

    own = Client(REMOTE_ADDR="10.0.0.1")
    assert _sign_in(own).status_code == 302  # a sign-in row and a session
    guesser = Client(REMOTE_ADDR="10.0.0.2")
    assert _sign_in(guesser, "fel-lösenord").status_code == 200  # attempt and failure rows
    colleague = SessionStore()
    colleague["_messages"] = f"Sparat: {NAME}"
    colleague.create()
    return fx


def test_the_name_is_written_in_many_places_before_erasure(world, django_capture_on_commit_callbacks):
    # The search below finds what it looks for: erasure has something to remove.
    _mentions_everywhere(world, django_capture_on_commit_callbacks)
    places = places_holding(NAME, EMAIL, EXTERNAL_ID, "Personal, Per")
    tables = {table for table, _column in places}
    assert {
        "organisations_person",
        "plans_progressnote",
        "plans_goal",
        "plans_activity",
        "assessments_leaderrating",
        "assessments_leaderanswer",
        "assessments_response",
        "audit_auditevent",
        "reports_publicreport",
        "reports_reportarchive",
        "axes_accessattempt",
        "axes_accesslog",
        "django_session",
    } <= tables


def test_erasure_leaves_the_name_in_no_column_of_any_table_and_no_stored_file(
    world, client_for, django_capture_on_commit_callbacks
):
    fx = _mentions_everywhere(world, django_capture_on_commit_callbacks)
    client = client_for("strategist")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("person_erase", args=[world.staff.pk]), {"confirm_email": EMAIL})
    assert response.status_code == 302

    assert places_holding(NAME, EMAIL, EXTERNAL_ID, "Personal, Per") == set()
    # Text others wrote keeps its sense, with the person taken out of it.
    note = ProgressNote.objects.get(activity=fx.activity, author=world.leader_a)
    assert note.text == f"{privacy.REPLACEMENT} har börjat, per vecka en träff."
    assert Goal.objects.get(pk=fx.goal.pk).description == (
        f"Som {privacy.REPLACEMENT} arbetslag visade i fjol."
    )
    assert LeaderRating.objects.get().participants == f"Anna Rektor, {privacy.REPLACEMENT}"
    # What the person wrote themself stays, under the erased label.
    own = ProgressNote.objects.get(activity=fx.activity, text="Mitt eget steg")
    assert own.author_name == Person.objects.get(pk=world.staff.pk).name
    # The public PDF was cached with the name: it is made again without it.
    report = PublicReport.objects.get()
    pdf = Client().get(reverse("public_report_pdf", args=[report.token]))
    assert NAME not in flat(pdf_text(pdf.content))


def test_stored_report_archives_are_deleted_audited_and_the_archive_page_says_why(
    world, client_for, django_capture_on_commit_callbacks
):
    _mentions_everywhere(world, django_capture_on_commit_callbacks)
    client = client_for("strategist")
    client.post(reverse("person_erase", args=[world.staff.pk]), {"confirm_email": EMAIL})
    assert not ReportArchive.objects.exists()
    event = AuditEvent.objects.get(action="person.erase")
    assert event.changes["report_archives_deleted"] == 1
    assert event.changes["import_previews_cancelled"] == 1
    page = client.get(reverse("report_archives")).content.decode()
    assert "raderades när en persons uppgifter raderades" in page


def test_a_namesake_in_another_huvudman_keeps_their_name_and_what_is_written_about_them(world, client_for):
    namesake = person_create(
        actor=world.other_strategist, huvudman=world.other_huvudman, name=NAME, email="per@friskolan.test"
    )
    client_for("strategist").post(reverse("person_erase", args=[world.staff.pk]), {"confirm_email": EMAIL})
    namesake.refresh_from_db()
    assert namesake.name == NAME
    other_events = AuditEvent.objects.filter(huvudman=world.other_huvudman, object_label=NAME)
    assert other_events.exists()


def test_words_that_only_look_like_the_name_are_left_alone(world, client_for):
    fx = build_plan(world)
    texts = [
        "Per vecka",
        "Per Personalsson kommer",
        "Anna-Per Personal",
        "personalrummet",
        "Mer personal per elev",
    ]
    for text in texts:
        plan_services.activity_progress(actor=world.leader_a, activity=fx.activity, note=text)
    client_for("strategist").post(reverse("person_erase", args=[world.staff.pk]), {"confirm_email": EMAIL})
    kept = set(ProgressNote.objects.filter(author=world.leader_a).values_list("text", flat=True))
    assert kept == set(texts)


# Tables that belong to no huvudman: erasure looks for the person in all of their rows. A new
# model without a way to its huvudman fails here, so that nobody's rows are searched (and
# rewritten) across organisations by mistake.
SHARED_TABLES = {
    "auth.permission",
    "auth.group",
    "contenttypes.contenttype",
    "sessions.session",
    "axes.accessfailurelog",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "axes.accesslog",
    "accounts.guesswindow",
    "accounts.knowncode",
    "assessments.draft",
    "django_tasks_database.dbtaskresult",
    # Used SAML assertion IDs (replay protection): random IDs and an expiry, nothing of a person.
    "signin.samlseenassertion",
    # The national comparison: aggregate figures of many huvudmän, belonging to none by design
    # (docs/privacy.md, "The national comparison"), and nothing of a person.
    "comparison.comparisonbuild",
    "comparison.comparisonfigure",
    # The task worker's heartbeat for /healthz: a worker's id and two times,
    # nothing of a huvudman or a person.
    "health.workerheartbeat",
}


def test_every_table_belongs_to_a_huvudman_or_is_knowingly_shared():
    shared = {m._meta.label_lower for m in apps.get_models() if mentions.tenant_path(m) is None}
    assert shared == SHARED_TABLES
    assert mentions.tenant_path(Item)[0] == "version__framework__huvudman"


def test_a_name_with_swedish_letters_is_found_in_any_case_also_in_json(world, client_for):
    fx = build_plan(world)
    asa = person_create(
        actor=world.strategist, huvudman=world.huvudman, name="Åsa Öberg", email="asa.oberg@sjovik.test"
    )
    for text in ("Fråga ÅSA ÖBERG", "åsa öberg har nyckeln", "Öberg, Åsa var med"):
        plan_services.activity_progress(actor=world.leader_a, activity=fx.activity, note=text)
    assert places_holding("Åsa Öberg", "Öberg, Åsa")
    client_for("strategist").post(
        reverse("person_erase", args=[asa.pk]), {"confirm_email": "asa.oberg@sjovik.test"}
    )
    assert places_holding("Åsa Öberg", "Öberg, Åsa", "asa.oberg@sjovik.test") == set()
