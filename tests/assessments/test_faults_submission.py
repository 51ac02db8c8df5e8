"""Fault: the database connection is lost during a submission. The person gets a clear Swedish
"försök igen" page (503, no stack trace) that holds the posted form with a "Skicka igen" button,
nothing is half-written (no ballot without the participation's answered mark, nor the reverse),
the draft saved earlier is still there, and the form sent again from the page counts once."""

from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from digiplan.assessments import services
from digiplan.assessments.models import Ballot, Draft, Participation
from tests.assessment_helpers import build_campaign, open_ballots
from tests.live_servers import CSRF

CLAIM = 'UPDATE "assessments_participation" SET "answered"'
# The queries of the submission's transaction, from its first: the claim, the campaign's
# status, the ballot, the draft's deletion.
SUBMIT_QUERIES = 4


class LoseConnection:
    """An execute wrapper that lets the submission's first k-1 queries through and loses the
    connection at the k-th, as a PostgreSQL restart or a dropped network would."""

    def __init__(self, k: int, error: type[Exception]):
        self.k, self.error, self.seen = k, error, 0

    def __call__(self, execute, sql, params, many, context):
        if self.seen < self.k and (self.seen or sql.startswith(CLAIM)):
            self.seen += 1
            if self.seen == self.k:
                raise self.error("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


# What a browser sends: a form without files, URL-encoded (Django's test client sends multipart).
FORM = "application/x-www-form-urlencoded"
# Text that must come back exactly as it was typed, and be escaped in the page meanwhile.
COMMENT = '<script>alert("x")</script> "Bra" & mer'


class ResendForm(HTMLParser):
    """The 503 page's form: its action and its hidden fields, in order."""

    def __init__(self, page: str):
        super().__init__()
        self.action, self.fields, self.buttons = None, [], []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("method") == "post":
            self.action = attributes["action"]
        elif tag == "input" and attributes.get("type") == "hidden":
            self.fields.append((attributes["name"], attributes["value"]))

    def handle_data(self, data):
        if self.lasttag == "button" and data.strip():
            self.buttons.append(data.strip())


def _browser(url: str) -> tuple[Client, str]:
    """A client that checks CSRF as a browser's request is checked, and the page's token."""
    client = Client(enforce_csrf_checks=True)
    page = client.get(url).content.decode()
    return client, CSRF.search(page).group(1)


def _submit(client: Client, url: str, token: str, komp: str):
    fields = [
        ("csrfmiddlewaretoken", token),
        ("del", "2"),
        ("go", "submit"),
        (komp, "4"),
        ("comment", COMMENT),
    ]
    return client.post(f"{url}?del=2", urlencode(fields), content_type=FORM)


def _resend(client: Client, page: str):
    form = ResendForm(page)
    return client.post(form.action, urlencode(form.fields), content_type=FORM)


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize("k", range(1, SUBMIT_QUERIES + 1))
def test_a_connection_lost_at_any_query_of_a_submission_offers_to_send_again_and_it_counts_once(
    world, k, error, caplog
):
    fx = build_campaign(world)
    participation = Participation.objects.get(campaign=fx.campaign, person=world.staff)
    led = fx.items["LED.P1"]
    services.draft_save(participation=participation, answers={str(led.pk): "2"})
    url = reverse("survey_token", args=[fx.tokens[participation.pk]])
    komp = f"item-{fx.items['KOMP.P1'].pk}"
    client, token = _browser(url)
    lose = LoseConnection(k, error)
    with connection.execute_wrapper(lose):
        response = _submit(client, url, token, komp)
    assert lose.seen == k  # the fault struck inside the submission's transaction
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert response["Cache-Control"] == "no-store"
    assert "Tjänsten är tillfälligt otillgänglig – försök igen" in page and "Traceback" not in page
    assert "tryck på Skicka igen" in page and "gå tillbaka i webbläsaren" not in page.lower()
    # The form goes back where it came from, with every field but the token as it was sent, and
    # the token the CSRF check accepts (the same secret: the cookie is unchanged).
    form = ResendForm(page)
    assert form.action == f"{url}?del=2" and form.buttons == ["Skicka igen"]
    assert form.fields[1:] == [("del", "2"), ("go", "submit"), (komp, "4"), ("comment", COMMENT)]
    assert form.fields[0][0] == "csrfmiddlewaretoken" and form.fields[0][1] != token
    # Escaped in the page, never logged.
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "database unavailable during POST" in caplog.text and "alert" not in caplog.text
    # Nothing half-written: neither the mark nor the ballot, and the draft is as it was.
    participation.refresh_from_db()
    assert not participation.answered and not Ballot.objects.exists()
    assert services.draft_read(participation).answers == {led.pk: 2}
    # One click: the form re-sent is an ordinary submit; it counts once, and again changes nothing.
    retry = _resend(client, page)
    assert retry.status_code == 200 and "profile-table" in retry.content.decode()
    assert "Dina svar är redan inskickade" in _resend(client, page).content.decode()
    participation.refresh_from_db()
    assert participation.answered and not Draft.objects.exists()
    [ballot] = open_ballots(fx.campaign)
    assert ballot.answers == {led.pk: 2, fx.items["KOMP.P1"].pk: 4} and ballot.comment == COMMENT


def test_the_old_token_of_the_form_is_accepted_too(world):
    """The page swaps in the current token; the one the person's form held still works with the
    same cookie, so a form re-sent with either counts."""
    fx = build_campaign(world)
    participation = Participation.objects.get(campaign=fx.campaign, person=world.staff)
    url = reverse("survey_token", args=[fx.tokens[participation.pk]])
    komp = f"item-{fx.items['KOMP.P1'].pk}"
    client, token = _browser(url)
    with connection.execute_wrapper(LoseConnection(1, OperationalError)):
        assert _submit(client, url, token, komp).status_code == 503
    retry = _submit(client, url, token, komp)
    assert retry.status_code == 200 and "profile-table" in retry.content.decode()
    assert Ballot.objects.count() == 1


def test_a_form_with_files_is_not_put_into_the_page(world):
    """Multipart (files) cannot be sent again from a page: the person is asked to go back."""
    fx = build_campaign(world)
    participation = Participation.objects.get(campaign=fx.campaign, person=world.staff)
    url = reverse("survey_token", args=[fx.tokens[participation.pk]])
    komp = f"item-{fx.items['KOMP.P1'].pk}"
    with connection.execute_wrapper(LoseConnection(1, OperationalError)):
        response = Client().post(
            f"{url}?del=2", {"del": "2", "go": "submit", komp: "4", "comment": "Hemligt"}
        )
    page = response.content.decode()
    assert response.status_code == 503 and "Det du fyllde i finns oftast kvar" in page
    assert "<form" not in page and "Hemligt" not in page and "Skicka igen" not in page


def test_a_connection_lost_on_an_ordinary_page_offers_a_retry_link(client_for):
    client = client_for("strategist")
    client.raise_request_exception = False

    def lost(execute, sql, params, many, context):
        raise OperationalError("terminating connection due to administrator command")

    with connection.execute_wrapper(lost):
        response = client.get(reverse("home") + "?x=1")
    page = response.content.decode()
    assert response.status_code == 503 and 'lang="sv"' in page
    assert "Tjänsten är tillfälligt otillgänglig – försök igen" in page
    assert f'href="{reverse("home")}?x=1"' in page and "Försök igen" in page
    assert client.get(reverse("home")).status_code == 200


def test_a_connection_lost_in_a_middleware_answers_503_too(rf, monkeypatch):
    """Outside a view (the session, the sign-in policy) the middleware cannot see the error;
    handler500 answers 503 all the same, and any other error still gets the 500 page."""
    from digiplan.lib import unavailable

    request = rf.get("/")
    try:
        raise InterfaceError("connection already closed")
    except InterfaceError:
        response = unavailable.server_error(request)
    assert response.status_code == 503
    try:
        raise ValueError("a bug")
    except ValueError:
        response = unavailable.server_error(request)
    assert response.status_code == 500
