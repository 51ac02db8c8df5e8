"""Whom a file's duties and targets fall on, bound to the huvudman's own rows by identity: a
title is one of its role titles (in any spelling of case), a group is one of its groups (made
when the file names a new one). Problems are gathered with their lines and raised together."""

from django.utils.translation import gettext_lazy

from digiplan.frameworks.exchange.format import FrameworkFileError
from digiplan.organisations.models import Group, Huvudman, RoleTitle

ERROR_UNKNOWN_TITLE = gettext_lazy(
    "“%(name)s” is not one of the organisation's role titles. Add it under Role titles first."
)
ERROR_NO_HUVUDMAN = gettext_lazy(
    "A built-in framework cannot name a group or an organisation's title as owner."
)


class Holders:
    def __init__(self, huvudman: Huvudman | None):
        self.huvudman = huvudman
        self.errors: list[tuple[int, str]] = []
        self._titles = (
            {t.name.strip().lower(): t for t in RoleTitle.objects.filter(huvudman=huvudman)}
            if huvudman
            else {}
        )
        self._groups = (
            {g.name.strip().lower(): g for g in Group.objects.filter(huvudman=huvudman)} if huvudman else {}
        )

    def title(self, node: object, *, required: bool) -> RoleTitle | None:
        """The role title the node names. A responsibility's title that is not one of them stays
        the document's wording (required=False); a target's owner must be one."""
        name = str(node.get("title") or "").strip() if isinstance(node, dict) else ""
        if not name:
            return None
        title = self._titles.get(name.lower())
        if title is None and required:
            self._refuse(node, ERROR_NO_HUVUDMAN if self.huvudman is None else ERROR_UNKNOWN_TITLE, name)
        return title

    def group(self, node: object) -> Group | None:
        """The huvudman's group the node names, made if it has none of that name."""
        name = str(node.get("group") or "").strip() if isinstance(node, dict) else ""
        if not name:
            return None
        if self.huvudman is None:
            self._refuse(node, ERROR_NO_HUVUDMAN, name)
            return None
        if name.lower() not in self._groups:
            self._groups[name.lower()] = Group.objects.create(huvudman=self.huvudman, name=name)
        return self._groups[name.lower()]

    def raise_errors(self) -> None:
        if self.errors:
            raise FrameworkFileError(self.errors)

    def _refuse(self, node: object, message: object, name: str) -> None:
        line = node.line_of("title") if hasattr(node, "line_of") else getattr(node, "line", 0)
        self.errors.append(
            (line, str(message) % {"name": name[:120]} if "%(name)s" in str(message) else str(message))
        )
