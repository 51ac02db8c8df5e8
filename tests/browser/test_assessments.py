"""The yearly self-assessment in a real browser: the leader rating, the staff questionnaire by
keyboard (also at phone width), pupil codes and the organisation's results.

Every page visited is scanned by axe and any console error fails the test (see conftest.py).
Locators use roles and accessible names; the texts asserted are the Swedish ones of
digiplan/locale/sv (the browser asks for Swedish).
"""

import csv
import io
import re

from playwright.sync_api import Locator, Page, expect

from digiplan.assessments import services
from digiplan.assessments.models import (
    Campaign,
    CampaignStatus,
    Group,
    LeaderRating,
    Participation,
    PupilCode,
    RatingStatus,
    Response,
)
from digiplan.organisations import services as org_services
from digiplan.organisations.models import Person, Role
from tests.assessment_helpers import build_campaign, open_ballots
from tests.browser.helpers import (
    assert_no_horizontal_scroll,
    main_menu,
    skip_to_content,
    url,
    url_re,
)
from tests.browser.helpers import tab_forward_to as tab_to
from tests.conftest import PASSWORD

PHONE = {"width": 360, "height": 740}


# --- Small helpers (copied from test_journeys.py, on purpose not imported) --------------------


def status(page: Page) -> Locator:
    return page.locator("ul.messages").get_by_role("status")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)


def staff_member(world, name: str, email: str, unit) -> Person:
    """One more member of staff; made before build_campaign, they get a participation."""
    person = org_services.person_create(
        actor=None, huvudman=world.huvudman, name=name, email=email, audit=False
    )
    org_services.membership_create(actor=None, person=person, organisation=unit, role=Role.STAFF, audit=False)
    return person


# --- 1. The leader rating: draft, submit, read-only, reopened -------------------------------


def rating_group(page: Page, code: str) -> Locator:
    """The fieldset of one leader indicator, named by its legend ("LED.L1 Det finns en plan")."""
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(code)}\b"))


def open_own_rating(page: Page, fx, world, state: str) -> None:
    """Skattning in the main menu → the unit's leader rating, its link saying its state."""
    main_menu(page).get_by_role("link", name="Skattning", exact=True).click()
    page.wait_for_url(url_re("campaign_list"))
    units = page.locator("section").filter(has=page.get_by_role("heading", name="Dina enheter"))
    units.get_by_role("link", name=f"{state} – ledningens skattning, Almskolan").click()
    page.wait_for_url(url_re("rating_edit", fx.campaign.pk, world.unit_a.pk))
    expect(page.get_by_role("heading", level=1, name="Ledningens skattning, Almskolan")).to_be_visible()


