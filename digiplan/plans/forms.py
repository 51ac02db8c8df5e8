"""Forms of the plan pages: a new plan, the plan's own fields, a goal, accepting a suggested goal
and the spring follow-up. Activities and the library keep their forms in their own modules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from digiplan.assessments.forms import DateInput
from digiplan.frameworks.models import FrameworkVersion, Item
from digiplan.lib import schoolyear
from digiplan.lib.forms import preselect_only_choice
from digiplan.organisations.models import Organisation
from digiplan.plans.models import NOTE_MAX, TEXT_MAX, TITLE_MAX, Activity, GoalOutcome
from digiplan.plans.services.checks import ERROR_PLAN_EXISTS

NO_COLON = {"label_suffix": ""}

ERROR_SCHOOL_YEAR = _("Write the school year as 2026/27: the second year follows the first.")
ERROR_NODE_CHOICE = _("Choose a unit or administration you plan for.")
ERROR_TOO_LONG = _(
    "The text has %(show_value)s characters; at most %(limit_value)s fit. Shorten "
    "it and save again: what you wrote is still here."
)
DONE, NOT_DONE = "done", "not_done"


def _text(label, *, max_length: int, required: bool = False, rows: int = 0, help_text=""):
    """A text field whose "too long" error says what to do and that nothing was lost."""
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=widget,
        help_text=help_text,
        strip=True,
        error_messages={"max_length": ERROR_TOO_LONG},
    )


def clean_school_year(value: str) -> str:
    value = value.strip()
    if not schoolyear.is_valid(value):
        raise forms.ValidationError(ERROR_SCHOOL_YEAR)
    return value


class NodeChoiceForm(forms.Form):
    """The first step of a new plan: for which unit, or for the administration itself."""

    node = forms.ModelChoiceField(
        label=_("Plan for"),
        queryset=Organisation.objects.none(),
        error_messages={"invalid_choice": ERROR_NODE_CHOICE},
    )

    def __init__(self, *args, nodes, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)
        self.fields["node"].queryset = nodes
        self.fields["node"].label_from_instance = node_label
        preselect_only_choice(self)


def node_label(node) -> str:
    if node.type == "skolenhet":
        return node.name
    return _("%(name)s (central plan)") % {"name": node.name}


class PlanCreateForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": ERROR_NODE_CHOICE},
    )
    # A choice of the years the node has no plan for (issue 16); any other valid free year
    # posted is still accepted, and a taken one is refused on this field.
    school_year = forms.CharField(
        label=_("School year"),
        max_length=7,
        widget=forms.Select,
        help_text=_("Only school years the unit has no plan for yet are offered."),
    )
    title = _text(
        _("Title"),
        max_length=TITLE_MAX,
        help_text=_("Leave it empty for “Digitalisation plan” and the school year."),
    )
    follow_up_due = forms.DateField(
        label=_("Follow-up due"),
        required=False,
        widget=DateInput(),
        help_text=_("When the spring follow-up should be done."),
    )
    carry = forms.ModelMultipleChoiceField(
        label=_("Carry forward to the new plan"),
        required=False,
        queryset=Activity.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Unfinished activities of the earlier plan. The ones you tick are copied into the "
            "new plan with their goals, their dates moved to the same day in the new school "
            "year. In the earlier plan they are marked as carried forward."
        ),
    )

    def __init__(self, *args, nodes, carry, years, taken, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)
        self.fields["organisation"].queryset = nodes
        self.fields["school_year"].widget.choices = [(y, y) for y in years]
        self.taken = taken
        self.fields["carry"].queryset = carry
        self.fields["carry"].label_from_instance = _carry_label

    def clean(self):
        data = super().clean()
        node, year = data.get("organisation"), data.get("school_year")
        if node is not None and year in self.taken:
            self.add_error("school_year", ERROR_PLAN_EXISTS % {"node": node.name, "year": year})
        return data

    def clean_school_year(self):
        return clean_school_year(self.cleaned_data["school_year"])


def _carry_label(activity) -> str:
    parts = [activity.title]
    if activity.goal_id:
        parts.append(_("goal: %(goal)s") % {"goal": activity.goal.title})
    parts.append(str(activity.get_status_display()).lower())
    return " – ".join(parts)


class PlanForm(forms.Form):
    title = _text(_("Title"), max_length=TITLE_MAX, required=True)
    introduction = _text(
        _("Introduction"),
        max_length=TEXT_MAX,
        rows=8,
        help_text=_("Where the unit stands and what the plan is for."),
    )
    follow_up_due = forms.DateField(label=_("Follow-up due"), required=False, widget=DateInput())
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)


class GoalForm(forms.Form):
    title = _text(_("Goal"), max_length=TITLE_MAX, required=True)
    description = _text(_("Description"), max_length=TEXT_MAX, rows=4)
    items = forms.ModelMultipleChoiceField(
        label=_("Framework items"),
        required=False,
        queryset=Item.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The areas, goals or indicators the goal works towards: they link it to the "
            "municipal and national goals."
        ),
    )
    baseline_text = _text(
        _("Baseline"), max_length=200, help_text=_("Where the unit stands now, for example “Påbörjad (3)”.")
    )
    target_text = _text(
        _("Target"), max_length=200, help_text=_("What the unit wants to reach, for example “Nästan där”.")
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)
        self.fields["items"].queryset = items

    def item_groups(self, versions: list[tuple[FrameworkVersion, list[Item]]]) -> list[dict[str, Any]]:
        """One group per framework version: its items in reading order with their checkboxes,
        open when the first group or when something in it is ticked."""
        widgets = {str(w.data["value"]): w for w in self["items"]}
        groups: list[dict[str, Any]] = []
        for version, items in versions:
            rows = [(item, widgets[str(item.pk)]) for item in items if str(item.pk) in widgets]
            if rows:
                groups.append(
                    {
                        "version": version,
                        "rows": rows,
                        "open": not groups or any(w.data["selected"] for _item, w in rows),
                    }
                )
        return groups


class SuggestionAcceptForm(forms.Form):
    """What the leader may change when accepting a suggestion: the words, never the figures."""

    title = _text(_("Goal"), max_length=TITLE_MAX)
    target_text = _text(_("Target"), max_length=200)
    library = forms.MultipleChoiceField(
        label=_("Add these example activities"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
    )

    def __init__(self, *args, library=(), **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)
        self.fields["library"].choices = [(str(e.pk), e.title) for e in library]


class FollowUpForm(forms.Form):
    """The whole spring follow-up in one form, so that nothing typed is lost when one part has
    an error: per goal an outcome and a reflection, per activity done or not and a note."""

    summary = _text(
        _("Summary for the unit"),
        max_length=TEXT_MAX,
        rows=6,
        help_text=_("What went well, what did not, and what the next plan should take up."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, goals, activities, **kwargs):
        super().__init__(*args, **NO_COLON, **kwargs)
        self.goals, self.activities = goals, activities
        for goal in goals:
            self.fields[f"outcome_{goal.pk}"] = forms.ChoiceField(
                label=_("Outcome of “%(goal)s”") % {"goal": goal.title},
                required=False,
                widget=forms.RadioSelect,
                choices=GoalOutcome.choices,
            )
            self.fields[f"reflection_{goal.pk}"] = _text(
                _("Reflection on “%(goal)s”") % {"goal": goal.title}, max_length=TEXT_MAX, rows=3
            )
            self.fields[f"goal_revision_{goal.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=0
            )
        for activity in activities:
            self.fields[f"done_{activity.pk}"] = forms.ChoiceField(
                label=_("Was “%(activity)s” done?") % {"activity": activity.title},
                required=False,
                widget=forms.RadioSelect,
                choices=[(DONE, _("Done")), (NOT_DONE, _("Not done"))],
            )
            self.fields[f"note_{activity.pk}"] = _text(
                _("Note on “%(activity)s”") % {"activity": activity.title}, max_length=NOTE_MAX, rows=2
            )
            self.fields[f"activity_revision_{activity.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=0
            )

    @staticmethod
    def initial_for(plan, goals, activities) -> dict:
        initial = {"summary": plan.summary, "revision": plan.revision}
        for goal in goals:
            initial[f"outcome_{goal.pk}"] = goal.outcome
            initial[f"reflection_{goal.pk}"] = goal.reflection
            initial[f"goal_revision_{goal.pk}"] = goal.revision
        for activity in activities:
            initial[f"done_{activity.pk}"] = stored_done(activity)
            initial[f"note_{activity.pk}"] = activity.follow_up_note
            initial[f"activity_revision_{activity.pk}"] = activity.revision
        return initial

    def goal_rows(self) -> list[dict]:
        return [
            {
                "goal": g,
                "outcome": self[f"outcome_{g.pk}"],
                "reflection": self[f"reflection_{g.pk}"],
                "revision": self[f"goal_revision_{g.pk}"],
            }
            for g in self.goals
        ]

    def activity_rows(self) -> list[dict]:
        return [
            {
                "activity": a,
                "done": self[f"done_{a.pk}"],
                "note": self[f"note_{a.pk}"],
                "revision": self[f"activity_revision_{a.pk}"],
            }
            for a in self.activities
        ]


def stored_done(activity) -> str:
    """How the follow-up form shows an activity's stored state: done, marked not done (it has a
    follow-up note), or not looked at yet."""
    if activity.status == "done":
        return DONE
    return NOT_DONE if activity.follow_up_note else ""
