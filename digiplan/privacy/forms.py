from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    confirm_email = forms.CharField(
        label=_("The person's e-mail address"),
        max_length=254,
        help_text=_("Erasure cannot be undone. Write the address to confirm."),
    )
