"""The forms of the sign-in pages the lead owns: finding one's organisation, and the policy."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from digiplan.accounts.forms import NoColonMixin
from digiplan.organisations.models import Huvudman
from digiplan.signin.models import SignInPolicy, split_domains

ERROR_NO_ORGANISATION = _(
    "We find no organisation with school-account sign-in for that address. Choose your "
    "organisation in the list, or sign in with your password."
)
ERROR_CHOOSE_ONE = _("Write your e-mail address or choose your organisation.")
ERROR_DOMAIN = _("“%(domain)s” is not a domain name. Write it as skola.example.se.")
ERROR_DOMAIN_TAKEN = _("“%(domain)s” is already used by another organisation in Digiplan.")
ERROR_PASSWORD_OFF_WITHOUT_SSO = _(
    "Turn on sign-in with a school account first: otherwise nobody could sign in."
)

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
SESSION_MINUTES_MIN = 5
SESSION_MINUTES_MAX = 12 * 60


class ChooseForm(NoColonMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address at work"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    huvudman = forms.ModelChoiceField(
        label=_("Or choose your organisation"),
        queryset=Huvudman.objects.none(),
        required=False,
        empty_label=_("Choose an organisation"),
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["huvudman"]
        if isinstance(field, forms.ModelChoiceField) and organisations is not None:
            field.queryset = organisations

    def clean(self):
        data = super().clean() or {}
        if not data.get("email") and not data.get("huvudman") and not self.errors:
            raise forms.ValidationError(ERROR_CHOOSE_ONE)
        return data


class PolicyForm(NoColonMixin, forms.ModelForm):
    session_minutes = forms.IntegerField(
        label=_("Signed out after minutes without activity"),
        min_value=SESSION_MINUTES_MIN,
        max_value=SESSION_MINUTES_MAX,
        required=False,
        help_text=_("Empty: the installation's setting."),
    )

    class Meta:
        model = SignInPolicy
        fields = [
            "email_domains",
            "password_sign_in",
            "strategists_second_factor",
            "session_minutes",
            "create_unknown_people",
            "roles_from_attributes",
            "contact",
        ]
        widgets = {"email_domains": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, huvudman: Huvudman, school_account: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.huvudman = huvudman
        self.school_account = school_account

    def clean_email_domains(self) -> str:
        domains = split_domains(self.cleaned_data.get("email_domains") or "")
        for domain in domains:
            if not DOMAIN.match(domain):
                raise forms.ValidationError(ERROR_DOMAIN % {"domain": domain[:100]})
        others = SignInPolicy.objects.exclude(huvudman=self.huvudman).exclude(email_domains="")
        taken = {d for p in others for d in p.domains()}
        for domain in domains:
            if domain in taken:
                raise forms.ValidationError(ERROR_DOMAIN_TAKEN % {"domain": domain})
        return "\n".join(domains)

    def clean_password_sign_in(self) -> bool:
        allowed = bool(self.cleaned_data.get("password_sign_in"))
        if not allowed and not self.school_account:
            raise forms.ValidationError(ERROR_PASSWORD_OFF_WITHOUT_SSO)
        return allowed