def test_leader_rates_saves_a_draft_submits_and_the_strategist_reopens(page, live_server, world, login):
    fx = build_campaign(world)
    comment = "Vi har en plan. <b>fet</b> & klar"
    who = "Rektor, IKT-gruppen och två lärare"
    login(world.leader_a.email, PASSWORD)

    open_own_rating(page, fx, world, "Inte påbörjad")
    led, komp = rating_group(page, "LED.L1"), rating_group(page, "KOMP.L1")
    expect(led.get_by_role("radio")).to_have_count(6)  # five levels and "Ej relevant"
    led.get_by_role("radio", name="Påbörjad", exact=True).check()
    led.get_by_role("textbox", name="Kommentar – LED.L1").fill(comment)
    komp.get_by_role("radio", name="Planerad", exact=True).check()
    page.get_by_role("textbox", name="Vilka som deltog").fill(who)
    page.get_by_role("button", name="Spara utkast").click()

    page.wait_for_url(url_re("rating_edit", fx.campaign.pk, world.unit_a.pk))
    expect(status(page)).to_contain_text("Utkastet har sparats")
    rating = LeaderRating.objects.get(campaign=fx.campaign, unit=world.unit_a)
    assert rating.status == RatingStatus.DRAFT

    # Leave and come back: everything is as it was left.
    main_menu(page).get_by_role("link", name="Start", exact=True).click()
    page.wait_for_url(url_re("home"))
    open_own_rating(page, fx, world, "Utkast")
    led, komp = rating_group(page, "LED.L1"), rating_group(page, "KOMP.L1")
    expect(led.get_by_role("radio", name="Påbörjad", exact=True)).to_be_checked()
    expect(komp.get_by_role("radio", name="Planerad", exact=True)).to_be_checked()
    expect(led.get_by_role("textbox", name="Kommentar – LED.L1")).to_have_value(comment)
    expect(komp.get_by_role("textbox", name="Kommentar – KOMP.L1")).to_have_value("")
    expect(page.get_by_role("textbox", name="Vilka som deltog")).to_have_value(who)

    page.get_by_role("button", name="Skicka in", exact=True).click()
    # A summary first; the rating is final only when confirmed there.
    page.wait_for_url(url_re("rating_confirm", fx.campaign.pk, world.unit_a.pk))
    page.get_by_role("button", name="Skicka in skattningen", exact=True).click()

    page.wait_for_url(url_re("rating_edit", fx.campaign.pk, world.unit_a.pk))
    expect(status(page)).to_contain_text("Skattningen har skickats in. Tack!")
    main = page.locator("main")
    expect(main).to_contain_text("Inskickad")
    expect(main.get_by_role("radio")).to_have_count(0)
    expect(main.get_by_role("textbox")).to_have_count(0)
    for name in ("Spara utkast", "Skicka in", "Öppna igen"):
        expect(main.get_by_role("button", name=name)).to_have_count(0)
    # The comment is shown as the text that was written, never as markup.
    expect(main.locator(".rating-comment").first).to_have_text(comment)
    expect(main.locator(".rating-comment b")).to_have_count(0)
    expect(main.locator("dd", has_text="Påbörjad")).to_be_visible()
    expect(main.locator("p.rating-comment", has_text=who)).to_be_visible()
    rating.refresh_from_db()
    assert rating.status == RatingStatus.SUBMITTED

    # The strategist reopens it with a reason, from the campaign's progress page.
    sign_out(page)
    login(world.strategist.email, PASSWORD)
    main_menu(page).get_by_role("link", name="Skattning", exact=True).click()
    page.wait_for_url(url_re("campaign_list"))
    page.locator("main").get_by_role("link", name="Skattning", exact=True).click()
    page.wait_for_url(url_re("campaign_detail", fx.campaign.pk))
    page.get_by_role("link", name="Visa – ledningens skattning, Almskolan").click()
    page.wait_for_url(url_re("rating_edit", fx.campaign.pk, world.unit_a.pk))
    expect(page.get_by_role("heading", level=2, name="Öppna skattningen igen")).to_be_visible()
    expect(page.locator(".rating-comment").first).to_have_text(comment)
    reason = "KOMP.L1 ska vara Påbörjad enligt protokollet"
    page.get_by_role("textbox", name="Varför öppnas skattningen igen?").fill(reason)
    page.get_by_role("button", name="Öppna igen").click()

    page.wait_for_url(url_re("rating_edit", fx.campaign.pk, world.unit_a.pk))
    expect(status(page)).to_contain_text("Skattningen har öppnats igen")
    rating.refresh_from_db()
    assert rating.status != RatingStatus.SUBMITTED
    assert rating.reopened_reason == reason

    # The leader can edit again, sees why and submits once more.
    sign_out(page)
    login(world.leader_a.email, PASSWORD)
    open_own_rating(page, fx, world, rating.get_status_display())
    expect(page.locator("main")).to_contain_text(f"Skattningen har öppnats igen: {reason}")
    led, komp = rating_group(page, "LED.L1"), rating_group(page, "KOMP.L1")
    expect(led.get_by_role("radio", name="Påbörjad", exact=True)).to_be_checked()
    expect(led.get_by_role("textbox", name="Kommentar – LED.L1")).to_have_value(comment)
    expect(page.get_by_role("textbox", name="Vilka som deltog")).to_have_value(who)
    komp.get_by_role("radio", name="Påbörjad", exact=True).check()
    page.get_by_role("button", name="Skicka in", exact=True).click()
    # A summary first; the rating is final only when confirmed there.
    page.wait_for_url(url_re("rating_confirm", fx.campaign.pk, world.unit_a.pk))
    page.get_by_role("button", name="Skicka in skattningen", exact=True).click()

    page.wait_for_url(url_re("rating_edit", fx.campaign.pk, world.unit_a.pk))
    expect(status(page)).to_contain_text("Skattningen har skickats in. Tack!")
    expect(page.locator("main").get_by_role("radio")).to_have_count(0)
    rating.refresh_from_db()
    assert rating.status == RatingStatus.SUBMITTED
    values = {a.item.code: a.value for a in rating.answers.select_related("item")}
    assert values == {"LED.L1": 3, "KOMP.L1": 3}


