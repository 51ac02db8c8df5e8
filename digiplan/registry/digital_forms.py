"""Forms of the register of digital services. They collect and type the input; what the entry
must satisfy is checked by digital_services.validate_service, for forms and imports alike."""

from django import forms
from django.utils.translation import gettext_lazy as _

from digiplan.organisations.models import SchoolForm
from digiplan.registry.digital_models import DigitalService, ServiceStatus
from digiplan.registry.digital_services import SERVICE_FIELDS, TRANSITIONS


class DateInput(forms.DateInput):
    input_type = "date"


class NoColonMixin:
    """Labels without a trailing colon, as on every form of the site."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ServiceForm(NoColonMixin, forms.ModelForm):
    pupil_school_forms = forms.MultipleChoiceField(
        label=_("Pupils (school forms)"),
        choices=SchoolForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = DigitalService
        fields = SERVICE_FIELDS
        widgets = {
            "dpa_expires": DateInput(format="%Y-%m-%d"),
            "dpia_date": DateInput(format="%Y-%m-%d"),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "data_categories": forms.Textarea(attrs={"rows": 2}),
            "retention_rule": forms.Textarea(attrs={"rows": 2}),
        }

    def _post_clean(self):
        # The service validates the whole entry, the data protection checks included; a partial
        # model check here would report the same faults twice.
        pass


class ServiceEditForm(ServiceForm):
    # When the entry was last changed as the editor saw it (digital_services.service_update).
    seen = forms.DateTimeField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["seen"] = self.instance.updated_at.isoformat()


class ReviewForm(NoColonMixin, forms.Form):
    status = forms.ChoiceField(label=_("Decision"), choices=())
    reasons = forms.CharField(
        label=_("Reasons or conditions"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the public page together with the decision."),
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ServiceStatus.choices)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [(s, labels[s]) for s in TRANSITIONS.get(current, ())]


class DeclareForm(NoColonMixin, forms.Form):
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=DigitalService.objects.none(), empty_label=_("Choose a service")
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services


class ImportFileForm(NoColonMixin, forms.Form):
    file = forms.FileField(label=_("File (Excel or CSV)"))
