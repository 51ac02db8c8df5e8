"""Signing in with a huvudman's OpenID Connect provider, end to end against a real provider
(oidc-provider-mock in a thread): who is signed in, who never is, and signing out."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from digiplan.organisations.models import Person
from digiplan.signin.models import ExternalIdentity, OidcProvider
from digiplan.signin.oidc import FLOW_SESSION_KEY, ID_TOKEN_SESSION_KEY
from digiplan.signin.session import METHOD_OIDC, SESSION_METHOD
from tests.signin.oidc_provider import (  # noqa: F401  (fixtures)
    CLIENT_ID,
    callback_path,
    forger_fixture,
    forger_server_fixture,
    mock_server_fixture,
    oidc_mock_fixture,
    onward_url,
    provider_for,
    sign_in_at_mock,
    start,
)

pytestmark = pytest.mark.django_db

HOME = resolve_url(settings.LOGIN_REDIRECT_URL)


@pytest.fixture
def provider(world, oidc_mock):
    return provider_for(world.huvudman, oidc_mock.issuer, actor=world.strategist)


def verified(email: str, **claims) -> dict:
    return {"email": email, "email_verified": True, "given_name": "Per", "family_name": "Personal", **claims}


def signed_in_as(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def test_a_staff_member_is_signed_in_by_the_verified_address(client, world, oidc_mock, provider):
    response = sign_in_at_mock(client, oidc_mock, world.huvudman, "per-1", verified("Personal@Sjovik.test"))

    assert response.status_code == 302
    assert response["Location"] == HOME
    assert signed_in_as(client) == world.staff.pk
    assert client.session[SESSION_METHOD] == METHOD_OIDC
    link = ExternalIdentity.objects.get()
    assert (link.person, link.issuer, link.subject) == (world.staff, oidc_mock.issuer, "per-1")


def test_the_next_sign_in_finds_the_person_by_the_remembered_subject(client, world, oidc_mock, provider):
    sign_in_at_mock(client, oidc_mock, world.huvudman, "per-2", verified("personal@sjovik.test"))
    client.logout()

    # The address has changed at the provider since; the subject has not.
    response = sign_in_at_mock(client, oidc_mock, world.huvudman, "per-2", verified("per.ny@sjovik.test"))

    assert response["Location"] == HOME
    assert signed_in_as(client) == world.staff.pk


def test_the_user_principal_name_signs_in_without_an_address(client, world, oidc_mock, provider):
    Person.objects.filter(pk=world.leader_a.pk).update(principal_name="anna.rektor@sjovik.test")

    response = sign_in_at_mock(
        client, oidc_mock, world.huvudman, "anna-1", {"upn": "anna.rektor@sjovik.test"}
    )

    assert response["Location"] == HOME
    assert signed_in_as(client) == world.leader_a.pk


def test_a_preferred_username_is_not_taken_for_a_principal_name(client, world, oidc_mock, provider):
    # Some providers let people choose it: it must not name the leader.
    Person.objects.filter(pk=world.leader_a.pk).update(principal_name="anna.rektor@sjovik.test")

    response = sign_in_at_mock(
        client, oidc_mock, world.huvudman, "mallory-1", {"preferred_username": "anna.rektor@sjovik.test"}
    )

    assert response["Location"] == reverse("signin_unknown") + f"?h={world.huvudman.pk}"
    assert signed_in_as(client) is None


def test_an_unknown_person_is_sent_to_the_page_saying_whom_to_contact(client, world, oidc_mock, provider):
    response = sign_in_at_mock(client, oidc_mock, world.huvudman, "ny-1", verified("ny.person@sjovik.test"))

    assert response["Location"] == reverse("signin_unknown") + f"?h={world.huvudman.pk}"
    assert signed_in_as(client) is None
    assert not ExternalIdentity.objects.exists()


def test_an_inactive_person_is_sent_to_the_unknown_page(client, world, oidc_mock, provider):
    Person.objects.filter(pk=world.staff.pk).update(is_active=False)

    response = sign_in_at_mock(client, oidc_mock, world.huvudman, "per-3", verified("personal@sjovik.test"))

    assert response["Location"] == reverse("signin_unknown") + f"?h={world.huvudman.pk}"
    assert signed_in_as(client) is None


def test_the_provider_of_one_huvudman_never_signs_in_a_person_of_another(client, world, oidc_mock, provider):
    # A's provider vouches for the address of B's strategist.
    response = sign_in_at_mock(
        client,
        oidc_mock,
        world.huvudman,
        "olle-1",
        verified(world.other_strategist.email, upn=world.other_strategist.email),
    )

    assert response["Location"] == reverse("signin_unknown") + f"?h={world.huvudman.pk}"
    assert signed_in_as(client) is None
    assert not ExternalIdentity.objects.exists()


def test_the_start_asks_for_the_code_with_state_nonce_and_pkce(client, world, oidc_mock, provider):
    query = parse_qs(urlsplit(start(client, world.huvudman)).query)

    flow = client.session[FLOW_SESSION_KEY]
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [settings.SITE_URL.rstrip("/") + reverse("signin_oidc_callback")]
    assert query["state"] == [flow["state"]] and query["nonce"] == [flow["nonce"]]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert flow["huvudman_pk"] == world.huvudman.pk
    assert set(query["scope"][0].split()) >= {"openid", "email"}


def test_a_huvudman_without_a_provider_in_use_has_no_start(client, world, oidc_mock, provider):
    other = client.get(reverse("signin_oidc_start", args=[world.other_huvudman.organisation_number]))
    OidcProvider.objects.filter(pk=provider.pk).update(enabled=False)
    off = client.get(reverse("signin_oidc_start", args=[world.huvudman.organisation_number]))

    assert (other.status_code, off.status_code) == (404, 404)


def test_signing_out_ends_the_session_at_the_provider_too(client, world, oidc_mock, provider):
    sign_in_at_mock(client, oidc_mock, world.huvudman, "per-4", verified("personal@sjovik.test"))
    id_token = client.session[ID_TOKEN_SESSION_KEY]

    response = client.post(reverse("signin_oidc_logout"))

    assert signed_in_as(client) is None
    end_session = onward_url(response)
    end = urlsplit(end_session)
    query = parse_qs(end.query)
    assert f"{end.scheme}://{end.netloc}" == oidc_mock.issuer
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == [
        settings.SITE_URL.rstrip("/") + resolve_url(settings.LOGIN_URL)
    ]
    assert requests.get(end_session, timeout=5).status_code == 200  # the provider's own page


def test_without_an_end_session_endpoint_signing_out_is_local(client, world, forger):
    provider_for(world.huvudman, forger.issuer, actor=world.strategist)
    client.force_login(world.staff)
    session = client.session
    session[SESSION_METHOD] = METHOD_OIDC
    session.save()

    response = client.post(reverse("signin_oidc_logout"))

    assert response["Location"] == resolve_url(settings.LOGOUT_REDIRECT_URL or settings.LOGIN_URL)
    assert signed_in_as(client) is None


def test_the_person_goes_on_to_the_page_they_were_going_to(client, world, oidc_mock, provider):
    oidc_mock.person("per-6", verified("personal@sjovik.test"))
    authorize = start(client, world.huvudman, "?next=/planer/")
    answer = requests.post(authorize, data={"sub": "per-6"}, allow_redirects=False, timeout=5)

    response = client.get(callback_path(answer.headers["Location"]))

    assert response["Location"] == "/planer/"


def test_a_next_page_on_another_site_is_ignored(client, world, oidc_mock, provider):
    oidc_mock.person("per-7", verified("personal@sjovik.test"))
    authorize = start(client, world.huvudman, "?next=https://phishing.example/")
    answer = requests.post(authorize, data={"sub": "per-7"}, allow_redirects=False, timeout=5)

    response = client.get(callback_path(answer.headers["Location"]))

    assert response["Location"] == HOME
