"""One JSON line per request (LOG_FORMAT=json): request id, user id, method, path as its URL
pattern, status, duration. On the answering pages no user id and no link, signed in or not."""

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from digiplan.assessments import urls_answering
from digiplan.lib.jsonlog import JsonFormatter
from digiplan.lib.requestlog import is_anonymous_path
from tests.views.expected_answering import _staff_participation, _token


@pytest.fixture
def lines():
    """The request log's lines, formatted as LOG_FORMAT=json formats them, parsed back."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("digiplan.requests")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_a_signed_in_request_logs_its_id_user_and_timing(client_for, world, lines):
    response = client_for("leader_a").get(reverse("home"), headers={"X-Request-ID": "lb-4711.abc"})
    assert response["X-Request-ID"] == "lb-4711.abc"
    [line] = lines()
    assert line["request_id"] == "lb-4711.abc"
    assert line["user_id"] == world.leader_a.pk
    assert (line["method"], line["path"], line["status"]) == ("GET", reverse("home"), 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["logger"] == "digiplan.requests" and line["level"] == "INFO" and line["time"]


def test_an_invalid_request_id_is_replaced_by_a_fresh_one(client, db, lines):
    response = client.get(reverse("login"), headers={"X-Request-ID": 'x" injected\n{"user_id": 1}'})
    [line] = lines()
    assert line["request_id"] == response["X-Request-ID"] != 'x" injected'
    assert len(line["request_id"]) == 32 and line["user_id"] is None
    other = client.get(reverse("login"))
    assert other["X-Request-ID"] != response["X-Request-ID"]


def test_path_arguments_are_never_logged(client_for, world, lines):
    unit = world.unit_a.pk
    client_for("strategist").get(f"/plan/{unit}/nonexistent-{unit}x/")
    client_for("strategist").get("/kalender/a-calendar-secret.ics")
    logged = json.dumps(lines())
    assert "a-calendar-secret" not in logged and f"nonexistent-{unit}x" not in logged
    assert "/kalender/<str:secret>.ics" in logged


def test_answering_by_link_logs_neither_user_nor_link(client_for, world, lines):
    token = _token(world)["token"]
    # A staff member who is signed in and opens their personal link, and one who is not.
    for persona in ("staff", "anonymous"):
        assert client_for(persona).get(reverse("survey_token", args=[token])).status_code == 200
    client_for("staff").get(f"/svar/{token}x-guess/spara/")
    for line in lines():
        assert line["user_id"] is None, line
        assert token not in json.dumps(line)
    assert [line["path"] for line in lines()][:2] == ["/svar/<str:token>/"] * 2


def test_signed_in_answering_logs_no_user_id(client_for, world, lines):
    participation = _staff_participation(world)
    url = reverse("survey_participation", args=[participation.pk])
    assert client_for("staff").get(url).status_code == 200
    [line] = lines()
    assert line["user_id"] is None and line["path"] == "/svar/deltagande/<int:pk>/"
    assert str(participation.pk) not in line["path"]


def test_every_answering_url_is_under_an_anonymous_prefix():
    """A new or moved answering page must not start logging who answered."""
    for pattern in urls_answering.urlpatterns:
        assert is_anonymous_path("/" + str(pattern.pattern)), pattern


def test_log_format_json_makes_every_line_json():
    """The settings' LOGGING with LOG_FORMAT=json: a request line on stderr parses as JSON."""
    code = (
        "import django, logging; django.setup();"
        "fields = {'request_id': 'r1', 'user_id': 7};"
        "logging.getLogger('digiplan.requests').info('x', extra={'fields': fields});"
        "logging.getLogger('digiplan').warning('plain')"
    )
    env = {
        **os.environ,
        "LOG_FORMAT": "json",
        "REQUEST_LOG_LEVEL": "INFO",
        "DJANGO_SETTINGS_MODULE": "digiplan.settings",
        "DATABASE_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    parsed = [json.loads(line) for line in result.stderr.splitlines()]
    assert parsed[0]["request_id"] == "r1" and parsed[0]["user_id"] == 7
    assert parsed[1]["message"] == "plain" and parsed[1]["level"] == "WARNING"


def test_djangos_own_not_found_line_carries_no_link(client, db):
    """django.request logs "Not Found: <path>": through the settings' handler the path is the
    URL pattern, so a mistyped or guessed personal link never reaches the log."""
    from logging.config import dictConfig

    stream = io.StringIO()
    config = {**settings.LOGGING, "handlers": {**settings.LOGGING["handlers"]}}
    config["handlers"]["console"] = {**config["handlers"]["console"], "stream": stream}
    config["formatters"] = {**config["formatters"], "text": {"format": "%(name)s %(message)s"}}
    dictConfig(config)
    try:
        assert client.get("/svar/a-guessed-link-9f8e7d/").status_code == 404
        assert client.get("/elev/NOT-A-CODE/").status_code in (200, 404)
    finally:
        dictConfig(settings.LOGGING)
    logged = stream.getvalue()
    assert "Not Found: /svar/<str:token>/" in logged
    assert "a-guessed-link-9f8e7d" not in logged and "NOT-A-CODE" not in logged
