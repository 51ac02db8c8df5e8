"""Each app's part of a person's data, registered from its AppConfig.ready() (as
django.contrib.admin's autodiscovery does): the privacy app exports and erases a person
without importing the apps above it.

An app that keeps personal data has a `privacy.py` with a `PART`:

    PART = PersonalData(
        app="plans",
        export=plans_export,          # person -> {section: data}, sections of the person's file
        shown_links={("plans.activity", "owner")},  # links to the person its sections show
        unlink=plans_unlink,          # (person=, label=) -> counts, before the name is replaced
        scrub=...,                    # (huvudman_id=, rewritten=, identity=) -> counts, after
    )

and registers it: `personal_data.register(PART)`. Parts run in the order the apps are installed
(settings.INSTALLED_APPS), inside the erasure's one transaction. The person's own row, their
memberships, sign-ins, sessions and the audit trail are the privacy app's own part
(selectors.py, services.py); any other link to the person that no part shows lands under
"other_records" in the file, so a new model is never left out."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PersonalData:
    app: str
    export: Callable[..., dict] | None = None
    shown_links: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    # Removes the person's links (owner, author, participant…) before their name is replaced
    # everywhere; gets the person and the label that stands for them from now on.
    unlink: Callable[..., dict] | None = None
    # Reaches what the general search of text cannot read (sealed ballots, stored files), after
    # the name has been replaced (rewritten: rows changed per model; identity: what to look for).
    scrub: Callable[..., dict] | None = None


class PersonalDataRegistry:
    def __init__(self) -> None:
        self._parts: dict[str, PersonalData] = {}

    def register(self, part: PersonalData) -> PersonalData:
        # Keyed by app: ready() running twice registers once.
        self._parts[part.app] = part
        return part

    def __iter__(self) -> Iterator[PersonalData]:
        return iter(list(self._parts.values()))

    def shown_links(self) -> set[tuple[str, str]]:
        return {link for part in self for link in part.shown_links}


personal_data = PersonalDataRegistry()
