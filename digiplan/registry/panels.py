"""What the registry adds to the start page (organisations.hooks.start_page_panels): a
strategist's data processing agreements to renew, as on the register page."""

from django.utils import timezone

from digiplan.organisations import access
from digiplan.organisations.hooks import StartPagePanel
from digiplan.organisations.models import Person
from digiplan.registry.digital_selectors import agreement_tasks


def agreement_panel(person: Person) -> StartPagePanel | None:
    """The agreements expiring within 90 days (or expired), for a strategist who has any."""
    if person.huvudman is None or not access.is_strategist(person):
        return None
    tasks = agreement_tasks(person.huvudman, timezone.localdate())
    if not tasks:
        return None
    return StartPagePanel(
        "registry/_start_agreements.html", {"tasks": tasks}, work=True, due=tasks[0].expires
    )
