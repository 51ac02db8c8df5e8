"""The frameworks pages in a real browser: authoring a plan by keyboard alone, versioning,
importing a framework file, what a unit leader may see, and the English titles.

Every page visited is scanned by axe and any console error fails the test (see conftest.py).
The visible texts asserted are the Swedish ones of digiplan/locale/sv (the browser asks for
Swedish).
"""

import re
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from digiplan.frameworks.exchange import import_framework
from digiplan.frameworks.models import Framework, FrameworkVersion, Item, Responsibility, VersionStatus
from tests.browser.helpers import is_focused, main_menu, url, url_re
from tests.conftest import PASSWORD
from tests.framework_helpers import MUNICIPAL, NATIONAL, build_frameworks

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"
OTHER_PLAN = FIXTURES / "annan-kommun-plan.yaml"


VERSION_URL = re.compile(r"/ramverk/version/(\d+)/(#.*)?$")


def item_heads(page: Page) -> Locator:
    return page.locator("ol.framework-items .item-head")


def framework_item(page: Page, code: str) -> Locator:
    """The <li> of the item with exactly this code on a version's page."""
    return page.locator("li.framework-item").filter(
        has=page.locator(".item-code", has_text=re.compile(rf"^{re.escape(code)}$"))
    )


# --- Keyboard helpers -------------------------------------------------------------------------


