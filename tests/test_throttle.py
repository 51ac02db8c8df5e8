"""Guessing pupil codes and staff links: an address that tries codes that do not exist waits
(HTTP 429, in Swedish), while a school behind one address answering with its codes never does;
behind trusted proxies each client counts alone, and a forged X-Forwarded-For counts for nothing.
The counts live in the database, for every app server alike."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from digiplan.accounts import throttle
from digiplan.accounts.models import GuessWindow, KnownCode
from digiplan.assessments import services
from tests.assessment_helpers import build_campaign

pytestmark = pytest.mark.django_db

SCHOOL, GUESSER, OTHER = "198.51.100.10", "203.0.113.66", "203.0.113.67"
PROXY = "10.0.0.5"


@pytest.fixture
def codes(world):
    fx = build_campaign(world)
    return [
        services.pupil_code_create(
            actor=world.strategist, campaign=fx.campaign, unit=world.unit_a, label=f"Klass {n}", capacity=30
        ).code
        for n in (1, 2, 3)
    ]


def _wrong(n: int) -> str:
    # Codes use no 0, O, 1 or I: these exist nowhere.
    return f"OO{n:06d}"


def _enter(client: Client, code: str, **headers):
    return client.post(reverse("pupil_start"), {"kod": code}, headers=headers)


def _use_up_guesses(client: Client, count: int | None = None, **headers):
    for n in range(settings.GUESS_LIMIT if count is None else count):
        assert _enter(client, _wrong(n), **headers).status_code == 404


def test_guessing_codes_gets_429_after_the_limit_while_another_address_still_works(codes):
    guesser = Client(REMOTE_ADDR=GUESSER)
    _use_up_guesses(guesser)
    refused = _enter(guesser, _wrong(999))
    assert refused.status_code == 429
    window = settings.GUESS_WINDOW_MINUTES * 60
    assert window - 60 < int(refused["Retry-After"]) <= window  # from the first failure on
    # A real code gets the same answer: waiting tells the guesser nothing.
    assert _enter(guesser, codes[0]).status_code == 429
    assert guesser.get(reverse("pupil_questionnaire", args=[codes[0]])).status_code == 429

    other = Client(REMOTE_ADDR=OTHER)
    assert _enter(other, _wrong(1)).status_code == 404
    assert _enter(other, codes[0]).status_code == 302


def test_the_429_page_is_swedish_says_how_long_and_sits_in_the_sites_layout(codes):
    guesser = Client(REMOTE_ADDR=GUESSER)
    _use_up_guesses(guesser)
    html = _enter(guesser, _wrong(999)).content.decode()
    assert '<html lang="sv">' in html and "<main" in html and "</footer>" in html
    assert "<h1>För många försök</h1>" in html and 'role="alert"' in html
    assert "Kontrollera koden med din lärare" in html
    assert f"{settings.GUESS_WINDOW_MINUTES} minuter" in html


def test_codes_guessed_in_the_address_count_too(codes):
    guesser = Client(REMOTE_ADDR=GUESSER)
    for n in range(settings.GUESS_LIMIT):
        assert guesser.get(reverse("pupil_questionnaire", args=[_wrong(n)])).status_code == 404
    assert guesser.get(reverse("pupil_questionnaire", args=[_wrong(999)])).status_code == 429


def test_staff_links_are_limited_on_their_own(codes):
    guesser = Client(REMOTE_ADDR=GUESSER)
    for n in range(settings.GUESS_LIMIT):
        assert guesser.get(reverse("survey_token", args=[f"gissning-{n}"])).status_code == 404
    refused = guesser.get(reverse("survey_token", args=["gissning-x"]))
    assert refused.status_code == 429
    assert "Använd länken i din senaste inbjudan" in refused.content.decode()
    # Pupil codes have their own count.
    assert _enter(guesser, _wrong(1)).status_code == 404


def test_a_school_behind_one_address_answering_with_valid_codes_is_never_stopped(codes):
    """Three classes of 30 behind the school's one address; every third pupil mistypes the code
    once. Together that is as many failures as the limit allows one guesser, and nobody waits."""
    typos = 0
    for pupil in range(90):
        code = codes[pupil // 30]
        client = Client(REMOTE_ADDR=SCHOOL)
        if pupil % 3 == 0:
            assert _enter(client, code[:-1] + "0").status_code == 404
            typos += 1
        entered = _enter(client, code.lower())
        assert entered.status_code == 302, pupil
        assert client.get(entered["Location"]).status_code == 200
    assert typos == settings.GUESS_LIMIT


def test_a_guesser_at_the_school_is_stopped_but_the_classes_answering_are_not(codes):
    school = Client(REMOTE_ADDR=SCHOOL)
    assert _enter(school, codes[0]).status_code == 302  # one class is answering
    allowed = settings.GUESS_LIMIT + settings.GUESS_LIMIT_PER_CODE
    _use_up_guesses(school, allowed)
    assert _enter(school, _wrong(999)).status_code == 429
    assert _enter(school, codes[1]).status_code == 429  # a code new to the address waits
    # A pupil of the class already answering goes on, from a browser of its own.
    assert _enter(Client(REMOTE_ADDR=SCHOOL), codes[0]).status_code == 302
    assert Client(REMOTE_ADDR=SCHOOL).get(reverse("pupil_questionnaire", args=[codes[0]])).status_code == 200


def test_a_forged_forwarded_header_from_an_untrusted_client_does_not_escape_the_limit(codes, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    guesser = Client(REMOTE_ADDR=GUESSER)
    for n in range(settings.GUESS_LIMIT):
        _enter(guesser, _wrong(n), x_forwarded_for=f"192.0.2.{n}")
    assert _enter(guesser, _wrong(999), x_forwarded_for="192.0.2.250").status_code == 429


def test_behind_a_trusted_proxy_each_client_counts_alone(codes, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = Client(REMOTE_ADDR=PROXY)
    _use_up_guesses(proxy, x_forwarded_for=GUESSER)
    assert _enter(proxy, _wrong(999), x_forwarded_for=GUESSER).status_code == 429
    # What the guesser writes in the header itself stands left of what the proxy appends.
    assert _enter(proxy, _wrong(999), x_forwarded_for=f"{OTHER}, {GUESSER}").status_code == 429
    assert _enter(proxy, _wrong(999), x_forwarded_for=OTHER).status_code == 404
    assert _enter(proxy, codes[0], x_forwarded_for=OTHER).status_code == 302


def test_an_ipv6_client_counts_as_its_whole_network(codes):
    for n in range(settings.GUESS_LIMIT):
        _enter(Client(REMOTE_ADDR=f"2001:db8:5:7::{n + 1:x}"), _wrong(n))
    assert _enter(Client(REMOTE_ADDR="2001:db8:5:7::ffff"), _wrong(999)).status_code == 429
    assert _enter(Client(REMOTE_ADDR="2001:db8:5:8::1"), _wrong(999)).status_code == 404


def test_the_counts_are_in_the_database_without_the_address_or_the_code(codes):
    _use_up_guesses(Client(REMOTE_ADDR=GUESSER), 3)
    _enter(Client(REMOTE_ADDR=SCHOOL), codes[0])
    (window,) = GuessWindow.objects.all()
    assert window.failures == 3
    (known,) = KnownCode.objects.all()
    for key in (window.key, known.key, known.window_key):
        assert GUESSER not in key and SCHOOL not in key and codes[0] not in key
    # Another app server, with nothing in its memory, sees the same count.
    request = RequestFactory().get("/", REMOTE_ADDR=GUESSER)
    assert throttle.Guess("pupil_code", request, "", timezone.now()).window_key == window.key


def test_a_window_that_is_over_starts_again_and_is_purged(codes):
    guesser = Client(REMOTE_ADDR=GUESSER)
    _use_up_guesses(guesser)
    past = timezone.now() - datetime.timedelta(minutes=settings.GUESS_WINDOW_MINUTES + 1)
    GuessWindow.objects.update(started_at=past)
    assert _enter(guesser, _wrong(999)).status_code == 404
    assert GuessWindow.objects.get().failures == 1

    GuessWindow.objects.update(started_at=past)
    _enter(Client(REMOTE_ADDR=SCHOOL), codes[0])
    KnownCode.objects.update(seen_at=timezone.now() - datetime.timedelta(days=2))
    out = io.StringIO()
    call_command("purge_guess_limits", stdout=out)
    assert out.getvalue() == "2 rows deleted\n"
    assert not GuessWindow.objects.exists() and not KnownCode.objects.exists()


def test_fresh_counts_survive_the_purge(codes):
    _use_up_guesses(Client(REMOTE_ADDR=GUESSER), 2)
    _enter(Client(REMOTE_ADDR=SCHOOL), codes[0])
    assert throttle.guess_limits_purge() == 0
    assert GuessWindow.objects.exists() and KnownCode.objects.exists()
