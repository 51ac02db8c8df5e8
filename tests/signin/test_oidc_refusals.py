"""Every answer an OpenID Connect sign-in must refuse: logged with the reason on
"digiplan.signin", a Swedish page saying what happened (400 or 403, never 500), nobody signed
in and nothing created."""

import logging
import time
from urllib.parse import urlencode

import pytest
import requests
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from joserfc.jwk import RSAKey

from digiplan.organisations.models import Person
from digiplan.signin.models import ExternalIdentity
from digiplan.signin.oidc import (
    ERROR_DOMAIN,
    ERROR_EMAIL_NOT_VERIFIED,
    ERROR_PROVIDER_REFUSED,
    ERROR_STATE,
    ERROR_TOKEN,
    ERROR_UNREACHABLE,
    FLOW_SESSION_KEY,
)
from tests.signin.oidc_provider import (  # noqa: F401  (fixtures)
    callback_path,
    forger_fixture,
    forger_server_fixture,
    mock_server_fixture,
    oidc_mock_fixture,
    provider_for,
    sign_in_at_forger,
    sign_in_at_mock,
    start,
)

pytestmark = pytest.mark.django_db

CALLBACK = reverse("signin_oidc_callback")


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def people_before(world):
    return Person.objects.count()


def assert_refused(response, message, caplog, reason: str, *, status: int = 403, people: int) -> None:
    assert response.status_code == status
    with translation.override("sv"):
        assert escape(str(message)) in response.content.decode()
    logged = [r.getMessage() for r in caplog.records if r.name == "digiplan.signin"]
    assert any(reason in line for line in logged), logged
    assert "_auth_user_id" not in response.wsgi_request.session
    assert not ExternalIdentity.objects.exists()
    assert Person.objects.count() == people


# ---- With the real provider ------------------------------------------------------------------------


@pytest.fixture
def at_mock(world, oidc_mock):
    return provider_for(world.huvudman, oidc_mock.issuer, actor=world.strategist)


def test_an_answer_without_a_started_sign_in_is_refused(client, world, at_mock, caplog, people_before):
    response = client.get(CALLBACK + "?" + urlencode({"code": "abc", "state": "xyz"}))

    assert_refused(response, ERROR_STATE, caplog, "no sign-in was started", status=400, people=people_before)


def test_an_answer_with_another_state_is_refused(client, world, oidc_mock, at_mock, caplog, people_before):
    start(client, world.huvudman)

    response = client.get(CALLBACK + "?" + urlencode({"code": "abc", "state": "not-the-one-sent"}))

    assert_refused(
        response, ERROR_STATE, caplog, "the state does not match", status=400, people=people_before
    )
    assert FLOW_SESSION_KEY not in client.session  # the flow is spent: no second try with it


def test_an_answer_without_a_state_is_refused(client, world, oidc_mock, at_mock, caplog, people_before):
    start(client, world.huvudman)

    response = client.get(CALLBACK + "?code=abc")

    assert_refused(
        response, ERROR_STATE, caplog, "the state does not match", status=400, people=people_before
    )


def test_a_person_who_says_no_at_the_provider_is_not_signed_in(
    client, world, oidc_mock, at_mock, caplog, people_before
):
    response = sign_in_at_mock(client, oidc_mock, world.huvudman, "nej-1", {}, deny=True)

    assert_refused(response, ERROR_PROVIDER_REFUSED, caplog, "'access_denied'", people=people_before)


def test_an_address_the_provider_has_not_verified_matches_nobody(
    client, world, oidc_mock, at_mock, caplog, people_before
):
    claims = {"email": world.staff.email, "email_verified": False}

    response = sign_in_at_mock(client, oidc_mock, world.huvudman, "overifierad-1", claims)

    assert_refused(response, ERROR_EMAIL_NOT_VERIFIED, caplog, "not verified", people=people_before)


def test_an_address_outside_the_allowed_domains_is_refused(client, world, oidc_mock, caplog, people_before):
    provider_for(
        world.huvudman, oidc_mock.issuer, actor=world.strategist, allowed_email_domains="skola.sjovik.test"
    )
    claims = {"email": world.staff.email, "email_verified": True}

    response = sign_in_at_mock(client, oidc_mock, world.huvudman, "doman-1", claims)

    assert_refused(response, ERROR_DOMAIN, caplog, "are not allowed", people=people_before)


def test_a_principal_name_outside_the_allowed_domains_is_refused(
    client, world, oidc_mock, caplog, people_before
):
    provider_for(
        world.huvudman, oidc_mock.issuer, actor=world.strategist, allowed_email_domains="sjovik.test"
    )
    Person.objects.filter(pk=world.staff.pk).update(principal_name="per@annan.test")
    claims = {"email": world.staff.email, "email_verified": True, "upn": "per@annan.test"}

    response = sign_in_at_mock(client, oidc_mock, world.huvudman, "doman-2", claims)

    assert_refused(response, ERROR_DOMAIN, caplog, "are not allowed", people=people_before)


