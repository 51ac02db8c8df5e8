"""What frameworks adds to the start page (organisations.hooks.start_page_panels): the tasks
the dates of the huvudman's plans give its strategists."""

from django.utils import timezone

from digiplan.frameworks.selectors import plan_tasks
from digiplan.organisations import access
from digiplan.organisations.hooks import StartPagePanel
from digiplan.organisations.models import Person


def plan_tasks_panel(person: Person) -> StartPagePanel | None:
    if person.huvudman_id is None or not access.is_strategist(person):
        return None
    tasks = plan_tasks(person.huvudman_id, timezone.localdate())
    return StartPagePanel("frameworks/_tasks_panel.html", {"tasks": tasks}) if tasks else None
