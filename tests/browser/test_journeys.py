"""Whole journeys through the app in a real browser, as our users make them.

Every page visited is scanned by axe and any console error fails the test (see conftest.py).
Locators use roles, accessible names and field names; the visible texts asserted are the
Swedish ones of digiplan/locale/sv (the browser asks for Swedish).
"""

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from digiplan.audit.models import AuditEvent
from digiplan.organisations.models import Membership, Organisation, Person
from tests.browser.helpers import (
    assert_no_horizontal_scroll,
    main_menu,
    skip_to_content,
    url,
    url_re,
)
from tests.browser.helpers import tab_forward_to as tab_to
from tests.conftest import PASSWORD

IMPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


def tree_table(page: Page) -> Locator:
    return page.locator("table.tree-table")


# --- Journey 1 (and 6): import units from an Excel CSV -------------------------------------


def import_units_from_excel_csv(page: Page, live_server, world, *, phone: bool = False) -> None:
    if phone:  # on a narrow screen the menu is folded behind its button
        page.get_by_role("button", name="Meny").click()
    main_menu(page).get_by_role("link", name="Import", exact=True).click()
    page.wait_for_url(url_re("import_start"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if phone:
        assert_no_horizontal_scroll(page)

    units = page.get_by_role("radio", name=re.compile(r"^Enheter"))
    expect(units).to_have_attribute("value", "units")
    units.check()
    page.set_input_files("input[name=files]", IMPORTS / "units_excel_semicolon_bom.csv")
    page.get_by_role("button", name="Visa vad som skulle ändras").click()

    page.wait_for_url(re.compile(r"/import/\d+/$"))
    expect(page.get_by_role("heading", level=1, name="Förhandsgranskning av import")).to_be_visible()
    expect(page.get_by_text("units_excel_semicolon_bom.csv")).to_be_visible()
    summaries = page.locator("details.preview-section > summary")
    expect(summaries).to_have_text(["Enheter som läggs till (3)", "Enheter som ändras (1)"])
    summaries.first.click()
    added = page.locator("details.preview-section").first
    expect(added.get_by_text("Ängsskolan 44444444")).to_be_visible()
    expect(added.get_by_text("Öjeby förskola 55555555")).to_be_visible()
    expect(added.get_by_text("Område Söder")).to_be_visible()
    if phone:
        assert_no_horizontal_scroll(page)
    assert not Organisation.objects.filter(school_unit_code="44444444").exists()

    page.get_by_role("button", name="Importera filen", exact=True).click()

    page.wait_for_url(url_re("organisation_tree"))
    expect(page.get_by_role("status")).to_contain_text("Importen är klar")
    table = tree_table(page)
    for name in ("Område Söder", "Ängsskolan", "Öjeby förskola", "Almskolan"):
        expect(table.get_by_role("link", name=name, exact=True)).to_be_visible()
    angs_row = table.get_by_role("row").filter(has=page.get_by_role("link", name="Ängsskolan"))
    expect(angs_row).to_contain_text("44444444")
    expect(angs_row.get_by_role("cell").last).to_have_text("42")  # staff
    if phone:
        assert_no_horizontal_scroll(page)
        expect(page.get_by_role("searchbox")).to_be_in_viewport()

    table.get_by_role("link", name="Ängsskolan", exact=True).click()

    angs = Organisation.objects.get(school_unit_code="44444444")
    page.wait_for_url(url_re("organisation_detail", angs.pk))
    expect(page.get_by_role("heading", level=1, name="Ängsskolan")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts.locator("dt", has_text="Skolenhetskod")).to_be_visible()
    expect(facts.locator("dd", has_text="44444444")).to_be_visible()
    pupils = page.get_by_role("table").filter(has=page.locator("caption"))
    expect(pupils.locator("caption")).to_contain_text("260")
    expect(pupils.locator("tbody tr")).to_have_count(3)
    for band, count in (("F-3", "120"), ("4-6", "110")):
        row = pupils.locator("tbody tr").filter(has_text=band)
        expect(row.get_by_role("cell").last).to_have_text(count)
    # Almskolan's change (GR F-3 120 → 130, staff 30 → 31) was applied too.
    almskolan = Organisation.objects.get(pk=world.unit_a.pk)
    assert almskolan.staff_count == 31
    assert [(c.grade_band, c.pupils) for c in almskolan.pupil_counts.all()] == [("F-3", 130)]
    assert Organisation.objects.get(school_unit_code="55555555").parent.name == "Område Söder"
    if phone:
        assert_no_horizontal_scroll(page)


def test_strategist_imports_units_from_excel_csv(page, live_server, world, login):
    login(world.strategist.email, PASSWORD)
    import_units_from_excel_csv(page, live_server, world)


def test_import_works_on_a_phone(page, live_server, world, login):
    page.set_viewport_size({"width": 360, "height": 740})
    login(world.strategist.email, PASSWORD)
    import_units_from_excel_csv(page, live_server, world, phone=True)


def test_wide_tables_scroll_in_their_own_box_on_a_phone(page, live_server, world, login):
    page.set_viewport_size({"width": 360, "height": 740})
    login(world.strategist.email, PASSWORD)
    for name, args in (
        ("organisation_tree", ()),
        ("people_list", ()),
        ("person_detail", (world.staff.pk,)),
        ("audit_list", ()),
    ):
        page.goto(url(live_server, name, *args))
        assert_no_horizontal_scroll(page)


# --- Journey 2: a file with bad rows changes nothing ----------------------------------------


def test_bad_unit_file_lists_row_errors_and_changes_nothing(page, live_server, world, login):
    before = sorted(Organisation.objects.values_list("pk", "name", "parent_id"))
    login(world.strategist.email, PASSWORD)
    page.goto(url(live_server, "import_start"))
    page.get_by_role("radio", name=re.compile(r"^Enheter")).check()
    page.set_input_files("input[name=files]", IMPORTS / "units_bad_values.csv")
    page.get_by_role("button", name="Visa vad som skulle ändras").click()

    page.wait_for_url(re.compile(r"/import/\d+/$"))
    alert = page.get_by_role("alert")
    expect(alert.get_by_role("heading")).to_have_text(re.compile(r"^\s*(\d+) rader kan inte"))
    expect(alert).to_contain_text("Ingenting har ändrats")
    count = int(re.search(r"\d+", alert.get_by_role("heading").inner_text()).group())
    assert count >= 5  # five bad rows; a row may have several errors
    rows = page.locator("ul.error-rows > li")
    expect(rows.first).to_have_text(re.compile(r"^Rad 2: .*1234567.*8 siffror"))
    expect(rows).to_have_count(count)
    for line in range(2, 7):
        expect(rows.filter(has_text=re.compile(rf"^Rad {line}:")).first).to_be_visible()
    expect(page.get_by_role("button", name="Importera filen", exact=True)).to_have_count(0)

    page.get_by_role("button", name="Tillbaka").click()

    page.wait_for_url(url_re("import_start"))
    expect(page.get_by_role("status")).to_contain_text("Ingenting har ändrats")
    main_menu(page).get_by_role("link", name="Organisation").click()
    page.wait_for_url(url_re("organisation_tree"))
    expect(tree_table(page).get_by_role("link", name="Almskolan")).to_be_visible()
    expect(page.get_by_role("link", name="Sjuställig")).to_have_count(0)
    assert sorted(Organisation.objects.values_list("pk", "name", "parent_id")) == before


# --- Journey 3: the keyboard only -------------------------------------------------------------


def test_keyboard_only_create_move_and_deactivate_a_unit(page, live_server, world, login):
    login(world.strategist.email, PASSWORD)

    # Home page → the tree through the main menu; the skip link comes first.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Hoppa till innehållet")).to_be_focused()
    tab_to(page, main_menu(page).get_by_role("link", name="Organisation"))
    page.keyboard.press("Enter")
    page.wait_for_url(url_re("organisation_tree"))

    # The tree → Område Norr, past everything in the header thanks to the skip link.
    skip_to_content(page)
    tab_to(page, tree_table(page).get_by_role("link", name="Område Norr"), limit=15)
    page.keyboard.press("Enter")
    page.wait_for_url(url_re("organisation_detail", world.omrade.pk))

    # Område Norr → a new unit below it.
    skip_to_content(page)
    tab_to(page, page.get_by_role("link", name="Lägg till en organisationsdel under"))
    page.keyboard.press("Enter")
    page.wait_for_url(url_re("organisation_create", world.omrade.pk))

    skip_to_content(page)
    expect(page.locator("select[name=type]")).to_have_value("skolenhet")  # the default here
    tab_to(page, page.locator("input[name=name]"))
    page.keyboard.type("Lindskolan")
    tab_to(page, page.locator("input[name=school_unit_code]"))
    page.keyboard.type("66666666")
    for form in ("FKLASS", "GR"):
        checkbox = page.locator(f"input[name=school_forms][value={form}]")
        tab_to(page, checkbox)
        page.keyboard.press("Space")
        expect(checkbox).to_be_checked()
    tab_to(page, page.locator("input[name=pupils]"))
    page.keyboard.type("FKLASS=20, GR F-3=80, GR 4-6=75")
    tab_to(page, page.locator("input[name=staff_count]"))
    page.keyboard.type("19")
    tab_to(page, page.get_by_role("button", name="Spara"))
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/organisation/\d+/(#.*)?$"))
    unit = Organisation.objects.get(school_unit_code="66666666")
    expect(page).to_have_url(url_re("organisation_detail", unit.pk))
    assert unit.parent_id == world.omrade.pk
    assert sorted(f.school_form for f in unit.school_forms.all()) == ["FKLASS", "GR"]
    assert unit.staff_count == 19
    expect(page.get_by_role("heading", level=1, name="Lindskolan")).to_be_visible()
    expect(page.locator("dl.facts dd", has_text="66666666")).to_be_visible()
    expect(page.locator("table caption")).to_contain_text("175")

    # Move it to Utbildningsförvaltningen.
    skip_to_content(page)
    tab_to(page, page.get_by_role("link", name="Flytta"))
    page.keyboard.press("Enter")
    page.wait_for_url(url_re("organisation_move", unit.pk))
    skip_to_content(page)
    select = page.locator("select[name=new_parent]")
    tab_to(page, select)
    expect(select).to_have_value(str(world.omrade.pk))
    page.keyboard.press("Home")  # a closed select: Home/arrows change the choice
    for _ in range(select.locator("option").count()):
        if select.input_value() == str(world.forvaltning.pk):
            break
        page.keyboard.press("ArrowDown")
    expect(select).to_have_value(str(world.forvaltning.pk))
    tab_to(page, page.get_by_role("button", name="Flytta"))
    page.keyboard.press("Enter")

    page.wait_for_url(url_re("organisation_detail", unit.pk))
    crumbs = page.get_by_role("navigation", name="Brödsmulor")
    expect(crumbs.get_by_role("link", name="Utbildningsförvaltningen")).to_be_visible()
    expect(crumbs.get_by_role("link", name="Område Norr")).to_have_count(0)
    unit.refresh_from_db()
    assert unit.parent_id == world.forvaltning.pk

    # Deactivate it (Space activates a button like Enter does).
    skip_to_content(page)
    tab_to(page, page.get_by_role("button", name="Inaktivera"))
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", level=1).locator(".badge-inactive")).to_have_text("inaktiverad")
    expect(page.get_by_role("button", name="Aktivera igen")).to_be_visible()
    unit.refresh_from_db()
    assert unit.is_active is False


# --- Journey 4: people, roles and the audit trail --------------------------------------------


def test_strategist_adds_a_person_with_a_role_and_sees_it_in_the_log(page, live_server, world, login):
    login(world.strategist.email, PASSWORD)
    main_menu(page).get_by_role("link", name="Personer").click()
    page.wait_for_url(url_re("people_list"))
    page.get_by_role("link", name="Lägg till en person").click()

    page.wait_for_url(url_re("person_create"))
    page.get_by_role("textbox", name="Namn").fill("Greta Gran")
    page.get_by_role("textbox", name="E-postadress").fill("greta.gran@sjovik.test")
    page.get_by_role("button", name="Spara").click()

    page.wait_for_url(re.compile(r"/personer/\d+/$"))
    greta = Person.objects.get(email="greta.gran@sjovik.test")
    expect(page.get_by_role("heading", level=1, name="Greta Gran")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Greta Gran")
    page.get_by_role("combobox", name="Var i organisationen").select_option(str(world.unit_a.pk))
    page.get_by_role("combobox", name=re.compile(r"^Roll:?$")).select_option("staff")
    page.get_by_role("checkbox", name="Undervisande personal").check()
    page.get_by_role("button", name="Lägg till rollen").click()

    page.wait_for_url(url_re("person_detail", greta.pk))
    expect(page.get_by_role("status")).to_be_visible()
    roles = page.locator("section[aria-labelledby=roles-heading] table")
    expect(roles.locator("tbody tr")).to_have_count(1)
    expect(roles.locator("tbody tr")).to_contain_text("Personal (undervisande)")
    expect(roles.get_by_role("link", name="Almskolan")).to_be_visible()
    membership = Membership.objects.get(person=greta)
    assert (membership.organisation_id, membership.role, membership.is_teaching) == (
        world.unit_a.pk,
        "staff",
        True,
    )

    # The people list, filtered by name.
    main_menu(page).get_by_role("link", name="Personer").click()
    page.wait_for_url(url_re("people_list"))
    page.get_by_role("searchbox", name="Sök på namn eller e-postadress").fill("greta")
    page.get_by_role("button", name="Filtrera").click()
    page.wait_for_url(re.compile(r"/personer/\?.*q=greta"))
    people = page.locator("main table tbody tr")
    expect(people).to_have_count(1)
    expect(people.get_by_role("link", name="Greta Gran")).to_be_visible()
    expect(people).to_contain_text("greta.gran@sjovik.test")
    expect(people).to_contain_text("Almskolan")

    # The audit trail: the person and the role the strategist wrote.
    main_menu(page).get_by_role("link", name="Logg", exact=True).click()
    page.wait_for_url(url_re("audit_list"))
    kind = page.get_by_role("combobox", name="Typ av objekt")
    kind.select_option(label="Person")
    page.get_by_role("button", name="Filtrera").click()
    page.wait_for_url(re.compile(r"/logg/\?.*typ=person"))
    events = page.locator("main table tbody tr")
    expect(events.filter(has_text="Greta Gran")).to_have_count(1)
    greta_event = events.filter(has_text="Greta Gran")
    expect(greta_event).to_contain_text("Person tillagd")
    expect(greta_event).to_contain_text("Sara Strateg")
    expect(events.filter(has_text="Roll tilldelad")).to_have_count(0)  # only people here

    page.get_by_role("combobox", name="Typ av objekt").select_option(label="Roll")
    page.get_by_role("searchbox", name="Objektets namn").fill("Greta")
    page.get_by_role("button", name="Filtrera").click()
    page.wait_for_url(re.compile(r"/logg/\?.*typ=membership"))
    expect(events).to_have_count(1)
    expect(events).to_contain_text("Roll tilldelad")
    expect(events).to_contain_text("Almskolan")
    assert set(AuditEvent.objects.filter(actor_label__icontains="Sara").values_list("action", flat=True)) >= {
        "person.create",
        "membership.create",
    }


# --- Journey 5: a unit leader sees only their unit ------------------------------------------


def test_unit_leader_sees_only_their_unit_and_no_admin_pages(page, live_server, world, login, axe):
    login(world.leader_a.email, PASSWORD)
    menu = main_menu(page)
    expect(menu.get_by_role("link", name="Organisation")).to_be_visible()
    for name in ("Import", "Personer", "Logg", "Rolltitlar"):
        expect(menu.get_by_role("link", name=name, exact=True)).to_have_count(0)

    menu.get_by_role("link", name="Organisation").click()
    page.wait_for_url(url_re("organisation_tree"))
    rows = tree_table(page).locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("link", name="Almskolan")).to_be_visible()
    for other in ("Björkskolan", "Ekskolan", "Område Norr"):
        expect(page.get_by_role("link", name=other)).to_have_count(0)

    response = page.goto(url(live_server, "people_list"))
    assert response.status == 403
    expect(page.locator("body")).not_to_contain_text("Greta")  # nothing of the list leaks
    expect(page.locator("body")).not_to_contain_text(world.staff.email)
    axe()  # the 403 page must be accessible too (the automatic scan would also catch it)


# --- Journey 7: the language button -----------------------------------------------------------


def test_switch_to_english_in_the_header(page, live_server, world, login):
    login(world.strategist.email, PASSWORD)
    page.goto(url(live_server, "organisation_tree"))
    expect(page.get_by_role("columnheader", name="Skolenhetskod")).to_be_visible()

    page.locator("form.language-form").get_by_role("button", name="English").click()

    expect(page.get_by_role("columnheader", name="School unit code")).to_be_visible()
    expect(page).to_have_url(url_re("organisation_tree"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1, name="Organisation")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Main menu").get_by_role("link", name="People")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Filter")).to_be_visible()

    # The choice sticks on the next page, and the button now offers Swedish.
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Import").click()
    page.wait_for_url(url_re("import_start"))
    expect(page.get_by_role("radio", name=re.compile(r"^Units"))).to_be_visible()
    page.locator("form.language-form").get_by_role("button", name="Svenska").click()
    expect(page.get_by_role("radio", name=re.compile(r"^Enheter"))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
