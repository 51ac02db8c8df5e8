from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from digiplan.lib.forms import preselect_only_choice
from digiplan.organisations.models import Organisation, SchoolForm
from digiplan.registry.device_models import DeviceFormat, RuleMatch, UserGroup


class DeviceImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"})
    )
    format = forms.ChoiceField(
        label=_("Kind of file"),
        required=False,
        choices=[("", _("Recognise from the columns")), *DeviceFormat.choices],
    )


class DeviceRuleForm(forms.Form):
    match = forms.ChoiceField(label=_("Match"), choices=RuleMatch.choices)
    # Django's form metaclass moves declared fields into base_fields, so this does not replace
    # BaseForm.prefix at runtime; the stub cannot know that.
    prefix = forms.CharField(label=_("Begins with"), max_length=200)  # type: ignore[assignment]
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Organisation.objects.none())
    user_group = forms.ChoiceField(label=_("User group"), choices=UserGroup.choices)
    school_form = forms.ChoiceField(
        label=_("School form"), required=False, choices=[("", "–"), *SchoolForm.choices]
    )
    grade_band = forms.CharField(
        label=_("Grade band"), required=False, max_length=20, help_text=_("For example F-3, 4-6 or 7-9.")
    )

    def __init__(self, *args, units: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("name")  # type: ignore[attr-defined]
        preselect_only_choice(self)