# --- 2. The staff questionnaire by keyboard alone -----------------------------------------------


def statement(page: Page, title: str) -> Locator:
    return page.get_by_role("group", name=re.compile(rf"{re.escape(title)}$"))


def expect_part(page: Page, number: int, title: str) -> None:
    expect(page.locator(".questionnaire-part")).to_have_text(f"Del {number} av 2")
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def press_button(page: Page, name: str, key: str = "Enter") -> None:
    """Tab to a button of the questionnaire form and press it."""
    tab_to(page, page.locator("form.questionnaire-form").get_by_role("button", name=name, exact=True))
    page.keyboard.press(key)


def answer_staff_questionnaire_by_keyboard(
    page: Page, live_server, world, person, fx, *, phone: bool = False
) -> None:
    participation = Participation.objects.get(person=person, campaign=fx.campaign)
    token_url = url(live_server, "survey_token", fx.tokens[participation.pk])

    def check_width():
        if phone:
            assert_no_horizontal_scroll(page)

    page.goto(token_url)

    # Part 1, Ledning: Space picks the first level, the arrows move to "Stämmer ganska bra".
    expect_part(page, 1, "Ledning")
    expect(page.get_by_text("Du har besvarat 0 av 2 påståenden.")).to_be_visible()
    check_width()
    skip_to_content(page)
    led = statement(page, "Jag vet vad planen säger")
    tab_to(page, led.get_by_role("radio", name="Stämmer inte alls"))
    page.keyboard.press("Space")
    expect(led.get_by_role("radio", name="Stämmer inte alls")).to_be_checked()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(led.get_by_role("radio", name="Stämmer ganska bra")).to_be_checked()
    expect(led.get_by_role("radio", name="Stämmer ganska bra")).to_be_focused()
    press_button(page, "Nästa")

    # Part 2, Kompetens: "Vet ej", the last choice, by the arrows.
    page.wait_for_url(re.compile(r"\?del=2(#.*)?$"))
    expect_part(page, 2, "Kompetens")
    expect(page.get_by_text("Du har besvarat 1 av 2 påståenden.")).to_be_visible()
    check_width()
    skip_to_content(page)
    komp = statement(page, "Jag är trygg med verktygen")
    tab_to(page, komp.get_by_role("radio", name="Stämmer inte alls"))
    page.keyboard.press("Space")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(komp.get_by_role("radio", name="Vet ej")).to_be_checked()
    press_button(page, "Föregående")

    # Back on part 1 the answer is kept; part 2's answer was saved on the way.
    page.wait_for_url(re.compile(r"\?del=1(#.*)?$"))
    expect_part(page, 1, "Ledning")
    expect(
        statement(page, "Jag vet vad planen säger").get_by_role("radio", name="Stämmer ganska bra")
    ).to_be_checked()
    expect(page.get_by_text("Du har besvarat 2 av 2 påståenden.")).to_be_visible()
    areas = page.get_by_role("navigation", name="Alla delar")
    expect(areas.get_by_role("button", name=re.compile(r"^2\. Kompetens"))).to_contain_text("Klar")
    check_width()
    skip_to_content(page)
    press_button(page, "Nästa", key="Space")  # Space presses a button like Enter does

    page.wait_for_url(re.compile(r"\?del=2(#.*)?$"))
    expect_part(page, 2, "Kompetens")
    expect(statement(page, "Jag är trygg med verktygen").get_by_role("radio", name="Vet ej")).to_be_checked()
    check_width()
    skip_to_content(page)
    tab_to(page, page.get_by_role("textbox", name="Kommentar (frivillig)"))
    page.keyboard.type("Bra fortbildning i år.")
    # The form as it stands now, to send once more after the back button (see below).
    stale_form = page.locator("main").inner_html()
    press_button(page, "Skicka in")

    # The thank-you page, once: the answer to the submit itself.
    expect(page.get_by_role("heading", level=1, name="Tack för dina svar!")).to_be_visible()
    expect(page.get_by_text("Dina svar är inskickade.")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Stämmer ganska bra (4)")
    check_width()
    assert len(open_ballots(fx.campaign)) == 1
    assert not Response.objects.filter(campaign=fx.campaign).exists()
    participation.refresh_from_db()
    assert participation.answered

    # The browser's back button. The pages are never_cache, so Chromium asks the server again
    # and gets the thank-you page; a browser that keeps the old form in its back-forward cache
    # shows that form instead. Either way, submitting it again stores nothing new.
    page.go_back()
    page.wait_for_url(re.compile(r"\?del=2(#.*)?$"))
    submit = page.locator("form.questionnaire-form").get_by_role("button", name="Skicka in", exact=True)
    if not submit.count():
        expect(page.get_by_role("heading", level=1, name="Tack för dina svar!")).to_be_visible()
        expect(page.get_by_text("Dina svar är redan inskickade. Tack!")).to_be_visible()
        check_width()
        # Put back the form the page had before it was submitted, as a back-forward cache would.
        page.evaluate("html => { document.querySelector('main').innerHTML = html; }", stale_form)
    expect(submit).to_be_visible()
    tab_to(page, submit)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Tack för dina svar!")).to_be_visible()
    expect(page.get_by_text("Dina svar är redan inskickade. Tack!")).to_be_visible()
    expect(page.get_by_text("Dina svar är inskickade.")).to_have_count(0)
    check_width()
    [ballot] = open_ballots(fx.campaign)
    assert ballot.unit_id == world.unit_a.pk
    assert ballot.comment == "Bra fortbildning i år."
    assert ballot.answers == {fx.items["LED.P1"].pk: 4, fx.items["KOMP.P1"].pk: None}


def test_staff_answers_by_keyboard_alone_with_the_personal_link(page, live_server, world):
    fx = build_campaign(world)
    answer_staff_questionnaire_by_keyboard(page, live_server, world, world.staff, fx)


def test_staff_answers_by_keyboard_on_a_phone(page, live_server, world):
    other = staff_member(world, "Ulla Undervisande", "ulla@sjovik.test", world.unit_a)
    fx = build_campaign(world)
    page.set_viewport_size(PHONE)
    answer_staff_questionnaire_by_keyboard(page, live_server, world, other, fx, phone=True)
    # world.staff has not answered: their participation is untouched.
    assert not Participation.objects.get(person=world.staff, campaign=fx.campaign).answered


# --- 3. Pupil codes --------------------------------------------------------------------------


def answer_as_pupil(page: Page, live_server, typed_code: str) -> None:
    page.goto(url(live_server, "pupil_start"))
    expect(page.get_by_role("heading", level=1, name="Elevenkät")).to_be_visible()
    page.get_by_role("textbox", name="Skriv koden du fått av din lärare").fill(typed_code)
    page.get_by_role("button", name="Börja").click()


def test_leader_makes_a_pupil_code_that_takes_as_many_answers_as_pupils(page, live_server, world, login):
    fx = build_campaign(world)
    login(world.leader_a.email, PASSWORD)
    main_menu(page).get_by_role("link", name="Skattning", exact=True).click()
    page.wait_for_url(url_re("campaign_list"))
    page.get_by_role("link", name=f"Koder – {fx.campaign}").click()

    page.wait_for_url(url_re("pupil_codes", fx.campaign.pk))
    expect(page.get_by_role("heading", level=1, name="Elevkoder")).to_be_visible()
    expect(page.get_by_text("Inga koder ännu.")).to_be_visible()
    unit = page.get_by_role("combobox", name="Skolenhet")
    expect(unit.locator("option")).to_have_count(1)  # only the leader's own unit
    unit.select_option(str(world.unit_a.pk))
    page.get_by_role("textbox", name="Undervisningsgrupp").fill("6B")
    page.get_by_role("spinbutton", name="Antal elever i gruppen").fill("2")
    page.get_by_role("button", name="Skapa koden").click()

    page.wait_for_url(url_re("pupil_codes", fx.campaign.pk))
    row = page.get_by_role("row").filter(has_text="6B")
    expect(row).to_contain_text("Almskolan")
    expect(row.get_by_role("cell").last).to_have_text("0 av 2")
    code = row.locator("code.pupil-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{8}", code), code
    expect(status(page)).to_contain_text(f"Koden {code} har skapats för 6B")
    assert PupilCode.objects.get(code=code).capacity == 2

    sign_out(page)

    # Two pupils answer; the second types the code in lower case with spaces.
    for typed in (code, f" {code[:4].lower()} {code[4:].lower()} "):
        answer_as_pupil(page, live_server, typed)
        page.wait_for_url(url_re("pupil_questionnaire", code))
        expect(page.get_by_role("heading", level=1, name="Elevenkät")).to_be_visible()
        expect(page.get_by_text("Almskolan · 6B")).to_be_visible()
        question = statement(page, "Jag får hjälp när datorn krånglar")
        question.get_by_role("radio", name="Stämmer ganska bra").check()
        page.get_by_role("button", name="Skicka mina svar").click()
        page.wait_for_url(url_re("pupil_done"))
        expect(page.get_by_role("heading", level=1, name="Tack!")).to_be_visible()
        expect(page.get_by_text("Dina svar är skickade.")).to_be_visible()

    # A third use is refused.
    answer_as_pupil(page, live_server, code)
    expect(page.get_by_role("heading", level=1, name="Elevenkät")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "Koden har redan använts av lika många elever som det finns i gruppen. Fråga din lärare."
    )
    expect(page.get_by_role("button", name="Skicka mina svar")).to_have_count(0)
    assert PupilCode.objects.get(code=code).used == 2
    pupil_answers = [b for b in open_ballots(fx.campaign) if b.group == Group.PUPIL]
    assert len(pupil_answers) == 2
    assert {b.unit_id for b in pupil_answers} == {world.unit_a.pk}


# --- 4. The organisation's results -------------------------------------------------------------


def results_campaign(world) -> Campaign:
    """Six staff answers at Almskolan (k is 5), two at Björkskolan; then closed."""
    for number in range(5):
        staff_member(world, f"Personal A{number}", f"personal.a{number}@sjovik.test", world.unit_a)
    for number in range(2):
        staff_member(world, f"Personal B{number}", f"personal.b{number}@sjovik.test", world.unit_b)
    fx = build_campaign(world)
    assert fx.campaign.k == 5
    led, komp = fx.items["LED.P1"], fx.items["KOMP.P1"]
    a_values = [(5, 3), (4, 2), (4, 3), (4, 4), (3, 3), (4, "na")]  # means 4.0 and 3.0
    b_values = [(1, 1), (2, 2)]
    for unit, values in ((world.unit_a, a_values), (world.unit_b, b_values)):
        participations = list(Participation.objects.filter(campaign=fx.campaign, unit=unit))
        assert len(participations) == len(values)
        for participation, (led_value, komp_value) in zip(participations, values, strict=True):
            services.response_submit(
                participation=participation, answers={str(led.pk): led_value, str(komp.pk): komp_value}
            )
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    fx.campaign.refresh_from_db()
    assert fx.campaign.status == CampaignStatus.CLOSED
    return fx.campaign


def test_strategist_reads_the_organisation_results_with_small_units_suppressed(
    page, live_server, world, login
):
    campaign = results_campaign(world)
    login(world.strategist.email, PASSWORD)
    main_menu(page).get_by_role("link", name="Skattning", exact=True).click()
    page.wait_for_url(url_re("campaign_list"))
    page.locator("main").get_by_role("link", name="Skattning", exact=True).click()
    page.wait_for_url(url_re("campaign_detail", campaign.pk))
    page.get_by_role("link", name="Resultat", exact=True).click()

    page.wait_for_url(url_re("results_org", campaign.pk))
    expect(page.get_by_role("heading", level=1, name="Resultat för organisationen")).to_be_visible()
    expect(page.locator(".results-about")).to_contain_text(
        "Ett streck (–) betyder färre än 5 svar: värdet visas inte, så att ingens svar kan kännas igen."
    )

    rates = page.get_by_role("table").filter(has=page.locator("caption", has_text="Personal som"))
    almskolan = rates.get_by_role("row").filter(has=page.get_by_role("link", name="Almskolan"))
    expect(almskolan.get_by_role("cell")).to_have_text(["6", "6", "100 %", "0", "120"])
    bjorkskolan = rates.get_by_role("row").filter(has=page.get_by_role("link", name="Björkskolan"))
    expect(bjorkskolan.get_by_role("cell").nth(1)).to_have_text("2")

    heatmap = page.get_by_role("table", name=re.compile("värmekarta"))
    expect(heatmap.get_by_role("columnheader")).to_have_text(["Enhet", "LED Ledning", "KOMP Kompetens"])
    almskolan = heatmap.get_by_role("row").filter(has=page.get_by_role("link", name="Almskolan"))
    expect(almskolan.get_by_role("cell")).to_have_text(["4,0", "3,0"])
    bjorkskolan = heatmap.get_by_role("row").filter(has=page.get_by_role("link", name="Björkskolan"))
    cells = bjorkskolan.get_by_role("cell")
    expect(cells).to_have_count(2)
    for number in range(2):
        cell = cells.nth(number)
        expect(cell.locator(".results-suppressed [aria-hidden=true]")).to_have_text("–")
        expect(cell.locator(".visually-hidden")).to_have_text("färre än 5 svar")
        expect(cell).not_to_contain_text(re.compile(r"\d,\d"))

    # The CSV for Excel: BOM, semicolons, decimal commas and the same suppression.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV för Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-resultat.csv")
    data = download.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), data[:20]
    text = data.decode("utf-8-sig")
    assert ";" in text.splitlines()[0]
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["–", "Färre än 5 svar: värdet visas inte."] in rows
    title = rows.index(["Personalens medelvärde per område"])
    assert rows[title + 1] == ["Enhet", "LED Ledning", "KOMP Kompetens"]
    heat_rows = {row[0]: row[1:] for row in rows[title + 2 : title + 4]}
    assert heat_rows == {"Almskolan": ["4,00", "3,00"], "Björkskolan": ["–", "–"]}
    # Per unit and indicator: Björkskolan's counts, means and distributions are all hidden.
    per_unit = [row for row in rows if row and row[0] == "Björkskolan" and len(row) > 8]
    assert [row[3] for row in per_unit] == ["LED.P1", "KOMP.P1", "KOMP.E1"]
    assert all(set(row[5:]) == {"–"} for row in per_unit), per_unit
    almskolan_led = next(row for row in rows if row[:1] == ["Almskolan"] and "LED.P1" in row)
    assert almskolan_led[5:8] == ["6", "0", "4,00"]

    # Almskolan's own page.
    heatmap.get_by_role("link", name="Almskolan").click()
    page.wait_for_url(url_re("results_unit", campaign.pk, world.unit_a.pk))
    expect(page.get_by_role("heading", level=1, name="Resultat för Almskolan")).to_be_visible()
    expect(page.locator(".results-about")).to_contain_text("6 i personalen har svarat")
    per_area = page.get_by_role("table", name=re.compile("per område"))
    led_row = per_area.get_by_role("row").filter(has_text="LED Ledning")
    expect(led_row.get_by_role("cell").nth(1)).to_have_text("4,0")
    crumbs = page.get_by_role("navigation", name="Brödsmulor")
    expect(crumbs.get_by_role("link", name="Resultat för organisationen")).to_be_visible()
