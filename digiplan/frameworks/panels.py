"""What frameworks adds to the start page (organisations.hooks.start_page_panels): the tasks
the dates of the huvudman's plans give its strategists, and, when there is nothing to do, the
next follow-up date of a plan."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from digiplan.frameworks.models import FollowUp, VersionStatus
from digiplan.frameworks.selectors import plan_tasks
from digiplan.organisations import access
from digiplan.organisations.hooks import NextDate, StartPagePanel
from digiplan.organisations.models import Person


def plan_tasks_panel(person: Person) -> StartPagePanel | None:
    if person.huvudman_id is None or not access.is_strategist(person):
        return None
    tasks = plan_tasks(person.huvudman_id, timezone.localdate())
    if not tasks:
        return None
    return StartPagePanel("frameworks/_tasks_panel.html", {"tasks": tasks}, work=True, due=tasks[0].date)


def next_follow_up(person: Person) -> NextDate | None:
    """A strategist's next follow-up date of a published plan of the huvudman."""
    if person.huvudman_id is None or not access.is_strategist(person):
        return None
    follow_up = (
        FollowUp.objects.filter(
            version__framework__huvudman_id=person.huvudman_id,
            version__status=VersionStatus.PUBLISHED,
            date__gte=timezone.localdate(),
        )
        .select_related("version__framework")
        .order_by("date", "order")
        .first()
    )
    if follow_up is None:
        return None
    return NextDate(
        follow_up.date,
        _("Follow-up of %(plan)s: %(text)s")
        % {"plan": follow_up.version.framework.name, "text": follow_up.text},
        reverse("version_detail", args=[follow_up.version_id]),
    )
