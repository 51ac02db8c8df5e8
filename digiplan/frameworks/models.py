"""Frameworks: a huvudman's strategy, plan or indicator set as a versioned tree of items.

A published version is frozen: everything that cites an item (links, campaigns, plans) keeps
pointing at that exact version. Built-in frameworks and scales have no huvudman and are
readable by everyone and editable by no one.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digiplan.organisations.models import Group, Huvudman, Role, RoleTitle

TITLE_MAX = 300


class FrameworkKind(models.TextChoices):
    NATIONAL = "national", _("National strategy")
    ACTION_PLAN = "action_plan", _("Action plan")
    STRATEGY = "strategy", _("Strategy")
    PLAN = "plan", _("Plan")
    INDICATORS = "indicators", _("Self-assessment set")
    REFERENCE = "reference", _("Reference framework")


class Standing(models.TextChoices):
    """Where a framework stands as a national or European reference: a user choosing one to
    derive from must see at once that the 2017 strategy has run out and that Skolverket's
    proposal was never adopted."""

    NONE = "", _("Not stated")
    CURRENT = "current", _("In force")
    HISTORICAL = "historical", _("Historical")
    PROPOSAL = "proposal", _("Proposal, not adopted")
    REFERENCE = "reference", _("Reference framework")


class ItemKind(models.TextChoices):
    """What an item is in its document. The set is broad on purpose: municipal plans name
    their parts in many ways, and any of them must fit without code changes."""

    FOCUS_AREA = "focus_area", _("Focus area")
    AREA = "area", _("Area")
    GOAL = "goal", _("Goal")
    SUB_GOAL = "sub_goal", _("Sub-goal")
    DESIRED_STATE = "desired_state", _("Desired state")
    REQUIREMENT = "requirement", _("Requirement")
    ACTION_AREA = "action_area", _("Action area")
    ACTION = "action", _("How")
    PREREQUISITE = "prerequisite", _("Prerequisite")
    TOOL = "tool", _("Common digital tool")
    INDICATOR = "indicator", _("Indicator")
    SECTION = "section", _("Section")


class RespondentGroup(models.TextChoices):
    LEADER = "leader", _("Leader")
    STAFF = "staff", _("Staff")
    PUPIL = "pupil", _("Pupils")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Scale(models.Model):
    huvudman = models.ForeignKey(
        Huvudman, null=True, blank=True, on_delete=models.CASCADE, related_name="scales"
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(_("name"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), blank=True)
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("scale")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["huvudman", "slug"], name="unique_scale_slug"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(huvudman__isnull=True), name="unique_builtin_scale_slug"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ScaleLevel(models.Model):
    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="levels")
    value = models.IntegerField(_("value"))
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # "Not applicable" and "don't know" are answers, never numbers: they never enter averages.
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    order = models.PositiveIntegerField(default=0)
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["order", "value"]
        constraints = [models.UniqueConstraint(fields=["scale", "value"], name="unique_level")]

    def __str__(self) -> str:
        return self.label


class Framework(models.Model):
    huvudman = models.ForeignKey(
        Huvudman, null=True, blank=True, on_delete=models.CASCADE, related_name="frameworks"
    )
    slug = models.SlugField(max_length=100)
    name = models.CharField(_("name"), max_length=TITLE_MAX)
    kind = models.CharField(_("kind"), max_length=20, choices=FrameworkKind.choices)
    source = models.TextField(_("source"), blank=True)
    standing = models.CharField(_("standing"), max_length=12, choices=Standing.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("framework")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["huvudman", "slug"], name="unique_framework_slug"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(huvudman__isnull=True), name="unique_builtin_framework_slug"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.huvudman_id is None


class FrameworkVersion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(null=True, blank=True)  # given when published
    status = models.CharField(max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Optimistic lock: every edit bumps it; a save from a stale page is refused.
    revision = models.PositiveIntegerField(default=0)
    # The plan's own period of validity and the decision that adopted it.
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    decision_body = models.CharField(_("decided by"), max_length=200, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_reference = models.CharField(_("decision reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["framework", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="unique_version_number"),
            models.UniqueConstraint(
                fields=["framework"], condition=Q(status="draft"), name="one_draft_per_framework"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework} – {self.label}"

    @property
    def label(self) -> str:
        return f"v{self.number}" if self.number else str(_("draft"))

    @property
    def is_frozen(self) -> bool:
        return self.status != VersionStatus.DRAFT

    def is_expired(self, today: date) -> bool:
        """Whether the plan's period of validity ended before today."""
        return self.valid_to is not None and self.valid_to < today


