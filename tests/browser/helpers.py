"""Small helpers every browser journey uses: addresses, the main menu, keyboard moves, reflow."""

import re

from django.urls import reverse
from playwright.sync_api import Locator, Page, expect


def url(live_server, name: str, *args) -> str:
    return live_server.url + reverse(name, args=args)


def url_re(name: str, *args, query: str = "") -> re.Pattern:
    """The page's URL, with or without a fragment (#main, #item-3, #move-up-3 …)."""
    return re.compile(re.escape(reverse(name, args=args) + query) + r"(#.*)?$")


def main_menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Huvudmeny")


def assert_no_horizontal_scroll(page: Page) -> None:
    """The page itself does not scroll sideways at phone width (WCAG 1.4.10 Reflow)."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    culprits = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .slice(0, 8).map(e => e.tagName + '.' + e.className + ':'
                         + Math.round(e.getBoundingClientRect().right))""")
    assert overflow <= 1, (
        f"{page.url} is {overflow}px wider than the {page.viewport_size} viewport: {culprits}"
    )


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_forward_to(page: Page, target: Locator, limit: int = 60) -> None:
    """Press Tab until target has the focus (fails if it never gets it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(target):
            return
    active = page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{target} never got the focus by Tab; the focus is on {active}")


def skip_to_content(page: Page) -> None:
    """The first Tab stop of a freshly loaded page is the skip link, and it moves the focus.

    After a form posted from a page at …#main, the redirect keeps the fragment (HTTP does so when
    Location has none), and the browser then starts sequential focus at <main> already.
    """
    if page.url.endswith("#main"):
        return
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # visible when focused
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


# --- Added for the yearly-cycle journey (test_yearly_cycle.py); small and shared ---------------


def flash(page: Page) -> Locator:
    """The page's success and info messages (the ``ul.messages`` under the breadcrumbs)."""
    return page.locator("ul.messages").get_by_role("status")


def sign_out(page: Page) -> None:
    """Press "Logga ut" in the header and wait until the browser is signed out."""
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)


def follow_up_plan(page: Page, goals, done_activity: str, summary: str) -> None:
    """On the plan's follow-up page: an outcome per goal (in order: achieved, partly, not), one
    activity marked done, the unit's summary, and the follow-up closed."""
    for goal, outcome in zip(goals, ("Uppnått", "Delvis uppnått", "Ej uppnått"), strict=True):
        page.get_by_role("group", name=f"Resultat för ”{goal.title}”").get_by_label(
            outcome, exact=True
        ).check()
    page.get_by_role("group", name=f"Blev ”{done_activity}” genomförd?").get_by_label(
        "Klar", exact=True
    ).check()
    page.get_by_role("textbox", name="Sammanfattning för enheten").fill(summary)
    page.get_by_role("button", name="Avsluta uppföljningen").click()
    page.wait_for_load_state()
    expect(page.locator(".plan-status")).to_have_text("Uppföljd")


def choose_person(page: Page, label: str, name: str) -> None:
    """Pick a person in the searchable people picker of the activity form (people_picker.js):
    type part of the name, then choose the first match with the keyboard."""
    # The picker's text input, not the select it hides: until the script has run, the select is
    # the only combobox of that name, and a locator that found it would wait on a hidden element.
    box = page.get_by_role("combobox", name=label).and_(page.locator("input"))
    box.fill(name)
    box.press("ArrowDown")
    expect(page.get_by_role("option", name=name, exact=True)).to_have_class(re.compile("active"))
    box.press("Enter")
