from django import forms
from django.utils.translation import gettext_lazy as _


class ConsentForm(forms.Form):
    shares = forms.BooleanField(
        label=_("Share our results in the national comparison"),
        required=False,
        help_text=_(
            "Your closed results on Digiplan's standard self-assessment are then counted, without "
            "your name, in the national figures. Turning it off removes them at the next build."
        ),
    )
