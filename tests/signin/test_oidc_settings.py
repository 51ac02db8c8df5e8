"""The strategist's OpenID Connect settings page: who may see it, what saving checks, and that
the client secret is sealed in the database and never shown or audited."""

import json

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from digiplan.audit.models import AuditEvent
from digiplan.signin.forms_oidc import ERROR_DISCOVERY, ERROR_ISSUER_NOT_HTTPS, ERROR_SECRET_NEEDED
from digiplan.signin.models import OidcProvider
from digiplan.signin.oidc import client_secret
from tests.conftest import PERSONAS
from tests.signin.oidc_provider import (  # noqa: F401  (fixtures)
    CLIENT_SECRET,
    forger_fixture,
    forger_server_fixture,
    mock_server_fixture,
    oidc_mock_fixture,
    provider_for,
)

pytestmark = pytest.mark.django_db

SETTINGS = reverse("signin_oidc_settings")
NOT_ALLOWED = {"leader_a", "leader_b", "staff"}


def form(issuer: str, **values) -> dict:
    return {
        "display_name": "Skolkonto",
        "issuer": issuer,
        "client_id": "digiplan",
        "client_secret": CLIENT_SECRET,
        "allowed_email_domains": "sjovik.test",
        "enabled": "on",
        **values,
    }


def sv(message) -> str:
    with translation.override("sv"):
        return escape(str(message))


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_strategist_sees_the_settings(client_for, persona):
    response = client_for(persona).get(SETTINGS)

    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif persona in NOT_ALLOWED:
        assert response.status_code == 403
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("persona", sorted(NOT_ALLOWED | {"anonymous"}))
def test_no_one_else_can_change_the_settings(client_for, persona, oidc_mock):
    client_for(persona).post(SETTINGS, form(oidc_mock.issuer))

    assert not OidcProvider.objects.exists()


def test_the_page_shows_the_redirect_uri_to_register(client_for, settings):
    settings.SITE_URL = "https://digiplan.sjovik.test"

    page = client_for("strategist").get(SETTINGS).content.decode()

    assert "https://digiplan.sjovik.test/oidc/svar/" in page


def test_a_strategist_sets_up_the_provider(client_for, world, oidc_mock):
    response = client_for("strategist").post(SETTINGS, form(oidc_mock.issuer))

    assert response.status_code == 302
    provider = OidcProvider.objects.get()
    assert (provider.huvudman, provider.issuer, provider.client_id) == (
        world.huvudman,
        oidc_mock.issuer,
        "digiplan",
    )
    assert provider.enabled and provider.email_domains() == ["sjovik.test"]
    assert client_secret(provider) == CLIENT_SECRET


def test_the_secret_is_sealed_in_the_database(client_for, oidc_mock):
    client_for("strategist").post(SETTINGS, form(oidc_mock.issuer))

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {OidcProvider._meta.db_table}")
        row = cursor.fetchone()
    stored = b"".join(bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in row)
    assert OidcProvider.objects.get().client_secret_sealed  # something is stored …
    assert CLIENT_SECRET.encode() not in stored  # … but not the secret
    assert CLIENT_SECRET.encode().hex().encode() not in stored.lower()


def test_the_secret_is_never_shown_again(client_for, oidc_mock):
    strategist = client_for("strategist")
    strategist.post(SETTINGS, form(oidc_mock.issuer))

    page = strategist.get(SETTINGS).content.decode()

    assert CLIENT_SECRET not in page
    assert 'type="password" name="client_secret"' in page


def test_the_audit_row_says_the_secret_changed_but_not_what_it_is(client_for, oidc_mock):
    client_for("strategist").post(SETTINGS, form(oidc_mock.issuer))

    event = AuditEvent.objects.get(action="signin.oidc_provider_changed")
    assert CLIENT_SECRET not in json.dumps(event.changes, default=str)
    assert event.changes["client_secret_changed"] is True


def test_an_empty_secret_keeps_the_stored_one(client_for, world, oidc_mock):
    provider_for(world.huvudman, oidc_mock.issuer, actor=world.strategist)

    response = client_for("strategist").post(
        SETTINGS, form(oidc_mock.issuer, client_secret="", client_id="nytt-id")
    )

    assert response.status_code == 302
    provider = OidcProvider.objects.get()
    assert provider.client_id == "nytt-id" and client_secret(provider) == CLIENT_SECRET


def test_turning_it_on_without_a_secret_is_refused(client_for, oidc_mock):
    response = client_for("strategist").post(SETTINGS, form(oidc_mock.issuer, client_secret=""))

    assert response.status_code == 400
    assert sv(ERROR_SECRET_NEEDED) in response.content.decode()
    assert not OidcProvider.objects.exists()


def test_an_unreachable_issuer_is_refused_and_nothing_saved(client_for):
    response = client_for("strategist").post(SETTINGS, form("http://127.0.0.1:9"))

    assert response.status_code == 400
    assert sv(ERROR_DISCOVERY) in response.content.decode()
    assert not OidcProvider.objects.exists()


def test_a_malformed_discovery_document_is_refused_and_nothing_saved(client_for, world, forger):
    forger.discovery = {"issuer": forger.issuer, "authorization_endpoint": "ftp://nowhere"}

    response = client_for("strategist").post(SETTINGS, form(forger.issuer))

    assert response.status_code == 400
    assert sv(ERROR_DISCOVERY) in response.content.decode()
    assert not OidcProvider.objects.exists()


def test_a_change_that_breaks_the_provider_keeps_the_old_settings(client_for, world, oidc_mock):
    provider_for(world.huvudman, oidc_mock.issuer, actor=world.strategist)

    client_for("strategist").post(SETTINGS, form(oidc_mock.issuer + "/fel"))

    assert OidcProvider.objects.get().issuer == oidc_mock.issuer


def test_an_issuer_without_https_is_refused(client_for):
    response = client_for("strategist").post(SETTINGS, form("http://login.sjovik.test", enabled=""))

    assert response.status_code == 400
    assert sv(ERROR_ISSUER_NOT_HTTPS) in response.content.decode()
    assert not OidcProvider.objects.exists()


def test_a_provider_not_in_use_is_saved_without_asking_it(client_for):
    response = client_for("strategist").post(SETTINGS, form("https://login.sjovik.test", enabled=""))

    assert response.status_code == 302
    assert not OidcProvider.objects.get().enabled


def test_another_huvudmans_strategist_sees_and_changes_only_their_own(client_for, world, oidc_mock):
    provider_for(world.huvudman, oidc_mock.issuer, actor=world.strategist, client_id="sjoviks-id")
    other = client_for("other_strategist")

    page = other.get(SETTINGS).content.decode()
    other.post(SETTINGS, form(oidc_mock.issuer, client_id="friskolans-id"))

    assert "sjoviks-id" not in page and oidc_mock.issuer not in page
    assert OidcProvider.objects.get(huvudman=world.huvudman).client_id == "sjoviks-id"
    assert OidcProvider.objects.get(huvudman=world.other_huvudman).client_id == "friskolans-id"


def test_a_refused_form_does_not_send_the_secret_back(client_for):
    response = client_for("strategist").post(SETTINGS, form("http://127.0.0.1:9"))

    assert response.status_code == 400
    assert CLIENT_SECRET not in response.content.decode()
