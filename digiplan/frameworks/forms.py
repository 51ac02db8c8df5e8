from django import forms
from django.utils.translation import gettext_lazy as _

from digiplan.frameworks.models import (
    TITLE_MAX,
    FrameworkKind,
    FrameworkVersion,
    Item,
    ItemKind,
    RespondentGroup,
    Scale,
)
from digiplan.frameworks.standing import with_standing
from digiplan.organisations.models import Group, Role, RoleTitle, SchoolForm

NO_COLON = {"label_suffix": ""}


class FrameworkForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=TITLE_MAX)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=100,
        help_text=_("Lower-case letters, digits and hyphens, e.g. strategi-2026."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=FrameworkKind.choices)
    source = forms.CharField(label=_("Source"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    template = forms.ModelChoiceField(
        label=_("Start from"),
        required=False,
        queryset=FrameworkVersion.objects.none(),
        empty_label=_("An empty framework"),
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["template"].label_from_instance = lambda v: with_standing(
            f"{v.framework.name} ({v.label})", v.framework, v
        )


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    code = forms.RegexField(
        label=_("Code"),
        max_length=40,
        regex=r"^[\w.\-]+$",
        help_text=_("Short and unique in the version, e.g. DK.2."),
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )
    respondent = forms.ChoiceField(
        label=_("Respondent group (indicators)"),
        required=False,
        choices=[("", "—"), *RespondentGroup.choices],
    )
    scale = forms.ModelChoiceField(
        label=_("Scale (indicators)"), required=False, queryset=Scale.objects.none()
    )
    school_forms = forms.MultipleChoiceField(
        label=_("School forms"),
        required=False,
        choices=SchoolForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    title_en = forms.CharField(label=_("Title in English"), max_length=TITLE_MAX, required=False)
    description_en = forms.CharField(
        label=_("Description in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20000,
    )
    links = forms.ModelMultipleChoiceField(
        label=_("Derives from"),
        required=False,
        queryset=Item.objects.none(),
        help_text=_("The items of other frameworks (e.g. the national strategy) this one serves."),
        widget=forms.CheckboxSelectMultiple,
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, scales, linkable, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)
        self.fields["scale"].queryset = scales
        self.fields["links"].queryset = linkable
        self.fields["links"].label_from_instance = lambda i: (
            f"{with_standing(i.version.framework.name, i.version.framework, i.version)}: {i.code} {i.title}"
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ItemKind.INDICATOR:
            if not data.get("respondent"):
                self.add_error("respondent", _("An indicator needs a respondent group."))
            if not data.get("scale"):
                self.add_error("scale", _("An indicator needs a scale."))
        elif data.get("respondent") or data.get("scale"):
            self.add_error("kind", _("Only indicators have a respondent group and a scale."))
        return data


class LevelDescriptionsForm(forms.Form):
    """One text field per level of the indicator's scale."""

    def __init__(self, *args, levels, initial_texts, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)
        for level in levels:
            self.fields[f"level_{level.value}"] = forms.CharField(
                label=f"{level.value} – {level.label}",
                required=False,
                max_length=2000,
                initial=initial_texts.get(str(level.value), ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )


ERROR_ONE_HOLDER = _("Choose a role, a group or an outside party, only one of them.")
ERROR_ONE_OWNER = _("Choose a title, a group or an outside party as owner, only one of them.")


class DateInput(forms.DateInput):
    input_type = "date"


def _holder_choices(form: forms.Form, prefix: str, titles, groups) -> None:
    for name, queryset in ((f"{prefix}title", titles), (f"{prefix}group", groups)):
        field = form.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


class ResponsibilityForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", "—"), *Role.choices],
        help_text=_("Leave empty when the duty is a group's or an outside party's."),
    )
    title = forms.ModelChoiceField(
        label=_("The organisation's title"),
        required=False,
        queryset=RoleTitle.objects.none(),
        help_text=_("Those who hold the title see the duty under My responsibilities."),
    )
    role_title = forms.CharField(
        label=_("Role as the document names it"),
        max_length=120,
        required=False,
        help_text=_("For example Rektor, Undervisande personal, IT-tekniker."),
    )
    group = forms.ModelChoiceField(label=_("Group"), required=False, queryset=Group.objects.none())
    party = forms.CharField(
        label=_("Outside party"),
        max_length=120,
        required=False,
        help_text=_("Someone outside the organisation, for example Leverantören."),
    )
    area = forms.ModelChoiceField(label=_("Area"), required=False, queryset=Item.objects.none())
    text = forms.CharField(
        label=_("Responsibility"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, items, titles, groups, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)
        self.fields["area"].queryset = items
        self.fields["area"].label_from_instance = lambda i: f"{i.code} {i.title}"
        _holder_choices(self, "", titles, groups)

    def clean(self):
        data = super().clean()
        if data.get("title"):
            data["role"] = data.get("role") or data["title"].role  # the title's role gives its access
            # Kept as the document's wording: the duty still reads right if the title goes.
            data["role_title"] = data.get("role_title") or data["title"].name
        if len([x for x in (data.get("role"), data.get("group"), data.get("party")) if x]) != 1:
            raise forms.ValidationError(ERROR_ONE_HOLDER)
        return data


METRICS = [
    ("devices_per_pupil", _("Devices per pupil")),
    ("devices_per_child", _("Devices per child")),
    ("devices_per_employee", _("Devices per employee")),
]


class TargetForm(forms.Form):
    metric = forms.ChoiceField(label=_("Metric"), choices=METRICS)
    school_form = forms.ChoiceField(
        label=_("School form"), required=False, choices=[("", "—"), *SchoolForm.choices]
    )
    grade_band = forms.CharField(
        label=_("Grade band"), max_length=20, required=False, help_text=_("For example 1-9.")
    )
    value = forms.DecimalField(label=_("Value"), max_digits=10, decimal_places=3, min_value=0)
    description = forms.CharField(label=_("Description"), max_length=TITLE_MAX, required=False)
    owner_title = forms.ModelChoiceField(
        label=_("Owner: the organisation's title"), required=False, queryset=RoleTitle.objects.none()
    )
    owner_group = forms.ModelChoiceField(
        label=_("Owner: group"), required=False, queryset=Group.objects.none()
    )
    owner_party = forms.CharField(label=_("Owner: outside party"), max_length=120, required=False)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput)
    measured_by = forms.CharField(
        label=_("How it is measured"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, titles, groups, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)
        _holder_choices(self, "owner_", titles, groups)

    def clean(self):
        data = super().clean()
        if (
            len([x for x in (data.get("owner_title"), data.get("owner_group"), data.get("owner_party")) if x])
            > 1
        ):
            raise forms.ValidationError(ERROR_ONE_OWNER)
        return data


class VersionDetailsForm(forms.Form):
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DateInput)
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DateInput)
    decision_body = forms.CharField(
        label=_("Decided by"),
        max_length=200,
        required=False,
        help_text=_("For example Barn- och utbildningsnämnden."),
    )
    decision_date = forms.DateField(label=_("Decision date"), required=False, widget=DateInput)
    decision_reference = forms.CharField(
        label=_("Decision reference"),
        max_length=100,
        required=False,
        help_text=_("For example a § or a case number."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)


class FollowUpForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    text = forms.CharField(label=_("What is followed up"), max_length=TITLE_MAX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **NO_COLON, prefix="follow_up", **kwargs)


class ScaleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=TITLE_MAX)
    slug = forms.SlugField(label=_("Short name"), max_length=80)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    levels = forms.CharField(
        label=_("Levels"),
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_(
            "One level per line: value; label; description. Write “*” first on the line "
            "of an answer that never counts, e.g. “* 0; Vet ej”."
        ),
    )

    def clean_levels(self):
        levels, values = [], set()
        for number, line in enumerate(self.cleaned_data["levels"].splitlines(), start=1):
            if not line.strip():
                continue
            not_applicable = line.strip().startswith("*")
            parts = [p.strip() for p in line.strip().lstrip("*").split(";", 2)]
            if len(parts) < 2 or not parts[0].lstrip("-").isdigit() or not parts[1]:
                raise forms.ValidationError(_("Line %(n)s: write value; label; description.") % {"n": number})
            value = int(parts[0])
            if value in values:
                raise forms.ValidationError(
                    _("Line %(n)s: the value %(v)s is used twice.") % {"n": number, "v": value}
                )
            values.add(value)
            levels.append(
                {
                    "value": value,
                    "label": parts[1][:200],
                    "description": parts[2] if len(parts) > 2 else "",
                    "not_applicable": not_applicable,
                }
            )
        if len([lv for lv in levels if not lv["not_applicable"]]) < 2:
            raise forms.ValidationError(_("A scale needs at least two levels that count."))
        return levels


class FrameworkImportForm(forms.Form):
    file = forms.FileField(label=_("Framework file (YAML)"))
    replace_draft = forms.BooleanField(
        label=_("Replace the existing draft"),
        required=False,
        help_text=_("Only needed when the framework already has a draft: the file then takes its place."),
    )
