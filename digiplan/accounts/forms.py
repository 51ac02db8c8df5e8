"""The sign-in and password forms: Django's, with e-mail addresses as account names, Swedish
labels without a trailing colon, and the reset mail sent by the task queue."""

import unicodedata

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from digiplan.accounts.hooks import password_sign_in_refused
from digiplan.accounts.tasks import send_password_reset

ERROR_INVALID_LOGIN = _("The e-mail address or password is wrong. Check them and try again.")
# The error code of a right password refused because the person's organisation turned
# password sign-in off (the message comes from the app that refused, accounts.hooks).
PASSWORD_SIGN_IN_OFF = "password_sign_in_off"


def _email_widget(autofocus: bool = False) -> forms.EmailInput:
    attrs: dict[str, str | bool] = {"autocomplete": "email"}
    if autofocus:
        attrs["autofocus"] = True
    return forms.EmailInput(attrs=attrs)


class NoColonMixin:
    """Labels without Django's trailing colon, as Swedish public-sector forms write them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class EmailAuthenticationForm(NoColonMixin, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=_email_widget(autofocus=True)
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {**auth_forms.AuthenticationForm.error_messages, "invalid_login": ERROR_INVALID_LOGIN}

    def clean_username(self) -> str:
        # Addresses are stored in lower case; axes then also counts failures per one spelling.
        return self.cleaned_data["username"].strip().lower()

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        # Asked only after the right password, so that the answer tells a stranger nothing
        # about which addresses have an account.
        refusal = password_sign_in_refused(user)
        if refusal is not None:
            raise forms.ValidationError(refusal, code=PASSWORD_SIGN_IN_OFF)


def _same_email(a: str, b: str) -> bool:
    return unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize("NFKC", b).casefold()


class EmailPasswordResetForm(NoColonMixin, auth_forms.PasswordResetForm):
    """Also reaches people who have no password yet: a new person sets their first one here."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254, widget=_email_widget(True))

    def get_users(self, email):
        people = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        # The exact comparison stops look-alike Unicode addresses from receiving someone's link.
        # Nobody whose organisation turned password sign-in off gets a link; the page says the
        # same as for any address, so it tells nobody whether the account exists.
        return (
            person
            for person in people
            if _same_email(email, person.email) and password_sign_in_refused(person) is None
        )

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):
        """Enqueues one mail per matching person instead of sending in the request."""
        domain = domain_override or (request.get_host() if request is not None else "localhost")
        for person in self.get_users(self.cleaned_data["email"]):
            send_password_reset.enqueue(
                person_id=person.pk, domain=domain, use_https=use_https, language=get_language()
            )


class PasswordChangeForm(NoColonMixin, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(NoColonMixin, auth_forms.SetPasswordForm):
    pass
