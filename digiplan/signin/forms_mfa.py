"""The forms of the second factor: one field for a code, from the app or a recovery code."""

from django import forms
from django.utils.translation import gettext_lazy as _

from digiplan.accounts.forms import NoColonMixin

CODE_MAX_LENGTH = 20  # a recovery code with its hyphen, or a six-digit code with spaces


class CodeForm(NoColonMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=CODE_MAX_LENGTH,
        help_text=_("The six digits your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def add_refusal(self, message: str) -> None:
        self.add_error("code", message)


class FirstCodeForm(CodeForm):
    """The first code from the app, which proves it was set up with the right secret."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=CODE_MAX_LENGTH,
        help_text=_("Six digits."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class RecoveryCodesForm(forms.Form):
    """The codes just shown, sent back to be downloaded as a text file."""

    codes = forms.CharField(widget=forms.HiddenInput, max_length=1000)

    def code_list(self) -> list[str]:
        return self.cleaned_data["codes"].split()
