"""What accounts asks of the apps above it (digiplan.lib.hooks): they register in their
AppConfig.ready()."""

from digiplan.lib.hooks import Hook
from digiplan.organisations.models import Person

# May this person sign in with a password? Called with the person; an app above answers a
# message for the person (safe HTML, it may hold a link) when their organisation does not allow
# it, or None. The sign-in form then refuses even the right password, and the reset form sends
# nothing.
password_sign_in_refusal: Hook[[Person], str | None] = Hook("accounts.password_sign_in_refusal")


def password_sign_in_refused(person: Person) -> str | None:
    """The first refusal an app above gives for the person, if any."""
    return next((answer for answer in password_sign_in_refusal.ask(person) if answer), None)
