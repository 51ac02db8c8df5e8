"""The personal iCalendar feed: it parses with a standard parser, holds exactly the person's
activities that have a due date, keeps awkward titles intact, and answers a plain 404 to any
secret that is not a live one. And the settings page that shows and renews the address."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from digiplan.audit.models import AuditEvent
from digiplan.organisations.services import person_update
from digiplan.plans import services
from digiplan.plans.models import ActivityStatus, CalendarFeed
from tests.plan_helpers import build_plan

FOLD_AT = 75  # octets per line, CRLF not counted (RFC 5545 3.1)


def _feed(client, secret):
    return client.get(reverse("calendar_feed", args=[secret]))


def _events(response) -> dict[str, object]:
    calendar = Calendar.from_ical(response.content)
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def _add(world, plan, title, **fields):
    return services.activity_create(actor=world.leader_a, plan=plan, title=title, **fields)


@pytest.fixture
def feed(world, client):
    fx = build_plan(world)
    secret = services.calendar_feed_secret(person=world.staff)
    return fx, secret


def test_the_feed_parses_and_holds_exactly_the_persons_dated_activities(world, client, feed):
    fx, secret = feed
    _add(world, fx.plan, "Utan datum", owner=world.staff)
    _add(world, fx.plan, "Deltar", participants=[world.staff], due_on=datetime.date(2026, 11, 3))
    _add(world, fx.plan, "Någon annans", owner=world.leader_a, due_on=datetime.date(2026, 11, 4))
    draft = services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year="2027/28")
    _add(world, draft, "I ett utkast", owner=world.staff, due_on=datetime.date(2027, 9, 1))

    response = _feed(client, secret)  # no one signed in: calendar programs cannot

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = _events(response)
    assert set(events) == {fx.activity.title, "Deltar"}
    event = events[fx.activity.title]
    assert event["DTSTART"].dt == datetime.date(2027, 3, 31)  # an all-day date, not a time
    assert event["DTEND"].dt == datetime.date(2027, 4, 1)
    assert str(event["UID"]) == f"activity-{fx.activity.pk}@digiplan"
    description = str(event["DESCRIPTION"])
    assert fx.plan.title in description and "Almskolan" in description
    assert f"http://testserver/aktiviteter/{fx.activity.pk}/" in description


def test_the_uid_stays_the_same_from_one_fetch_to_the_next(world, client, feed):
    fx, secret = feed
    first = _events(_feed(client, secret))[fx.activity.title]["UID"]
    services.activity_progress(actor=world.staff, activity=fx.activity, status=ActivityStatus.ONGOING)
    second = _events(_feed(client, secret))[fx.activity.title]
    assert second["UID"] == first
    assert int(second["SEQUENCE"]) == fx.activity.revision + 1


def test_done_and_cancelled_activities_say_so(world, client, feed):
    fx, secret = feed
    services.activity_progress(actor=world.staff, activity=fx.activity, status=ActivityStatus.DONE)
    _add(
        world,
        fx.plan,
        "Inställd",
        owner=world.staff,
        due_on=datetime.date(2026, 12, 1),
        status=ActivityStatus.CANCELLED,
    )
    events = _events(_feed(client, secret))
    assert str(events["Inställd"]["STATUS"]) == "CANCELLED"
    assert str(events[fx.activity.title]["X-DIGIPLAN-STATUS"]) == "done"
    assert str(events[fx.activity.title]["STATUS"]) == "CONFIRMED"


@pytest.mark.parametrize(
    "title",
    [
        '<script>alert("x")</script>',
        "Möte, planering; uppföljning \\ del 1",
        "Rad ett\nRad två\r\nRad tre",
        "Kompetensutveckling för förskolans pedagoger i digitala verktyg, källkritik och "
        "programmering – åtta träffar med handledning under höstterminen",
    ],
)
def test_awkward_titles_come_back_from_the_parser_unchanged(world, client, feed, title):
    fx, secret = feed
    _add(world, fx.plan, title, owner=world.staff, due_on=datetime.date(2026, 10, 10))
    events = _events(_feed(client, secret))
    expected = title.replace("\r\n", "\n")
    assert expected in events


def test_every_line_ends_in_crlf_and_is_at_most_75_octets(world, client, feed):
    fx, secret = feed
    _add(world, fx.plan, "Ä" * 150, owner=world.staff, description="x", due_on=datetime.date(2026, 10, 10))
    body = _feed(client, secret).content
    assert body.endswith(b"\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= FOLD_AT for line in lines)
    for line in lines:
        line.decode("utf-8")  # no character split across two lines
    assert "Ä" * 150 in _events(_feed(client, secret))


@pytest.mark.parametrize("secret", ["fel", "x" * 43, "", "%2e%2e"])
def test_a_wrong_secret_answers_404_and_reveals_nothing(world, client, feed, secret):
    fx, _secret = feed
    url = f"/kalender/{secret}.ics"
    response = client.get(url)
    assert response.status_code == 404
    page = response.content.decode()
    assert fx.activity.title not in page and world.staff.name not in page


def test_a_renewed_address_replaces_the_old_one(world, client_for, feed):
    fx, old = feed
    staff = client_for("staff")
    response = staff.post(reverse("calendar_settings"))
    assert response.status_code == 302
    new = CalendarFeed.objects.get(person=world.staff).secret
    assert new != old
    anonymous = client_for("anonymous")
    assert _feed(anonymous, old).status_code == 404
    assert _feed(anonymous, new).status_code == 200
    assert AuditEvent.objects.filter(action="calendar.renew").exists()


def test_a_deactivated_persons_feed_is_gone(world, client, feed):
    fx, secret = feed
    person_update(actor=world.strategist, person=world.staff, is_active=False)
    assert _feed(client, secret).status_code == 404


def test_the_settings_page_makes_an_address_once_and_shows_it_whole(world, client_for):
    staff = client_for("staff")
    response = staff.get(reverse("calendar_settings"))
    secret = CalendarFeed.objects.get(person=world.staff).secret
    assert response.context["calendar_url"] == f"http://testserver/kalender/{secret}.ics"
    assert f'value="http://testserver/kalender/{secret}.ics"' in response.content.decode()
    staff.get(reverse("calendar_settings"))
    assert CalendarFeed.objects.get(person=world.staff).secret == secret
    assert client_for("anonymous").get(reverse("calendar_settings")).status_code == 302


def test_each_person_sees_only_their_own_address(world, client_for):
    client_for("staff").get(reverse("calendar_settings"))
    response = client_for("leader_a").get(reverse("calendar_settings"))
    staff_secret = CalendarFeed.objects.get(person=world.staff).secret
    assert staff_secret not in response.content.decode()


def _unfolded_lines(body: bytes) -> list[str]:
    """The content lines as written before folding: a CRLF followed by a space joins two lines."""
    return body.decode("utf-8").replace("\r\n ", "").split("\r\n")


def test_text_values_are_escaped_as_rfc_5545_asks(world, client, feed):
    fx, secret = feed
    _add(world, fx.plan, "a,b;c\\d\ne", owner=world.staff, due_on=datetime.date(2026, 10, 10))
    _add(world, fx.plan, "bell\x07\ttab", owner=world.staff, due_on=datetime.date(2026, 10, 11))
    lines = _unfolded_lines(_feed(client, secret).content)
    assert "SUMMARY:a\\,b\\;c\\\\d\\ne" in lines
    assert "SUMMARY:bell\ttab" in lines  # no control character but tab reaches the calendar


def test_the_calendar_name_is_escaped_too(world, client, feed):
    fx, secret = feed
    person_update(actor=world.strategist, person=world.staff, name="Ek, Anna; IT")
    lines = _unfolded_lines(_feed(client, secret).content)
    assert "X-WR-CALNAME:Digiplan-aktiviteter\\, Ek\\, Anna\\; IT" in lines


def test_long_lines_are_folded_and_unfold_to_the_whole_value(world, client, feed):
    fx, secret = feed
    title = "å" * 100
    _add(world, fx.plan, title, owner=world.staff, due_on=datetime.date(2026, 10, 10))
    body = _feed(client, secret).content
    raw = body.decode("utf-8").split("\r\n")
    start = next(n for n, line in enumerate(raw) if line.startswith("SUMMARY:å"))
    assert raw[start] != f"SUMMARY:{title}" and raw[start + 1].startswith(" ")
    assert f"SUMMARY:{title}" in _unfolded_lines(body)
