"""A new huvudman in a real browser: the operator creates it on the page, the strategist opens
the invitation link from the mail, chooses a password and meets the setup checklist. Every
page on the way is scanned by axe (see conftest.py)."""

import re

from django.core import mail
from playwright.sync_api import expect

from digiplan.organisations.models import Huvudman, Person
from tests.browser.helpers import sign_out, url, url_re
from tests.conftest import PASSWORD

INVITATION_LINK = re.compile(r"https?://[^/\s]+(/valkommen/[^/\s]+/[^/\s]+/)")
NEW_PASSWORD = "ny-häst-nytt-batteri-7"


def test_an_operator_starts_a_huvudman_and_its_strategist_gets_going(page, live_server, login):
    Person.objects.create_user("drift@digiplan.test", PASSWORD, name="Dora Drift", is_staff=True)
    login("drift@digiplan.test", PASSWORD)
    page.get_by_role("link", name="Ny huvudman").click()
    page.wait_for_url(url_re("onboarding_operator_create"))
    expect(page.get_by_role("heading", level=1, name="Ny huvudman")).to_be_visible()

    # A fault first: the page says what is wrong, and keeps what was written.
    page.get_by_label("Huvudmannens namn").fill("Nya kommun")
    page.get_by_label("Organisationsnummer").fill("212000-56")
    page.get_by_label("Strategens e-postadress").fill("nina@nya.test")
    page.get_by_label("Strategens namn").fill("Nina Ny")
    page.get_by_role("button", name="Skapa och skicka inbjudan").click()
    expect(page.get_by_text("Organisationsnumret är inte giltigt.")).to_be_visible()
    expect(page.get_by_label("Huvudmannens namn")).to_have_value("Nya kommun")
    assert not Huvudman.objects.filter(name="Nya kommun").exists()

    page.get_by_label("Organisationsnummer").fill("212000-5678")
    page.get_by_role("button", name="Skapa och skicka inbjudan").click()
    page.wait_for_url(url_re("onboarding_operator_list"))
    expect(page.get_by_role("status")).to_contain_text("Nya kommun har skapats")
    row = page.get_by_role("row").filter(has_text="Nya kommun")
    expect(row).to_contain_text("Inte accepterad än")
    expect(row.get_by_role("button", name=re.compile("Skicka ny inbjudan"))).to_be_visible()
    sign_out(page)

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nina@nya.test"]
    link = INVITATION_LINK.search(mail.outbox[0].body).group(1)
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1, name="Välkommen till Digiplan")).to_be_visible()
    expect(page.get_by_text("Nina Ny, du är strateg för Nya kommun.")).to_be_visible()
    page.get_by_label("Nytt lösenord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Bekräfta nytt lösenord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Spara lösenordet och logga in").click()

    page.wait_for_url(url_re("home"))
    checklist = page.get_by_role("region", name="Kom igång med Digiplan")
    expect(checklist).to_contain_text("0 av 5 klart")
    expect(checklist.get_by_role("listitem")).to_have_count(5)
    expect(checklist.get_by_role("heading", level=3)).to_have_count(5)
    expect(checklist.get_by_text("Att göra")).to_have_count(5)
    checklist.get_by_role("link", name="Importera organisationen").click()
    page.wait_for_url(url_re("import_start"))

    # The link has done its work.
    page.goto(live_server.url + link)
    expect(page.get_by_text("Inbjudningslänken fungerar inte.")).to_be_visible()
    page.goto(url(live_server, "onboarding_checklist"))
    expect(page.get_by_role("heading", level=1, name="Kom igång med Digiplan")).to_be_visible()
