"""Reads of the report and result pages from a replica (DATABASE_REPLICA_URL; lib/db_router.py),
with a second alias, "replica", pointing at the test database: the queries each alias ran show
where the router sent them. Transactional, so that the second connection sees the rows."""

import re

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digiplan.lib.db_router import REPLICA, ReplicaRouter, reading_replica
from digiplan.organisations.models import Organisation
from tests.assessment_helpers import closed_campaign

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:Overriding setting DATABASES:UserWarning"),
]
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|CREATE|ALTER|DROP)\b", re.IGNORECASE)
REPORT_TABLES = re.compile(r'"?(assessments|reports|frameworks)_\w+"?')


@pytest.fixture
def replica(settings):
    """The alias a DATABASE_REPLICA_URL adds, here a second connection to the test database.
    Made by hand: Django's test case refuses aliases that were not there when it started."""
    copy = {**connections["default"].settings_dict}
    connections[REPLICA] = load_backend(copy["ENGINE"]).DatabaseWrapper(copy, REPLICA)
    settings.DATABASES = {**settings.DATABASES, REPLICA: copy}
    yield
    connections[REPLICA].close()
    del connections[REPLICA]


def _capture(url: str, client):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as copy,
    ):
        response = client.get(url)
    return response, [q["sql"] for q in primary], [q["sql"] for q in copy]


def _world_with_results(world):
    closed_campaign(world, {world.unit_a: [{"LED.P1": 4, "KOMP.P1": 3}] * 5})


@pytest.mark.parametrize("name", ["report_org", "results_org"])
def test_report_pages_read_from_the_replica(replica, world, client_for, name):
    _world_with_results(world)
    from digiplan.assessments.models import Campaign

    campaign = Campaign.objects.get()
    url = reverse(name, args=[campaign.pk] if name == "results_org" else [])
    response, primary, copy = _capture(url, client_for("strategist"))
    assert response.status_code == 200
    assert "Almskolan" in response.content.decode()
    # The figures came from the replica, and nothing was written there.
    assert any(REPORT_TABLES.search(sql) for sql in copy), copy
    assert not [sql for sql in copy if WRITE.match(sql)]
    # The primary only loaded and saved the session and the signed-in person.
    assert not [sql for sql in primary if REPORT_TABLES.search(sql)], primary
    assert any("django_session" in sql for sql in primary)
    assert not [sql for sql in copy if "django_session" in sql or "axes_" in sql]


def test_other_pages_and_posts_use_the_primary_only(replica, world, client_for):
    _world_with_results(world)
    client = client_for("strategist")
    for url in (reverse("home"), reverse("report_list")):
        response, primary, copy = _capture(url, client)
        assert response.status_code == 200
        assert primary and not copy, (url, copy)


def test_writes_inside_reading_replica_go_to_the_primary(replica, world):
    router = ReplicaRouter()
    with reading_replica():
        assert router.db_for_read(Organisation) == REPLICA
        unit = Organisation.objects.get(pk=world.unit_a.pk)
        other = Organisation.objects.get(pk=world.unit_b.pk)
        assert unit._state.db == other._state.db == REPLICA
        unit.name = "Almskolan (ny)"
        with CaptureQueriesContext(connections[REPLICA]) as copy:
            unit.save(update_fields=["name"])  # a row read from the replica is saved to the primary
        assert not copy.captured_queries
        # The sign-in's tables never come from the replica, not even here.
        from django.contrib.sessions.models import Session

        assert router.db_for_read(Session) is None  # Django's choice: the primary
    assert router.db_for_read(Organisation) is None
    assert Organisation.objects.get(pk=unit.pk)._state.db == "default"
    # A row read from the replica follows its relations on the primary afterwards.
    assert router.db_for_read(Organisation, instance=other) == "default"
    assert router.db_for_write(Organisation, instance=other) == "default"
    assert Organisation.objects.using("default").get(pk=unit.pk).name == "Almskolan (ny)"


def test_without_a_replica_everything_reads_the_primary(world):
    with reading_replica():
        assert ReplicaRouter().db_for_read(Organisation) is None
        assert Organisation.objects.get(pk=world.unit_a.pk)._state.db == "default"
    assert not ReplicaRouter().allow_migrate(REPLICA, "organisations")
    assert ReplicaRouter().allow_migrate("default", "organisations") is None  # Django's default: yes
