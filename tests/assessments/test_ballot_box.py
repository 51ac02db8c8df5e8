"""The sealed ballot box, attacked as issue 12 describes it: by colleagues who compare pages over
time; by whoever reads the database, two of its backups, its session table and its files; and by
faults between the steps of a submission or a closing. Each test is the attack, and passes only
when it fails."""

import re

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse

from digiplan.assessments import ballots, services
from digiplan.assessments.models import (
    Answer,
    Ballot,
    Draft,
    Group,
    Participation,
    Response,
)
from digiplan.lib import sealing
from digiplan.organisations.models import Role
from tests.assessment_helpers import build_campaign, closed_campaign
from tests.conftest import _person, build_world

MARK = "Hemligt-omdöme-Q7"  # a comment no page or table may hold in the clear while open


def add_staff(world, count: int) -> list:
    return [
        _person(world.huvudman, f"Kollega {n}", f"kollega{n}@sjovik.test", world.unit_a, Role.STAFF)
        for n in range(count)
    ]


def answer_page(client, url, led: str, komp: str, comment: str = ""):
    """Answers both parts through the pages and submits; the thank-you page."""
    participation_led = {"del": "1", "go": "next"}
    fx_items = re.findall(r'name="(item-\d+)"', client.get(f"{url}?del=1").content.decode())
    participation_led[fx_items[0]] = led
    client.post(url, participation_led)
    komp_field = re.findall(r'name="(item-\d+)"', client.get(f"{url}?del=2").content.decode())[0]
    return client.post(f"{url}?del=2", {"del": "2", "go": "submit", komp_field: komp, "comment": comment})


def unit_cells(response) -> list[str]:
    return re.findall(r'<td class="numeric">(.*?)</td>', response.content.decode(), re.S)


def every_stored_text() -> list[tuple[str, str, str]]:
    """(table, column, value) of every text, JSON and binary column of every table, read
    straight from the database: what a reader of the database or a backup sees."""
    found = []
    tables = {m._meta.db_table: m for m in apps.get_models()}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            model = tables.get(table)
            columns = (
                [f.column for f in model._meta.concrete_fields]
                if model
                else [c.name for c in connection.introspection.get_table_description(cursor, table)]
            )
            for column in columns:
                cursor.execute(
                    f"SELECT {connection.ops.quote_name(column)} FROM {connection.ops.quote_name(table)}"
                )
                for (value,) in cursor.fetchall():
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "replace")
                    if isinstance(value, str):
                        found.append((table, column, value))
    return found


def holding(needle: str) -> list[tuple[str, str]]:
    escaped = needle.encode("unicode_escape").decode()
    return [
        (table, column) for table, column, value in every_stored_text() if needle in value or escaped in value
    ]


# ---- 1. No aggregate while open ----------------------------------------------------------------


def test_the_thank_you_page_shows_the_same_figures_whatever_colleagues_answered(world):
    """Two colleagues answer the same; between them ten others answer 1 everywhere. If the page
    showed this year's figures, the difference would be those ten answers."""
    before = closed_campaign(world, {world.unit_a: [{"LED.P1": v, "KOMP.P1": 4} for v in (1, 2, 3, 5, 5, 4)]})
    colleague = add_staff(world, 1)[0]
    fx = build_campaign(world, version=before.version)
    first = Participation.objects.get(campaign=fx.campaign, person=world.staff)
    second = Participation.objects.get(campaign=fx.campaign, person=colleague)
    page_one = answer_page(Client(), reverse("survey_token", args=[fx.tokens[first.pk]]), "4", "2")
    size = services.box_size(fx.campaign)
    for _ in range(10):
        Ballot.objects.create(
            campaign=fx.campaign,
            sealed=ballots.seal_ballot(
                fx.campaign.pk,
                size,
                ballots.Contents(
                    unit_id=world.unit_a.pk,
                    group=Group.STAFF,
                    answers={fx.items["LED.P1"].pk: 1, fx.items["KOMP.P1"].pk: 1},
                ),
            ),
        )
    page_two = answer_page(Client(), reverse("survey_token", args=[fx.tokens[second.pk]]), "4", "2")
    assert unit_cells(page_one) == unit_cells(page_two) == ["3,3", "4,0"]  # last year's
    assert "Skattning 2025/26" in page_one.content.decode()


