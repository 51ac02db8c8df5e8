"""--huvudman as the framework commands take it: an organisation number, with or without its
dash, or nothing for built-in content."""

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _

from digiplan.organisations.models import Huvudman, normalise_organisation_number

ERROR_NO_SUCH_HUVUDMAN = _("There is no school organiser with organisation number %(number)s.")
ERROR_NOT_AN_ORGANISATION_NUMBER = _(
    "“%(value)s” is not an organisation number: write it NNNNNN-NNNN or NNNNNNNNNN, e.g. 212000-1234."
)


def huvudman_option(value: str | None) -> Huvudman | None:
    """The huvudman the option names (None without it); CommandError when it names none."""
    if not value:
        return None
    number = normalise_organisation_number(value)
    if number is None:
        raise CommandError(ERROR_NOT_AN_ORGANISATION_NUMBER % {"value": value[:40]})
    huvudman = Huvudman.objects.filter(organisation_number=number).first()
    if huvudman is None:
        raise CommandError(ERROR_NO_SUCH_HUVUDMAN % {"number": number})
    return huvudman
