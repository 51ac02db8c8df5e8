"""The pages every school-account sign-in shares, for each persona: "Logga in med skolkonto",
the page for someone Digiplan does not know, and the strategist's sign-in settings."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from digiplan.audit.models import AuditEvent
from digiplan.signin.forms import (
    ERROR_CHOOSE_ONE,
    ERROR_DOMAIN,
    ERROR_DOMAIN_TAKEN,
    ERROR_NO_ORGANISATION,
    ERROR_PASSWORD_OFF_WITHOUT_SSO,
)
from digiplan.signin.models import OidcProvider, SamlIdentityProvider, SignInPolicy
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

CHOOSE = reverse("signin_choose")
SETTINGS = reverse("signin_settings")


def oidc_for(huvudman, **values) -> OidcProvider:
    return OidcProvider.objects.create(
        huvudman=huvudman, issuer="https://login.example.test", client_id="digiplan", **values
    )


def saml_for(huvudman, **values) -> SamlIdentityProvider:
    return SamlIdentityProvider.objects.create(
        huvudman=huvudman, idp_entity_id="https://idp.example.test", metadata_xml="<md/>", **values
    )


def test_the_sign_in_page_offers_a_school_account(client):
    page = client.get(reverse("login")).content.decode()

    assert f'href="{CHOOSE}"' in page
    assert "Logga in med skolkonto" in page


def test_the_organisation_is_found_from_the_address_and_its_only_way_is_taken_at_once(client, world):
    SignInPolicy.objects.create(huvudman=world.huvudman, email_domains="sjovik.test")
    oidc_for(world.huvudman, enabled=True)

    response = client.post(CHOOSE, {"email": "per@sjovik.test", "next": "/planer/"})

    start = reverse("signin_oidc_start", kwargs={"orgnr": world.huvudman.organisation_number})
    assert response.status_code == 302
    assert response["Location"] == f"{start}?next=%2Fplaner%2F"


def test_a_link_with_the_organisation_goes_straight_on_to_its_only_way(client, world):
    oidc_for(world.huvudman, enabled=True)

    response = client.get(CHOOSE + f"?h={world.huvudman.pk}")

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "signin_oidc_start", kwargs={"orgnr": world.huvudman.organisation_number}
    )


def test_two_ways_to_sign_in_are_both_offered(client, world):
    oidc_for(world.huvudman, enabled=True, display_name="Entra ID")
    saml_for(world.huvudman, enabled=True, display_name="Skolfederation")

    page = client.post(CHOOSE, {"huvudman": world.huvudman.pk}).content.decode()

    assert "Logga in med Entra ID" in page and "Logga in med Skolfederation" in page


def test_an_organisation_without_a_school_account_is_neither_listed_nor_chosen(client, world):
    oidc_for(world.huvudman, enabled=True)
    oidc_for(world.other_huvudman, enabled=False)
    SignInPolicy.objects.create(huvudman=world.other_huvudman, email_domains="friskolan.test")

    page = client.get(CHOOSE).content.decode()
    by_address = client.post(CHOOSE, {"email": "olle@friskolan.test"})
    by_list = client.post(CHOOSE, {"huvudman": world.other_huvudman.pk})

    assert world.huvudman.name in page and world.other_huvudman.name not in page
    assert by_address.status_code == 400 and str(ERROR_NO_ORGANISATION) in by_address.content.decode()
    assert by_list.status_code == 400


def test_an_empty_choice_says_what_to_do(client, world):
    response = client.post(CHOOSE, {"email": "", "huvudman": ""})

    assert response.status_code == 400
    assert str(ERROR_CHOOSE_ONE) in response.content.decode()


def test_an_outside_next_address_is_dropped(client, world):
    oidc_for(world.huvudman, enabled=True)

    response = client.post(CHOOSE, {"huvudman": world.huvudman.pk, "next": "https://evil.test/"})

    assert "evil" not in response["Location"]


def test_the_unknown_page_says_whom_to_contact_and_nothing_about_who_exists(client, world):
    SignInPolicy.objects.create(huvudman=world.huvudman, contact="it-support@sjovik.test")

    response = client.get(reverse("signin_unknown") + f"?h={world.huvudman.pk}")

    page = response.content.decode()
    assert response.status_code == 403
    assert "it-support@sjovik.test" in page and world.huvudman.name in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_strategist_opens_the_sign_in_settings_of_their_own_huvudman(client_for, world, persona):
    response = client_for(persona).get(SETTINGS)

    if persona == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
    elif persona in ("strategist", "other_strategist"):
        huvudman = world.huvudman if persona == "strategist" else world.other_huvudman
        other = world.other_huvudman if persona == "strategist" else world.huvudman
        page = response.content.decode()
        assert response.status_code == 200
        assert huvudman.name in page and other.name not in page
    else:
        assert response.status_code == 403


def policy_post(**values) -> dict:
    return {"email_domains": "sjovik.test", "password_sign_in": "on", "contact": "", **values}


def test_the_strategist_saves_the_rules_with_an_audit_row(client_for, world):
    response = client_for("strategist").post(
        SETTINGS, policy_post(email_domains="Sjovik.test, @skola.sjovik.test", session_minutes="60")
    )

    assert response.status_code == 302
    policy = SignInPolicy.objects.get(huvudman=world.huvudman)
    assert policy.domains() == ["sjovik.test", "skola.sjovik.test"] and policy.session_minutes == 60
    assert AuditEvent.objects.filter(action="signin.policy_changed", huvudman=world.huvudman).count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"email_domains": "<script>alert(1)</script>"},
            ERROR_DOMAIN % {"domain": "<script>alert(1)</script>"},
        ),
        ({"email_domains": "friskolan.test"}, ERROR_DOMAIN_TAKEN % {"domain": "friskolan.test"}),
        ({"password_sign_in": ""}, ERROR_PASSWORD_OFF_WITHOUT_SSO),
    ],
)
def test_bad_rules_are_refused_with_a_swedish_message_and_nothing_saved(client_for, world, values, message):
    SignInPolicy.objects.create(huvudman=world.other_huvudman, email_domains="friskolan.test")

    response = client_for("strategist").post(SETTINGS, policy_post(**values))

    assert response.status_code == 400
    assert escape(str(message)) in response.content.decode()
    assert not SignInPolicy.objects.filter(huvudman=world.huvudman).exists()
    assert "<script>alert" not in response.content.decode()


def test_password_sign_in_can_be_turned_off_once_a_school_account_is_in_use(client_for, world):
    oidc_for(world.huvudman, enabled=True)

    response = client_for("strategist").post(SETTINGS, policy_post(password_sign_in=""))

    assert response.status_code == 302
    assert SignInPolicy.objects.get(huvudman=world.huvudman).password_sign_in is False
