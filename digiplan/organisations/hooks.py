"""What organisations asks of the apps above it (digiplan.lib.hooks): they register in their
AppConfig.ready()."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from digiplan.lib.hooks import Hook
from digiplan.organisations.models import Person


@dataclass(frozen=True)
class StartPagePanel:
    """A box on the start page: the template that draws it and that template's context.

    work: the box lists something the person has to do (the start page says "nothing to do"
    when no box does); due: the soonest date of that work, which orders the boxes (a date that
    has passed comes first, undated work after the dated)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    work: bool = False
    due: datetime.date | None = None


@dataclass(frozen=True)
class NextDate:
    """When something will next happen for the person, shown when they have nothing to do."""

    date: datetime.date
    text: str
    url: str = ""


# Boxes that apps above add to the start page of the person signed in (the onboarding app
# answers with a new huvudman's setup checklist): called with the person, answers a panel, or
# None when it has nothing for them.
start_page_panels: Hook[[Person], StartPagePanel | None] = Hook("organisations.start_page_panels")

# Asked only when no box has work: each app answers the next date something happens for the
# person (a campaign opens, a follow-up, an activity due), or None.
start_page_next_dates: Hook[[Person], NextDate | None] = Hook("organisations.start_page_next_dates")


def _order(panel: StartPagePanel) -> tuple[int, datetime.date]:
    if not panel.work:
        return (2, datetime.date.max)
    return (0, panel.due) if panel.due is not None else (1, datetime.date.max)


def panels_for(person: Person) -> list[StartPagePanel]:
    """The boxes for the person: the work first, what is due soonest first; the rest after, in
    the order the apps answered (sorted() keeps that order among equals)."""
    return sorted((panel for panel in start_page_panels.ask(person) if panel is not None), key=_order)


def next_date_for(person: Person) -> NextDate | None:
    """The soonest of the next dates the apps know for the person."""
    dates = [found for found in start_page_next_dates.ask(person) if found is not None]
    return min(dates, key=lambda found: found.date, default=None)