def test_an_unreachable_provider_is_a_page_not_an_error(client, world, caplog, people_before):
    # Port 9 (discard) on this machine: nothing listens there.
    provider_for(world.huvudman, "http://127.0.0.1:9", actor=world.strategist)

    response = client.get(reverse("signin_oidc_start", args=[world.huvudman.organisation_number]))

    assert_refused(
        response, ERROR_UNREACHABLE, caplog, "could not be reached", status=400, people=people_before
    )
    assert FLOW_SESSION_KEY not in client.session


# ---- With forged tokens ------------------------------------------------------------------------------


@pytest.fixture
def at_forger(world, forger):
    return provider_for(world.huvudman, forger.issuer, actor=world.strategist)


def test_the_forger_signs_in_when_nothing_is_wrong(client, world, forger, at_forger):
    # The cases below change one thing each: this shows that the rest of their token is right.
    response = sign_in_at_forger(client, world.huvudman)

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == world.staff.pk


def test_a_token_with_another_nonce_is_refused(client, world, forger, at_forger, caplog, people_before):
    forger.claims = {"nonce": "a-nonce-from-another-sign-in"}

    response = sign_in_at_forger(client, world.huvudman)

    assert_refused(response, ERROR_TOKEN, caplog, "nonce claim", people=people_before)


def test_a_token_without_the_nonce_is_refused(client, world, forger, at_forger, caplog, people_before):
    forger.claims = {"nonce": None}

    response = sign_in_at_forger(client, world.huvudman)

    assert_refused(response, ERROR_TOKEN, caplog, "nonce claim", people=people_before)


def test_a_token_from_another_issuer_is_refused(client, world, forger, at_forger, caplog, people_before):
    forger.claims = {"iss": "https://login.annan-kommun.test"}

    response = sign_in_at_forger(client, world.huvudman)

    assert_refused(response, ERROR_TOKEN, caplog, "iss claim", people=people_before)


def test_an_expired_token_is_refused(client, world, forger, at_forger, caplog, people_before):
    now = int(time.time())
    forger.claims = {"iat": now - 3600, "exp": now - 600}

    response = sign_in_at_forger(client, world.huvudman)

    assert_refused(response, ERROR_TOKEN, caplog, "has expired", people=people_before)


def test_a_token_for_another_client_is_refused(client, world, forger, at_forger, caplog, people_before):
    forger.claims = {"aud": "another-application"}

    response = sign_in_at_forger(client, world.huvudman)

    assert_refused(response, ERROR_TOKEN, caplog, "aud claim", people=people_before)


def test_a_token_signed_with_another_key_is_refused(client, world, forger, at_forger, caplog, people_before):
    # Same key id as the published key, but not its private half.
    forger.signing_key = RSAKey.generate_key(2048, {"kid": forger.key.kid}, private=True)

    response = sign_in_at_forger(client, world.huvudman)

    assert_refused(response, ERROR_TOKEN, caplog, "signature does not verify", people=people_before)


def test_a_discovery_document_of_another_issuer_is_refused(
    client, world, forger, at_forger, caplog, people_before
):
    forger.discovery = {**forger.document(), "issuer": forger.issuer + "/"}

    response = client.get(reverse("signin_oidc_start", args=[world.huvudman.organisation_number]))

    assert_refused(response, ERROR_UNREACHABLE, caplog, "names issuer", status=400, people=people_before)


def test_a_discovery_document_that_is_not_json_is_refused(
    client, world, forger, at_forger, caplog, people_before
):
    forger.discovery = "<html>Maintenance</html>"

    response = client.get(reverse("signin_oidc_start", args=[world.huvudman.organisation_number]))

    assert_refused(
        response, ERROR_UNREACHABLE, caplog, "did not answer JSON", status=400, people=people_before
    )


def test_a_discovery_document_without_endpoints_is_refused(
    client, world, forger, at_forger, caplog, people_before
):
    forger.discovery = {"issuer": forger.issuer}

    response = client.get(reverse("signin_oidc_start", args=[world.huvudman.organisation_number]))

    assert_refused(response, ERROR_UNREACHABLE, caplog, "no usable", status=400, people=people_before)


def test_refusals_are_logged_as_warnings(client, world, forger, at_forger, caplog):
    forger.claims = {"aud": "another-application"}

    with caplog.at_level(logging.WARNING, logger="digiplan.signin"):
        sign_in_at_forger(client, world.huvudman)

    assert any(r.levelno == logging.WARNING and "aud claim" in r.getMessage() for r in caplog.records)


def test_the_same_answer_is_not_taken_twice(client, world, oidc_mock, at_mock):
    oidc_mock.person("twice-1", {"email": world.staff.email, "email_verified": True})
    authorize = start(client, world.huvudman)
    answer = requests.post(authorize, data={"sub": "twice-1"}, allow_redirects=False, timeout=5)
    first = client.get(callback_path(answer.headers["Location"]))
    client.logout()

    replayed = client.get(callback_path(answer.headers["Location"]))

    assert first.status_code == 302
    assert replayed.status_code == 400
    assert escape(str(ERROR_STATE)) in replayed.content.decode()
    assert "_auth_user_id" not in client.session
