"""The huvudman's rules for signing in with a password: it may turn password sign-in off for
its people (they use their school account), and a password sign-in is recorded in the session
so that the second factor (signin.mfa) knows to ask for a code.

Accounts, below this app, asks through its hook (accounts.hooks.password_sign_in_refusal);
register() answers it and is called from SigninConfig.ready()."""

import logging

from django.contrib.auth.signals import user_logged_in
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from digiplan.accounts.hooks import password_sign_in_refusal
from digiplan.organisations.models import Person
from digiplan.signin.services import policy_for
from digiplan.signin.session import METHOD_PASSWORD, SESSION_METHOD

log = logging.getLogger("digiplan.signin")

ERROR_PASSWORD_SIGN_IN_OFF = _(
    "Your organisation signs in with the school account, not with a password in Digiplan."
)
SCHOOL_ACCOUNT_LINK = _("Sign in with a school account")


def is_operator(person: Person) -> bool:
    """The installation's operators belong to no huvudman: no huvudman's rules reach them."""
    return person.huvudman_id is None or person.is_staff


def password_sign_in_allowed(person: Person) -> bool:
    return is_operator(person) or policy_for(person.huvudman).password_sign_in


def refusal_for(person: Person) -> str | None:
    """The message for a person whose huvudman turned password sign-in off, else None."""
    if password_sign_in_allowed(person):
        return None
    log.info(
        "password sign-in refused for person %s: huvudman %s allows only school accounts",
        person.pk,
        person.huvudman_id,
    )
    return format_html(
        '{} <a href="{}">{}</a>', ERROR_PASSWORD_SIGN_IN_OFF, reverse("signin_choose"), SCHOOL_ACCOUNT_LINK
    )


def _record_password_method(sender, request, user, **kwargs) -> None:
    # Every sign-in passes here, a school-account one too: sign_in_person writes its own method
    # right after login(), over this one. A session that names no method counts as a password
    # one (middleware), so nothing is let through if this were skipped.
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_METHOD] = METHOD_PASSWORD


def register() -> None:
    password_sign_in_refusal.register(refusal_for)
    user_logged_in.connect(_record_password_method, dispatch_uid="digiplan.signin.password_method")
