from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    KIND_UNITS = "units"
    KIND_PEOPLE = "people"
    KIND_SS12000 = "ss12000"
    kind = forms.ChoiceField(
        label=_("What do you import?"),
        widget=forms.RadioSelect,
        choices=[
            (KIND_UNITS, _("Units (CSV or Excel)")),
            (KIND_PEOPLE, _("People and roles (CSV or Excel)")),
            (KIND_SS12000, _("SS 12000 JSON from the school administration system")),
        ],
    )
    # Django's form metaclass moves declared fields into base_fields, so this does not replace
    # BaseForm.files at runtime; the stub cannot know that.
    files = forms.FileField(  # type: ignore[assignment]
        label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.json"})
    )
    deactivate_missing = forms.BooleanField(
        label=_("Deactivate what is missing from the file"),
        required=False,
        help_text=_("Use this when the file lists the whole organisation."),
    )
