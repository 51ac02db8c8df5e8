"""The staff questionnaire keeps each answer as it is given: "Sparat" is shown and announced,
and an answer given and left without pressing anything is there when the link is opened again
in a new browser. A link that has answered saves nothing more, and the page says so."""

from playwright.sync_api import Page, expect

from digiplan.assessments.models import Draft, Participation
from tests.assessment_helpers import build_campaign, draft_contents
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.helpers import url


def _statement(page: Page, title: str):
    return page.get_by_role("group", name=title)


def _status(page: Page):
    return page.locator("form.questionnaire-form [data-autosave-status]")


def test_an_answer_given_is_there_after_the_browser_is_closed(page: Page, browser, live_server, world):
    fx = build_campaign(world)
    participation = Participation.objects.get(person=world.staff, campaign=fx.campaign)
    link = url(live_server, "survey_token", fx.tokens[participation.pk])
    page.goto(link)
    # With script the page promises what it does; the text for pages without it is hidden.
    expect(page.get_by_text("Varje svar sparas så fort du ger det")).to_be_visible()
    expect(page.get_by_text("Dina svar sparas när du går till en annan del")).to_be_hidden()
    expect(_status(page)).to_have_attribute("role", "status")
    expect(_status(page)).to_have_attribute("aria-live", "polite")

    _statement(page, "1. Jag vet vad planen säger").get_by_role("radio", name="Stämmer ganska bra").check()
    expect(_status(page)).to_have_text("Sparat")
    expect(_status(page)).to_be_visible()
    assert_no_axe_violations(page)
    assert draft_contents(participation).answers == {fx.items["LED.P1"].pk: 4}

    # The browser is closed without pressing anything: a new one, the same link.
    page.context.close()
    again = browser.new_context(locale="sv-SE")
    try:
        second = again.new_page()
        # Part 1 is done, so the link opens at part 2; "Alla delar" shows it done.
        second.goto(link)
        expect(second.get_by_role("button", name="1. Ledning Klar")).to_be_visible()
        second.goto(f"{link}?del=1")
        expect(
            _statement(second, "1. Jag vet vad planen säger").get_by_role("radio", name="Stämmer ganska bra")
        ).to_be_checked()
        expect(second.get_by_text("Du har besvarat 1 av 2 påståenden.")).to_be_visible()
        assert_no_axe_violations(second)
    finally:
        again.close()


def test_a_used_link_saves_nothing_more_and_the_page_says_so(
    page: Page, browser_checks, browser, live_server, world
):
    # The refused save is an HTTP 409, which the browser reports on the console.
    browser_checks.ignore_console(r"status of 409")
    fx = build_campaign(world)
    participation = Participation.objects.get(person=world.staff, campaign=fx.campaign)
    link = url(live_server, "survey_token", fx.tokens[participation.pk])
    page.goto(f"{link}?del=2")
    _statement(page, "2. Jag är trygg med verktygen").get_by_role("radio", name="Stämmer delvis").check()
    expect(_status(page)).to_have_text("Sparat")

    # Submitted meanwhile in another window: the link has answered.
    other = browser.new_context(locale="sv-SE")
    try:
        tab = other.new_page()
        tab.goto(f"{link}?del=2")
        tab.locator("form.questionnaire-form").get_by_role("button", name="Skicka in", exact=True).click()
        expect(tab.get_by_role("heading", level=1)).to_contain_text("Tack")
    finally:
        other.close()
    assert not Draft.objects.exists()

    _statement(page, "2. Jag är trygg med verktygen").get_by_role("radio", name="Stämmer helt").check()
    expect(_status(page)).to_have_text(
        "Ditt senaste svar kunde inte sparas just nu. Det sparas när du går till en annan del."
    )
    assert not Draft.objects.exists()
    assert_no_axe_violations(page)


def test_without_script_the_page_says_answers_are_saved_on_page_change(browser, live_server, world):
    fx = build_campaign(world)
    participation = Participation.objects.get(person=world.staff, campaign=fx.campaign)
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    try:
        page = context.new_page()
        page.goto(url(live_server, "survey_token", fx.tokens[participation.pk]))
        expect(page.get_by_text("Dina svar sparas när du går till en annan del")).to_be_visible()
        expect(page.get_by_text("Varje svar sparas så fort du ger det")).to_be_hidden()
        _statement(page, "1. Jag vet vad planen säger").get_by_role("radio", name="Stämmer helt").check()
        assert not Draft.objects.exists()  # nothing is sent until the page changes
        page.locator("form.questionnaire-form").get_by_role("button", name="Nästa", exact=True).click()
        page.wait_for_load_state()
        assert draft_contents(participation).answers == {fx.items["LED.P1"].pk: 5}
    finally:
        context.close()
