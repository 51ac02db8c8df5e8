"""Two-step verification in a real browser: a strategist whose organisation requires it signs in
with a password, sets up the app from the key written out on the page (as someone who cannot
scan the QR code does), saves the recovery codes, and the next time signs in with one of them.

Every page is scanned by axe at teardown (see conftest.py); the enrolment page also here."""

import re
from base64 import b32decode

from playwright.sync_api import expect

from digiplan.signin import mfa
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.helpers import url, url_re
from tests.conftest import PASSWORD
from tests.signin.mfa_helpers import code_for, require_for_strategists


def test_a_strategist_enrols_from_the_written_key_and_later_signs_in_with_a_recovery_code(
    page, live_server, world, login
):
    require_for_strategists(world.huvudman)
    login(world.strategist.email, PASSWORD)

    page.wait_for_url(re.compile(re.escape(url(live_server, "mfa_enrol"))))
    expect(page.get_by_role("heading", level=1, name="Slå på tvåstegsverifiering")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR-kod"))).to_be_visible()
    assert_no_axe_violations(page)

    secret = page.locator("code.secret").inner_text()
    key = b32decode(secret.replace(" ", "")).hex()
    page.get_by_label("Kod från appen").fill(code_for(key, steps_back=1))
    page.get_by_role("button", name="Slå på").click()

    expect(page.get_by_role("heading", level=1, name="Dina reservkoder")).to_be_visible()
    codes = page.locator("ol.recovery-codes code").all_inner_texts()
    assert len(codes) == mfa.RECOVERY_CODE_COUNT
    with page.expect_download() as download:
        page.get_by_role("button", name="Ladda ner koderna som textfil").click()
    assert download.value.suggested_filename == "digiplan-reservkoder.txt"
    page.get_by_role("link", name="Jag har sparat koderna").click()
    page.wait_for_url(url_re("home"))

    page.locator(".site-header").get_by_role("button", name="Logga ut").click()
    login(world.strategist.email, PASSWORD)
    page.wait_for_url(re.compile(re.escape(url(live_server, "mfa_verify"))))
    page.get_by_label("Kod").fill(codes[0])
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url(url_re("home"))
    assert mfa.recovery_codes_left(world.strategist) == mfa.RECOVERY_CODE_COUNT - 1
