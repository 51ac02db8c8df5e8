"""A staff member signs in with the school account: from "Logga in med skolkonto" on the sign-in
page, through the organisation's OpenID Connect provider (oidc-provider-mock in a thread), to
the start page, signed in. Every page of Digiplan on the way is scanned by axe."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from digiplan.signin.services import policy_save
from tests.conftest import PASSWORD
from tests.signin.oidc_provider import mock_server_fixture, provider_for  # noqa: F401  (fixture)

from .conftest import assert_no_axe_violations


@pytest.fixture
def school_accounts(world, settings, live_server, mock_server):
    """Sjöviks kommun signs its staff in with OpenID Connect, its addresses end in sjovik.test."""
    settings.SITE_URL = live_server.url  # the redirect URI the provider sends the browser back to
    policy_save(actor=world.strategist, huvudman=world.huvudman, values={"email_domains": "sjovik.test"})
    provider_for(world.huvudman, mock_server.issuer, actor=world.strategist, display_name="Sjöviks skolkonto")
    mock_server.person(
        "per.personal",
        {"email": world.staff.email, "email_verified": True, "given_name": "Per", "family_name": "Personal"},
    )
    return mock_server


def hold_back(page, url_pattern: str) -> None:
    """The next request to url_pattern gets "204 No Content": the browser stays where it is, on
    Digiplan's page that was sending it on, until the test follows the page's link."""
    page.route(url_pattern, lambda route: route.fulfill(status=204), times=1)


def leave_out_the_providers_pages(browser_checks, live_server) -> None:
    """Only Digiplan's pages are ours to scan; the provider's are left out of the report."""
    for found in (browser_checks.violations, browser_checks.unscanned):
        for key in [k for k in found if not k[1].startswith(live_server.url)]:
            found.pop(key)


def test_staff_signs_in_with_the_school_account(page, live_server, world, school_accounts, browser_checks):
    # The mock provider's pages style themselves from a CDN: the test stays offline.
    page.route("https://cdn.jsdelivr.net/**", lambda route: route.fulfill(body="", content_type="text/css"))
    page.goto(live_server.url + reverse("login"))
    page.get_by_role("link", name="Logga in med skolkonto").click()

    expect(page.get_by_role("heading", level=1, name="Logga in med skolkonto")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Din e-postadress i jobbet").fill("Personal@sjovik.test")
    # Digiplan's page that sends the browser on (the provider held back once, so axe can see it).
    hold_back(page, school_accounts.issuer + "/oauth2/authorize**")
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_role("heading", level=1, name="Vidare till ditt skolkonto")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Fortsätt till inloggningen").click()

    # The provider's own sign-in page (not Digiplan's: axe is not its judge).
    expect(page).to_have_url(re.compile(re.escape(school_accounts.issuer) + "/oauth2/authorize"))
    page.get_by_role("textbox", name="Subject").fill("per.personal")
    page.get_by_role("button", name="Authorize", exact=True).click()

    expect(page).to_have_url(live_server.url + reverse("home"))
    expect(page.locator(".account-name")).to_contain_text("Per Personal")
    assert_no_axe_violations(page)

    # Signing out ends the session at the provider too, which sends the browser back here.
    hold_back(page, school_accounts.issuer + "/oauth2/end_session**")
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", level=1, name="Du är utloggad")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Logga ut från skolkontot").click()
    page.get_by_role("button", name="End session").click()

    expect(page).to_have_url(live_server.url + reverse("login"))
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)
    leave_out_the_providers_pages(browser_checks, live_server)


def test_strategist_sets_up_openid_connect(page, live_server, world, login, mock_server):
    login(world.strategist.email, PASSWORD)
    page.goto(live_server.url + reverse("signin_oidc_settings"))
    expect(page.get_by_role("heading", level=1, name="Inloggning med OpenID Connect")).to_be_visible()

    page.get_by_label("Utfärdare (issuer)").fill("http://127.0.0.1:9")
    page.get_by_label("Klient-ID").fill("digiplan")
    page.get_by_label("Klienthemlighet").fill("hemlig-nyckel")
    page.get_by_label("Används").check()
    page.get_by_role("button", name="Spara").click()

    # The provider is not there: said at the field, and the secret is not sent back.
    expect(page.locator(".field-error")).to_contain_text("discovery-dokument")
    expect(page.get_by_label("Klienthemlighet")).to_have_value("")
    assert_no_axe_violations(page)

    page.get_by_label("Utfärdare (issuer)").fill(mock_server.issuer)
    page.get_by_label("Klienthemlighet").fill("hemlig-nyckel")
    page.get_by_role("button", name="Spara").click()

    expect(page.get_by_role("status")).to_contain_text("Inställningarna för OpenID Connect är sparade.")
    assert_no_axe_violations(page)
