"""What onboarding adds to the start page (organisations.hooks.start_page_panels)."""

from digiplan.onboarding.checklist import setup_checklist
from digiplan.organisations import access
from digiplan.organisations.hooks import StartPagePanel
from digiplan.organisations.models import Person


def checklist_panel(person: Person) -> StartPagePanel | None:
    """A strategist's setup checklist; one line once every step is done."""
    if person.huvudman is None or not access.is_strategist(person):
        return None
    checklist = setup_checklist(person.huvudman)
    # Steps left are work; a done checklist is one line after the work.
    return StartPagePanel(
        "onboarding/_start_panel.html", {"checklist": checklist}, work=not checklist.complete
    )


def operator_panel(person: Person) -> StartPagePanel | None:
    """The installation's operators find the huvudmän from their start page."""
    return StartPagePanel("onboarding/_operator_panel.html") if person.is_staff else None
