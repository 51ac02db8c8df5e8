"""Forms of the campaign pages: a new campaign, pupil group codes, reopening a leader rating,
and the leader rating itself (one level and one comment per leader indicator)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from digiplan.assessments import services
from digiplan.assessments.models import COMMENT_MAX, K_DEFAULT, K_MIN
from digiplan.frameworks.models import FrameworkVersion, ItemKind, RespondentGroup
from digiplan.lib import schoolyear
from digiplan.lib.forms import preselect_only_choice
from digiplan.organisations.models import SchoolForm

NO_COLON = {"label_suffix": ""}

UNITS_ALL, UNITS_BY_FORM, UNITS_BY_HAND = "all", "forms", "hand"

ERROR_SCHOOL_YEAR = _("Write the school year as 2026/27: the second year follows the first.")
ERROR_NO_GROUP = _("Choose at least one group to ask.")
ERROR_NO_FORM = _("Choose at least one school form.")
ERROR_GROUP_WITHOUT_ITEMS = _("The framework version has no statements for the group “%(group)s”.")
ERROR_COMMENT_WITHOUT_LEVEL = _(
    "%(code)s has a comment but no level. Choose a level or “not relevant” as well."
)
ERROR_INCOMPLETE = _(
    "Choose a level for every statement before you submit. Missing: %(codes)s. "
    "You can save a draft in the meantime."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, initial=_("Self-assessment"))
    school_year = forms.CharField(label=_("School year"), max_length=7, help_text=_("For example 2026/27."))
    framework_version = forms.ModelChoiceField(
        label=_("Statements to rate"),
        queryset=FrameworkVersion.objects.none(),
        help_text=_(
            "A published version of a self-assessment set. It stays the same for the "
            "whole campaign, even if the framework is edited later."
        ),
        error_messages={"invalid_choice": services.ERROR_VERSION},
    )
    include_leader = forms.BooleanField(label=_("Leader rating (one per unit)"), required=False, initial=True)
    include_staff = forms.BooleanField(
        label=_("Staff questionnaire (anonymous)"), required=False, initial=True
    )
    include_pupils = forms.BooleanField(
        label=_("Pupil questionnaire (anonymous, with group codes)"), required=False
    )
    unit_choice = forms.ChoiceField(
        label=_("Which school units take part"),
        widget=forms.RadioSelect,
        initial=UNITS_ALL,
        choices=[
            (UNITS_ALL, _("All active school units")),
            (UNITS_BY_FORM, _("The units with one of the school forms chosen below")),
            (UNITS_BY_HAND, _("The units ticked below")),
        ],
    )
    school_forms = forms.MultipleChoiceField(
        label=_("School forms"), required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )
    units = forms.MultipleChoiceField(
        label=_("School units"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
        error_messages={"invalid_choice": services.ERROR_UNITS},
    )
    opens_on = forms.DateField(label=_("Opens"), widget=DateInput())
    closes_on = forms.DateField(
        label=_("Closes"),
        widget=DateInput(),
        help_text=_("The last day for answers. Close the campaign by hand when the day has passed."),
    )
    k = forms.IntegerField(
        label=_("Smallest group shown (k)"),
        min_value=K_MIN,
        max_value=50,
        initial=K_DEFAULT,
        help_text=_(
            "Results are only shown when at least this many people have answered. With "
            "fewer answers a figure is hidden, so that no one can work out what a single "
            "person answered. 5 is a good choice; it can never be lower than 3."
        ),
    )

    def __init__(self, *args, versions, units, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)
        self.fields["framework_version"].queryset = versions
        self.fields["framework_version"].label_from_instance = lambda v: f"{v.framework.name} ({v.label})"
        preselect_only_choice(self)
        self.unit_objects = {str(u.pk): u for u in units}
        self.fields["units"].choices = [(str(u.pk), u.name) for u in units]
        present = {f.school_form for u in units for f in u.school_forms.all()}
        self.fields["school_forms"].choices = [
            (code, f"{label} ({code})") for code, label in SchoolForm.choices if code in present
        ]

    def unit_groups(self) -> list[tuple[str, list]]:
        """The unit checkboxes grouped under the area (or administration) above each unit."""
        groups: dict[str, list] = {}
        for widget in self["units"]:
            unit = self.unit_objects[str(widget.data["value"])]
            groups.setdefault(unit.parent.name if unit.parent_id else "", []).append(widget)
        return list(groups.items())

    def clean_school_year(self):
        year = self.cleaned_data["school_year"].strip()
        if not schoolyear.is_valid(year):
            raise forms.ValidationError(ERROR_SCHOOL_YEAR)
        return year

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] <= data["opens_on"]:
            self.add_error("closes_on", services.ERROR_DATES)
        groups = {
            RespondentGroup.LEADER: data.get("include_leader"),
            RespondentGroup.STAFF: data.get("include_staff"),
            RespondentGroup.PUPIL: data.get("include_pupils"),
        }
        if not any(groups.values()):
            self.add_error(None, ERROR_NO_GROUP)
        version = data.get("framework_version")
        if version is not None:
            present = set(version.items.filter(kind=ItemKind.INDICATOR).values_list("respondent", flat=True))
            for group, chosen in groups.items():
                if chosen and group not in present:
                    self.add_error(None, ERROR_GROUP_WITHOUT_ITEMS % {"group": RespondentGroup(group).label})
        data["chosen_units"] = self._chosen_units(data)
        return data

    def _chosen_units(self, data) -> list:
        choice = data.get("unit_choice")
        everything = list(self.unit_objects.values())
        if choice == UNITS_ALL:
            chosen = everything
        elif choice == UNITS_BY_FORM:
            forms_ = set(data.get("school_forms") or [])
            if not forms_:
                self.add_error("school_forms", ERROR_NO_FORM)
                return []
            chosen = [u for u in everything if forms_ & {f.school_form for f in u.school_forms.all()}]
        elif choice == UNITS_BY_HAND:
            chosen = [self.unit_objects[pk] for pk in data.get("units") or []]
        else:
            return []
        if not chosen and "units" not in self.errors:
            self.add_error("units", services.ERROR_UNITS)
        return chosen


class PupilCodeForm(forms.Form):
    unit = forms.ChoiceField(label=_("School unit"), choices=[])
    label = forms.CharField(
        label=_("Teaching group"),
        max_length=60,
        help_text=_("As the pupils know it, for example 6B or Fjärilen."),
    )
    capacity = forms.IntegerField(
        label=_("Number of pupils in the group"),
        min_value=1,
        max_value=200,
        help_text=_("The code accepts this many answers, no more."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)
        self.unit_objects = {str(u.pk): u for u in units}
        self.fields["unit"].choices = [(str(u.pk), u.name) for u in units]

    def clean_unit(self):
        return self.unit_objects[self.cleaned_data["unit"]]


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the rating reopened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": services.ERROR_REASON},
        help_text=_("The unit leader sees the reason above the rating."),
    )


class RatingForm(forms.Form):
    """level_<item pk> ("1".."5" or "na") and comment_<item pk> for each leader indicator.

    The levels are not checked against the scale here: rating_save does that, so the page and
    the service refuse a value outside the scale with the same message."""

    participants = forms.CharField(
        label=_("Who took part"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example the leadership team and the ICT group. Names or roles."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"level_{item.pk}"] = forms.CharField(required=False, max_length=10)
            self.fields[f"comment_{item.pk}"] = forms.CharField(required=False, max_length=COMMENT_MAX)

    def clean(self):
        data = super().clean()
        for item in self.items:
            if (
                data.get(f"comment_{item.pk}")
                and not data.get(f"level_{item.pk}")
                and not self.initial.get(f"level_{item.pk}")
            ):
                self.add_error(None, ERROR_COMMENT_WITHOUT_LEVEL % {"code": item.code})
        return data

    def answers(self) -> dict:
        return {
            str(i.pk): self.cleaned_data[f"level_{i.pk}"]
            for i in self.items
            if self.cleaned_data.get(f"level_{i.pk}")
        }

    def comments(self) -> dict:
        return {str(i.pk): self.cleaned_data.get(f"comment_{i.pk}", "") for i in self.items}

    def check_complete(self) -> bool:
        """Before submitting, every statement needs a level (or "not relevant")."""
        missing = [
            i.code
            for i in self.items
            if not self.cleaned_data.get(f"level_{i.pk}") and not self.initial.get(f"level_{i.pk}")
        ]
        if missing:
            self.add_error(None, ERROR_INCOMPLETE % {"codes": ", ".join(missing)})
        return not missing
