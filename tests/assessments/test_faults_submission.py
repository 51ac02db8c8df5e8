"""Fault: the database connection is lost during a submission. The person gets a clear Swedish
"försök igen" page (503, no stack trace), nothing is half-written (no ballot without the
participation's answered mark, nor the reverse), the draft saved earlier is still there, and
the retry counts once."""

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from digiplan.assessments import services
from digiplan.assessments.models import Ballot, Draft, Participation
from tests.assessment_helpers import build_campaign, open_ballots

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


def _submit(url: str, komp: str):
    return Client().post(f"{url}?del=2", {"del": "2", "go": "submit", komp: "4", "comment": "Bra"})


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize("k", range(1, SUBMIT_QUERIES + 1))
def test_a_connection_lost_at_any_query_of_a_submission_asks_to_try_again_and_the_retry_counts_once(
    world, k, error
):
    fx = build_campaign(world)
    participation = Participation.objects.get(campaign=fx.campaign, person=world.staff)
    led = fx.items["LED.P1"]
    services.draft_save(participation=participation, answers={str(led.pk): "2"})
    url = reverse("survey_token", args=[fx.tokens[participation.pk]])
    komp = f"item-{fx.items['KOMP.P1'].pk}"
    lose = LoseConnection(k, error)
    with connection.execute_wrapper(lose):
        response = _submit(url, komp)
    assert lose.seen == k  # the fault struck inside the submission's transaction
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "Tjänsten är tillfälligt otillgänglig – försök igen" in page
    assert "Det du fyllde i finns oftast kvar" in page and "Traceback" not in page
    # Nothing half-written: neither the mark nor the ballot, and the draft is as it was.
    participation.refresh_from_db()
    assert not participation.answered and not Ballot.objects.exists()
    assert services.draft_read(participation).answers == {led.pk: 2}
    # The retry is an ordinary submit: it counts once, and a second one changes nothing.
    retry = _submit(url, komp)
    assert retry.status_code == 200 and "profile-table" in retry.content.decode()
    assert "Dina svar är redan inskickade" in _submit(url, komp).content.decode()
    participation.refresh_from_db()
    assert participation.answered and not Draft.objects.exists()
    assert [b.answers for b in open_ballots(fx.campaign)] == [{led.pk: 2, fx.items["KOMP.P1"].pk: 4}]


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
