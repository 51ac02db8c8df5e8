"""The yearly self-assessment: campaigns, leader ratings, and anonymous staff and pupil answers.

Anonymity is built into the tables (docs/privacy.md has the whole argument). Who has answered is
a Participation (person, campaign, unit, answered yes/no) with no time of answering. What was
answered is, while the campaign is open, a sealed Ballot that the database cannot read; at
closing the ballots are shuffled and written as Responses, which hold their unit, their
respondent group and their answers: no person, no time, and a random id instead of a sequence.
Nothing joins an answer to a person, and no answers exist in the clear while anyone could still
watch them arrive.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from digiplan.frameworks.models import FrameworkVersion, Item
from digiplan.organisations.models import Huvudman, Organisation

K_MIN = 3
K_DEFAULT = 5
COMMENT_MAX = 2000


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Not yet open")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Group(models.TextChoices):
    STAFF = "staff", _("Staff")
    PUPIL = "pupil", _("Pupils")


class Campaign(models.Model):
    huvudman = models.ForeignKey(Huvudman, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(_("name"), max_length=200)
    school_year = models.CharField(
        _("school year"),
        max_length=7,
        validators=[RegexValidator(r"^\d{4}/\d{2}\Z", _("Write the school year as 2025/26."))],
    )
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="campaigns"
    )
    include_leader = models.BooleanField(_("leader rating"), default=True)
    include_staff = models.BooleanField(_("staff questionnaire"), default=True)
    include_pupils = models.BooleanField(_("pupil questionnaire"), default=False)
    k = models.PositiveSmallIntegerField(
        _("anonymity threshold"),
        default=K_DEFAULT,
        validators=[MinValueValidator(K_MIN), MaxValueValidator(50)],
        help_text=_("No figure resting on fewer answers than this is shown."),
    )
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    status = models.CharField(max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("campaign")
        ordering = ["-school_year", "name"]
        constraints = [models.CheckConstraint(condition=models.Q(k__gte=K_MIN), name="campaign_k_at_least_3")]

    def __str__(self) -> str:
        return f"{self.name} {self.school_year}"


class CampaignUnit(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    staff_expected = models.PositiveIntegerField(default=0)
    pupils_expected = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="unique_campaign_unit")]


class Participation(models.Model):
    """Who is asked and whether they have answered. Deliberately without a time of answering
    and without any link to the response."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # Only a hash is stored: a database copy cannot be used to answer in someone's name.
    token_hash = models.CharField(max_length=64, unique=True)
    answered = models.BooleanField(default=False)
    invited_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person", "unit"], name="unique_participation")
        ]


class Draft(models.Model):
    """Answers saved as a staff member goes, before submitting: sealed and bound to the
    participation (assessments.ballots), so that only the application, for the person holding
    the link, can read them. Deleted on submit and purged when the campaign closes."""

    token_hash = models.CharField(max_length=64, unique=True)
    sealed = models.BinaryField()
    updated_on = models.DateField(auto_now=True)


class Ballot(models.Model):
    """A submitted questionnaire of an open campaign, sealed (assessments.ballots). Only a
    random id and the campaign are in the clear; closing opens the box."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    sealed = models.BinaryField()


class PupilCode(models.Model):
    """One code per teaching group, valid for as many answers as the group has pupils."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pupil_codes")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("group"), max_length=60)
    code = models.CharField(max_length=12, unique=True)
    capacity = models.PositiveSmallIntegerField(
        _("pupils in the group"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    used = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["unit", "label"]


class Response(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=10, choices=Group.choices)
    comment = models.TextField(blank=True, max_length=COMMENT_MAX)

    class Meta:
        # With the id in the index the live results read a unit's responses from the index
        # alone: closing writes them in a shuffled order (nothing may tell who answered when),
        # so fetching them from the table costs a random page each and PostgreSQL preferred
        # scanning every response of every campaign (bench/README.md, issue 17).
        indexes = [models.Index(fields=["campaign", "unit", "group", "id"], name="response_campaign_unit")]


class Answer(models.Model):
    # No index of its own: answer_response_item_value begins with the response.
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", db_index=False)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    # None is "vet ej" / "ej relevant": an answer that never enters a mean.
    value = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="unique_answer")]
        # The value in an index beginning with the response: a unit's figures are aggregated
        # from the index alone (it replaces the foreign key's own index of the response).
        indexes = [
            models.Index(fields=["item", "value"]),
            models.Index(fields=["response", "item", "value"], name="answer_response_item_value"),
        ]


class RatingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class LeaderRating(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ratings")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=RatingStatus.choices, default=RatingStatus.DRAFT)
    participants = models.TextField(_("who took part"), blank=True, max_length=2000)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_reason = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="unique_rating")]


class LeaderAnswer(models.Model):
    rating = models.ForeignKey(LeaderRating, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True)  # None: not applicable
    comment = models.TextField(blank=True, max_length=COMMENT_MAX)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rating", "item"], name="unique_leader_answer")]


class ResultSnapshot(models.Model):
    """The results of a campaign as they were shown when it closed, written once by
    campaign_close. Suppression is already applied: a figure that rested on fewer than k answers
    is stored as suppressed, without any of its numbers. Item codes and titles are kept in the
    data, so that trends can be read even after the framework has changed."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="snapshot")
    created_at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField()

    class Meta:
        verbose_name = _("results snapshot")


class ResultFigures(models.Model):
    """The numbers behind one unit's shown figures in a closed campaign, written with the
    snapshot by campaign_close, so that the results pages read them back instead of aggregating
    every answer again. Only figures resting on at least k answers are kept, as
    [code, group, n, "don't know", sum, mean, value, answers, value, answers, …]; nothing of a
    suppressed one. A unit with no figure shown has an empty list. With them, the unit's number
    of staff and pupil responses (which never change after closing either)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    figures = models.JSONField(default=list)
    staff_responses = models.PositiveIntegerField(default=0)
    pupil_responses = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="unique_result_figures")]


class OrgResultFigures(models.Model):
    """The organisation's own figures of a closed campaign over every unit of it, written by
    campaign_close after ResultFigures, so that the organisation page (without filters, for a
    strategist who reaches every unit) and the charts of a unit's page read one row instead of
    every unit's figures (issue 17). They are exactly what org_results and the snapshot give at
    closing, computed from shown figures alone (see selectors/org_stored.py for the format);
    a narrower scope or a filter is computed from ResultFigures as before."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField()