# Which way the target lies from where sequential focus navigation starts: the focused element,
# or — right after a load at …#fragment, with nothing focused — the fragment's target.
_DIRECTION = """target => {
    let from = document.activeElement;
    if (!from || from === document.body) {
        const id = decodeURIComponent(location.hash.slice(1));
        from = id ? document.getElementById(id) : null;
        if (!from) return "Tab";
    }
    if (from === target || from.contains(target)) return "Tab";
    return (from.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_PRECEDING)
        ? "Shift+Tab" : "Tab";
}"""


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab, if the target lies behind) until the target has the focus.

    Only keys move the focus; the page is merely read to choose the direction.
    """
    expect(target).to_be_attached()
    if is_focused(target):
        return
    key = target.evaluate(_DIRECTION)
    for _ in range(limit):
        page.keyboard.press(key)
        if is_focused(target):
            return
    active = page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{target} never got the focus by {key}; the focus is on {active}")


def skip_to_content(page: Page) -> None:
    """On a freshly loaded page without a fragment, the first Tab stop is the skip link."""
    if "#" in page.url:
        return  # focus navigation starts at the fragment's target already
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def type_into(page: Page, field: Locator, text: str) -> None:
    tab_to(page, field)
    page.keyboard.type(text)
    expect(field).to_have_value(text)


def choose_by_keyboard(page: Page, select: Locator, value: str) -> None:
    """Focus a closed <select> by Tab and change its choice with Home and the arrow keys."""
    tab_to(page, select)
    page.keyboard.press("Home")
    for _ in range(select.locator("option").count()):
        if select.input_value() == value:
            break
        page.keyboard.press("ArrowDown")
    expect(select).to_have_value(value)


def press(page: Page, target: Locator, key: str = "Enter") -> None:
    tab_to(page, target)
    page.keyboard.press(key)


# --- 1. The whole journey, by keyboard alone ---------------------------------------------------


def add_area_by_keyboard(page: Page, code: str, title: str, link: str | None = None) -> Item:
    press(page, page.get_by_role("link", name="Lägg till ett område"))
    page.wait_for_url(re.compile(r"/ramverk/version/\d+/ny-punkt/$"))
    expect(page.get_by_role("heading", level=1, name="Ny punkt")).to_be_visible()
    skip_to_content(page)
    expect(page.locator("select[name=kind]")).to_have_value("area")  # the default at the top
    type_into(page, page.locator("input[name=code]"), code)
    type_into(page, page.locator("input[name=title]"), title)
    if link:
        checkbox = page.get_by_role("checkbox", name=link)
        tab_to(page, checkbox)
        page.keyboard.press("Space")
        expect(checkbox).to_be_checked()
    press(page, page.get_by_role("button", name="Spara"))
    page.wait_for_url(re.compile(r"/ramverk/version/\d+/#item-\d+$"))
    item = Item.objects.get(version__framework__slug="testplan", code=code)
    expect(page).to_have_url(re.compile(rf"#item-{item.pk}$"))
    expect(page.get_by_role("status")).to_contain_text(f"{code} har lagts till")
    expect(page.locator(f"#item-{item.pk} .item-title")).to_have_text(title)
    return item


def test_keyboard_only_create_link_reorder_publish_and_follow_the_chain(page, live_server, world, login):
    import_framework(NATIONAL, huvudman=None, actor=None, publish=True)
    login(world.strategist.email, PASSWORD)

    # Home → Ramverk in the main menu; the skip link comes first.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Hoppa till innehållet")).to_be_focused()
    press(page, main_menu(page).get_by_role("link", name="Ramverk"))
    page.wait_for_url(url_re("framework_list"))
    expect(page.get_by_role("heading", level=1, name="Ramverk")).to_be_visible()
    expect(page.get_by_role("link", name="Nationell strategi (test)", exact=True)).to_be_visible()

    # A new, empty framework "Testplan".
    skip_to_content(page)
    press(page, page.get_by_role("link", name="Nytt ramverk"))
    page.wait_for_url(url_re("framework_create"))
    skip_to_content(page)
    type_into(page, page.locator("input[name=name]"), "Testplan")
    type_into(page, page.locator("input[name=slug]"), "testplan")
    choose_by_keyboard(page, page.locator("select[name=kind]"), "plan")
    expect(page.locator("select[name=template]")).to_have_value("")  # "Ett tomt ramverk"
    expect(page.locator("select[name=template] option:checked")).to_have_text("Ett tomt ramverk")
    press(page, page.get_by_role("button", name="Skapa utkast"))

    page.wait_for_url(VERSION_URL)
    draft = FrameworkVersion.objects.get(framework__slug="testplan", framework__huvudman=world.huvudman)
    expect(page).to_have_url(url_re("version_detail", draft.pk))
    expect(page.get_by_role("heading", level=1, name="Testplan")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Ramverket har skapats som utkast")
    expect(page.locator("p.lead .badge")).to_have_text("utkast")

    # Two areas; the first derives from the national sub-goal 1.2 ("Bygger på").
    skip_to_content(page)
    dk = add_area_by_keyboard(
        page, "DK", "Digital kompetens", link="Nationell strategi (test): 1.2 Personal har kompetens"
    )
    expect(page.locator(f"#item-{dk.pk}")).to_contain_text("Bygger på: Nationell strategi (test) 1.2")
    assert [i.code for i in dk.links.all()] == ["1.2"]
    lt = add_area_by_keyboard(page, "LT", "Likvärdig tillgång")
    expect(item_heads(page).locator(".item-code")).to_have_text(["DK", "LT"])
    expect(page.get_by_role("button", name="Flytta upp DK")).to_be_disabled()
    expect(page.get_by_role("button", name="Flytta ned LT")).to_be_disabled()

    # Reorder with "Flytta upp": the page comes back with the focus on a move button of the moved
    # item that is still enabled (its down button, now that LT is at the top).
    press(page, page.get_by_role("button", name="Flytta upp LT"))
    page.wait_for_url(re.compile(rf"#move-(up|down)-{lt.pk}$"))
    expect(page.get_by_role("status")).to_contain_text("LT har flyttats uppåt")
    expect(item_heads(page).locator(".item-code")).to_have_text(["LT", "DK"])
    assert list(draft.items.filter(parent=None).order_by("order").values_list("code", flat=True)) == [
        "LT",
        "DK",
    ]
    tab_to(page, page.get_by_role("button", name="Flytta ned LT"), limit=1)  # at most one key
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"#move-(up|down)-{lt.pk}$"))
    expect(page.get_by_role("status")).to_contain_text("LT har flyttats nedåt")
    expect(item_heads(page).locator(".item-code")).to_have_text(["DK", "LT"])
    tab_to(page, page.get_by_role("button", name="Flytta upp LT"), limit=1)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"#move-(up|down)-{lt.pk}$"))
    expect(item_heads(page).locator(".item-code")).to_have_text(["LT", "DK"])
    assert list(draft.items.filter(parent=None).order_by("order").values_list("code", flat=True)) == [
        "LT",
        "DK",
    ]

    # A responsibility for Personal on DK.
    press(page, page.get_by_role("link", name="Lägg till ansvar"))
    page.wait_for_url(url_re("responsibility_create", draft.pk))
    expect(page.get_by_role("heading", level=1, name="Nytt ansvar")).to_be_visible()
    skip_to_content(page)
    choose_by_keyboard(page, page.locator("select[name=role]"), "staff")
    expect(page.locator("select[name=role] option:checked")).to_have_text("Personal")
    choose_by_keyboard(page, page.locator("select[name=area]"), str(dk.pk))
    expect(page.locator("select[name=area] option:checked")).to_have_text("DK Digital kompetens")
    type_into(
        page,
        page.get_by_role("textbox", name="Ansvar", exact=True),
        "Ansvara för min egen digitala kompetens",
    )
    press(page, page.get_by_role("button", name="Spara"))
    page.wait_for_url(re.compile(r"/ramverk/version/\d+/#responsibilities$"))
    responsibilities = page.locator("#responsibilities tbody tr")
    expect(responsibilities).to_have_count(1)
    expect(responsibilities).to_contain_text("Personal")
    expect(responsibilities).to_contain_text("DK Digital kompetens")
    expect(responsibilities).to_contain_text("Ansvara för min egen digitala kompetens")

    # Publish (the button lies above the focus start: Shift+Tab gets there).
    press(page, page.get_by_role("button", name="Publicera"))
    page.wait_for_url(url_re("version_detail", draft.pk))
    expect(page.get_by_role("status")).to_contain_text("Versionen har publicerats")
    expect(page.locator("p.lead")).to_contain_text("v1, publicerad")
    expect(page.get_by_role("button", name="Publicera")).to_have_count(0)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED

    # Sign out; sign in as a member of staff, by keyboard too.
    press(page, page.get_by_role("button", name="Logga ut"))
    page.wait_for_url(re.compile(re.escape(reverse("login")) + r"(\?.*)?$"))
    expect(page.locator("input[name=username]")).to_be_focused()  # autofocus
    type_into(page, page.locator("input[name=username]"), world.staff.email)
    type_into(page, page.locator("input[name=password]"), PASSWORD)
    page.keyboard.press("Enter")  # submits the form from its last field
    page.wait_for_url(url_re("home"))

    # "Mitt ansvar" shows the responsibility with its area.
    press(page, main_menu(page).get_by_role("link", name="Mitt ansvar"))
    page.wait_for_url(url_re("my_responsibilities"))
    expect(page.get_by_role("heading", level=1, name="Mitt ansvar")).to_be_visible()
    group = page.locator("section").filter(has=page.get_by_role("heading", name="Testplan"))
    rows = group.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Ansvara för min egen digitala kompetens")
    expect(rows).to_contain_text("Personal")
    area_link = rows.get_by_role("link", name="DK Digital kompetens")
    expect(area_link).to_be_visible()

    # The area's chain of steering: the national sub-goal 1.2 above it.
    skip_to_content(page)
    press(page, area_link)
    page.wait_for_url(url_re("item_chain", dk.pk))
    expect(page.get_by_role("heading", level=1, name="Styrkedja")).to_be_visible()
    expect(page.locator("p.lead")).to_have_text("DK Digital kompetens")
    up = page.locator("section").filter(
        has=page.get_by_role("heading", name="Bygger på (upp till den nationella strategin)")
    )
    national_12 = up.get_by_role("link", name="1.2 Personal har kompetens")
    expect(national_12).to_be_visible()
    expect(up).to_contain_text("1 Digital kompetens för alla i skolväsendet ›")
    expect(up).to_contain_text("Nationell strategi (test)")
    cited_by = page.locator("section").filter(
        has=page.get_by_role("heading", name="Punkter som bygger på den här")
    )
    expect(cited_by).to_contain_text("Ingen punkt bygger på den här än.")


# --- 1b. Moving keeps the keyboard focus --------------------------------------------------------


def draft_with_three_areas(world) -> FrameworkVersion:
    import_framework(NATIONAL, huvudman=None, actor=None, publish=True)
    return import_framework(
        MUNICIPAL.replace(
            "  - code: LT\n", "  - code: ST\n    kind: area\n    title: Styrning\n  - code: LT\n"
        ),
        huvudman=world.huvudman,
        actor=world.strategist,
    )


def test_focus_stays_on_the_move_button_so_enter_moves_again(page, live_server, world, login):
    draft = draft_with_three_areas(world)
    lt = draft.items.get(code="LT")
    login(world.strategist.email, PASSWORD)
    page.goto(url(live_server, "version_detail", draft.pk))
    expect(item_heads(page).locator(".item-code")).to_have_text(["DK", "DK.1", "DK.1.L", "ST", "LT"])
    skip_to_content(page)
    press(page, page.get_by_role("button", name="Flytta upp LT"))

    page.wait_for_url(re.compile(rf"#move-(up|down)-{lt.pk}$"))
    expect(item_heads(page).locator(".item-code")).to_have_text(["DK", "DK.1", "DK.1.L", "LT", "ST"])
    expect(page.get_by_role("button", name="Flytta upp LT")).to_be_focused()
    page.keyboard.press("Enter")  # again, without moving the focus

    page.wait_for_url(re.compile(rf"#move-(up|down)-{lt.pk}$"))
    expect(page.get_by_role("status")).to_contain_text("LT har flyttats uppåt")
    expect(item_heads(page).locator(".item-code")).to_have_text(["LT", "DK", "DK.1", "DK.1.L", "ST"])


def test_focus_is_on_a_move_button_after_moving_to_the_edge(page, live_server, world, login):
    draft = draft_with_three_areas(world)
    st = draft.items.get(code="ST")
    login(world.strategist.email, PASSWORD)
    page.goto(url(live_server, "version_detail", draft.pk))
    skip_to_content(page)
    press(page, page.get_by_role("button", name="Flytta ned ST"))  # ST becomes the last area

    page.wait_for_url(re.compile(rf"#move-(up|down)-{st.pk}$"))
    expect(item_heads(page).locator(".item-code")).to_have_text(["DK", "DK.1", "DK.1.L", "LT", "ST"])
    expect(page.get_by_role("button", name="Flytta ned ST")).to_be_disabled()
    expect(page.get_by_role("button", name="Flytta upp ST")).to_be_focused(timeout=2000)


# --- 2. A published version is frozen; changes go through a new draft ------------------------


def test_published_version_is_changed_through_a_new_draft_and_compared(page, live_server, world, login):
    import_framework(NATIONAL, huvudman=None, actor=None, publish=True)
    v1 = import_framework(MUNICIPAL, huvudman=world.huvudman, actor=world.strategist, publish=True)
    old_title, new_title = "All personal har adekvat kompetens", "All personal har god digital kompetens"
    login(world.strategist.email, PASSWORD)
    main_menu(page).get_by_role("link", name="Ramverk").click()
    page.wait_for_url(url_re("framework_list"))
    page.get_by_role("link", name="Sjöviks digitaliseringsplan").click()

    page.wait_for_url(url_re("version_detail", v1.pk))
    expect(page.locator("p.lead")).to_contain_text("v1, publicerad")
    expect(framework_item(page, "DK.1").locator(".item-title")).to_have_text(old_title)
    content = page.locator("main")
    for name in ("Ändra", "Lägg till under", "Flytta upp", "Flytta ned", "Ta bort"):
        expect(content.get_by_role("button", name=re.compile(f"^{name}"))).to_have_count(0)
        expect(content.get_by_role("link", name=re.compile(f"^{name}"))).to_have_count(0)
    for name in ("Lägg till ett område", "Lägg till ansvar", "Lägg till ett mätbart mål"):
        expect(content.get_by_role("link", name=name)).to_have_count(0)
    expect(content.get_by_role("button", name="Publicera")).to_have_count(0)
    expect(page.get_by_role("link", name="Jämför versioner")).to_have_count(0)  # one version

    page.get_by_role("button", name="Starta ett nytt utkast utifrån den här versionen").click()

    page.wait_for_url(VERSION_URL)
    draft = FrameworkVersion.objects.get(framework=v1.framework, status=VersionStatus.DRAFT)
    expect(page).to_have_url(url_re("version_detail", draft.pk))
    expect(page.get_by_role("status")).to_contain_text("Ett nytt utkast har startats")
    expect(page.locator("p.lead .badge")).to_have_text("utkast")
    page.get_by_role("link", name="Ändra DK.1", exact=True).click()

    item = draft.items.get(code="DK.1")
    page.wait_for_url(url_re("item_edit", item.pk))
    expect(page.get_by_role("heading", level=1, name="Ändra DK.1")).to_be_visible()
    title = page.get_by_role("textbox", name="Titel", exact=True)
    expect(title).to_have_value(old_title)
    title.fill(new_title)
    page.get_by_role("button", name="Spara").click()

    page.wait_for_url(re.compile(rf"/ramverk/version/{draft.pk}/#item-{item.pk}$"))
    expect(page.get_by_role("status")).to_contain_text("Ändringarna har sparats")
    expect(page.locator(f"#item-{item.pk} .item-title")).to_have_text(new_title)
    page.get_by_role("button", name="Publicera").click()

    page.wait_for_url(url_re("version_detail", draft.pk))
    expect(page.get_by_role("status")).to_contain_text("Versionen har publicerats")
    expect(page.locator("p.lead")).to_contain_text("v2, publicerad")
    versions = page.get_by_role("navigation", name="Versioner")
    expect(versions.get_by_role("link", name="v2")).to_have_attribute("aria-current", "page")
    expect(versions.get_by_role("link", name="v1 (arkiverad)")).to_be_visible()
    page.get_by_role("link", name="Jämför versioner").click()

    page.wait_for_url(re.compile(re.escape(reverse("version_diff", args=[v1.framework.pk]))))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Jämför versioner av Sjöviks digitaliseringsplan"
    )
    expect(page.get_by_role("combobox", name="Från")).to_have_value(str(v1.pk))
    expect(page.get_by_role("combobox", name="Till")).to_have_value(str(draft.pk))
    expect(page.get_by_role("heading", level=2, name="Från v1 till v2")).to_be_visible()
    changed = page.locator("li").filter(has_text=re.compile(r"^\s*DK\.1:"))
    expect(changed).to_have_count(1)
    expect(changed.locator("del")).to_have_text(old_title)
    expect(changed.locator("ins")).to_have_text(new_title)
    expect(changed).to_contain_text("title")
    # Only the title changed.
    expect(page.locator("main del")).to_have_count(1)
    expect(page.locator("main ins")).to_have_count(1)


# --- 3. Importing a framework file --------------------------------------------------------------


def test_import_refuses_a_bad_file_with_line_numbers_and_accepts_a_good_one(
    page, live_server, world, login, tmp_path
):
    call_command("load_frameworks")  # the fixture links to the real national strategy
    text = OTHER_PLAN.read_text(encoding="utf-8")
    lines = text.splitlines()
    # The error names the line of the unknown key itself, two below the item's first line.
    line = next(n for n, row in enumerate(lines, start=1) if row.strip() == "- code: A1.2")
    bad = text.replace(
        "      - code: A1.2\n        kind: requirement\n",
        "      - code: A1.2\n        kind: requirement\n        färg: blå\n",
    )
    assert bad != text
    bad_file = tmp_path / "fel-plan.yaml"
    bad_file.write_text(bad, encoding="utf-8")
    frameworks_before = Framework.objects.count()

    login(world.strategist.email, PASSWORD)
    main_menu(page).get_by_role("link", name="Ramverk").click()
    page.wait_for_url(url_re("framework_list"))
    page.get_by_role("link", name="Importera en ramverksfil").click()
    page.wait_for_url(url_re("framework_import"))
    expect(page.get_by_role("heading", level=1, name="Importera en ramverksfil")).to_be_visible()
    file_input = page.get_by_label("Ramverksfil (YAML)")
    file_input.set_input_files(bad_file)
    page.get_by_role("button", name="Importera filen", exact=True).click()

    alert = page.get_by_role("alert")
    expect(alert.get_by_role("heading", name="Filen importerades inte")).to_be_visible()
    errors = alert.locator("li")
    expect(errors).to_have_count(1)
    expect(errors.first).to_have_text(
        re.compile(rf"^Rad {line + 2}: Okänd nyckel ”färg” för en punkt\. Tillåtna nycklar: .*children.*")
    )
    expect(page).to_have_url(url_re("framework_import"))
    assert Framework.objects.count() == frameworks_before
    assert not Framework.objects.filter(slug="annan-kommun-plan").exists()

    page.get_by_label("Ramverksfil (YAML)").set_input_files(OTHER_PLAN)
    page.get_by_role("button", name="Importera filen", exact=True).click()

    page.wait_for_url(VERSION_URL)
    version = FrameworkVersion.objects.get(
        framework__slug="annan-kommun-plan", framework__huvudman=world.huvudman
    )
    expect(page).to_have_url(url_re("version_detail", version.pk))
    assert version.status == VersionStatus.DRAFT
    expect(page.get_by_role("status")).to_contain_text("Filen har importerats som utkast")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "IT-plan för förskola och skola, Ekeby kommun 2024–2027"
    )
    expect(page.locator("p.lead .badge")).to_have_text("utkast")
    codes = item_heads(page).locator(".item-code")
    expect(codes).to_have_count(version.items.count())
    expect(codes.first).to_have_text("A1")
    a1 = framework_item(page, "A1")
    expect(a1.locator(".item-title")).to_have_text("Kompetens")
    expect(a1).to_contain_text("Bygger på: Nationell digitaliseringsstrategi för skolväsendet 1")
    expect(page.locator(".item-title", has_text="Talsyntes och rättstavning")).to_be_visible()
    expect(page.locator("#responsibilities tbody tr")).to_have_count(
        Responsibility.objects.filter(version=version).count()
    )
    expect(page.locator("#targets tbody tr")).to_have_count(2)
    expect(page.get_by_role("button", name="Publicera")).to_be_visible()

    # The list shows it as a draft of the organisation's own frameworks.
    main_menu(page).get_by_role("link", name="Ramverk").click()
    page.wait_for_url(url_re("framework_list"))
    own = page.locator("section").filter(has=page.get_by_role("heading", name="Din organisations ramverk"))
    row = own.locator("tbody tr").filter(has_text="Ekeby kommun")
    expect(row.get_by_role("link", name="utkast")).to_be_visible()


# --- 4. A unit leader reads, never writes -------------------------------------------------------


def test_unit_leader_reads_published_frameworks_but_cannot_edit_or_see_drafts(
    page, live_server, world, login, axe
):
    fw = build_frameworks(world)
    login(world.leader_a.email, PASSWORD)
    main_menu(page).get_by_role("link", name="Ramverk").click()
    page.wait_for_url(url_re("framework_list"))

    main = page.locator("main")
    for name in ("Nytt ramverk", "Importera en ramverksfil", "Skalor"):
        expect(main.get_by_role("link", name=name)).to_have_count(0)
    expect(main.get_by_role("link", name=re.compile("^Utgå från den här"))).to_have_count(0)
    expect(main.get_by_role("link", name="utkast")).to_have_count(0)
    expect(main.get_by_role("link", name="Friskolans digitaliseringsplan", exact=True)).to_have_count(0)
    expect(main.get_by_role("link", name="Nationell strategi (test)", exact=True)).to_be_visible()
    own = page.locator("section").filter(has=page.get_by_role("heading", name="Din organisations ramverk"))
    expect(own.get_by_role("link", name="v1")).to_be_visible()
    own.get_by_role("link", name="Sjöviks digitaliseringsplan").click()

    page.wait_for_url(url_re("version_detail", fw.published.pk))
    expect(page.get_by_role("heading", level=1, name="Sjöviks digitaliseringsplan")).to_be_visible()
    expect(page.locator("p.lead")).to_contain_text("v1, publicerad")
    expect(framework_item(page, "DK.1").locator(".item-title")).to_have_text(
        "All personal har adekvat kompetens"
    )
    expect(page.locator("#responsibilities tbody tr")).to_have_count(3)
    for name in ("Ändra", "Lägg till under", "Flytta upp", "Flytta ned", "Ta bort"):
        expect(main.get_by_role("button", name=re.compile(f"^{name}"))).to_have_count(0)
        expect(main.get_by_role("link", name=re.compile(f"^{name}"))).to_have_count(0)
    for name in (
        "Publicera",
        "Starta ett nytt utkast utifrån den här versionen",
        "Arkivera",
        "Ta bort utkastet",
    ):
        expect(main.get_by_role("button", name=name)).to_have_count(0)
    for name in ("Lägg till ett område", "Lägg till ansvar", "Lägg till ett mätbart mål"):
        expect(main.get_by_role("link", name=name)).to_have_count(0)
    expect(page.get_by_role("navigation", name="Versioner")).to_have_count(0)  # no draft listed
    expect(page.get_by_role("link", name="Ladda ner som YAML")).to_be_visible()
    expect(page.get_by_role("link", name="Styrkedja – DK.1", exact=True)).to_be_visible()

    # The draft does not exist as far as a unit leader is concerned.
    for name, pk in (
        ("version_detail", fw.draft.pk),
        ("item_edit", fw.draft_item.pk),
        ("item_chain", fw.draft_item.pk),
    ):
        response = page.goto(url(live_server, name, pk))
        assert response.status == 404, name
        expect(page.locator("body")).not_to_contain_text("All personal har adekvat kompetens")
    axe()  # the 404 page is scanned anyway; fail here with a clear place if it is not accessible
    # The published items cannot be changed either.
    response = page.goto(url(live_server, "item_edit", fw.published_item.pk))
    assert response.status == 403
    response = page.goto(url(live_server, "framework_create"))
    assert response.status == 403


# --- 5. The built-in content in English ---------------------------------------------------------


def test_builtin_national_strategy_shows_its_english_titles(page, live_server, world, login):
    call_command("load_frameworks")
    national = FrameworkVersion.objects.get(
        framework__slug="nationell-digitaliseringsstrategi-2017",
        framework__huvudman=None,
        status=VersionStatus.PUBLISHED,
    )
    focus_area = national.items.get(code="1")
    assert focus_area.translations["en"]["title"] == "Digital competence for all in the school system"

    login(world.staff.email, PASSWORD)
    main_menu(page).get_by_role("link", name="Ramverk").click()
    page.wait_for_url(url_re("framework_list"))
    page.get_by_role("link", name="Nationell digitaliseringsstrategi för skolväsendet", exact=True).click()
    page.wait_for_url(url_re("version_detail", national.pk))
    title = page.locator(f"#item-{focus_area.pk} .item-title")
    expect(title).to_have_text("Digital kompetens för alla i skolväsendet")

    page.locator("form.language-form").get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(url_re("version_detail", national.pk))
    expect(title).to_have_text("Digital competence for all in the school system")
    expect(page.get_by_role("heading", level=2, name="Content")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Frameworks")
    ).to_be_visible()

    # The chain of steering of a sub-goal speaks English too.
    page.get_by_role("link", name="Chain of steering – 1.1", exact=True).click()
    sub_goal = national.items.get(code="1.1")
    page.wait_for_url(url_re("item_chain", sub_goal.pk))
    expect(page.get_by_role("heading", level=1, name="Chain of steering")).to_be_visible()
    expect(page.locator("p.lead")).to_contain_text("1 Digital competence for all in the school system ›")
    expect(page.locator("p.lead strong")).to_contain_text(sub_goal.translations["en"]["title"][:40])
