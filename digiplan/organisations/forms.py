from django import forms
from django.utils.translation import gettext_lazy as _

from digiplan.lib.forms import blank_first, preselect_only_choice
from digiplan.organisations import cells
from digiplan.organisations.models import (
    NAME_MAX,
    Organisation,
    OrganisationType,
    Person,
    Role,
    RoleTitle,
    SchoolForm,
)

CHILD_TYPES = [(t.value, t.label) for t in OrganisationType if t != OrganisationType.HUVUDMAN]


class NodeForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=CHILD_TYPES)
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False)
    school_unit_code = forms.CharField(
        label=_("School unit code"),
        max_length=8,
        required=False,
        help_text=_("Skolenhetskod: 8 digits. Only for school units."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    external_id = forms.CharField(label=_("External id"), max_length=100, required=False)
    school_forms = forms.MultipleChoiceField(
        label=_("School forms"),
        choices=SchoolForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    pupils = forms.CharField(
        label=_("Pupils per school form and grade band"),
        required=False,
        help_text=_("For example: GR F-3=120, GR 4-6=110, FS=60"),
    )
    staff_count = forms.IntegerField(label=_("Number of staff"), min_value=0, required=False)

    def __init__(self, *args, node: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if node is not None and node.parent_id is None:  # the root keeps its type
            type_field = self.fields["type"]
            if isinstance(type_field, forms.ChoiceField):  # as declared above: for mypy
                type_field.choices = [(node.type, node.get_type_display())]

    def clean_school_unit_code(self):
        value, error = cells.school_unit_code(self.cleaned_data["school_unit_code"])
        if error:
            raise forms.ValidationError(error)
        return value

    def clean_pupils(self):
        value, error = cells.pupil_counts(self.cleaned_data["pupils"])
        if error:
            raise forms.ValidationError(error)
        return value

    def clean(self):
        data = super().clean()
        if data.get("school_unit_code") and data.get("type") != OrganisationType.SKOLENHET:
            self.add_error("school_unit_code", _("Only school units have a school unit code."))
        return data

    @staticmethod
    def initial_for(node: Organisation) -> dict:
        return {
            "type": node.type,
            "name": node.name,
            "short_name": node.short_name,
            "school_unit_code": node.school_unit_code,
            "external_id": node.external_id,
            "school_forms": [f.school_form for f in node.school_forms.all()],
            "pupils": ", ".join(
                f"{c.school_form} {c.grade_band}={c.pupils}".replace(" =", "=")
                for c in node.pupil_counts.all()
            ),
            "staff_count": node.staff_count,
        }


class MoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(
        label=_("New place in the organisation"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = candidates
        self.fields["new_parent"].label_from_instance = lambda n: (
            "— " * n.depth + f"{n.name} ({n.get_type_display().lower()})"
        )
        preselect_only_choice(self)


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    email = forms.EmailField(label=_("E-mail address"))
    external_id = forms.CharField(label=_("External id"), max_length=100, required=False)


class MembershipForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Where"), queryset=Organisation.objects.none())
    # No role chosen for the user: the first would be Strateg, the one that reaches the most.
    role = forms.ChoiceField(label=_("Role"), choices=blank_first(Role.choices))
    title = forms.ModelChoiceField(
        label=_("The organisation's own title"),
        required=False,
        queryset=RoleTitle.objects.none(),
        empty_label=_("(the role's name)"),
    )
    is_teaching = forms.BooleanField(label=_("Teaching staff"), required=False)

    def __init__(self, *args, organisations, titles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].label_from_instance = lambda n: "— " * n.depth + n.name
        self.fields["title"].queryset = titles
        self.fields["title"].label_from_instance = lambda t: f"{t.name} ({t.get_role_display()})"
        preselect_only_choice(self)

    def clean(self):
        data = super().clean()
        title = data.get("title")
        if title and title.role != data.get("role"):
            self.add_error("title", _("The title belongs to another role."))
        return data


class RoleTitleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=blank_first(Role.choices))
    name = forms.CharField(label=_("Title"), max_length=100)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("For example Lokala IT-gruppen."))
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        required=False,
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    titles = forms.ModelMultipleChoiceField(
        label=_("Everyone with the title"),
        required=False,
        queryset=RoleTitle.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Holders of these titles belong to the group without being named."),
    )

    def __init__(self, *args, people, titles, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        for name, queryset in (("members", people), ("titles", titles)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = queryset
