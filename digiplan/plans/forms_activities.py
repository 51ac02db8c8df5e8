"""Forms of the activity pages: the activity itself, a progress note with a status change, and
the filters of the activity table and of "Mina aktiviteter". The forms only parse and offer
choices; the services check the rules again and do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from digiplan.organisations.models import Person, RoleTitle
from digiplan.plans.access import eligible_people
from digiplan.plans.models import CHOSEN_STATUSES, NOTE_MAX, TEXT_MAX, TITLE_MAX, ActivityStatus, Goal
from digiplan.plans.selectors.activities import ALL, LATE, OPEN
from digiplan.plans.selectors.people import people_groups
from digiplan.plans.services import ERROR_DUE_BEFORE_START

NO_COLON = {"label_suffix": ""}

ERROR_PERSON_CHOICE = _("Choose a person who works at this unit.")
ERROR_GOAL_CHOICE = _("Choose one of this plan's goals.")
ERROR_ROLE_CHOICE = _("Choose one of your organisation's role titles.")
ERROR_NOTHING_TO_SAVE = _("Write a note or choose another status.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# What people_picker.js says, in the page's language (the script has no catalogue of its own).
PICKER_TEXTS = {
    "data-text-one": _("%(count)s person matches"),
    "data-text-many": _("%(count)s people match"),
    "data-text-remove": _("Remove"),
    "data-text-chosen": _("Chosen"),
    "data-text-hint": _("Type part of a name"),
}


PARTICIPANTS_HELP = _(
    "The people named here see the activity under “My activities” and can record its progress."
)


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    goal = forms.ModelChoiceField(
        label=_("Goal"),
        required=False,
        queryset=Goal.objects.none(),
        empty_label=_("No goal"),
        error_messages={"invalid_choice": ERROR_GOAL_CHOICE},
    )
    role_title = forms.ModelChoiceField(
        label=_("Responsible role"),
        required=False,
        queryset=RoleTitle.objects.none(),
        empty_label=_("No role"),
        help_text=_("Your organisation's own role titles. Name a person as well, or instead."),
        error_messages={"invalid_choice": ERROR_ROLE_CHOICE},
    )
    owner = forms.ModelChoiceField(
        label=_("Responsible person"),
        required=False,
        queryset=Person.objects.none(),
        empty_label=_("No one named"),
        error_messages={"invalid_choice": ERROR_PERSON_CHOICE},
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        required=False,
        queryset=Person.objects.none(),
        # A grouped list rather than a checkbox per person (94 of them at a large unit); with
        # JavaScript, people_picker.js puts a searchable combobox in front of it.
        widget=forms.SelectMultiple(attrs={"size": 10, "data-people-picker": "multiple"}),
        help_text=_(
            "The people named here see the activity under “My activities” and can record its "
            "progress. Hold down Ctrl (⌘ on a Mac) to choose several."
        ),
        error_messages={"invalid_choice": ERROR_PERSON_CHOICE, "invalid_pk_value": ERROR_PERSON_CHOICE},
    )
    starts_on = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=CHOSEN_STATUSES, initial=ActivityStatus.PLANNED)
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)
        self.plan = plan
        self.fields["goal"].queryset = plan.goals.all()
        self.fields["role_title"].queryset = RoleTitle.objects.filter(huvudman_id=plan.huvudman_id)
        people = eligible_people(plan)
        self.fields["owner"].queryset = people
        self.fields["participants"].queryset = people
        # The choices as shown: the plan's own people first, by role; the querysets still
        # decide what is valid (only people the plan may name).
        groups = people_groups(plan, people)
        owner = self.fields["owner"]
        owner.widget.choices = [("", owner.empty_label), *groups]
        owner.widget.attrs["data-people-picker"] = "single"
        self.fields["participants"].widget.choices = groups
        for name in ("owner", "participants"):
            self.fields[name].widget.attrs.update(PICKER_TEXTS)
        # With the picker there is no Ctrl to hold: it says the rest of the help only.
        self.fields["participants"].widget.attrs["data-text-help"] = PARTICIPANTS_HELP

    def clean(self):
        data = super().clean()
        # Said here as well as in the service, so that both dates keep what was typed and the
        # message sits at the field the person must change.
        starts_on, due_on = data.get("starts_on"), data.get("due_on")
        if starts_on and due_on and due_on < starts_on:
            self.add_error("due_on", ERROR_DUE_BEFORE_START)
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in (
                "title",
                "description",
                "goal",
                "role_title",
                "owner",
                "starts_on",
                "due_on",
                "status",
            )
        } | {"participants": list(data.get("participants") or [])}


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CHOSEN_STATUSES)
    note = forms.CharField(
        label=_("Progress note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What has been done, what is next. Kept with the date and your name."),
    )

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)
        self.activity = activity
        if not self.is_bound:
            self.initial.setdefault("status", activity.status)

    def clean(self):
        data = super().clean()
        if "status" in data and data["status"] == self.activity.status and not data.get("note"):
            raise forms.ValidationError(ERROR_NOTHING_TO_SAVE, code="empty")
        return data

    def changed_status(self) -> str | None:
        status = self.cleaned_data["status"]
        return None if status == self.activity.status else status


STATUS_FILTERS = [("", _("All statuses")), (OPEN, _("Not done")), (LATE, _("Late")), *ActivityStatus.choices]


class ActivityFilterForm(forms.Form):
    """The filters of a plan's activity table, read from the query string."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_FILTERS)
    goal = forms.ModelChoiceField(
        label=_("Goal"), required=False, queryset=Goal.objects.none(), empty_label=_("All goals")
    )
    owner = forms.ModelChoiceField(
        label=_("Responsible person"),
        required=False,
        queryset=Person.objects.none(),
        empty_label=_("Everyone"),
    )
    role = forms.ModelChoiceField(
        label=_("Responsible role"),
        required=False,
        queryset=RoleTitle.objects.none(),
        empty_label=_("All roles"),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("due", _("Due date")),
            ("start", _("Start date")),
            ("title", _("Title")),
            ("status", _("Status")),
        ],
    )

    def __init__(self, *args, plan, people, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)
        self.fields["goal"].queryset = plan.goals.all()
        self.fields["owner"].queryset = people
        self.fields["role"].queryset = RoleTitle.objects.filter(huvudman_id=plan.huvudman_id)


class MyActivitiesFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        initial=OPEN,
        choices=[(OPEN, _("Not done")), (LATE, _("Late")), *CHOSEN_STATUSES, (ALL, _("All"))],
    )
