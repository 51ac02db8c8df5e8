"""The page a guesser of pupil codes meets: Swedish, in the site's layout, scanned by axe like
every page (conftest.py), and reachable by keyboard."""

from playwright.sync_api import expect

from tests.assessment_helpers import build_campaign
from tests.browser.helpers import tab_forward_to, url


def test_too_many_wrong_codes_give_a_swedish_page_that_says_to_wait(page, live_server, world, settings, axe):
    settings.GUESS_LIMIT = 2
    build_campaign(world)
    page.goto(url(live_server, "pupil_start"))
    statuses = []
    for attempt in range(settings.GUESS_LIMIT + 1):
        # The page that says the code does not exist holds the form again.
        page.get_by_role("textbox", name="Skriv koden du fått av din lärare").fill(f"OO00000{attempt}")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name="Börja").click()
        page.wait_for_load_state()
        statuses.append(answer.value.status)
    assert statuses == [404] * settings.GUESS_LIMIT + [429]
    expect(page.get_by_role("heading", level=1, name="För många försök")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Kontrollera koden med din lärare")
    expect(page.get_by_role("alert")).to_contain_text("Du kan försöka igen om 15 minuter.")
    axe()
    tab_forward_to(page, page.get_by_role("link", name="Försök igen"))
