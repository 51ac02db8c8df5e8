from django import forms
from django.utils.translation import gettext_lazy as _

from digiplan.accounts.forms import NoColonMixin
from digiplan.onboarding import services
from digiplan.organisations.models import NAME_MAX


class HuvudmanForm(NoColonMixin, forms.Form):
    """The operator's form for a new huvudman. The service checks the values, so that the
    command and the page refuse the same input with the same words; the form only marks what
    is required, with those words too."""

    name = forms.CharField(
        label=_("Name of the school organiser"),
        max_length=NAME_MAX * 2,  # the service says what is too long, in its own words
        error_messages={"required": services.ERROR_NAME_EMPTY},
    )
    organisation_number = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        help_text=_("NNNNNN-NNNN, e.g. 212000-1234."),
        error_messages={"required": services.ERROR_ORGNR_INVALID},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("The strategist's e-mail address"),
        max_length=254,
        help_text=_("The first strategist gets an invitation to this address."),
        error_messages={"required": services.ERROR_EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    strategist_name = forms.CharField(
        label=_("The strategist's name"),
        max_length=NAME_MAX * 2,
        required=False,
        help_text=_("Optional: the strategist can change it later."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