class FollowUp(models.Model):
    """A date the plan says it is followed up on; it becomes a task for the strategist."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField(_("date"))
    text = models.CharField(_("what is followed up"), max_length=TITLE_MAX)
    order = models.PositiveIntegerField(default=0)
    # Marked by a strategist: the task leaves the start page (who and when are in the audit trail).
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["date", "order"]

    def __str__(self) -> str:
        return f"{self.date} {self.text}"


class Item(models.Model):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(default=0)
    respondent = models.CharField(
        _("respondent group"), max_length=10, blank=True, choices=RespondentGroup.choices
    )
    scale = models.ForeignKey(Scale, null=True, blank=True, on_delete=models.PROTECT, related_name="items")
    # {"3": "What level 3 looks like for this indicator", ...}
    level_descriptions = models.JSONField(default=dict, blank=True)
    school_forms = models.JSONField(default=list, blank=True)
    translations = models.JSONField(default=dict, blank=True)
    links = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="derived_items")

    class Meta:
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_item_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Responsibility(models.Model):
    """What a role must do, per area: "Ansvar – Personal / Chef / Förvaltningscentralt"."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="responsibilities")
    # Blank only when the duty is a group's or an outside party's.
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    # The document's own name for the role, e.g. "Rektor", "Undervisande personal", "IT-tekniker".
    role_title = models.CharField(_("role as the document names it"), max_length=120, blank=True)
    # Who holds the duty, by identity: the huvudman's own title, a group, or an outside party.
    # A title removed leaves the duty with its role and wording; a group in use cannot be removed.
    title = models.ForeignKey(
        RoleTitle, null=True, blank=True, on_delete=models.SET_NULL, related_name="responsibilities"
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.PROTECT, related_name="responsibilities"
    )
    party = models.CharField(_("outside party"), max_length=120, blank=True)
    area = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.CASCADE, related_name="responsibilities"
    )
    text = models.TextField(_("responsibility"))
    order = models.PositiveIntegerField(default=0)
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["role", "order"]

    @property
    def holder_label(self) -> str:
        """Whom the duty falls on, as the page names them."""
        return (
            owner_name(self.title, self.group, self.party) or self.role_title or str(self.get_role_display())
        )


def owner_name(title: RoleTitle | None, group: Group | None, party: str) -> str:
    return title.name if title else group.name if group else party


class Target(models.Model):
    """A measurable target, e.g. devices per pupil in grades 1–9 = 1.0."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="targets")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("metric"), max_length=60)
    school_form = models.CharField(_("school form"), max_length=10, blank=True)
    grade_band = models.CharField(_("grade band"), max_length=20, blank=True)
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=3)
    description = models.CharField(_("description"), max_length=TITLE_MAX, blank=True)
    order = models.PositiveIntegerField(default=0)
    owner_title = models.ForeignKey(
        RoleTitle, null=True, blank=True, on_delete=models.SET_NULL, related_name="targets"
    )
    owner_group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    owner_party = models.CharField(_("outside party"), max_length=120, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    measured_by = models.TextField(_("how it is measured"), blank=True)

    class Meta:
        ordering = ["order"]

    @property
    def owner_label(self) -> str:
        """The owner's display name, or "" when the target names none."""
        return owner_name(self.owner_title, self.owner_group, self.owner_party)