def test_no_results_page_or_download_shows_anything_of_an_open_campaign(world, client_for):
    add_staff(world, 6)
    fx = build_campaign(world)
    for participation in Participation.objects.filter(campaign=fx.campaign):
        services.response_submit(
            participation=participation,
            answers={str(fx.items["LED.P1"].pk): "5", str(fx.items["KOMP.P1"].pk): "5"},
            comment=MARK,
        )
    assert not Response.objects.exists()  # nothing to aggregate: the answers are sealed
    pk, unit = fx.campaign.pk, world.unit_a.pk
    for persona in ("strategist", "leader_a"):
        client = client_for(persona)
        for url in (
            reverse("results_org", args=[pk]),
            reverse("results_unit", args=[pk, unit]),
            reverse("results_export", args=[pk, "csv"]),
            reverse("results_export", args=[pk, "xlsx"]),
            reverse("report_unit", args=[unit]),
            reverse("report_org"),
        ):
            response = client.get(url)
            body = b"".join(response) if response.streaming else response.content
            assert MARK.encode() not in body and b"5,0" not in body and b"5.0" not in body, url


# ---- 2. Whoever reads the database, or two of its backups --------------------------------------


def _dump() -> dict[str, set]:
    """Every row of every table, as a backup holds it."""
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            tables[table] = {
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cursor.fetchall()
            }
    return tables


def test_while_open_the_database_holds_no_answer_or_comment_in_the_clear(world):
    add_staff(world, 2)
    fx = build_campaign(world)
    people = list(Participation.objects.filter(campaign=fx.campaign, unit=world.unit_a))
    services.response_submit(participation=people[0], answers={str(fx.items["LED.P1"].pk): "4"}, comment=MARK)
    services.draft_save(
        participation=people[1], answers={str(fx.items["LED.P1"].pk): "2"}, comment=MARK + "-utkast"
    )
    services.response_submit(
        participation=people[2],
        answers={str(fx.items["LED.P1"].pk): "1", str(fx.items["KOMP.P1"].pk): "na"},
        comment="x" * 2000,
    )
    assert holding(MARK) == []
    # Every sealed box of the campaign has one size: not even a comment's length shows.
    sizes = {len(bytes(v)) for v in Ballot.objects.values_list("sealed", flat=True)}
    sizes |= {len(bytes(v)) for v in Draft.objects.values_list("sealed", flat=True)}
    assert len(sizes) == 1
    # What a reader can see of a ballot is its random id and its campaign.
    assert {f.column for f in Ballot._meta.concrete_fields} == {"id", "campaign_id", "sealed"}


def test_two_backups_taken_while_open_show_who_answered_but_nothing_of_what(world):
    add_staff(world, 1)
    fx = build_campaign(world)
    person = Participation.objects.filter(campaign=fx.campaign, unit=world.unit_a).first()
    services.draft_save(participation=person, answers={str(fx.items["LED.P1"].pk): "3"})
    first = _dump()
    services.response_submit(participation=person, answers={str(fx.items["LED.P1"].pk): "5"}, comment=MARK)
    second = _dump()
    changed = {table for table in first if first[table] != second[table]}
    assert changed == {Participation._meta.db_table, Ballot._meta.db_table, Draft._meta.db_table}
    [new_ballot] = second[Ballot._meta.db_table] - first[Ballot._meta.db_table]
    assert not second[Response._meta.db_table] and not second[Answer._meta.db_table]
    assert MARK.encode() not in b"".join(v for v in new_ballot if isinstance(v, bytes))


def _answer_in_order(world, fx, count: int) -> list[tuple[int, int]]:
    """count colleagues answer one after another, each with its own answers; their
    participation ids and LED.P1 values in the order they answered."""
    order = []
    participations = list(Participation.objects.filter(campaign=fx.campaign, unit=world.unit_a).order_by("?"))
    for number, participation in enumerate(participations[:count]):
        value = 1 + number % 5
        services.response_submit(
            participation=participation,
            answers={str(fx.items["LED.P1"].pk): str(value)},
            comment=f"svar {number:02d}",
        )
        order.append((participation.pk, number))
    return order


def _comments_in_storage_order() -> list[str]:
    table = connection.ops.quote_name(Response._meta.db_table)
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT comment FROM {table} ORDER BY {position}")
        return [row[0] for row in cursor.fetchall()]


