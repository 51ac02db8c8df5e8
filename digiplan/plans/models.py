"""Local digitalisation plans: goals traced to framework items, activities with owners and
dates, spring follow-up, and the administration's library of example activities.

Every editable row carries a revision number. A save names the revision it started from and is
refused when someone else saved in between, so that two people never silently overwrite each
other (DESIGN: "Concurrent edits never silently overwrite each other").
"""

import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiplan.frameworks.models import Item
from digiplan.organisations.models import Huvudman, Organisation, RoleTitle, SchoolForm

TITLE_MAX = 200
TEXT_MAX = 10_000
NOTE_MAX = 5_000

school_year_validator = RegexValidator(r"^\d{4}/\d{2}\Z", _("Write the school year as 2025/26."))


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    FOLLOWED_UP = "followed_up", _("Followed up")


class Plan(models.Model):
    """One unit's plan for one school year, or the central plan of an administration node."""

    huvudman = models.ForeignKey(Huvudman, on_delete=models.PROTECT, related_name="plans")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="plans")
    school_year = models.CharField(_("school year"), max_length=7, validators=[school_year_validator])
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    introduction = models.TextField(_("introduction"), blank=True, max_length=TEXT_MAX)
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    summary = models.TextField(_("follow-up summary"), blank=True, max_length=TEXT_MAX)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    follow_up_reminded_on = models.DateField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("plan")
        ordering = ["-school_year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "school_year"], name="unique_plan_per_year")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_central(self) -> bool:
        return self.organisation.type != "skolenhet"

    @property
    def editable(self) -> bool:
        return self.status != PlanStatus.FOLLOWED_UP


class GoalOrigin(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested from the results")
    OWN = "own", _("Written by the unit")
    CARRIED = "carried", _("Carried forward")


class GoalOutcome(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class Goal(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX)
    items = models.ManyToManyField(
        Item, blank=True, related_name="plan_goals", verbose_name=_("framework items")
    )
    # The baseline as the results showed it when the goal was set: a number on the item's scale
    # and the words it was shown with (e.g. "Påbörjad (3)" or "medel 2,4 av 5").
    baseline = models.DecimalField(_("baseline"), max_digits=5, decimal_places=2, null=True, blank=True)
    baseline_text = models.CharField(_("baseline"), max_length=200, blank=True)
    target = models.DecimalField(_("target"), max_digits=5, decimal_places=2, null=True, blank=True)
    target_text = models.CharField(_("target as words"), max_length=200, blank=True)
    origin = models.CharField(max_length=10, choices=GoalOrigin.choices, default=GoalOrigin.OWN)
    order = models.PositiveIntegerField(default=0)
    outcome = models.CharField(_("outcome"), max_length=15, choices=GoalOutcome.choices, blank=True)
    reflection = models.TextField(_("reflection"), blank=True, max_length=TEXT_MAX)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("goal")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class DismissedSuggestion(models.Model):
    """A suggestion the leader said no to: it is not proposed again for this plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="dismissed")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "item"], name="unique_dismissed_suggestion")]


class LibraryActivity(models.Model):
    """An example activity (*exempel på aktivitet*) that strategists publish for units to copy."""

    huvudman = models.ForeignKey(Huvudman, on_delete=models.CASCADE, related_name="library_activities")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX)
    items = models.ManyToManyField(
        Item, blank=True, related_name="library_activities", verbose_name=_("framework items")
    )
    role_title = models.ForeignKey(
        RoleTitle,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("suggested responsible role"),
    )
    duration = models.CharField(_("typical duration"), max_length=100, blank=True)
    school_forms = models.JSONField(_("school forms"), default=list, blank=True)
    # Competence development a staff member can take on their own, suggested after the staff
    # questionnaire next to the statements they rated lowest.
    for_staff = models.BooleanField(_("competence development for staff"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("example activity")
        verbose_name_plural = _("example activities")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def school_form_labels(self) -> list[str]:
        """The names of the school forms the example suits (none named: all of them)."""
        labels = dict(SchoolForm.choices)
        return [str(labels.get(code, code)) for code in self.school_forms]


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
    # Copied into the next year's plan (plan_create's carry): the work goes on there, so this
    # one is no longer open, late or listed among the person's activities (issue 16).
    CARRIED = "carried", _("Carried forward to the next plan")


OPEN_STATUSES = (ActivityStatus.PLANNED, ActivityStatus.ONGOING)
# What a user may set by hand: carried forward is set only by carrying forward.
CHOSEN_STATUSES = [(v, label) for v, label in ActivityStatus.choices if v != ActivityStatus.CARRIED]


class Activity(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities")
    goal = models.ForeignKey(
        Goal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("goal"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX)
    role_title = models.ForeignKey(
        RoleTitle,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsible role"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_activities",
        verbose_name=_("responsible person"),
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="plan_activities", verbose_name=_("participants")
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    follow_up_note = models.TextField(_("follow-up note"), blank=True, max_length=NOTE_MAX)
    library_activity = models.ForeignKey(
        LibraryActivity, null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["due_on", "title", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(due_on__isnull=True)
                | models.Q(due_on__gte=models.F("starts_on")),
                name="activity_due_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_late_on(self, day: datetime.date) -> bool:
        return self.status in OPEN_STATUSES and self.due_on is not None and self.due_on < day

    @property
    def is_late(self) -> bool:
        return self.is_late_on(timezone.localdate())


class ProgressNote(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField(_("note"), max_length=NOTE_MAX)
    status = models.CharField(max_length=10, choices=ActivityStatus.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class CalendarFeed(models.Model):
    """The secret behind a person's iCalendar address. Stored as given: the person must be able
    to copy the address again; making a new one stops the old one."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    secret = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
