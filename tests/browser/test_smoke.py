"""Smoke tests: the login page renders, passes axe, switches language, and signs a person in."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from digiplan.organisations.services import huvudman_create, person_create

from .conftest import BrowserChecks, assert_no_axe_violations

PASSWORD = "korrekt-hast-batteri"


def test_login_page_in_swedish_then_english(page, live_server):
    page.goto(live_server.url + reverse("login"))
    expect(page.get_by_role("heading", level=1, name="Logga in")).to_be_visible()
    assert_no_axe_violations(page)  # also done automatically for every page at teardown

    page.locator("form.language-form").get_by_role("button", name="English").click()

    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(re.escape(reverse("login")) + "$"))


def test_sign_in_lands_on_home_page(page, live_server, login):
    huvudman = huvudman_create(name="Testkommun", organisation_number="212000-1234")
    person = person_create(
        actor=None, huvudman=huvudman, name="Test Testsson", email="test.testsson@example.se"
    )
    person.set_password(PASSWORD)
    person.save()

    login("Test.Testsson@example.se", PASSWORD)

    expect(page).to_have_url(live_server.url + reverse("home"))
    expect(page.locator(".account-name")).to_contain_text("Test Testsson")


def test_checks_catch_csp_and_axe_violations(context, live_server):
    """The checker itself: an inline script (blocked by our CSP) and an image without alt text
    on a real page of the app must both be reported."""
    raw = context.new_page()  # not the checked `page`: this test expects the failure
    checks = BrowserChecks(raw)
    raw.goto(live_server.url + reverse("login"))
    raw.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.append(script);
        const img = document.createElement("img");
        img.src = "data:,";
        document.body.append(img);
    }""")
    assert raw.evaluate("window.injected") is None
    checks.scan_now()

    with pytest.raises(pytest.fail.Exception) as failure:
        checks.finish()
    report = str(failure.value)
    assert "Content Security Policy" in report
    assert "image-alt" in report