def _participations_in_storage_order(campaign) -> list[int]:
    table = connection.ops.quote_name(Participation._meta.db_table)
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE campaign_id = %s AND answered ORDER BY {position}", [campaign.pk]
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_after_closing_no_storage_order_or_transaction_ties_a_response_to_a_person():
    """Twelve colleagues answer in a known order. After closing, the responses lie in the
    table in an order that is not the order of answering (1 / 12! by chance), the answered
    participations no longer lie in it either, and on PostgreSQL every response, answer and
    participation of the campaign was written by the one closing transaction (xmin)."""
    world = build_world()
    add_staff(world, 11)
    fx = build_campaign(world)
    order = _answer_in_order(world, fx, 12)
    if connection.vendor == "postgresql":
        # The attack while open: the ballot and the participation share their transaction.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM assessments_ballot b JOIN "
                "assessments_participation p ON p.xmin = b.xmin"
            )
            assert cursor.fetchone()[0] == 12  # linked, but the ballots are sealed
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    stored = _comments_in_storage_order()
    assert sorted(stored) == [f"svar {n:02d}" for n in range(12)]
    assert stored != [f"svar {n:02d}" for n in range(12)]
    assert _participations_in_storage_order(fx.campaign) != [pk for pk, _n in order]
    assert not Ballot.objects.exists()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(DISTINCT x) FROM (SELECT xmin::text AS x FROM assessments_response "
                "UNION SELECT xmin::text FROM assessments_answer UNION SELECT xmin::text FROM "
                "assessments_participation WHERE campaign_id = %s) t",
                [fx.campaign.pk],
            )
            assert cursor.fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
def test_after_closing_the_database_files_keep_no_old_ballot():
    """A reader of the files (pageinspect on PostgreSQL, the bytes of the SQLite file) finds no
    trace of a ballot once the campaign has closed: no dead row versions carrying the
    transaction ids of the submissions, no sealed bytes left in free pages."""
    world = build_world()
    add_staff(world, 3)
    fx = build_campaign(world)
    _answer_in_order(world, fx, 4)
    sealed = [bytes(v) for v in Ballot.objects.values_list("sealed", flat=True)]
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
            cursor.execute(
                "SELECT pg_relation_size('assessments_ballot') / current_setting('block_size')::int"
            )
            pages = cursor.fetchone()[0]
            left = 0
            for page in range(pages):
                cursor.execute(
                    "SELECT count(*) FROM heap_page_items(get_raw_page("
                    "'assessments_ballot', %s)) WHERE t_data IS NOT NULL",
                    [page],
                )
                left += cursor.fetchone()[0]
            assert left == 0
    else:
        path = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        content = open(path, "rb").read()
        assert not any(box[-64:] in content for box in sealed)


def test_signed_in_answering_leaves_no_answer_in_the_session_table(world, client_for):
    fx = build_campaign(world)
    participation = Participation.objects.get(campaign=fx.campaign, person=world.staff)
    client = client_for("staff")
    response = answer_page(
        client, reverse("survey_participation", args=[participation.pk]), "4", "2", comment=MARK
    )
    assert "profile-table" in response.content.decode()
    for session in Session.objects.all():
        data = session.get_decoded()
        assert MARK not in str(data) and str(fx.items["LED.P1"].pk) not in str(
            {k: v for k, v in data.items() if not k.startswith("_auth")}
        )
    assert holding(MARK) == []


# ---- 3. Drafts ---------------------------------------------------------------------------------


def test_a_draft_opens_only_for_its_own_participation(world):
    add_staff(world, 1)
    fx = build_campaign(world)
    mine, other = Participation.objects.filter(campaign=fx.campaign, unit=world.unit_a)[:2]
    services.draft_save(participation=mine, answers={str(fx.items["LED.P1"].pk): "2"}, comment=MARK)
    sealed = Draft.objects.get(token_hash=mine.token_hash).sealed
    with pytest.raises(sealing.SealError):
        ballots.open_draft(fx.campaign.pk, other.pk, sealed)
    # Put in the other's place, it is no draft of theirs: they see an empty questionnaire.
    Draft.objects.create(token_hash=other.token_hash, sealed=sealed)
    assert services.draft_read(other) is None
    assert services.draft_read(mine).comment == MARK


def test_a_reminder_with_a_new_link_keeps_the_draft(world):
    fx = build_campaign(world)
    participation = Participation.objects.get(campaign=fx.campaign, person=world.staff)
    services.draft_save(participation=participation, answers={str(fx.items["LED.P1"].pk): "2"})
    token = services.participation_new_token(participation)
    participation = services.participation_for_token(token)
    assert services.draft_read(participation).answers == {fx.items["LED.P1"].pk: 2}
