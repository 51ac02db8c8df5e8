"""What organisations asks of the apps above it (digiplan.lib.hooks): they register in their
AppConfig.ready()."""

from dataclasses import dataclass, field
from typing import Any

from digiplan.lib.hooks import Hook
from digiplan.organisations.models import Person


@dataclass(frozen=True)
class StartPagePanel:
    """A box on the start page: the template that draws it and that template's context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


# Boxes that apps above add to the start page of the person signed in (the onboarding app
# answers with a new huvudman's setup checklist): called with the person, answers a panel, or
# None when it has nothing for them.
start_page_panels: Hook[[Person], StartPagePanel | None] = Hook("organisations.start_page_panels")


def panels_for(person: Person) -> list[StartPagePanel]:
    return [panel for panel in start_page_panels.ask(person) if panel is not None]
